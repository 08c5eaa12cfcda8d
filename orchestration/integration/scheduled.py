"""Scheduled actions and time-based rules of a scenario, run on the simulation clock.

Concept: a scenario's ``automation:`` block declares what an Odoo administrator would click
together — automation rules (``base.automation``, including the time triggers ``on_time``,
``on_time_created``, ``on_time_updated``) and scheduled actions (``ir.cron``). In a run they go
through the mocked Odoo exactly as in Odoo (ODOO.md §1.5, §3): the Odoo cron worker is a SimPy
process (:mod:`orchestration.odoo.runner`) polling every 60 s of simulated time, time rules fire
from the automation cron whose interval follows ``_get_cron_interval`` (a delay of 1 h: every
6 min; 0: every 4 h), a scheduled action runs every ``interval_number`` x ``interval_type``.

What the twin can honour, and everything else is rejected at load with its path
(:func:`automation_problems`), never accepted and ignored:

- rules only on the models the automated models keep in the mocked Odoo during a run
  (``RUN_MODELS``: purchase orders, their lines, receipts and moves) — a rule on any other model
  could never fire;
- no automation at all under a model that runs no Odoo (``manual``: e-mail and spreadsheets);
- scheduled actions only of the named server actions in ``SERVER_ACTIONS``; no code action in a
  rule (no Python in scenario files; the server actions act on the whole Odoo, not on a rule's
  records, and would fail the run mid-way if a rule called them).

Server actions (``fn(env)``, run in the cron's transaction):

- ``po_watchdog``: purchase orders confirmed (state ``purchase``) whose confirmation POST to the
  middleware was lost are posted again (Odoo knows: the webhook action logs its timeout). The
  re-post crosses the same lossy hop; the n8n flow sends the PO to its supplier with its
  idempotency key, so a PO already sent is not ordered twice.
- ``overdue_approval_reminders`` (:meth:`orchestration.backoffice.requests.ApprovalRequests.
  remind_overdue`): every approval step still waiting for a person, of a request older than its
  tier's target (``policy.deadline_h``), is reminded; an approver who had not opened it yet
  opens it at the next working moment (counted in ``approval_reminders_total``).
- ``reconciliation_scan`` (:mod:`orchestration.backoffice.reconciliation`): bills paid as billed
  by a rule although they failed the 3-way match are checked against their receipt; one paid
  above it is an exception for ``finance``, who claims the overpayment back. Rejected at load
  when the scenario has no ``finance`` pool to raise it to.

KPIs: ``odoo_time_rule_fires_total`` (records processed by time rules),
``odoo_scheduled_action_runs_total`` (runs of the scenario's scheduled actions),
``po_watchdog_resends_total``, ``reconciliation_findings_total``, ``invoice_overpaid_recovered``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from orchestration.odoo import Env, ManualClock
from orchestration.odoo.automation import TIME_TRIGGERS
from orchestration.odoo.config import AutomationConfigError, build_automation
from orchestration.odoo.runner import start_cron_runner
from scenarios.schema import Scenario

if TYPE_CHECKING:
    from orchestration.integration.erp import OdooErp

#: the models the automated models keep in the mocked Odoo during a run
RUN_MODELS = ("purchase.order", "purchase.order.line", "stock.picking", "stock.move")
#: orchestration models that run no Odoo (no rule or scheduled action can act there)
MODELS_WITHOUT_ODOO = ("manual",)
SERVER_ACTIONS = ("po_watchdog", "overdue_approval_reminders", "reconciliation_scan")
#: server actions named in the issue the twin cannot honour yet (none left), with the reason
NOT_HONOURED: dict[str, str] = {}
#: server actions that raise exceptions for a team: the approver pool they need
NEEDS_POOL = {"reconciliation_scan": "finance"}


def _noop(env: Env) -> None:  # pragma: no cover - validation only
    return None


def _code_actions(rules: Any) -> dict[str, str]:
    """The ``callable`` path and name of every code action in the rules (multi children too)."""
    out: dict[str, str] = {}

    def walk(actions: Any, path: str) -> None:
        for j, action in enumerate(actions):
            if action.state == "code":
                out[f"{path}[{j}].callable"] = action.callable
            elif action.state == "multi":
                walk(action.children, f"{path}[{j}].children")

    for i, rule in enumerate(rules):
        walk(rule.actions, f"automation.rules[{i}].actions")
    return out


def automation_problems(scenario: Scenario) -> list[tuple[str, str, str]]:
    """Every problem of the scenario's declared automation, as (path, expected, found).

    Names are checked on a throwaway Odoo (unknown model, field, trigger or domain operator),
    then what the twin cannot honour in a run."""
    auto = scenario.automation
    if not (auto.rules or auto.scheduled_actions):
        return []
    out: list[tuple[str, str, str]] = []
    model = scenario.orchestration.model
    if model in MODELS_WITHOUT_ODOO:
        out.append(
            (
                "automation",
                f"no automation under a model that runs no Odoo ({model!r}: e-mail and "
                "spreadsheets); choose an automated model",
                f"{len(auto.rules)} rule(s), {len(auto.scheduled_actions)} scheduled action(s)",
            )
        )
    env = Env(clock=ManualClock(dt.datetime.combine(scenario.start_date, dt.time())))
    code = _code_actions(auto.rules)
    try:
        build_automation(env, auto, dict.fromkeys(SERVER_ACTIONS, _noop))
    except AutomationConfigError as exc:
        for p in exc.problems:
            if p.path.endswith(".callable") and p.found.strip("'") in NOT_HONOURED:
                continue  # reported below with its reason
            if p.path in code:
                continue  # reported below: no code action in a rule at all
            out.append((p.path, p.expected, str(p.found)))
    for path, name in code.items():
        out.append(
            (
                path,
                "no code action in a rule: the twin runs no Python from a scenario (its server "
                f"actions {list(SERVER_ACTIONS)} take no records; declare them as scheduled "
                "actions)",
                name,
            )
        )
    for i, rule in enumerate(auto.rules):
        if rule.model in env.registry and rule.model not in RUN_MODELS:
            out.append(
                (
                    f"automation.rules[{i}].model",
                    f"a model the twin keeps in Odoo during a run, one of {list(RUN_MODELS)}",
                    rule.model,
                )
            )
    for k, job in enumerate(auto.scheduled_actions):
        pool = NEEDS_POOL.get(job.callable)
        if pool is not None and pool not in scenario.approvals.pools:
            out.append(
                (
                    f"automation.scheduled_actions[{k}].callable",
                    f"a scenario with the approver pool {pool!r} its findings go to "
                    f"(approvals.pools: {sorted(scenario.approvals.pools)})",
                    job.callable,
                )
            )
        if job.callable in NOT_HONOURED:
            out.append(
                (
                    f"automation.scheduled_actions[{k}].callable",
                    f"a server action the twin honours {list(SERVER_ACTIONS)} "
                    f"({job.callable}: {NOT_HONOURED[job.callable]})",
                    job.callable,
                )
            )
    return out


class ScheduledAutomation:
    """The scenario's automation installed on one run's mocked Odoo, with its cron worker."""

    def __init__(self, erp: OdooErp) -> None:
        self.erp = erp
        self.kpi = erp.w.kpi
        #: purchase orders whose confirmation POST to the middleware was lost
        self.lost_pos: set[int] = set()

    def callables(self) -> dict[str, Callable[[Env], Any]]:
        return {"po_watchdog": self._counted("po_watchdog", self.po_watchdog)}

    def _counted(self, name: str, fn: Callable[[Env], Any]) -> Callable[[Env], Any]:
        def run(env: Env) -> Any:
            self.kpi.odoo_scheduled_action_ran()
            if self.erp.w.tracing:
                self.erp.w.trace("odoo.cron", name, f"scheduled action {name!r} ran")
            return fn(env)

        return run

    def install(self, extra: dict[str, Callable[..., Any]]) -> None:
        """Build the declared rules and jobs, count time-rule fires, start the cron worker."""
        env, world = self.erp.env, self.erp.w
        counted = {name: self._counted(name, fn) for name, fn in extra.items()}
        build_automation(env, world.s.automation, {**counted, **self.callables()})
        job = env.cron.automation_job
        if job is not None:
            job.callback = self._counting_time_rules(job.callback)
        start_cron_runner(world.env, env)

    def _counting_time_rules(self, inner: Callable[[Env], Any]) -> Callable[[Env], Any]:
        engine = self.erp.env.automation

        def run(env: Env) -> Any:
            fired: list[int] = []
            previous = engine.on_fire

            def hear(rule: Any, record: Any) -> None:
                if rule.trigger in TIME_TRIGGERS:
                    fired.append(record.id)
                if previous is not None:
                    previous(rule, record)

            engine.on_fire = hear
            try:
                result = inner(env)
            finally:
                engine.on_fire = previous
            self.kpi.odoo_time_rules_fired(len(fired))
            return result

        return run

    def lost(self, payload: dict[str, Any]) -> None:
        """The webhook transport lost a POST about ``payload``'s record."""
        if payload.get("_model") == "purchase.order":
            self.lost_pos.add(int(payload["_id"]))

    def po_watchdog(self, env: Env) -> None:
        """Post again the confirmation of purchase orders whose POST was lost."""
        orders = env["purchase.order"]
        for po_id in sorted(self.lost_pos):
            po = orders.browse(po_id)
            self.lost_pos.discard(po_id)
            if po.state != "purchase":
                continue
            self.kpi.po_watchdog_resent()
            if self.erp.w.tracing:
                self.erp.w.trace("watchdog.resend", po.name, "POST lost: posted again by ir.cron")
            self.erp.resend_confirmation(po)


__all__ = [
    "MODELS_WITHOUT_ODOO",
    "NOT_HONOURED",
    "RUN_MODELS",
    "SERVER_ACTIONS",
    "ScheduledAutomation",
    "automation_problems",
]

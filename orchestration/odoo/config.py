"""Build live automation (rules, server actions, scheduled actions) from declarative specs.

Concept: ``scenarios.automation.AutomationConfig`` is data; ``build_automation`` checks every
name in it against the Env's registry and, only if everything is valid, installs the rules and
scheduled actions. A misspelt model, field, trigger, selection value or domain operator is not
a silent no-op: ``AutomationConfigError`` lists EVERY problem, each with its dotted path
(``automation.rules[2].filter_domain[0]``), what was expected and what was found.

Code actions and scheduled actions name callables registered in ``callables``
(``{"flag_big_order": fn}``); a code action's callable is ``fn(env, records)``, a scheduled
action's is ``fn(env)``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from orchestration.odoo.actions import ServerAction
from orchestration.odoo.automation import (
    IS_SET_FIELDS,
    MAIL_TRIGGERS,
    TRIGGERS,
    AutomationRule,
)
from orchestration.odoo.cron import ScheduledAction
from orchestration.odoo.domain import LEAF_OPERATORS, PREFIX_OPERATORS, DomainError, compile_domain
from orchestration.odoo.env import Env
from orchestration.odoo.registry import Registry
from scenarios.automation import (
    AutomationConfig,
    AutomationRuleSpec,
    CodeActionSpec,
    MultiActionSpec,
    ObjectCreateActionSpec,
    ObjectWriteActionSpec,
    WebhookActionSpec,
)

VALUE_TRIGGERS = ("on_state_set", "on_priority_set", "on_stage_set", "on_tag_set")


@dataclass(frozen=True)
class ConfigProblem:
    """One invalid item: where it is, what was expected, what was found."""

    path: str
    expected: str
    found: str

    def __str__(self) -> str:
        return f"{self.path}: expected {self.expected}, found {self.found}"


class AutomationConfigError(ValueError):
    """The automation configuration does not match the registry (all problems listed)."""

    def __init__(self, problems: Sequence[ConfigProblem]) -> None:
        self.problems = list(problems)
        lines = "\n  ".join(str(p) for p in self.problems)
        super().__init__(f"{len(self.problems)} automation config problem(s):\n  {lines}")


class _Checker:
    def __init__(self, registry: Registry, callables: Mapping[str, Callable[..., Any]]) -> None:
        self.registry = registry
        self.callables = callables
        self.problems: list[ConfigProblem] = []

    def add(self, path: str, expected: str, found: Any) -> None:
        self.problems.append(ConfigProblem(path, expected, repr(found)))

    def model(self, path: str, name: str) -> bool:
        if name in self.registry:
            return True
        self.add(path, "a known model name (e.g. 'purchase.order')", name)
        return False

    def field(self, path: str, model: str, name: str) -> Any:
        field = self.registry.field(model, name)
        if field is None:
            self.add(path, f"a field of {model}", name)
        return field

    def domain(self, path: str, model: str, domain: list[Any]) -> None:
        for i, term in enumerate(domain):
            where = f"{path}[{i}]"
            if isinstance(term, str):
                if term not in PREFIX_OPERATORS:
                    self.add(where, "'&', '|', '!' or a [field, operator, value] leaf", term)
                continue
            if not isinstance(term, list | tuple) or len(term) != 3:
                self.add(where, "a [field, operator, value] leaf", term)
                continue
            fpath, op, value = term
            if op not in LEAF_OPERATORS:
                self.add(where, f"a domain operator, one of {list(LEAF_OPERATORS)}", op)
            if not isinstance(fpath, str):
                self.add(where, "a field path string", fpath)
                continue
            field, problem = self.registry.resolve_path(model, fpath)
            if problem:
                self.add(where, f"a field path on {model} ({problem})", fpath)
                continue
            if (
                field is not None
                and field.type == "selection"
                and op in ("=", "!=", "in", "not in")
            ):
                values = value if isinstance(value, list | tuple) else [value]
                bad = [v for v in values if v is not False and v not in field.selection_values]
                if bad:
                    self.add(
                        where, f"a value of {model}.{fpath} in {field.selection_values}", bad[0]
                    )
        try:
            compile_domain(domain)
        except DomainError as exc:
            if not any(p.path.startswith(path) for p in self.problems):
                self.add(path, "a well-formed prefix-notation domain", str(exc))

    def action(self, path: str, model: str, spec: Any, trigger: str) -> None:
        if trigger == "on_change" and not isinstance(spec, CodeActionSpec):
            self.add(f"{path}.state", "'code' (the only action allowed on 'on_change')", spec.state)
        if isinstance(spec, ObjectWriteActionSpec):
            for name in spec.values:
                self.field(f"{path}.values.{name}", model, name)
        elif isinstance(spec, ObjectCreateActionSpec):
            if self.model(f"{path}.model", spec.model):
                for name in spec.values:
                    self.field(f"{path}.values.{name}", spec.model, name)
            if spec.link_field:
                self.field(f"{path}.link_field", model, spec.link_field)
        elif isinstance(spec, WebhookActionSpec):
            if not spec.url:
                self.add(f"{path}.url", "a URL", spec.url)
            for j, name in enumerate(spec.fields):
                self.field(f"{path}.fields[{j}]", model, name)
        elif isinstance(spec, CodeActionSpec):
            if spec.callable not in self.callables:
                self.add(
                    f"{path}.callable",
                    f"a registered callable {sorted(self.callables)}",
                    spec.callable,
                )
        elif isinstance(spec, MultiActionSpec):
            for j, child in enumerate(spec.children):
                self.action(f"{path}.children[{j}]", model, child, trigger)

    def rule(self, path: str, spec: AutomationRuleSpec) -> None:
        if not self.model(f"{path}.model", spec.model):
            return
        if spec.trigger not in TRIGGERS:
            self.add(f"{path}.trigger", f"a trigger, one of {list(TRIGGERS)}", spec.trigger)
        model = self.registry[spec.model]
        if spec.trigger in MAIL_TRIGGERS and not model._mail_thread:
            self.add(
                f"{path}.trigger",
                f"a trigger valid on {spec.model} (not a mail.thread)",
                spec.trigger,
            )
        for j, name in enumerate(spec.trigger_fields):
            self.field(f"{path}.trigger_fields[{j}]", spec.model, name)
        if spec.trigger in IS_SET_FIELDS:
            fname = next((f for f in IS_SET_FIELDS[spec.trigger] if f in model._fields), None)
            if fname is None:
                self.add(
                    f"{path}.trigger", f"a trigger whose field exists on {spec.model}", spec.trigger
                )
            elif spec.trigger in VALUE_TRIGGERS:
                field = model._fields[fname]
                if spec.trigger_value is None:
                    self.add(f"{path}.trigger_value", f"the value {fname} is set to", None)
                elif field.type == "selection" and spec.trigger_value not in field.selection_values:
                    self.add(
                        f"{path}.trigger_value",
                        f"a value of {spec.model}.{fname} in {field.selection_values}",
                        spec.trigger_value,
                    )
        if spec.trigger == "on_time":
            field = self.field(f"{path}.trg_date_field", spec.model, spec.trg_date_field)
            if field is not None and field.type not in ("date", "datetime"):
                self.add(f"{path}.trg_date_field", "a date or datetime field", spec.trg_date_field)
        self.domain(f"{path}.filter_pre_domain", spec.model, spec.filter_pre_domain)
        self.domain(f"{path}.filter_domain", spec.model, spec.filter_domain)
        for j, action in enumerate(spec.actions):
            self.action(f"{path}.actions[{j}]", spec.model, action, spec.trigger)


def validate_automation(
    registry: Registry,
    config: AutomationConfig,
    callables: Mapping[str, Callable[..., Any]] | None = None,
    prefix: str = "automation",
) -> list[ConfigProblem]:
    """Every problem of ``config`` against ``registry`` (empty when valid)."""
    checker = _Checker(registry, callables or {})
    for i, rule in enumerate(config.rules):
        checker.rule(f"{prefix}.rules[{i}]", rule)
    for k, job in enumerate(config.scheduled_actions):
        path = f"{prefix}.scheduled_actions[{k}]"
        if job.callable not in checker.callables:
            checker.add(
                f"{path}.callable",
                f"a registered callable {sorted(checker.callables)}",
                job.callable,
            )
        if job.interval_number <= 0:
            checker.add(
                f"{path}.interval_number", "a strictly positive number", job.interval_number
            )
    return checker.problems


def _build_action(
    spec: Any, model: str, callables: Mapping[str, Callable[..., Any]]
) -> ServerAction:
    if isinstance(spec, ObjectWriteActionSpec):
        return ServerAction(spec.name, "object_write", model=model, values=dict(spec.values))
    if isinstance(spec, ObjectCreateActionSpec):
        return ServerAction(
            spec.name,
            "object_create",
            model=model,
            crud_model=spec.model,
            values=dict(spec.values),
            link_field=spec.link_field,
        )
    if isinstance(spec, WebhookActionSpec):
        return ServerAction(
            spec.name,
            "webhook",
            model=model,
            webhook_url=spec.url,
            webhook_fields=tuple(spec.fields),
        )
    if isinstance(spec, CodeActionSpec):
        return ServerAction(spec.name, "code", model=model, code=callables[spec.callable])
    children = [_build_action(c, model, callables) for c in spec.children]
    return ServerAction(spec.name, "multi", model=model, children=children)


def _domain(domain: list[Any]) -> list[Any]:
    return [tuple(t) if isinstance(t, list) else t for t in domain]


def build_automation(
    env: Env,
    config: AutomationConfig,
    callables: Mapping[str, Callable[..., Any]] | None = None,
    prefix: str = "automation",
) -> tuple[list[AutomationRule], list[ScheduledAction]]:
    """Validate ``config`` and install it on ``env``; raise AutomationConfigError if invalid."""
    callables = callables or {}
    problems = validate_automation(env.registry, config, callables, prefix)
    if problems:
        raise AutomationConfigError(problems)
    rules = []
    for spec in config.rules:
        rule = AutomationRule(
            name=spec.name,
            model=spec.model,
            trigger=spec.trigger,
            actions=[_build_action(a, spec.model, callables) for a in spec.actions],
            trigger_fields=tuple(spec.trigger_fields),
            filter_pre_domain=_domain(spec.filter_pre_domain),
            filter_domain=_domain(spec.filter_domain),
            trg_value=spec.trigger_value,
            trg_date_field=spec.trg_date_field,
            trg_date_range=spec.delay.number,
            trg_date_range_type=spec.delay.unit,
            active=spec.active,
        )
        rules.append(env.automation.add_rule(rule))
    jobs = []
    now = env.now()
    for job_spec in config.scheduled_actions:
        fn = callables[job_spec.callable]
        jobs.append(
            env.cron.create(
                ScheduledAction(
                    name=job_spec.name,
                    callback=fn,
                    interval_number=job_spec.interval_number,
                    interval_type=job_spec.interval_type,
                    priority=job_spec.priority,
                    active=job_spec.active,
                    nextcall=now + timedelta(minutes=job_spec.first_call_after_minutes),
                )
            )
        )
    return rules, jobs


__all__ = [
    "AutomationConfigError",
    "ConfigProblem",
    "build_automation",
    "validate_automation",
]

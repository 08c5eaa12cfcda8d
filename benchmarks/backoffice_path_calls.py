"""The back office's per-item paths, counted: calls per return, approval, desk task, discount.

Counts, with ``sys.setprofile``, every call (Python and C) of a replication and gives each to the
innermost back-office category on the stack (issue 17). Call counts are deterministic, so they
compare two commits on a machine whose CPU timings spread by 15-35%; the profiler makes the run
several times slower.

- ``return``: the world's ``OnlineOrders._return`` / ``_return_received`` with everything they
  set off in the model (``RefundFlow``, the refund triage), and the refund's ``pay_node``;
- ``approval``: ``ApprovalRequests`` (request, steps, the step's done closure, the decision);
- ``desk``: ``WorkDesk.submit``, a ``Task``'s construction and callbacks, ``_People.offer``
  (every desk task: approvals, tickets, exceptions);
- ``discount``: the model's ``_discount`` before the request is opened;
- ``decided``: what a decision or a finished task sets off (a PO confirm, a refund payment, a
  discount's command, a ticket's answer) — the business callback, not the back office's work.

    PYTHONPATH=. .venv/bin/python benchmarks/backoffice_path_calls.py peak_season hybrid 25
"""

from __future__ import annotations

import sys
import time
from collections import Counter

import orchestration.backoffice.requests as rq
import orchestration.backoffice.workdesk as wd
import orchestration.models.refunds as rf
import orchestration.models.wiring as wi
import sim.kpis as kp
import sim.orders as so
from experiments.runner import run_replication
from scenarios.loader import load_scenario


def categories() -> dict[object, str]:
    """The code objects that open a category."""
    cat: dict[object, str] = {}
    for f in (
        so.OnlineOrders._return,
        so.OnlineOrders._return_received,
        rf.RefundFlow.initiated,
        rf.RefundFlow.received,
        rf.RefundFlow.pay_node,
        wi.AutomatedModel._return_received,
    ):
        cat[f.__code__] = "return"
    for f in (
        rq.ApprovalRequests.request,
        rq.ApprovalRequests._step,
        rq.ApprovalRequests._decide,
        rq.ApprovalRequests._watch,
    ):
        cat[f.__code__] = "approval"
    for c in rq.ApprovalRequests._step.__code__.co_consts:
        if hasattr(c, "co_name"):
            cat[c] = "approval"  # the step's done and note closures
    for f in (wd.WorkDesk.submit, wd._People.offer, wd.Task.__init__):
        cat[f.__code__] = "desk"
    for name in ("_start", "_read", "_take", "_finish", "_reminded", "_withdrawn"):
        cat[getattr(wd.Task, name).__code__] = "desk"
    cat[wi.AutomatedModel._discount.__code__] = "discount"
    return cat


def count(scenario: str, model: str, days: int) -> tuple[dict, Counter, Counter]:
    """(the run's KPIs, calls by category, entries by opening function)."""
    cat = categories()
    decide, finish = rq.ApprovalRequests._decide.__code__, wd.Task._finish.__code__
    own = {kp.KpiCollector.approval_decided.__code__, wd._People.put.__code__}
    calls: Counter = Counter()
    entries: Counter = Counter()
    stack: list[tuple[object, str]] = [(None, "other")]

    def profile(frame, event, _arg):
        if event == "call":
            code = frame.f_code
            c = cat.get(code)
            if c is not None:
                entries[code.co_qualname] += 1
            else:
                back = frame.f_back.f_code if frame.f_back is not None else None
                top = stack[-1][1]
                opened = (back is decide or back is finish) and code not in own
                c = "decided" if opened and top in ("approval", "desk") else top
            stack.append((frame, c))
            calls[c] += 1
        elif event == "return":
            if stack[-1][0] is frame:
                stack.pop()
        elif event == "c_call":
            calls[stack[-1][1]] += 1

    s = load_scenario(scenario, [f"orchestration.model={model}", f"horizon_days={days}"])
    sys.setprofile(profile)
    try:
        result = run_replication(s)
    finally:
        sys.setprofile(None)
    return result.kpis, calls, entries


def main(argv: list[str]) -> None:
    scenario, model, days = argv[0], argv[1], int(argv[2])
    cpu = time.process_time()
    kpis, calls, entries = count(scenario, model, days)
    cpu = time.process_time() - cpu
    returns, received = entries["OnlineOrders._return"], entries["OnlineOrders._return_received"]
    approvals, tasks = entries["ApprovalRequests.request"], entries["WorkDesk.submit"]
    discounts, online = entries["AutomatedModel._discount"], kpis["online_orders_total"]
    print(
        f"{scenario} {model} {days} d: {online} online orders, {returns} returns ({received} "
        f"received), {approvals} approval requests, {tasks} desk tasks, {discounts} discount "
        f"requests; profiled CPU {cpu:.1f} s"
    )
    rows = (
        ("return path, per return", calls["return"], returns),
        ("approval path, per approval request", calls["approval"], approvals),
        ("work desks, per desk task", calls["desk"], tasks),
        ("model's discount handling, per discount request", calls["discount"], discounts),
        ("set off by decisions, per approval request", calls["decided"], approvals),
        ("whole run, per online order", sum(calls.values()), online),
    )
    for label, n, per in rows:
        print(f"  {label:50s} {n / per if per else 0.0:8.1f}")


if __name__ == "__main__":
    main(sys.argv[1:])

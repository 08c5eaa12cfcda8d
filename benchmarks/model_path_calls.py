"""The model's per-event path, counted: function calls per online order (issue 17).

Counts, with ``sys.setprofile``, every call (Python and C) made by the whole simulation loop and
the share made inside the orchestration model's ``on_event`` (inclusive: the connector, the
ERP's handlers, the records, the world's ``ack``), divided by the online orders placed. Call
counts are deterministic, so they compare two commits on a machine whose CPU timings spread by
15-35%; the profiler makes the run several times slower.

    PYTHONPATH=. .venv/bin/python benchmarks/model_path_calls.py peak_season hybrid 5 [--log]

``--log`` writes the event log (to a temporary directory), as ``retail-twin run`` does.
"""

from __future__ import annotations

import sys
import tempfile
from collections import Counter
from pathlib import Path

from experiments.bench.config import Workload
from orchestration.models.registry import build
from sim.eventlog import EventLog
from sim.world import World


def count(
    scenario: str, model: str, days: int, log: EventLog | None = None
) -> tuple[int, int, int, Counter]:
    """(online orders, calls in the loop, calls inside ``on_event``, inside calls by class)."""
    s = Workload(scenario, (f"horizon_days={days}", f"orchestration.model={model}")).load()
    m = build(model, s, None)
    w = World(s, 0, event_log=log)
    w.attach(m)
    w.prepare()
    top = type(m).on_event.__code__
    state = {"depth": 0, "inside": 0, "total": 0, "cls": ""}
    by_class: Counter = Counter()

    def prof(frame, event, _arg) -> None:
        if event in ("call", "c_call"):
            state["total"] += 1
            if state["depth"]:
                state["depth"] += 1
                state["inside"] += 1
                by_class[state["cls"]] += 1
            elif event == "call" and frame.f_code is top:
                state["depth"], state["cls"] = 1, type(frame.f_locals["event"]).__name__
                state["inside"] += 1
                by_class[state["cls"]] += 1
        elif state["depth"]:  # return, c_return, c_exception
            state["depth"] -= 1

    sys.setprofile(prof)
    try:
        w.run()
    finally:
        sys.setprofile(None)
    return w.kpi.online_orders_placed, state["total"], state["inside"], by_class


def main(argv: list[str]) -> None:
    logged = "--log" in argv
    argv = [a for a in argv if a != "--log"]
    scenario, model, days = argv[0], argv[1], int(argv[2]) if len(argv) > 2 else 5
    with tempfile.TemporaryDirectory() as tmp:
        log = EventLog(Path(tmp) / "events.parquet") if logged else None
        n, total, inside, by_class = count(scenario, model, days, log)
        if log is not None:
            log.close()
    print(
        f"{scenario} {model} {days} days{' (event log)' if logged else ''}: {n} online orders, "
        "calls per online order "
        f"{total / n:.1f} in the loop, {inside / n:.1f} inside on_event"
    )
    for cls, calls in by_class.most_common(8):
        print(f"  {cls:26s} {calls / n:6.2f}")


if __name__ == "__main__":
    main(sys.argv[1:])

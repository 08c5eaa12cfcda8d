"""The result of one replication: the one result type of every run, task and backend.

:func:`experiments.runner.run_replication` returns it; :func:`experiments.tasks.execute` stamps
it with its task's key, point and digest (or returns a *failed* one carrying the error);
backends ship it back, the task store keeps it as JSON (``DIR/tasks/KEY.json``), and
:mod:`experiments.summary` aggregates a list of them into the summary object of KPIS.md.
Small, picklable and JSON-serialisable (floats round-trip exactly).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

OK = "ok"
FAILED = "failed"


@dataclass
class TaskResult:
    """KPIs, per-approval-type KPIs and engine timings of one replication, or its error."""

    key: str
    point: int
    model: str
    replication: int
    seed: int
    status: str
    digest: str = ""
    error: str | None = None
    traceback: str | None = None
    kpis: dict[str, Any] = field(default_factory=dict)
    by_approval_type: dict[str, dict[str, Any]] = field(default_factory=dict)
    engine: dict[str, Any] = field(default_factory=dict)
    #: events in flight at every whole simulated hour (see ``World.backlog_hourly``)
    backlog: list[int] = field(default_factory=list)
    #: fingerprint of the code that computed it (set by the driver; see backends.code_fingerprint)
    code: str = ""

    @property
    def ok(self) -> bool:
        return self.status == OK

    def to_record(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> TaskResult:
        return cls(**record)

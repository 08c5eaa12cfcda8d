"""Middleware metrics: counters per workflow, the queue-depth maximum, latency tallies.

* `WorkflowCounters` - counts per workflow id: executions started, successes, errors,
  canceled (timeouts), node retries (extra tries), and error-workflow runs *caused by* this
  workflow's failures.
* `queue_depth_max` - the largest number of executions waiting for a slot at any moment (a
  level's maximum, not a time average).
* `execution_latency_s` - one tally per finished execution, seconds from creation (webhook
  received / trigger fired) to stop, queueing and waiting included. `webhook_latency_s` - one
  per answered webhook call, as the caller saw it. `p95()` gives the 95th percentile, `None`
  for no observations (KPIS.md: not applicable is null, never 0).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(slots=True)
class WorkflowCounters:
    executions: int = 0
    successes: int = 0
    errors: int = 0
    canceled: int = 0
    retries: int = 0
    error_workflow_runs: int = 0


@dataclass
class MiddlewareMetrics:
    by_workflow: dict[str, WorkflowCounters] = field(default_factory=dict)
    queue_depth_max: int = 0
    execution_latency_s: list[float] = field(default_factory=list)
    webhook_latency_s: list[float] = field(default_factory=list)
    duplicate_deliveries: int = 0

    def counters(self, workflow_id: str) -> WorkflowCounters:
        return self.by_workflow.setdefault(workflow_id, WorkflowCounters())

    def observe_queue_depth(self, depth: int) -> None:
        if depth > self.queue_depth_max:
            self.queue_depth_max = depth


def p95(values: list[float]) -> float | None:
    """95th percentile (linear interpolation), None when there are no values."""
    if not values:
        return None
    return float(np.percentile(np.asarray(values, dtype=float), 95))

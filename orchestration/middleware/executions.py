"""Execution records and their retention.

One `Execution` per run of a workflow, with n8n's vocabulary: sequential integer `id`, `mode`
(`webhook`, `trigger`, `manual`, `error`, `retry`, ...), `status`
(`new -> running -> success | error | canceled`, with `waiting` while parked by a long Wait
node), `retry_of` for manual retries, and sim times in **hours** (`created_h`, `started_h`,
`stopped_h`, `wait_till_h`). A record is mutable while the execution lives and is not changed
once `finished` is true.

`ExecutionStore` prunes like `EXECUTIONS_DATA_PRUNE=true`: finished executions older than
`max_age_h` (336 h = 14 days) or beyond the newest `max_count` (10 000; 0 = unlimited) are
deleted. Running, new and waiting executions are never pruned. The soft/hard delete split
(1 h buffer) is not modelled: pruning deletes at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from itertools import islice
from typing import Any

PRUNE_MAX_AGE_H = 336.0
PRUNE_MAX_COUNT = 10_000
PRUNE_INTERVAL_H = 1.0


class ExecutionMode(StrEnum):
    CLI = "cli"
    ERROR = "error"
    INTEGRATED = "integrated"
    INTERNAL = "internal"
    MANUAL = "manual"
    RETRY = "retry"
    TRIGGER = "trigger"
    WEBHOOK = "webhook"
    EVALUATION = "evaluation"


class ExecutionStatus(StrEnum):
    NEW = "new"
    RUNNING = "running"
    SUCCESS = "success"
    ERROR = "error"
    CRASHED = "crashed"
    WAITING = "waiting"
    CANCELED = "canceled"
    UNKNOWN = "unknown"


FINISHED = frozenset(
    {
        ExecutionStatus.SUCCESS,
        ExecutionStatus.ERROR,
        ExecutionStatus.CANCELED,
        ExecutionStatus.CRASHED,
    }
)


@dataclass(frozen=True, slots=True)
class ExecutionError:
    """The error that ended an execution (`resultData.error`)."""

    message: str
    stack: str
    node: str | None


@dataclass(slots=True, eq=False)
class Execution:
    """One execution of a workflow."""

    id: int
    workflow_id: str
    mode: ExecutionMode
    created_h: float
    status: ExecutionStatus = ExecutionStatus.NEW
    started_h: float | None = None
    stopped_h: float | None = None
    wait_till_h: float | None = None
    retry_of: int | None = None
    delivery_id: str | None = None
    input_item: Any = None
    output_item: Any = None
    error: ExecutionError | None = None
    last_node_executed: str | None = None
    worker: int | None = None

    @property
    def finished(self) -> bool:
        return self.status in FINISHED


class ExecutionStore:
    """Executions by id, ids handed out sequentially from 1, with age/count pruning."""

    def __init__(
        self, *, max_age_h: float = PRUNE_MAX_AGE_H, max_count: int = PRUNE_MAX_COUNT
    ) -> None:
        self.max_age_h = max_age_h
        self.max_count = max_count
        self._by_id: dict[int, Execution] = {}
        self._next_id = 1
        self.pruned_total = 0

    def create(
        self, workflow_id: str, mode: ExecutionMode, now_h: float, **fields: Any
    ) -> Execution:
        execution_id = self._next_id
        execution = Execution(execution_id, workflow_id, mode, now_h, **fields)
        self._by_id[execution_id] = execution
        self._next_id = execution_id + 1
        return execution

    def get(self, execution_id: int) -> Execution | None:
        return self._by_id.get(execution_id)

    def __getitem__(self, execution_id: int) -> Execution:
        return self._by_id[execution_id]

    def __iter__(self) -> Iterator[Execution]:
        return iter(self._by_id.values())

    def __len__(self) -> int:
        return len(self._by_id)

    def prune(self, now_h: float) -> int:
        """Delete finished executions too old or beyond the newest `max_count`; return how many.

        Ids are sequential and creation times grow with them, so both rules only need the
        oldest end of the store: an execution created after the age cutoff cannot have stopped
        before it, and the executions beyond the newest `max_count` are the oldest ids.
        """
        cutoff_h = now_h - self.max_age_h
        doomed: set[int] = set()
        for ex in self._by_id.values():
            if ex.created_h >= cutoff_h:
                break
            if ex.finished and ex.stopped_h is not None and ex.stopped_h < cutoff_h:
                doomed.add(ex.id)
        if self.max_count > 0 and len(self._by_id) > self.max_count:
            excess = len(self._by_id) - self.max_count
            for execution_id in islice(self._by_id, excess):
                if self._by_id[execution_id].finished:
                    doomed.add(execution_id)
        for execution_id in doomed:
            del self._by_id[execution_id]
        self.pruned_total += len(doomed)
        return len(doomed)

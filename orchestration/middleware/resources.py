"""Execution resources: where executions run and how many at once (n8n `EXECUTIONS_MODE`).

* `RegularMode(production_limit=-1)` - everything runs in the main process. With
  `N8N_CONCURRENCY_PRODUCTION_LIMIT` = k > 0, production executions (modes `webhook` and
  `trigger`) beyond k wait in a FIFO queue; other modes (manual, error, retry, ...) are not
  limited. -1 means unlimited.
* `QueueMode(workers=N, concurrency=10)` - the main process enqueues the execution id (Bull on
  Redis, FIFO) and N workers each run up to `concurrency` jobs (`n8n worker --concurrency`,
  default 10). A free slot takes the oldest queued job; the job goes to the lowest-numbered
  worker with room. Manual executions run on main and skip the queue (n8n's default without
  `OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS`). The Redis lease (60 s lock, 10 s renew, stalled check
  30 s) only matters when a worker dies, which is not modelled.

`ExecutionSlots.acquire()` is a SimPy sub-process returning a `Slot`; `release()` gives it back.
Without a process: `request()` queues, and `granted(request)` gives the `Slot` once it fired.
The queue depth is the number of executions waiting for a slot.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Generator
from dataclasses import dataclass
from heapq import heappush
from typing import Any

import simpy
from simpy.events import NORMAL

from sim.wake import wake_after

from .executions import ExecutionMode
from .metrics import MiddlewareMetrics

PRODUCTION_MODES = frozenset({ExecutionMode.WEBHOOK, ExecutionMode.TRIGGER})
WORKER_CONCURRENCY_DEFAULT = 10


@dataclass(frozen=True, slots=True)
class RegularMode:
    production_limit: int = -1

    def __post_init__(self) -> None:
        if self.production_limit == 0 or self.production_limit < -1:
            raise ValueError("production_limit must be -1 (unlimited) or > 0")


@dataclass(frozen=True, slots=True)
class QueueMode:
    workers: int = 1
    concurrency: int = WORKER_CONCURRENCY_DEFAULT

    def __post_init__(self) -> None:
        if self.workers < 1 or self.concurrency < 1:
            raise ValueError("workers and concurrency must be >= 1")


@dataclass(frozen=True, slots=True)
class Slot:
    """A held place to run: `worker` is the worker index in queue mode, else None."""

    request: simpy.Event | None
    worker: int | None


UNLIMITED = Slot(request=None, worker=None)


class _Pool:
    """FIFO slots with `simpy.Resource`'s event semantics, without its objects.

    As in SimPy: a request joins the queue and the head is offered a slot (at most one grant
    per offer); a grant is the request event succeeding (scheduled now); a release frees the
    slot at once and schedules a release event whose processing offers the head a slot. So a
    queued execution is granted at the same place in the event order as with a `Resource`."""

    __slots__ = ("_offers", "capacity", "env", "queue", "users")

    def __init__(self, env: simpy.Environment, capacity: int) -> None:
        self.env = env
        self.capacity = capacity
        self.users = 0
        self.queue: deque[simpy.Event] = deque()
        self._offers = (self._offer,)

    def request(self) -> simpy.Event:
        event = simpy.Event(self.env)
        self.queue.append(event)
        self._offer()
        return event

    def _offer(self, _event: simpy.Event | None = None) -> None:
        if self.queue and self.users < self.capacity:
            self.users += 1
            self.queue.popleft().succeed()

    def cancel(self, request: simpy.Event) -> None:
        if not request.triggered:
            self.queue.remove(request)

    def wait(self, waiter: Any) -> None:
        """Queue ``waiter`` (anything with a ``succeed()``, such as a straight run, which puts
        itself on SimPy's queue where a request event would be) instead of a request event."""
        self.queue.append(waiter)
        self._offer()

    def release(self, entry: Any = None) -> None:
        """Free a slot; the offer to the queue's head comes where a Resource's release event
        is processed. ``entry``, when given, is the queue entry that carries the offer: an
        object off SimPy's queue with ``callbacks`` and ``_ok`` (a straight run that is done),
        so nothing is built for it."""
        self.users -= 1
        if entry is None:
            wake_after(self.env, 0, self._offer, None)
            return
        entry.callbacks = self._offers
        env = self.env
        heappush(env._queue, (env._now, NORMAL, next(env._eid), entry))


class ExecutionSlots:
    """Gatekeeper of concurrent executions for one n8n deployment."""

    def __init__(
        self,
        env: simpy.Environment,
        mode: RegularMode | QueueMode,
        metrics: MiddlewareMetrics,
    ) -> None:
        self.env = env
        self.mode = mode
        self.metrics = metrics
        self._pool: _Pool | None = None
        self._active_per_worker: list[int] = []
        self._queue_mode = isinstance(mode, QueueMode)
        if isinstance(mode, QueueMode):
            self._pool = _Pool(env, mode.workers * mode.concurrency)
            self._active_per_worker = [0] * mode.workers
        elif mode.production_limit > 0:
            self._pool = _Pool(env, mode.production_limit)
        #: per execution mode: does it need a slot? (decided once, see :meth:`_needs_slot`)
        self.limited = {m: self._needs_slot(m) for m in ExecutionMode}

    def is_limited(self, mode: ExecutionMode) -> bool:
        """Does an execution in this mode need a slot?"""
        return self.limited[mode]

    def _needs_slot(self, mode: ExecutionMode) -> bool:
        if self._pool is None:
            return False
        if self._queue_mode:
            return mode is not ExecutionMode.MANUAL
        return mode in PRODUCTION_MODES

    @property
    def queue_depth(self) -> int:
        return 0 if self._pool is None else len(self._pool.queue)

    @property
    def running(self) -> int:
        return 0 if self._pool is None else self._pool.users

    def acquire(self, mode: ExecutionMode) -> Generator[simpy.Event, Any, Slot]:
        """Wait (FIFO) for a slot; cancels the request if interrupted while queued."""
        if not self.is_limited(mode):
            return UNLIMITED
        request = self.request()
        try:
            yield request
        except simpy.Interrupt:
            assert self._pool is not None
            self._pool.cancel(request)
            raise
        return self.granted(request)

    def request(self) -> simpy.Event:
        """Queue for a slot (a limited mode only); the event fires when one is free."""
        pool = self._pool
        assert pool is not None
        request = pool.request()
        self.metrics.observe_queue_depth(len(pool.queue))
        return request

    def granted(self, request: simpy.Event) -> Slot:
        """The slot ``request`` (fired) holds: in queue mode, on the first worker with room."""
        return Slot(request, self.take_worker())

    def wait(self, waiter: Any) -> None:
        """Queue ``waiter`` for a slot (a limited mode only): its ``succeed()`` is called where
        a request event would succeed; it then calls :meth:`take_worker`, and
        :meth:`give_back` when done. The straight run's way, without `Slot` objects."""
        pool = self._pool
        assert pool is not None
        queue = pool.queue  # pool.wait(waiter), then observe_queue_depth, written out
        queue.append(waiter)
        if pool.users < pool.capacity:  # _Pool._offer: the head (not always ``waiter``)
            pool.users += 1
            queue.popleft().succeed()
        metrics = self.metrics
        if len(queue) > metrics.queue_depth_max:
            metrics.queue_depth_max = len(queue)

    def take_worker(self) -> int | None:
        """A granted slot's worker: in queue mode the first worker with room, else None."""
        if not self._queue_mode:
            return None
        concurrency = self.mode.concurrency  # type: ignore[union-attr]
        active = self._active_per_worker
        worker = 0
        while active[worker] >= concurrency:
            worker += 1
        active[worker] += 1
        return worker

    def release(self, slot: Slot) -> None:
        if slot.request is None or self._pool is None:
            return
        self.give_back(slot.worker)

    def give_back(self, worker: int | None, entry: Any = None) -> None:
        """Free a slot granted through :meth:`wait` (or held by a `Slot` on ``worker``);
        ``entry`` may carry the release's offer (see `_Pool.release`)."""
        if worker is not None:
            self._active_per_worker[worker] -= 1
        self._pool.release(entry)  # type: ignore[union-attr]

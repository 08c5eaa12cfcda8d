"""Resilient call: run one hop's call inside a SimPy process through the policy chain.

``outcome = yield from call_with_resilience(env, fn, policy, ...)`` makes attempts at ``fn`` until
one succeeds or the retry policy gives up, and returns an immutable ``Outcome``. The chain, from
the outside in, is::

    idempotency -> retry (policy) -> bulkhead -> circuit breaker -> fn

* Idempotency: with ``idempotency_key`` and ``store``, a key already recorded is answered with its
  first result at once (``duplicate=True``, ``attempts=0``, nothing is called); a success records
  its result under the key. A failed call records nothing, so a later call may try again. The
  store does not reserve keys of calls in flight: two processes racing on one key may both call
  ``fn``; the second then gets the first result back with ``duplicate=True``.
* Retry: after a failed attempt, ``policy.should_retry(attempt, error_type)`` decides; a retry
  waits ``policy.delay_before_attempt(next_attempt, rng)`` seconds of simulated time.
* Bulkhead: a ``Bulkhead`` rejects at once when full, a ``SimBulkhead`` makes the attempt wait in
  line for a slot (rejecting only when its line is full); a rejection fails the attempt with error
  type ``"BulkheadFull"``. The slot is held for the attempt only, never across a retry wait.
* Circuit breaker: a rejected attempt fails with error type ``"CircuitOpen"`` and is not reported
  to the breaker; an admitted attempt's success or failure is.
* Dead-lettering: when the policy gives up (attempts exhausted, or a non-retryable error type), the
  failure is dead-lettered into ``dlq`` (when given) as ``dead_letter_item`` (default: ``fn``),
  with the last error type as the reason and the number of attempts made. If the item is ``fn``
  and ``fn`` is a generator function, a redrive handler must run it in a process, not just call it.

``fn`` is the hop: a zero-argument callable that returns a value (success) or raises (failure;
the error type is the exception's class name). It may also be a SimPy process function: when
``fn()`` returns a generator, it is driven with ``yield from``, so one attempt may take simulated
time (the hop's latency) while holding its bulkhead slot. ``simpy.Interrupt`` is never treated as a
hop failure: it propagates to the caller, after the bulkhead slot and breaker ticket are given back.

Units: policies, breakers and ``Outcome.total_delay_s`` are in SIMULATED SECONDS; ``env.now`` is in
simulated HOURS. The conversion (1 h = 3600 s) lives in ``clock.py`` only, so the simulated time
an ``Outcome`` spent waiting between attempts is ``seconds_to_hours(outcome.total_delay_s)``.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Generator, Hashable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import numpy as np
import simpy

from orchestration.resilience.bulkhead import Bulkhead, BulkheadFull, SimBulkhead
from orchestration.resilience.circuit_breaker import CircuitBreaker, CircuitOpen
from orchestration.resilience.clock import seconds_to_hours
from orchestration.resilience.dead_letter import DeadLetterQueue
from orchestration.resilience.idempotency import IdempotencyStore
from orchestration.resilience.retry import RetryPolicy

__all__ = ["BULKHEAD_FULL", "CIRCUIT_OPEN", "Outcome", "call_with_resilience", "error_type_of"]

T = TypeVar("T")

#: Error type of an attempt the circuit breaker rejected.
CIRCUIT_OPEN = CircuitOpen.__name__
#: Error type of an attempt the bulkhead rejected.
BULKHEAD_FULL = BulkheadFull.__name__

_ProcessGen = Generator[simpy.Event, Any, T]
_AttemptResult = tuple[bool, Any, str | None]  # (ok, value, error type)


@dataclass(frozen=True, slots=True)
class Outcome(Generic[T]):
    """The result of one resilient call.

    Attributes:
        ok: True when an attempt succeeded (or a duplicate was answered from the store).
        value: the call's result (the first result for a duplicate); None on failure.
        attempts: attempts made, 0 for a suppressed duplicate.
        error: error type name of the last failed attempt, None when ok.
        dead_lettered: True when the failure was put in the dead-letter queue.
        total_delay_s: simulated seconds spent in retry waits (sum of the policy's delays).
        duplicate: True when the idempotency key had already been recorded.
    """

    ok: bool
    value: T | None
    attempts: int
    error: str | None
    dead_lettered: bool
    total_delay_s: float
    duplicate: bool = False

    @property
    def retries(self) -> int:
        """Attempts after the first (for ``integration_retries_total``)."""
        return max(0, self.attempts - 1)


def error_type_of(exc: BaseException) -> str:
    """The error type name a retry policy matches on: the exception's class name."""
    return type(exc).__name__


def call_with_resilience(
    env: simpy.Environment,
    fn: Callable[[], T | Generator[simpy.Event, Any, T]],
    policy: RetryPolicy,
    *,
    breaker: CircuitBreaker | None = None,
    bulkhead: Bulkhead | SimBulkhead | None = None,
    dlq: DeadLetterQueue[Any] | None = None,
    idempotency_key: Hashable | None = None,
    store: IdempotencyStore[Any] | None = None,
    rng: np.random.Generator | None = None,
    dead_letter_item: object = None,
) -> _ProcessGen[Outcome[T]]:
    """Call ``fn`` with retries, bulkhead, breaker, dead-lettering and idempotency (see module).

    ``rng`` is required only when the policy has jitter on. Use inside a SimPy process as
    ``outcome = yield from call_with_resilience(env, fn, policy, ...)``.
    """
    if (idempotency_key is None) != (store is None):
        raise ValueError("idempotency_key and store go together: pass both or neither")
    if store is not None:
        prior = store.replay(idempotency_key)
        if prior is not None:
            return Outcome(True, prior.result, 0, None, False, 0.0, duplicate=True)

    attempt = 0
    total_delay_s = 0.0
    while True:
        attempt += 1
        ok, value, error = yield from _attempt(fn, breaker, bulkhead)
        if ok:
            duplicate = False
            if store is not None:
                recorded = store.check_and_record(idempotency_key, value)
                value, duplicate = recorded.result, not recorded.first
            return Outcome(True, value, attempt, None, False, total_delay_s, duplicate=duplicate)
        assert error is not None
        if not policy.should_retry(attempt, error):
            break
        delay_s = policy.delay_before_attempt(attempt + 1, rng)
        total_delay_s += delay_s
        yield env.timeout(seconds_to_hours(delay_s))

    dead_lettered = False
    if dlq is not None:
        item = fn if dead_letter_item is None else dead_letter_item
        dlq.add(item, reason=error, attempts=attempt)
        dead_lettered = True
    return Outcome(False, None, attempt, error, dead_lettered, total_delay_s)


def _attempt(
    fn: Callable[[], Any], breaker: CircuitBreaker | None, bulkhead: Bulkhead | SimBulkhead | None
) -> _ProcessGen[_AttemptResult]:
    """One attempt, holding a bulkhead slot (when there is a bulkhead) around the breaker call."""
    if isinstance(bulkhead, SimBulkhead):
        request = bulkhead.request()
        if request is None:
            return False, None, BULKHEAD_FULL
        with request:
            yield request
            return (yield from _through_breaker(fn, breaker))
    if isinstance(bulkhead, Bulkhead):
        if not bulkhead.try_acquire():
            return False, None, BULKHEAD_FULL
        try:
            return (yield from _through_breaker(fn, breaker))
        finally:
            bulkhead.release()
    return (yield from _through_breaker(fn, breaker))


def _through_breaker(
    fn: Callable[[], Any], breaker: CircuitBreaker | None
) -> _ProcessGen[_AttemptResult]:
    """Ask the breaker, make the call, report its outcome to the breaker."""
    ticket = None
    if breaker is not None:
        ticket = breaker.try_acquire()
        if ticket is None:
            return False, None, CIRCUIT_OPEN
    try:
        value = yield from _invoke(fn)
    except simpy.Interrupt:
        if breaker is not None and ticket is not None:
            breaker.cancel(ticket)
        raise
    except Exception as exc:
        if breaker is not None and ticket is not None:
            breaker.record_failure(ticket)
        return False, None, error_type_of(exc)
    if breaker is not None and ticket is not None:
        breaker.record_success(ticket)
    return True, value, None


def _invoke(fn: Callable[[], Any]) -> _ProcessGen[Any]:
    """Call ``fn``; when it returns a generator (a SimPy process function), drive it to the end."""
    result = fn()
    if inspect.isgenerator(result):
        return (yield from result)
    return result

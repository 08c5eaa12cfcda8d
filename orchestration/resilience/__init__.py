"""Resilience building blocks for the twin's integration hops, on the simulated clock.

One concept per module; times are SIMULATED SECONDS unless a name ends in ``_h``:

* ``clock``: the clock type, the seconds <-> hours conversion (SimPy ``env.now`` is hours).
* ``retry``: ``RetryPolicy``, Temporal-style exponential backoff as pure data and functions.
* ``circuit_breaker``: ``CircuitBreaker``, failure-rate breaker with CLOSED/OPEN/HALF_OPEN.
* ``bulkhead``: ``Bulkhead`` (reject when full) and ``SimBulkhead`` (wait in line, SimPy).
* ``queues``: ``BoundedQueue`` with explicit backpressure and time-weighted depth.
* ``dead_letter``: ``DeadLetterQueue`` of ``DeadLetter`` records, with redrive.
* ``idempotency``: ``IdempotencyStore``, one application per command key, optional TTL.
* ``executor``: ``call_with_resilience``, the SimPy process helper composing all of the above.
"""

from orchestration.resilience.bulkhead import Bulkhead, BulkheadFull, SimBulkhead
from orchestration.resilience.circuit_breaker import (
    BreakerState,
    CircuitBreaker,
    CircuitBreakerConfig,
    CircuitOpen,
    Ticket,
    Transition,
)
from orchestration.resilience.clock import (
    SECONDS_PER_HOUR,
    Clock,
    ManualClock,
    hours_to_seconds,
    seconds_to_hours,
    sim_clock_s,
)
from orchestration.resilience.dead_letter import DeadLetter, DeadLetterQueue, RedriveResult
from orchestration.resilience.executor import (
    BULKHEAD_FULL,
    CIRCUIT_OPEN,
    Outcome,
    call_with_resilience,
    error_type_of,
)
from orchestration.resilience.idempotency import IdempotencyStore, Recorded
from orchestration.resilience.queues import Backpressure, BoundedQueue
from orchestration.resilience.retry import RetryPolicy, n8n_retry_policy

__all__ = [
    "BULKHEAD_FULL",
    "CIRCUIT_OPEN",
    "SECONDS_PER_HOUR",
    "Backpressure",
    "BoundedQueue",
    "BreakerState",
    "Bulkhead",
    "BulkheadFull",
    "CircuitBreaker",
    "CircuitBreakerConfig",
    "CircuitOpen",
    "Clock",
    "DeadLetter",
    "DeadLetterQueue",
    "IdempotencyStore",
    "ManualClock",
    "Outcome",
    "Recorded",
    "RedriveResult",
    "RetryPolicy",
    "SimBulkhead",
    "Ticket",
    "Transition",
    "call_with_resilience",
    "error_type_of",
    "hours_to_seconds",
    "n8n_retry_policy",
    "seconds_to_hours",
    "sim_clock_s",
]

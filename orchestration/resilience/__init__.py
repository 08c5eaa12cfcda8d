"""Resilience building blocks for the twin's integration hops, on the simulated clock.

One concept per module; times are SIMULATED SECONDS unless a name ends in ``_h``:

* ``clock``: the clock type, the seconds <-> hours conversion (SimPy ``env.now`` is hours).
* ``retry``: ``RetryPolicy``, Temporal-style exponential backoff as pure data and functions.
* ``circuit_breaker``: ``CircuitBreaker``, failure-rate breaker with CLOSED/OPEN/HALF_OPEN
  (in front of an integration target: ``orchestration.integration.breakers``).
* ``dead_letter``: ``DeadLetterQueue`` of ``DeadLetter`` records, with redrive (failed n8n
  work of the automated models: ``orchestration.integration.dead_letters``).
* ``idempotency``: ``IdempotencyStore``, one application per command key, optional TTL.
* ``accounting``: ``IdBits`` and the Jepsen-style accounting of the inbound integration.
"""

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
from orchestration.resilience.idempotency import IdempotencyStore, Recorded
from orchestration.resilience.retry import RetryPolicy, n8n_retry_policy

__all__ = [
    "SECONDS_PER_HOUR",
    "BreakerState",
    "CircuitBreaker",
    "CircuitBreakerConfig",
    "CircuitOpen",
    "Clock",
    "DeadLetter",
    "DeadLetterQueue",
    "IdempotencyStore",
    "ManualClock",
    "Recorded",
    "RedriveResult",
    "RetryPolicy",
    "Ticket",
    "Transition",
    "hours_to_seconds",
    "n8n_retry_policy",
    "seconds_to_hours",
    "sim_clock_s",
]

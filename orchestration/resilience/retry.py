"""Retry policy: when a failed call is tried again, and after how long (SIMULATED SECONDS).

A ``RetryPolicy`` is Temporal's retry policy as data. Attempts are numbered from 1; attempt 1 is
the first call and happens at once. Retry ``k`` (attempt ``k + 1``) waits

    delay_k = min(initial_interval_s * backoff_coefficient ** (k - 1), maximum_interval_s)

so initial 1 s, coefficient 2, maximum 10 s gives 1, 2, 4, 8, 10, 10, ... seconds. A coefficient
of 1 gives fixed waits (n8n's "Retry On Fail", see ``n8n_retry_policy``). ``maximum_attempts``
counts every attempt including the first (0 = unlimited, Temporal's convention), so 6 attempts
means at most 5 waits. An error whose type name is in ``non_retryable_error_types`` is never
retried. Error types are matched by class *name* (``type(exc).__name__``), as Temporal does,
so policies stay plain data that a scenario file can carry.

Jitter (off by default) spreads each wait uniformly over ``[d * (1 - jitter), d * (1 + jitter)]``
and then caps it at ``maximum_interval_s``. A jittered wait draws from a
``numpy.random.Generator`` passed in explicitly, one stream per random source; there is no
global random state here.

Everything in this module is pure: the policy is frozen, and its methods compute and return.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

__all__ = ["RetryPolicy", "n8n_retry_policy"]


def _require_finite(name: str, value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Temporal-style retry policy; intervals in simulated seconds.

    Attributes:
        initial_interval_s: wait before the first retry (attempt 2), >= 0.
        backoff_coefficient: growth factor of the wait per retry, >= 1.
        maximum_interval_s: cap on any single wait, >= ``initial_interval_s``.
            Temporal's default is 100 x the initial interval, i.e. 100 s here.
        maximum_attempts: attempts in total including the first; 0 means unlimited.
        non_retryable_error_types: error type names that stop retrying at once.
        jitter: fraction in [0, 1] by which a wait is randomly spread; 0 = exact waits.
    """

    initial_interval_s: float = 1.0
    backoff_coefficient: float = 2.0
    maximum_interval_s: float = 100.0
    maximum_attempts: int = 0
    non_retryable_error_types: tuple[str, ...] = ()
    jitter: float = 0.0

    def __post_init__(self) -> None:
        _require_finite("initial_interval_s", self.initial_interval_s)
        if self.initial_interval_s < 0:
            raise ValueError(f"initial_interval_s must be >= 0, got {self.initial_interval_s}")
        _require_finite("backoff_coefficient", self.backoff_coefficient)
        if self.backoff_coefficient < 1:
            raise ValueError(f"backoff_coefficient must be >= 1, got {self.backoff_coefficient}")
        _require_finite("maximum_interval_s", self.maximum_interval_s)
        if self.maximum_interval_s < self.initial_interval_s:
            raise ValueError(
                f"maximum_interval_s must be >= initial_interval_s ({self.initial_interval_s}), "
                f"got {self.maximum_interval_s}"
            )
        if isinstance(self.maximum_attempts, bool) or not isinstance(self.maximum_attempts, int):
            raise ValueError(f"maximum_attempts must be an int, got {self.maximum_attempts!r}")
        if self.maximum_attempts < 0:
            raise ValueError(
                f"maximum_attempts must be >= 0 (0 = unlimited), got {self.maximum_attempts}"
            )
        names = self.non_retryable_error_types
        if not isinstance(names, tuple) or not all(isinstance(n, str) and n for n in names):
            raise ValueError(
                "non_retryable_error_types must be a tuple of non-empty error type names, "
                f"got {names!r}"
            )
        _require_finite("jitter", self.jitter)
        if not 0 <= self.jitter <= 1:
            raise ValueError(f"jitter must be a fraction in [0, 1], got {self.jitter}")

    @property
    def unlimited(self) -> bool:
        """True when attempts are not capped (``maximum_attempts == 0``)."""
        return self.maximum_attempts == 0

    def base_delay_before_attempt(self, attempt: int) -> float:
        """The exact (unjittered) wait in seconds before ``attempt`` (1-based); 0 for attempt 1."""
        if isinstance(attempt, bool) or not isinstance(attempt, int) or attempt < 1:
            raise ValueError(f"attempt must be an int >= 1, got {attempt!r}")
        if attempt == 1 or self.initial_interval_s == 0:
            return 0.0
        try:
            raw = self.initial_interval_s * self.backoff_coefficient ** (attempt - 2)
        except OverflowError:
            raw = math.inf
        return min(raw, self.maximum_interval_s)

    def delay_before_attempt(self, attempt: int, rng: np.random.Generator | None = None) -> float:
        """The wait in seconds before ``attempt`` (1-based), jittered when ``jitter > 0``.

        With jitter on, ``rng`` is required and one uniform number is drawn from it per call.
        """
        base = self.base_delay_before_attempt(attempt)
        if self.jitter == 0 or base == 0:
            return base
        if rng is None:
            raise ValueError(
                f"jitter is {self.jitter}: pass rng, a numpy.random.Generator, to draw the wait"
            )
        spread = 1.0 + self.jitter * float(rng.uniform(-1.0, 1.0))
        return min(base * spread, self.maximum_interval_s)

    def delay_schedule(self, rng: np.random.Generator | None = None) -> Iterator[float]:
        """The waits before attempts 2, 3, ... in order.

        Finite (``maximum_attempts - 1`` waits) when attempts are capped, endless when unlimited.
        """
        attempt = 2
        while self.unlimited or attempt <= self.maximum_attempts:
            yield self.delay_before_attempt(attempt, rng)
            attempt += 1

    def is_retryable(self, error_type: str) -> bool:
        """False when ``error_type`` is listed as non-retryable."""
        return error_type not in self.non_retryable_error_types

    def should_retry(self, attempt: int, error_type: str) -> bool:
        """Whether a call that failed on ``attempt`` (1-based) with ``error_type`` is retried."""
        if isinstance(attempt, bool) or not isinstance(attempt, int) or attempt < 1:
            raise ValueError(f"attempt must be an int >= 1, got {attempt!r}")
        if not self.is_retryable(error_type):
            return False
        return self.unlimited or attempt < self.maximum_attempts


# n8n "Retry On Fail" bounds, clamped again by its engine (ODOO.md §6.2).
_N8N_MIN_TRIES, _N8N_MAX_TRIES, _N8N_DEFAULT_TRIES = 2, 5, 3
_N8N_MAX_WAIT_MS, _N8N_DEFAULT_WAIT_MS = 5000.0, 1000.0


def n8n_retry_policy(
    max_tries: int | None = _N8N_DEFAULT_TRIES,
    wait_between_tries_ms: float | None = _N8N_DEFAULT_WAIT_MS,
    *,
    retry_on_fail: bool = True,
) -> RetryPolicy:
    """The retry policy an n8n node really runs with, given its node settings.

    Reproduces the engine's clamps (``workflow-execute.ts``, ODOO.md §6.2): tries in [2, 5] and the
    wait in [0, 5000] ms, with JavaScript ``||`` defaults, so 0 or None tries become 3 and a wait of
    0 or None becomes 1000 ms. Waits are fixed (coefficient 1). With ``retry_on_fail`` False the
    node is tried once.
    """
    if not retry_on_fail:
        return RetryPolicy(initial_interval_s=0.0, maximum_interval_s=0.0, maximum_attempts=1)
    tries = min(_N8N_MAX_TRIES, max(_N8N_MIN_TRIES, max_tries or _N8N_DEFAULT_TRIES))
    wait_ms = min(_N8N_MAX_WAIT_MS, max(0.0, wait_between_tries_ms or _N8N_DEFAULT_WAIT_MS))
    wait_s = wait_ms / 1000.0
    return RetryPolicy(
        initial_interval_s=wait_s,
        backoff_coefficient=1.0,
        maximum_interval_s=wait_s,
        maximum_attempts=tries,
    )

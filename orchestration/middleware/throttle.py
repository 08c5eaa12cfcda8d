"""Honouring ``429 Too Many Requests`` with ``Retry-After`` on a push to a rate-limited API.

n8n's Retry On Fail waits a fixed 0-5 s between tries and knows nothing of ``Retry-After``
(ODOO.md §6.2), so a workflow that must honour it does what integrators do: on a 429 it stops
calling that target until the ``Retry-After`` time has passed and keeps what it could not send
for the next push. :class:`RetryAfterGate` is that bookkeeping, per target: ``admit`` merges the
held SKUs into a push (or holds the push, while the target is cooling down); ``limited`` records
a 429. Calls made before the Retry-After time would be refused again and counted as violations by
the API (``rate_limit_violations_total``), so an honouring pusher keeps that KPI at 0.
"""

from __future__ import annotations

import numpy as np


class RetryAfterGate:
    def __init__(self) -> None:
        self.until: dict[str, float] = {}
        self.held: dict[str, np.ndarray] = {}
        self.limited_total = 0
        self.deferred_total = 0

    def has_held(self) -> bool:
        return bool(self.held)

    def admit(self, target: str, skus: np.ndarray, now: float) -> np.ndarray | None:
        """The SKUs to push to ``target`` now (held ones merged), or None while it cools down."""
        held = self.held.get(target)
        if now < self.until.get(target, -1.0):
            self.deferred_total += 1
            self.held[target] = skus if held is None else np.union1d(held, skus)
            return None
        if held is None:
            return skus
        del self.held[target]
        return np.union1d(held, skus)

    def limited(self, target: str, skus: np.ndarray, now: float, retry_after_h: float) -> None:
        """``target`` answered 429 with ``Retry-After``: hold ``skus`` until then."""
        self.limited_total += 1
        self.until[target] = now + retry_after_h
        held = self.held.get(target)
        self.held[target] = skus if held is None else np.union1d(held, skus)

"""Replay protection: a validly signed delivery is acted on once, not once per copy sent.

A signature proves who sent a delivery and that it is unchanged, not that it is new: an attacker
(or a broken proxy) who captured a signed refund webhook can post it again, and it verifies.
Standard Webhooks closes the gap with two checks that work together:

1. the *timestamp* check of :class:`~orchestration.security.signatures.WebhookVerifier` refuses a
   delivery whose signed ``webhook-timestamp`` is more than the tolerance (300 s) from the clock;
2. this *replay guard* remembers each accepted ``webhook-id`` and refuses it a second time.

A *copy* of a delivery stops passing check 1 at ``timestamp_s + tolerance_s``. But the sender
itself retries with the same ``webhook-id`` and a *new* timestamp and signature whenever it did
not see our 2xx (a lost acknowledgement): such a retry passes check 1 for as long as the sender
keeps retrying. So an id is kept until the later of ``timestamp_s + tolerance_s`` and ``now +
retry_horizon_s``, the sender's retry horizon (default :data:`DEFAULT_RETRY_HORIZON_S`, the
Standard Webhooks / Svix schedule: retries after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h,
27.6 h in all); ``retry_horizon_s=0`` gives the timestamp-only window. A timestamp that was not
verified (signature check switched off) is clamped into ``[now - tolerance, now + tolerance]``
first, so an id is never kept more than ``max(2 x tolerance_s, retry_horizon_s)``.

Memory is bounded by ``max_ids`` (default :data:`DEFAULT_MAX_IDS`; ``None`` for no cap): when
full the guard *fails closed* (raises :class:`ReplayStoreFull`, the delivery is refused and the
sender retries later) rather than forget an id that could still be replayed.

Record an id only after its signature verified (a forged delivery must not be able to claim the
id of a genuine one that is still to come), and :meth:`ReplayGuard.forget` it if the handler
failed, so the sender's genuine retry — same id, new timestamp — is processed.

Times are SIMULATED SECONDS from an injected clock. Counts: ``recorded_total``,
``replays_rejected_total``, ``evicted_total``, ``peak_size``.
"""

from __future__ import annotations

import heapq

from orchestration.resilience.clock import Clock
from orchestration.security.signatures import DEFAULT_TOLERANCE_S

__all__ = [
    "DEFAULT_MAX_IDS",
    "DEFAULT_RETRY_HORIZON_S",
    "ReplayGuard",
    "ReplayStoreFull",
    "ReplayedDelivery",
]

#: Standard Webhooks / Svix retry schedule: 5 s + 5 min + 30 min + 2 h + 5 h + 10 h + 10 h
DEFAULT_RETRY_HORIZON_S = 5 + 5 * 60 + 30 * 60 + (2 + 5 + 10 + 10) * 3600.0
#: live ids kept at most (about 100 MB of Python strings and floats at the cap)
DEFAULT_MAX_IDS = 1_000_000


class ReplayedDelivery(Exception):
    """A delivery id already accepted within the tolerance window came again."""

    def __init__(self, delivery_id: str, first_seen_s: float) -> None:
        self.delivery_id, self.first_seen_s = delivery_id, first_seen_s
        super().__init__(f"delivery {delivery_id!r} was already accepted at {first_seen_s:g} s")


class ReplayStoreFull(Exception):
    """The replay store holds ``max_ids`` live ids; new deliveries are refused until some expire."""


class ReplayGuard:
    """The ids of deliveries accepted within the tolerance window, with their expiry (s)."""

    def __init__(
        self,
        clock: Clock,
        tolerance_s: float = DEFAULT_TOLERANCE_S,
        max_ids: int | None = DEFAULT_MAX_IDS,
        retry_horizon_s: float = DEFAULT_RETRY_HORIZON_S,
    ) -> None:
        if tolerance_s < 0:
            raise ValueError(f"tolerance_s must be >= 0, got {tolerance_s}")
        if not 0 <= retry_horizon_s <= 30 * 86_400:
            raise ValueError(f"retry_horizon_s must be in [0, 30 days], got {retry_horizon_s}")
        if max_ids is not None and max_ids < 1:
            raise ValueError(f"max_ids must be >= 1 or None, got {max_ids}")
        self.clock = clock
        self.tolerance_s = float(tolerance_s)
        self.max_ids = max_ids
        self.retry_horizon_s = float(retry_horizon_s)
        self._first_seen: dict[str, float] = {}
        self._expiry: dict[str, float] = {}
        self._heap: list[tuple[float, str]] = []  # (expiry_s, id); stale entries skipped
        self.recorded_total = 0
        self.replays_rejected_total = 0
        self.evicted_total = 0
        self.peak_size = 0

    def __len__(self) -> int:
        """The ids live at the clock's current time (expired ones are evicted first)."""
        self._evict(self.clock())
        return len(self._expiry)

    def __contains__(self, delivery_id: object) -> bool:
        self._evict(self.clock())
        return delivery_id in self._expiry

    def check_and_record(self, delivery_id: str, timestamp_s: float) -> None:
        """Accept a delivery id once: record it, or raise ReplayedDelivery if already live."""
        now = self.clock()
        self._evict(now)
        if delivery_id in self._expiry:
            self.replays_rejected_total += 1
            raise ReplayedDelivery(delivery_id, self._first_seen[delivery_id])
        if self.max_ids is not None and len(self._expiry) >= self.max_ids:
            raise ReplayStoreFull(
                f"{len(self._expiry)} ids live within the window (max_ids={self.max_ids})"
            )
        tol = self.tolerance_s
        expiry = max(
            min(max(float(timestamp_s), now - tol), now + tol) + tol, now + self.retry_horizon_s
        )
        self._first_seen[delivery_id] = now
        self._expiry[delivery_id] = expiry
        heapq.heappush(self._heap, (expiry, delivery_id))
        self.recorded_total += 1
        self.peak_size = max(self.peak_size, len(self._expiry))

    def forget(self, delivery_id: str) -> bool:
        """Drop an id (its handler failed, so a genuine retry must get through); True if known."""
        if self._expiry.pop(delivery_id, None) is None:
            return False
        del self._first_seen[delivery_id]
        return True

    def _evict(self, now: float) -> None:
        heap = self._heap
        while heap and heap[0][0] < now:
            expiry, delivery_id = heapq.heappop(heap)
            if self._expiry.get(delivery_id) == expiry:  # not forgotten or re-recorded since
                del self._expiry[delivery_id]
                del self._first_seen[delivery_id]
                self.evicted_total += 1

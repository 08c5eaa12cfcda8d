"""Event conservation: every emitted event is processed, dead-lettered, or still in flight.

The ledger records each emission and each acknowledgement individually. Acknowledging an event
twice, or one that was never emitted, raises at once (that is a bug in an orchestration model,
not a statistic). At the end of a run :meth:`check` verifies the identity of KPIS.md::

    emitted = processed + dead-lettered + in flight at end
"""

from __future__ import annotations


class ConservationError(AssertionError):
    """The event-conservation identity or a per-event acknowledgement rule was broken."""


class EventLedger:
    __slots__ = ("dead_lettered", "emitted", "pending", "processed")

    def __init__(self) -> None:
        self.emitted = 0
        self.processed = 0
        self.dead_lettered = 0
        self.pending: set[int] = set()

    def emit(self, event_id: int) -> None:
        self.emitted += 1
        self.pending.add(event_id)

    def _settle(self, event_id: int, how: str) -> None:
        try:
            self.pending.remove(event_id)
        except KeyError:
            raise ConservationError(
                f"event {event_id} {how} but it is not in flight (never emitted or already settled)"
            ) from None

    def ack(self, event_id: int) -> None:
        self._settle(event_id, "acknowledged as processed")
        self.processed += 1

    def dead_letter(self, event_id: int) -> None:
        self._settle(event_id, "dead-lettered")
        self.dead_lettered += 1

    def totals(self) -> dict[str, int]:
        return {
            "emitted": self.emitted,
            "processed": self.processed,
            "dead_lettered": self.dead_lettered,
            "in_flight": len(self.pending),
        }

    def check(self) -> None:
        t = self.totals()
        if t["emitted"] != t["processed"] + t["dead_lettered"] + t["in_flight"]:
            raise ConservationError(f"event conservation broken: {t}")

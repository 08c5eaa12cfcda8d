"""Jepsen-style accounting of the inbound integration: nothing lost, nothing doubled.

After a run under delivery faults (duplicates, drops then re-sends, reordering, a worker crash
after the effect), every event a sender got a 2xx for must end in exactly one place:

- **in the ERP state**: processed (settled in the world's ledger as processed);
- **in the dead-letter queue**: settled as dead-lettered;
- **in flight, on file**: the ERP owns it (handled, or parked until its order arrives) and its
  work is still queued at the horizon (an approval, an exception, a parked update).

An acknowledged event the ERP never took ownership of is **lost**. Business effects are checked
on the world's side: a second purchase order for one requisition or a second refund for one
return (two different command keys for one need) is a duplicate. ``conservation_ok`` holds when
the ledger's identity ``emitted = processed + dead-lettered + in flight`` holds, nothing is lost
and no purchase order or refund is doubled.

The connector is duck-typed (``acknowledged``, ``owned`` id sets — :class:`IdBits`, one byte per
event id, so the bookkeeping stays small over millions of events — and its counters), so this
module imports nothing of the connector.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np


class IdBits:
    """A set of small non-negative integer ids (event ids, order ids) kept as one byte per id.

    Ids are run-unique and sequential, so a byte array indexed by id holds millions of them in
    megabytes where a Python ``set`` would take gigabytes; set algebra runs in numpy. Adding an
    id is writing its byte (the size is counted when asked: only the accounting asks)."""

    __slots__ = ("_b",)

    def __init__(self, ids: Iterable[int] = ()) -> None:
        self._b = bytearray(1024)
        for i in ids:
            self.add(i)

    def add(self, i: int) -> None:
        b = self._b
        if i >= len(b):
            b.extend(bytes(max(i + 1 - len(b), len(b))))
        b[i] = 1

    @property
    def bits(self) -> bytearray:
        """The bytes themselves (1 = in the set), for a membership test or, below their length,
        an add (``bits[i] = 1``) without a call; the same object for the set's life (it grows
        in place)."""
        return self._b

    def add_many(self, ids: np.ndarray) -> None:
        """Add an array of ids at once (the connector's happy path folds its ids here)."""
        if not len(ids):
            return
        b = self._b
        top = int(ids.max())
        if top >= len(b):
            b.extend(bytes(max(top + 1 - len(b), len(b))))
        view = np.frombuffer(b, dtype=np.uint8)
        view[ids] = 1
        del view  # release the buffer export, so the bytearray can grow again

    def __contains__(self, i: object) -> bool:
        return isinstance(i, int) and 0 <= i < len(self._b) and self._b[i] == 1

    def __len__(self) -> int:
        return self._b.count(1)

    def __iter__(self) -> Iterator[int]:
        return iter(np.flatnonzero(self.mask()).tolist())

    def mask(self, size: int | None = None) -> np.ndarray:
        """A boolean array over ids ``0 .. size-1`` (default: as far as any id was added)."""
        m = np.frombuffer(bytes(self._b), dtype=np.uint8).astype(bool)
        if size is None:
            return m
        out = np.zeros(size, dtype=bool)
        n = min(size, len(m))
        out[:n] = m[:n]
        return out

    @staticmethod
    def _masks(*sets: Any) -> list[np.ndarray]:
        size = max((len(s._b) if isinstance(s, IdBits) else max(s, default=-1) + 1) for s in sets)
        out = []
        for s in sets:
            if isinstance(s, IdBits):
                out.append(s.mask(size))
            else:
                m = np.zeros(size, dtype=bool)
                m[list(s)] = True
                out.append(m)
        return out

    def __sub__(self, other: Any) -> set[int]:
        a, b = self._masks(self, other)
        return set(np.flatnonzero(a & ~b).tolist())

    def __and__(self, other: Any) -> set[int]:
        a, b = self._masks(self, other)
        return set(np.flatnonzero(a & b).tolist())

    def __or__(self, other: Any) -> set[int]:
        a, b = self._masks(self, other)
        return set(np.flatnonzero(a | b).tolist())


@dataclass(frozen=True)
class Accounting:
    events_emitted: int
    inbound_events: int
    delivery_attempts: int
    redeliveries: int
    duplicates_delivered: int
    duplicates_suppressed: int
    reordered: int
    crashes_after_effect: int
    parked_total: int
    parked_at_end: int
    events_acknowledged: int
    acknowledged_in_erp_state: int
    acknowledged_in_dlq: int
    acknowledged_in_flight: int
    lost: int
    events_dead_lettered: int
    duplicate_purchase_orders: int
    duplicate_refunds: int
    duplicate_effects: int
    ledger_identity_ok: bool
    conservation_ok: bool

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def lines(self) -> list[str]:
        return [f"{k:28s} {v}" for k, v in self.as_dict().items()]


def lost_event_ids(world: Any, connector: Any) -> set[int]:
    """Acknowledged to a sender, but never owned by the ERP (handled or parked)."""
    fold = getattr(connector, "fold", None)
    if fold is not None:
        fold()
    return connector.acknowledged - connector.owned


def account(world: Any, connector: Any) -> Accounting:
    """The accounting of a finished run (``world.run()`` has returned)."""
    fold = getattr(connector, "fold", None)
    if fold is not None:  # the happy path's deliveries, if any are not folded yet
        fold()
    ledger = world.ledger
    totals = ledger.totals()
    acked = connector.acknowledged
    pending = ledger.pending
    dead = set(world.dead_lettered_ids)
    in_dlq = sum(1 for i in dead if i in acked)
    in_flight = sum(1 for i in pending if i in acked)
    in_erp = len(acked) - in_dlq - in_flight
    lost = len(lost_event_ids(world, connector))
    by_kind = world.kpi.duplicate_effects_by_kind
    dup_po = by_kind.get("CreatePurchaseOrder", 0)
    dup_refund = by_kind.get("IssueRefund", 0)
    identity = totals["emitted"] == (
        totals["processed"] + totals["dead_lettered"] + totals["in_flight"]
    )
    return Accounting(
        events_emitted=totals["emitted"],
        inbound_events=len(acked | connector.owned | dead),
        delivery_attempts=connector.attempts,
        redeliveries=connector.redeliveries,
        duplicates_delivered=connector.duplicates_delivered,
        duplicates_suppressed=connector.duplicates_suppressed,
        reordered=connector.reordered,
        crashes_after_effect=connector.crashes,
        parked_total=connector.parked_total,
        parked_at_end=connector.parked_now,
        events_acknowledged=len(acked),
        acknowledged_in_erp_state=in_erp,
        acknowledged_in_dlq=in_dlq,
        acknowledged_in_flight=in_flight,
        lost=lost,
        events_dead_lettered=totals["dead_lettered"],
        duplicate_purchase_orders=dup_po,
        duplicate_refunds=dup_refund,
        duplicate_effects=world.kpi.duplicate_effects,
        ledger_identity_ok=identity,
        conservation_ok=identity and lost == 0 and dup_po == 0 and dup_refund == 0,
    )

"""The language between the world and the orchestration layer: events and commands.

**Events** (world -> orchestration) are immutable facts, timestamped in simulated hours, each
with a run-unique sequential ``id`` and a ``correlation`` naming the business object it belongs to
(``order:17``, ``po:3``, ``return:8``...). Batch facts (a store's POS upload, a receipt with many
lines) carry numpy arrays of SKU indices and quantities; they are never mutated after emission.

**Commands** (orchestration -> world) ask the world to do something. Each carries an
idempotency ``key``: the world applies a key once and ignores any later delivery of it. Commands
about the same business need share a ``need`` (a replenishment need, a return to refund...): two
*different* keys for one need is a duplicated business effect, which the world counts
(``duplicate_effects_total``) because that is exactly what idempotency controls must prevent.

Inventory adjustments are a change of *records*, not of the shelf, so they live in the
orchestration layer (the ERP), not in this language.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np

NO_INDEX = -1


@dataclass(frozen=True, slots=True)
class Event:
    """Base of every event. ``location`` / ``sku`` are indices, ``NO_INDEX`` when not one."""

    id: int
    t: float
    correlation: str

    @property
    def kind(self) -> str:
        return type(self).__name__

    # scalar summary for the event log
    def log_fields(self) -> tuple[int, int, int, float]:
        """(location, sku, qty, value) for the event log."""
        return NO_INDEX, NO_INDEX, 0, 0.0


def _lines_summary(location: int, skus: np.ndarray, qty: np.ndarray, value: float = 0.0):
    """The log fields of lines (SKU indices, quantities): the SKU of a single line, else -1.
    ``.item(0)`` is a Python number without a numpy scalar between (80 against 145 ns)."""
    if len(skus) == 1:
        return location, skus.item(0), int(qty.item(0)), value
    return location, NO_INDEX, sum(qty.tolist()), value  # 2-3 lines: cheaper than a ufunc


@dataclass(frozen=True, slots=True)
class OrderPlaced(Event):
    order_id: int
    channel: str
    location: int
    skus: np.ndarray
    qty: np.ndarray
    value: float

    def log_fields(self):  # _lines_summary's single line written out: every online order
        skus = self.skus
        if len(skus) == 1:
            return self.location, skus.item(0), int(self.qty.item(0)), self.value
        return self.location, NO_INDEX, sum(self.qty.tolist()), self.value


@dataclass(frozen=True, slots=True)
class PaymentFailed(Event):
    order_id: int
    channel: str
    value: float

    def log_fields(self):
        return NO_INDEX, NO_INDEX, 0, self.value


@dataclass(frozen=True, slots=True)
class OrderBackordered(Event):
    """An accepted online order could not be served from physical stock (oversold)."""

    order_id: int
    channel: str
    location: int
    skus: np.ndarray
    qty: np.ndarray

    def log_fields(self):
        return _lines_summary(self.location, self.skus, self.qty)


@dataclass(frozen=True, slots=True)
class OrderShipped(Event):
    order_id: int
    carrier: int
    location: int
    skus: np.ndarray
    qty: np.ndarray

    def log_fields(self):  # as OrderPlaced's
        skus = self.skus
        if len(skus) == 1:
            return self.location, skus.item(0), int(self.qty.item(0)), 0.0
        return self.location, NO_INDEX, sum(self.qty.tolist()), 0.0


@dataclass(frozen=True, slots=True)
class OrderDelivered(Event):
    order_id: int
    on_time: bool


@dataclass(frozen=True, slots=True)
class OrderCancelled(Event):
    order_id: int
    reason: str


@dataclass(frozen=True, slots=True)
class ShipmentDelayed(Event):
    order_id: int
    carrier: int
    reason: str


@dataclass(frozen=True, slots=True)
class PosSalesPosted(Event):
    """A store's end-of-day POS upload: units sold and units returned over the counter."""

    location: int
    skus: np.ndarray
    sold: np.ndarray
    returned: np.ndarray
    value: float

    def log_fields(self):
        return self.location, NO_INDEX, int(self.sold.sum()), self.value


@dataclass(frozen=True, slots=True)
class StockDepleted(Event):
    """Staff observed empty shelves/bins at the end of the day (SKUs newly at zero)."""

    location: int
    skus: np.ndarray

    def log_fields(self):
        return self.location, NO_INDEX, len(self.skus), 0.0


@dataclass(frozen=True, slots=True)
class TransferShipped(Event):
    reference: str
    source: int
    location: int
    skus: np.ndarray
    qty: np.ndarray

    def log_fields(self):
        return _lines_summary(self.source, self.skus, self.qty)


@dataclass(frozen=True, slots=True)
class GoodsReceived(Event):
    """Goods booked in at ``location``; ``qty`` is the *recorded* count (may be miscounted)."""

    reference: str
    location: int
    skus: np.ndarray
    qty: np.ndarray

    def log_fields(self):
        return _lines_summary(self.location, self.skus, self.qty)


@dataclass(frozen=True, slots=True)
class SupplierConfirmed(Event):
    """The supplier confirmed ``po_key`` (``late``: after the 48 h deadline), promising
    delivery at ``promised_h`` (simulated hours)."""

    po_key: str
    supplier: int
    late: bool
    promised_h: float = 0.0


@dataclass(frozen=True, slots=True)
class SupplierConfirmationLate(Event):
    po_key: str
    supplier: int


@dataclass(frozen=True, slots=True)
class InvoiceReceived(Event):
    invoice_id: int
    po_key: str
    supplier: int
    skus: np.ndarray
    qty: np.ndarray
    unit_price: np.ndarray
    amount: float

    def log_fields(self):
        return NO_INDEX, NO_INDEX, int(self.qty.sum()), self.amount


@dataclass(frozen=True, slots=True)
class ReturnInitiated(Event):
    """A customer started a return; ``fraud_signal`` in [0, 1] is what a screen would see."""

    return_id: int
    order_id: int
    amount: float
    fraud_signal: float

    def log_fields(self):
        return NO_INDEX, NO_INDEX, 0, self.amount


@dataclass(frozen=True, slots=True)
class ReturnReceived(Event):
    return_id: int
    location: int
    skus: np.ndarray
    qty: np.ndarray

    def log_fields(self):
        return _lines_summary(self.location, self.skus, self.qty)


@dataclass(frozen=True, slots=True)
class CountVariance(Event):
    """A cycle count: the physical quantity found for some SKUs of one location."""

    location: int
    skus: np.ndarray
    counted: np.ndarray

    def log_fields(self):
        return self.location, NO_INDEX, int(self.counted.sum()), 0.0


@dataclass(frozen=True, slots=True)
class DiscountRequested(Event):
    """A till asks for a price override; the customer waits ``patience_h`` for an answer."""

    request_id: int
    location: int
    depth: float
    basket_value: float
    basket_cost: float
    patience_h: float

    def log_fields(self):
        return self.location, NO_INDEX, 0, self.basket_value


@dataclass(frozen=True, slots=True)
class SupplierBankChangeRequested(Event):
    """Someone asks, in a supplier's name, to pay it into a new bank account from now on.

    Whether the request is genuine or vendor impersonation is the world's ground truth
    (``World.bank_change_is_fraudulent``), never on the event: people have to find out.
    """

    change_id: int
    supplier: int


@dataclass(frozen=True, slots=True)
class TicketOpened(Event):
    """A customer contacts service about an order (``order_id``; 0 when it never got one).

    ``topic`` is what the ticket is really about (``wismo``, ``return_request``,
    ``damaged_item``, ``payment_issue``, ``other``): ground truth for a *simulated* classifier
    and for the person who reads it; a real system sees only the text.
    """

    ticket_id: int
    order_id: int
    topic: str


# --------------------------------------------------------------------------- commands
@dataclass(frozen=True, slots=True)
class Command:
    key: str
    need: str

    @property
    def kind(self) -> str:
        return type(self).__name__

    def log_fields(self) -> tuple[int, int, int, float]:
        return NO_INDEX, NO_INDEX, 0, 0.0


@dataclass(frozen=True, slots=True)
class CreatePurchaseOrder(Command):
    supplier: int
    location: int
    skus: np.ndarray
    qty: np.ndarray
    unit_cost: np.ndarray

    @property
    def value(self) -> float:
        return float(np.dot(self.qty, self.unit_cost))

    def log_fields(self):
        return _lines_summary(self.location, self.skus, self.qty, self.value)


@dataclass(frozen=True, slots=True)
class TransferStock(Command):
    source: int
    location: int
    skus: np.ndarray
    qty: np.ndarray

    def log_fields(self):
        return _lines_summary(self.location, self.skus, self.qty)


@dataclass(frozen=True, slots=True)
class UpdateChannelAvailability(Command):
    """Publish availability for ``skus`` on an online channel (absolute quantities)."""

    channel: str
    skus: np.ndarray
    qty: np.ndarray

    def log_fields(self):
        return NO_INDEX, NO_INDEX, int(self.qty.sum()), 0.0


@dataclass(frozen=True, slots=True)
class CancelOrder(Command):
    order_id: int
    reason: str = "cancelled"


@dataclass(frozen=True, slots=True)
class NotifyCustomer(Command):
    order_id: int
    reason: str = "notice"


@dataclass(frozen=True, slots=True)
class IssueRefund(Command):
    return_id: int
    amount: float

    def log_fields(self):
        return NO_INDEX, NO_INDEX, 0, self.amount


@dataclass(frozen=True, slots=True)
class DecideDiscount(Command):
    request_id: int
    approved: bool


@dataclass(frozen=True, slots=True)
class ExpediteShipment(Command):
    """Pay to shorten the remaining lead time of a purchase order by ``days``."""

    po_key: str
    days: float
    cost: float = field(default=0.0)

    def log_fields(self):
        return NO_INDEX, NO_INDEX, 0, self.cost


@dataclass(frozen=True, slots=True)
class DecideBankChange(Command):
    """Apply (``approved``) or reject a supplier bank-detail change in the vendor master."""

    change_id: int
    approved: bool


@dataclass(frozen=True, slots=True)
class PayInvoice(Command):
    """Pay a supplier's bill into the bank account the vendor master holds for it now."""

    invoice_id: int
    supplier: int
    amount: float

    def log_fields(self):
        return NO_INDEX, NO_INDEX, 0, self.amount


# --------------------------------------------------------------------------- construction
def _fast_init(cls: type) -> None:
    """Give the frozen dataclass ``cls`` a faster ``__init__`` with the same signature.

    A frozen dataclass's generated ``__init__`` writes every field through
    ``object.__setattr__(self, name, value)``, looked up by name per field; this one calls each
    slot's member descriptor directly (bound once, here), which makes constructing an event
    about a third cheaper. The instance is the same: same slots, same values, still frozen
    (assignment after construction raises ``FrozenInstanceError``).
    """
    names, params, env = [], [], {}
    for f in dataclasses.fields(cls):
        if f.default_factory is not dataclasses.MISSING or not f.init or f.kw_only:
            raise TypeError(f"{cls.__name__}.{f.name}: only plain fields are supported")
        slot = next(k.__dict__[f.name] for k in cls.__mro__ if f.name in k.__dict__)
        env[f"_set_{f.name}"] = slot.__set__
        if f.default is dataclasses.MISSING:
            params.append(f.name)
        else:
            env[f"_default_{f.name}"] = f.default
            params.append(f"{f.name}=_default_{f.name}")
        names.append(f.name)
    body = "".join(f"    _set_{n}(self, {n})\n" for n in names) or "    pass\n"
    src = f"def __init__(self, {', '.join(params)}):\n{body}"
    exec(src, env)  # generated from the dataclass's own field names
    init = env["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__doc__ = cls.__init__.__doc__
    cls.__init__ = init


# every event and command class of this module (the names bound here: dataclass(slots=True)
# replaces each class by a new one, and the replaced ones stay in ``__subclasses__`` a while)
for _cls in [v for v in tuple(globals().values()) if isinstance(v, type)]:
    if issubclass(_cls, Event | Command):
        _fast_init(_cls)

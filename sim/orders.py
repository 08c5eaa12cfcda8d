"""Online orders (eCommerce and marketplace): checkout, payment, allocation, shipping, returns.

Why one long module: an online order's life (checkout, payment, allocation, backorder, pick,
label, transit, delivery, return, tickets) is one state machine over shared per-order draws.

An online customer sees the channel's *published* availability, which the orchestration layer
refreshes with some latency: a line shown unavailable is demand not filled; the rest is ordered.
Payment may be declined (issuer decline rate, or a payment-gateway outage); the customer then
retries with another card, abandons, or waits for the merchant's notice (``NotifyCustomer``).

On acceptance the channel decrements its own feed and the fulfilment centre allocates from
*physical* stock. If physical stock was already short, the order is **oversold**: its short lines
are backordered (``OrderBackordered``) and filled first-in-first-out from the next receipts, unless
the orchestration layer cancels the order. A complete order is picked (lognormal handling),
labelled through the carrier API (retried hourly during an outage, with ``ShipmentDelayed``),
carried (lognormal transit; late with probability ``1 - on_time_prob``) and delivered. OTIF is
judged against the promise made at acceptance. Some delivered orders are returned; a share of
returns is fraudulent (nothing usable comes back) and what the refund costs is counted.

Customers open service tickets (``TicketOpened``) from what happens to their orders — a late,
backordered or label-delayed order, a damaged delivery, a return, a declined payment, a general
question — with the probabilities of ``demand.tickets``, drawn from the ``tickets`` stream only
(so ticket volume follows the world and no other stream moves).

Why one long module: an order's life is one chain of callbacks (arrival, checkout, acceptance,
backorder, label, delivery, return, refund) whose steps share the order's pre-drawn randomness
and the backorder book; split across modules, the draw order that keeps common random numbers
would be spread too.
"""

from __future__ import annotations

from array import array
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from itertools import chain
from typing import TYPE_CHECKING

import numpy as np

from sim.clock import HOURS_PER_DAY
from sim.demand import OnlineDay
from sim.events import (
    OrderBackordered,
    OrderCancelled,
    OrderDelivered,
    OrderPlaced,
    OrderShipped,
    PaymentFailed,
    ReturnInitiated,
    ReturnReceived,
    ShipmentDelayed,
    TicketOpened,
)
from sim.order_draws import DayDraws

if TYPE_CHECKING:
    from sim.world import World

RETRY_OTHER_CARD_H = 0.2
RETRY_AFTER_NOTICE_H = 2.0
RETURN_TRANSIT_H = 72.0
LABEL_RETRY_H = 1.0
BACKORDER_TICKET_H = 24.0  # a backordered customer asks "where is my order?" a day later
TICKET_BLOCK = 1024  # the tickets stream is drawn in blocks of this many uniforms
#: baskets of fewer lines are valued in Python (see :func:`basket_value`)
DOT_SEQUENTIAL_BELOW = 16


def uniforms(gen: np.random.Generator, block: int) -> Callable[[], float]:
    """The next uniform of ``gen``, served from blocks of ``block`` drawn when needed: the same
    numbers as :meth:`sim.rng.Buffered.uniform` (``tests/test_order_draws.py``), through a
    C-level iterator: no Python frame per draw."""

    def blocks() -> Iterator[list[float]]:
        while True:
            yield gen.random(block).tolist()

    return chain.from_iterable(blocks()).__next__


def basket_value(ql: Sequence[int], ul: Sequence[float]) -> float:
    """A basket's value, the dot product of its quantities ``ql`` and unit prices ``ul``,
    exactly as ``float(np.dot(qty, unit_price))`` gives it (int64 and float64 arrays).

    Below 16 lines BLAS's ``ddot`` (numpy's OpenBLAS) adds the products one at a time, left to
    right, from 0.0: so does the loop here, without the arrays and the call (two lines: 0.2-0.3
    against 1.4-2.9 µs, ``tests/benchmarks/test_bench_basket_value.py``). Longer baskets, which
    its vector kernel sums in another order, go to ``np.dot`` itself.
    ``tests/test_w21_basket_value.py`` pins both against ``np.dot``."""
    n = len(ql)
    if n == 2:  # the commonest basket of several lines, written out: 0.0 + a + b is a + b
        return ql[0] * ul[0] + ql[1] * ul[1]
    if n < DOT_SEQUENTIAL_BELOW:
        value = 0.0
        for q, u in zip(ql, ul):  # noqa: B905 (as checkout's: a basket's lines pair)
            value += q * u
        return value
    return float(np.dot(np.asarray(ql, dtype=np.int64), np.asarray(ul, dtype=np.float64)))


class ReturnBook:
    """Every return of the run (ids 1, 2, ...): when it was initiated and whether it is a fraud.

    Two flat arrays (9 bytes a return) rather than a dict of tuples (about 150 bytes): the book
    lives for the whole run, so its size is what memory grows by over a long horizon.
    """

    __slots__ = ("_fraud", "_t")

    def __init__(self) -> None:
        self._t = array("d")
        self._fraud = bytearray()

    def add(self, t: float, fraud: bool) -> int:
        """Record a new return; its id is the count so far."""
        self._t.append(t)
        self._fraud.append(fraud)
        return len(self._t)

    def get(self, return_id: int) -> tuple[float, bool] | None:
        """``(initiated, fraud)``, or ``None`` for an id that was never issued."""
        if not 1 <= return_id <= len(self._t):
            return None
        return self._t[return_id - 1], bool(self._fraud[return_id - 1])

    def __len__(self) -> int:
        return len(self._t)


class Order:
    """One online order. It is also its own wake-up on the calendar (:meth:`Calendar.schedule
    <sim.wake.Calendar.schedule>`): ``callbacks`` names the stage due next (label, delivery,
    return, return received), so no object is built per stage. Its randomness is row ``j`` of
    its day's :class:`~sim.order_draws.DayDraws`; its lines are tuples sliced from the day's
    (lists if the checkout dropped unavailable lines): the garbage collector stops tracking a
    tuple once it has seen it hold only numbers."""

    __slots__ = (
        "alloc",
        "callbacks",
        "channel",
        "draws",
        "id",
        "j",
        "key",
        "noticed",
        "oversold",
        "price",
        "promise_h",
        "ql",
        "qty",
        "rid",
        "skus",
        "sl",
        "state",
        "value",
    )

    def __init__(self, oid, channel, skus, qty, ul, value, draws, j, sl, ql):
        self.id = oid
        self.key = f"order:{oid}"  # the correlation of every event about this order
        self.channel = channel
        self.skus = skus  # numpy view of the day's line arrays
        self.qty = qty
        self.sl = sl  # the same SKUs, as a sequence of ints
        self.ql = ql  # the same quantities, as a sequence of ints
        self.price = ul  # the lines' unit prices, as a sequence of floats
        self.value = value
        self.draws = draws  # the day's pre-drawn randomness (:class:`DayDraws`) ...
        self.j = j  # ... of which this order's is row ``j``
        # ``alloc`` (units allocated per line) is set when backordered at acceptance (an order
        # allocated in full never reads it), ``rid`` (its return's id) at the return
        self.state = "payment"
        self.oversold = False
        self.promise_h = 0.0
        self.noticed = False  # told of a delay before its promise

    _ok = True  # a wake-up never fails (what ``simpy.Environment.step`` checks)

    @property
    def short(self) -> np.ndarray:
        return self.qty - np.asarray(self.alloc, dtype=np.int64)


class Arrivals:
    """One channel's customers of one day, walked in time order by a chain of wake-ups.

    Each arrival is one wake-up (:mod:`sim.wake`) that checks out every customer due by then and
    schedules the next (after ``t[i] - now``, the delay a process would have yielded):
    no generator and no process events, the same instants and the same order of checkouts.
    The object is its own wake-up (``Calendar.schedule``): nothing is built per arrival.
    """

    __slots__ = (
        "callbacks", "channel", "checkout", "draws", "env", "i", "n", "ql", "qty", "schedule",
        "skus", "sl", "start", "t", "ul",
    )  # fmt: skip
    _ok = True  # a wake-up never fails (what ``simpy.Environment.step`` checks)

    def __init__(
        self, orders: OnlineOrders, day: OnlineDay, prices: np.ndarray, draws: DayDraws
    ) -> None:
        # what each wake-up calls, bound once a day (not looked up through the world per arrival)
        w = orders.w
        self.env, self.schedule, self.checkout = w.env, w.calendar.schedule, orders.checkout
        self.channel = day.channel
        self.t, self.start = day.t.tolist(), day.start.tolist()
        self.n = len(self.t)
        self.skus, self.qty = day.skus, day.qty
        # tuples: a customer's basket is a slice of them, a tuple of numbers that the garbage
        # collector untracks the first time it sees it (a list it would walk until freed)
        self.sl, self.ql = tuple(day.skus.tolist()), tuple(day.qty.tolist())
        # every line's selling price today (promotions applied)
        self.ul = tuple(prices[day.skus].tolist())
        self.draws = draws
        self.i = 0

    def next(self) -> None:
        """Check out every customer due now, then wait for the next one (a wake-up's callback:
        ``callbacks`` is ``(Arrivals.next,)``, called with the object itself)."""
        env = self.env
        t, start, n, checkout = self.t, self.start, self.n, self.checkout
        i = self.i
        while i < n:
            dt = t[i] - env._now
            if dt > 0:
                self.i = i
                self.callbacks = _NEXT_ARRIVAL
                self.schedule(dt, self)
                return
            a, b = start[i], start[i + 1]
            checkout(
                self.channel,
                self.skus[a:b],
                self.qty[a:b],
                self.sl[a:b],
                self.ql[a:b],
                self.ul[a:b],
                self.draws,
                i,
            )
            i += 1
        self.i = i


_NEXT_ARRIVAL = (Arrivals.next,)


class OnlineOrders:
    def __init__(self, world: World):
        self.w = world
        s = world.s
        self.pay = s.demand.payments
        self.ret = s.demand.returns
        self.gen_pay = world.streams.get("payments")
        self.gen_ship = world.streams.get("fulfilment")
        self.gen_ret = world.streams.get("returns")
        h = next(x for x in s.network.warehouses if x.serves_online).handling_h
        self._handling = (h.mu, h.sigma)
        self.carriers = s.network.carriers
        self._carrier_cdf = np.cumsum(world.net.carrier_share)
        self._transit = np.array([(c.transit_days.mu, c.transit_days.sigma) for c in self.carriers])
        self._late = np.array(
            [(c.late_extra_days.mu, c.late_extra_days.sigma, c.on_time_prob) for c in self.carriers]
        )
        self._ret_days = (self.ret.online_return_days.mu, self.ret.online_return_days.sigma)
        self._inspect = (self.ret.inspection_days.mu, self.ret.inspection_days.sigma)
        self._promise_h = {
            "ecommerce": s.channels.ecommerce.promise_days * HOURS_PER_DAY,
            "marketplace": s.channels.marketplace.promise_days * HOURS_PER_DAY,
        }
        #: the fulfilment centre's physical stock: a view of ``world.on_hand`` (never rebound)
        self._fc_stock = world.on_hand[world.net.fc]
        # The per-line reads and writes of the order path go through memoryviews of the same
        # memory (the channels' feeds, the centre's stock): an element is a Python int, read or
        # written without building a numpy scalar (about 3x cheaper per access).
        self._stock_mv = memoryview(self._fc_stock)
        self._feed_mv = {c: memoryview(a) for c, a in world.published.items()}
        # a fault plan without a window for a target never fails it: skip the look-up
        targets = {w.target for w in world.faults.windows}
        self._gateway_faults = "payment_gateway" in targets
        self._carrier_faults = "carrier_api" in targets
        # the stages an order is due at, as wake-up callbacks (see :class:`Order`)
        self._at_label = (self._label,)
        self._at_delivered = (self._delivered,)
        self._at_return = (self._return,)
        self._at_return_received = (self._return_received,)
        self.orders: dict[int, Order] = {}
        #: customers whose payment failed and who wait for a notice: (order, deadline)
        self.awaiting_notice: dict[int, tuple[Order, float]] = {}
        self.backorders: dict[int, deque[int]] = {}
        #: open orders in state ``backordered`` (waiting for stock), kept as they enter and leave
        self.backordered = 0
        self.returns = ReturnBook()
        self._seq = 0
        self.tk = s.demand.tickets
        #: the ``tickets`` stream's uniforms (used by nothing else), one at a time
        self._tk_uniform = uniforms(world.streams.get("tickets"), TICKET_BLOCK)
        self._ticket_seq = 0

    # ------------------------------------------------------------------ arrivals
    def _draw_day(self, n: int) -> DayDraws:
        """Every random number an order of the day may need, drawn in bulk at day start.

        Drawing per order *position* rather than when each step happens keeps the streams
        paired across orchestration models (common random numbers) and costs one numpy call
        per quantity per day instead of one per order (:class:`DayDraws`).
        """
        return DayDraws(self, n)

    def start_arrivals(self, day: OnlineDay, prices: np.ndarray) -> None:
        """Draw the day's per-order randomness and schedule its first arrival; ``prices`` is the
        day's selling price per SKU. The customers then arrive in time order (:class:`Arrivals`).
        """
        if len(day.t):
            Arrivals(self, day, prices, self._draw_day(len(day.t))).next()

    def checkout(
        self,
        channel: str,
        skus: np.ndarray,
        qty: np.ndarray,
        sl: Sequence[int],
        ql: Sequence[int],
        ul: Sequence[float],
        draws: DayDraws,
        j: int,
    ):
        """One customer at the checkout, order ``j`` of the day whose randomness is ``draws``:
        ``skus``/``qty`` are the basket's lines (``sl``/``ql`` the same as tuples), ``ul`` their
        unit prices; lines shown unavailable are demand lost."""
        w, k = self.w, self.w.kpi
        feed = self._feed_mv[channel]
        # what the customer wanted, before availability was shown
        demanded = ql[0] if len(ql) == 1 else sum(ql)
        # a basket's SKUs and quantities pair by construction: ``zip`` without ``strict``, whose
        # keyword call costs twice the loop over two lines (here and in ``accept``)
        for x, q in zip(sl, ql):  # noqa: B905
            if feed[x] < q:  # a line is shown unavailable: find them all
                mask = w.published[channel][skus] >= qty
                lost = qty[~mask]
                unit_price = np.asarray(ul, dtype=np.float64)
                k.online_lines_unavailable(int(lost.sum()), float(np.dot(lost, unit_price[~mask])))
                if not mask.any():
                    k.online_checkout(demanded)
                    return
                skus, qty = skus[mask], qty[mask]
                sl, ql, ul = skus.tolist(), qty.tolist(), unit_price[mask].tolist()
                break
        # a one-line basket's value is the product itself, as ``np.dot`` gives it
        value = ql[0] * ul[0] if len(ql) == 1 else basket_value(ql, ul)
        self._seq += 1
        now = w.env._now
        order = Order(self._seq, channel, skus, qty, ul, value, draws, j, sl, ql)
        k.online_order_placed(demanded)
        decline = self.pay.decline_rate
        if self._gateway_faults:
            decline = max(decline, w.faults.failure_prob("payment_gateway", now))
        if draws.u_decline[j] >= decline:
            self.accept(order)
            return
        k.payment_failed()
        failed = w.make(PaymentFailed, order.key, order.id, channel, order.value)
        p, u_path = self.pay, draws.u_path[j]
        if u_path < p.retry_other_card:
            self.w.calendar.after(RETRY_OTHER_CARD_H, self._retry, order)
        elif u_path < p.retry_other_card + p.abandon:
            self._abandon(order)
        else:
            self.awaiting_notice[order.id] = (order, w.env.now + p.notice_patience_h)
        w.publish(failed)  # after the customer's state is on file: a notice may come at once
        self.ticket(order.id, "payment_issue", self.tk.payment_issue)

    def _abandon(self, order: Order) -> None:
        self.w.kpi.payment_abandoned(sum(order.ql))  # the customer withdrew the demand

    def _retry(self, order: Order) -> None:
        """The customer tries to pay again (a wake-up)."""
        if order.draws.u_retry[order.j] < self.pay.retry_success_prob:
            self.accept(order)
        else:
            self._abandon(order)

    def notify(self, order_id: int) -> bool:
        """The merchant's message: to a customer whose payment failed, it invites a retry; to
        an accepted order not yet delivered, it tells of a delay (proactive when it comes before
        the promise)."""
        entry = self.awaiting_notice.pop(order_id, None)
        if entry is None:
            return self._delay_notice(order_id)
        order, deadline = entry
        if self.w.env.now > deadline:
            self._abandon(order)
            return True
        self.w.calendar.after(RETRY_AFTER_NOTICE_H, self._retry, order)
        return True

    def _delay_notice(self, order_id: int) -> bool:
        order = self.orders.get(order_id)
        if order is None or order.noticed or self.w.env.now >= order.promise_h:
            return False
        order.noticed = True
        self.w.kpi.delay_notice()
        return True

    def _missed_promise(self, order: Order) -> None:
        """``order`` missed its promise (within the horizon): counted when it had waited for
        stock (backordered), the delay a supplier slip causes and a merchant can announce."""
        if order.oversold:
            self.w.kpi.order_late(order.noticed)

    # ------------------------------------------------------------------ acceptance
    def accept(self, order: Order) -> None:
        w, k = self.w, self.w.kpi
        order.promise_h = w.env._now + self._promise_h[order.channel]
        feed = self._feed_mv[order.channel]
        fc, stock = w.net.fc, self._stock_mv
        alloc, allocated, backordered = [], 0, False
        for sku, q in zip(order.sl, order.ql):  # noqa: B905 (see ``checkout``)
            shown = feed[sku]
            feed[sku] = shown - q if shown > q else 0
            have = stock[sku]
            if have >= q:  # allocated in full
                stock[sku] = have - q
                alloc.append(q)
                allocated += q
            else:  # what there is, the rest backordered
                backordered = True
                if have:
                    stock[sku] = 0
                alloc.append(have)
                allocated += have
        k.online_order_accepted(allocated)
        self.orders[order.id] = order
        # OrderPlaced(order_id, channel, location, skus, qty, value)
        w.emit_args(
            OrderPlaced, order.key, order.id, order.channel, fc, order.skus, order.qty, order.value
        )
        if backordered:
            order.alloc = alloc  # only a backordered order needs it: the rest have it all
            short = order.short
            order.oversold = True
            order.state = "backordered"
            self.backordered += 1
            k.online_order_oversold()
            mask = short > 0
            for sku in order.skus[mask].tolist():
                self.backorders.setdefault(sku, deque()).append(order.id)
            w.emit(
                OrderBackordered,
                order.key,
                order_id=order.id,
                channel=order.channel,
                location=fc,
                skus=order.skus[mask],
                qty=short[mask],
            )
            self.ticket(order.id, "wismo", self.tk.wismo_if_late, after_h=BACKORDER_TICKET_H)
        else:
            order.state = "fulfilling"  # _start_fulfilment, written out on the order path
            order.callbacks = self._at_label
            w.calendar.schedule(order.draws.handling_h[order.j], order)
        p = self.tk.other_per_order  # self.ticket(order.id, "other", p), written out
        if p > 0 and self._tk_uniform() < p:
            self._new_ticket(order.id, "other")

    # ------------------------------------------------------------------ tickets
    def ticket(self, order_id: int, topic: str, prob: float, after_h: float = 0.0) -> None:
        """With probability ``prob`` (stream ``tickets``) the customer opens a ticket about it."""
        if prob <= 0 or self._tk_uniform() >= prob:
            return
        self._new_ticket(order_id, topic, after_h)

    def _new_ticket(self, order_id: int, topic: str, after_h: float = 0.0) -> None:
        """The customer opens a ticket now (or ``after_h`` hours from now)."""
        self._ticket_seq += 1
        tid = self._ticket_seq
        if after_h <= 0:
            self._open_ticket(tid, order_id, topic)
            return
        self.w.calendar.after(after_h, self._open_ticket_later, (tid, order_id, topic))

    def _open_ticket_later(self, ticket: tuple[int, int, str]) -> None:
        self._open_ticket(*ticket)

    def _open_ticket(self, tid: int, order_id: int, topic: str) -> None:
        self.w.kpi.ticket_opened()
        self.w.emit_args(TicketOpened, f"ticket:{tid}", tid, order_id, topic)

    def _start_fulfilment(self, order: Order) -> None:
        """A backordered order, now allocated in full, goes to be picked."""
        self.backordered -= 1
        order.state = "fulfilling"
        order.callbacks = self._at_label
        self.w.calendar.schedule(order.draws.handling_h[order.j], order)

    def fill_backorders(self, skus: np.ndarray) -> None:
        """Serve waiting orders FIFO from stock that just arrived at the fulfilment centre."""
        stock = self.w.on_hand[self.w.net.fc]
        # the SKUs with waiting orders, in increasing order (as ``np.unique`` gave them all: a
        # SKU nobody waits for is skipped either way); most receipts and returns have none
        waiting = self.backorders.keys() & set(skus.tolist())
        for sku in sorted(waiting):
            q = self.backorders[sku]  # each SKU once: its queue is there until emptied below
            while q and stock[sku] > 0:
                order = self.orders.get(q[0])
                if order is None or order.state != "backordered":
                    q.popleft()
                    continue
                ql = order.qty.tolist()
                lines = [
                    i
                    for i, x in enumerate(order.skus.tolist())
                    if x == sku and order.alloc[i] < ql[i]
                ]
                if not lines:
                    q.popleft()
                    continue
                i = lines[0]
                take = min(int(stock[sku]), ql[i] - order.alloc[i])
                stock[sku] -= take
                order.alloc[i] += take
                if order.alloc[i] == order.qty[i]:
                    q.popleft()
                if not order.short.any():
                    self._start_fulfilment(order)
            if not q:
                del self.backorders[sku]

    def cancel(self, order_id: int, reason: str) -> bool:
        """Cancel an order not yet shipped: its allocation returns to stock, the rest is lost."""
        w, k = self.w, self.w.kpi
        entry = self.awaiting_notice.pop(order_id, None)
        if entry is not None:
            self._abandon(entry[0])
            return True
        order = self.orders.get(order_id)
        if order is None or order.state != "backordered":
            return False
        order.state = "cancelled"
        self.backordered -= 1
        del self.orders[order_id]
        fc = w.net.fc
        alloc = np.asarray(order.alloc, dtype=np.int64)
        np.add.at(w.on_hand[fc], order.skus, alloc)
        short = order.short
        k.online_order_cancelled(
            int(short.sum()),
            float(np.dot(short, np.asarray(order.price, np.float64))),
            order.promise_h <= w.horizon_h,
        )
        if order.promise_h <= w.horizon_h and w.env.now > order.promise_h:
            self._missed_promise(order)
        w.emit(OrderCancelled, f"order:{order_id}", order_id=order_id, reason=reason)
        self.fill_backorders(order.skus[alloc > 0])
        return True

    # ------------------------------------------------------------------ fulfilment
    def _label(self, order: Order) -> None:
        """Picked and packed: buy a label through the carrier API (retried hourly when down)."""
        w = self.w
        now = w.env._now
        d, j = order.draws, order.j
        carrier, transit_d = d.carrier[j], d.transit_d[j]
        if self._carrier_faults and w.faults.failure_prob("carrier_api", now) > d.label_u[j]:
            if order.state != "label_delayed":
                order.state = "label_delayed"
                w.emit(
                    ShipmentDelayed,
                    order.key,
                    order_id=order.id,
                    carrier=carrier,
                    reason="carrier_api_unavailable",
                )
                self.ticket(order.id, "wismo", self.tk.wismo_if_late)
            order.callbacks = self._at_label  # retried in an hour
            w.calendar.schedule(LABEL_RETRY_H, order)
            return
        order.state = "shipped"
        # OrderShipped(order_id, carrier, location, skus, qty)
        w.emit_args(OrderShipped, order.key, order.id, carrier, w.net.fc, order.skus, order.qty)
        w.kpi.sale(order.value)
        order.callbacks = self._at_delivered
        w.calendar.schedule(transit_d * HOURS_PER_DAY, order)
        late_by = now + transit_d * HOURS_PER_DAY - order.promise_h
        if late_by > 0 and not order.oversold:  # not there by the promise: "where is it?"
            wait = max(order.promise_h - now, 0.0)
            self.ticket(order.id, "wismo", self.tk.wismo_if_late, after_h=wait)

    def _delivered(self, order: Order) -> None:
        w = self.w
        on_time = w.env._now <= order.promise_h
        w.kpi.online_order_delivered(on_time, order.promise_h <= w.horizon_h)  # (on_time, due)
        if order.promise_h <= w.horizon_h and not on_time:
            self._missed_promise(order)
        order.state = "delivered"
        del self.orders[order.id]
        w.emit_args(OrderDelivered, order.key, order.id, on_time)  # (order_id, on_time)
        p = self.tk.damaged_per_delivery  # self.ticket(order.id, "damaged_item", p), written out
        if p > 0 and self._tk_uniform() < p:
            self._new_ticket(order.id, "damaged_item")
        d, j = order.draws, order.j
        if d.u_ret[j] < self.ret.online_rate:
            order.callbacks = self._at_return
            w.calendar.schedule(d.ret_days[j] * HOURS_PER_DAY, order)

    def _return(self, order: Order) -> None:
        """The customer sends the order back (its wake-up ``ret_days`` after delivery)."""
        w, env = self.w, self.w.env
        d, j = order.draws, order.j
        fraud, u_sig = d.u_fraud[j] < self.ret.fraud_share, d.u_sig[j]
        rid = order.rid = self.returns.add(env.now, fraud)
        # what a fraud screen would see: high for most frauds, low for most genuine returns
        signal = 0.35 + 0.65 * u_sig if fraud else 0.6 * u_sig * u_sig
        # ReturnInitiated(return_id, order_id, amount, fraud_signal)
        w.emit_args(
            ReturnInitiated, f"return:{rid}", rid, order.id, round(order.value, 2), round(signal, 4)
        )
        self.ticket(order.id, "return_request", self.tk.return_query)
        # the parcel comes back, then it is inspected
        order.callbacks = self._at_return_received
        w.calendar.schedule(RETURN_TRANSIT_H + d.inspect_h[j], order)

    def _return_received(self, order: Order) -> None:
        w, rid = self.w, order.rid
        fc = w.net.fc
        if self.returns.get(rid)[1]:  # a fraud: nothing usable came back, nothing to put away
            # ReturnReceived(return_id, location, skus, qty)
            w.emit_args(
                ReturnReceived, f"return:{rid}", rid, fc, order.skus, np.zeros_like(order.qty)
            )
            return
        back = order.qty
        np.add.at(w.on_hand[fc], order.skus, back)
        w.emit_args(ReturnReceived, f"return:{rid}", rid, fc, order.skus, back)
        if back.any():
            self.fill_backorders(order.skus)

    def refund(self, return_id: int, amount: float) -> bool:
        """Pay a refund. Paying one return twice is possible: the world does what it is told."""
        entry = self.returns.get(return_id)
        if entry is None:
            return False
        initiated, fraud = entry
        self.w.kpi.refund_paid(amount, self.w.env.now - initiated, fraud=fraud)
        return True

    # ------------------------------------------------------------------ end of run
    def close(self) -> None:
        """Censor at the horizon: open orders whose promise has passed count as not OTIF."""
        k = self.w.kpi
        for order in self.orders.values():
            if order.promise_h <= self.w.horizon_h:
                k.online_order_open_past_promise()
                self._missed_promise(order)

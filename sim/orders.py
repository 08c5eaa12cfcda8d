"""Online orders (eCommerce and marketplace): checkout, payment, allocation, shipping, returns.

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
"""

from __future__ import annotations

from collections import deque
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
)
from sim.rng import lognormal

if TYPE_CHECKING:
    from sim.world import World

RETRY_OTHER_CARD_H = 0.2
RETRY_AFTER_NOTICE_H = 2.0
RETURN_TRANSIT_H = 72.0
LABEL_RETRY_H = 1.0


class Order:
    __slots__ = ("alloc", "channel", "id", "oversold", "price", "promise_h", "qty", "skus",
                 "state", "t_placed", "value")

    def __init__(self, oid, channel, t, skus, qty, price, value):
        self.id = oid
        self.channel = channel
        self.t_placed = t
        self.skus = skus
        self.qty = qty
        self.price = price
        self.value = value
        self.alloc = np.zeros(len(skus), dtype=np.int64)
        self.state = "payment"
        self.oversold = False
        self.promise_h = 0.0

    @property
    def short(self) -> np.ndarray:
        return self.qty - self.alloc


class OnlineOrders:
    def __init__(self, world: World):
        self.w = world
        s = world.s
        self.pay = s.demand.payments
        self.ret = s.demand.returns
        self.gen_pay = world.streams.get("payments")
        self.gen_ship = world.streams.get("fulfilment")
        self.gen_ret = world.streams.get("returns")
        self.fc_handling = next(x for x in s.network.warehouses if x.serves_online).handling_h
        self.carriers = s.network.carriers
        self.orders: dict[int, Order] = {}
        self.awaiting_notice: dict[int, tuple[Order, float, float]] = {}
        self.backorders: dict[int, deque[int]] = {}
        self.returns: dict[int, tuple[float, bool]] = {}
        self._seq = 0
        self._ret_seq = 0

    # ------------------------------------------------------------------ arrivals
    def arrivals(self, day: OnlineDay, price_f: np.ndarray):
        env = self.w.env
        t, start = day.t, day.start
        for i in range(len(t)):
            dt = t[i] - env.now
            if dt > 0:
                yield env.timeout(dt)
            a, b = start[i], start[i + 1]
            self.checkout(day.channel, day.skus[a:b], day.qty[a:b], price_f)

    def checkout(self, channel: str, skus: np.ndarray, qty: np.ndarray, price_f: np.ndarray):
        w, k = self.w, self.w.kpi
        feed = w.published[channel]
        shown = feed[skus] >= qty
        unit_price = w.net.price[skus] * price_f[skus]
        k.online_units_demanded += int(qty.sum())
        if not shown.all():
            lost = qty[~shown]
            k.lost_units += int(lost.sum())
            k.lost_revenue += float(np.dot(lost, unit_price[~shown]))
            if not shown.any():
                return
            skus, qty, unit_price = skus[shown], qty[shown], unit_price[shown]
        self._seq += 1
        order = Order(self._seq, channel, w.env.now, skus, qty, unit_price,
                      float(np.dot(qty, unit_price)))
        k.online_orders_placed += 1
        g = self.gen_pay
        decline = max(self.pay.decline_rate, w.faults.failure_prob("payment_gateway", w.env.now))
        u_decline, u_path, u_retry = g.random(3)
        if u_decline >= decline:
            self.accept(order)
            return
        k.payment_failures += 1
        w.emit(PaymentFailed, f"order:{order.id}", order_id=order.id, channel=channel,
               value=order.value)
        p = self.pay
        if u_path < p.retry_other_card:
            w.env.process(self._retry(order, RETRY_OTHER_CARD_H, u_retry))
        elif u_path < p.retry_other_card + p.abandon:
            self._abandon(order)
        else:
            self.awaiting_notice[order.id] = (order, w.env.now + p.notice_patience_h, u_retry)

    def _abandon(self, order: Order) -> None:
        k = self.w.kpi
        k.payment_abandoned_orders += 1
        k.online_units_demanded -= int(order.qty.sum())  # the customer withdrew the demand

    def _retry(self, order: Order, delay_h: float, u: float):
        yield self.w.env.timeout(delay_h)
        if u < self.pay.retry_success_prob:
            self.accept(order)
        else:
            self._abandon(order)

    def notify(self, order_id: int) -> bool:
        entry = self.awaiting_notice.pop(order_id, None)
        if entry is None:
            return False
        order, deadline, u_retry = entry
        if self.w.env.now > deadline:
            self._abandon(order)
            return True
        self.w.env.process(self._retry(order, RETRY_AFTER_NOTICE_H, u_retry))
        return True

    # ------------------------------------------------------------------ acceptance
    def accept(self, order: Order) -> None:
        w, k = self.w, self.w.kpi
        ch = w.s.channels.ecommerce if order.channel == "ecommerce" else w.s.channels.marketplace
        order.promise_h = w.env.now + ch.promise_days * HOURS_PER_DAY
        feed = w.published[order.channel]
        np.subtract.at(feed, order.skus, order.qty)
        np.maximum(feed, 0, out=feed)
        k.online_orders_accepted += 1
        fc = w.net.fc
        stock = w.on_hand[fc]
        for i, (sku, q) in enumerate(zip(order.skus.tolist(), order.qty.tolist(), strict=True)):
            take = min(int(stock[sku]), q)
            stock[sku] -= take
            order.alloc[i] = take
        k.online_units_filled_first += int(order.alloc.sum())
        self.orders[order.id] = order
        w.emit(OrderPlaced, f"order:{order.id}", order_id=order.id, channel=order.channel,
               location=fc, skus=order.skus, qty=order.qty, value=order.value)
        short = order.short
        if short.any():
            order.oversold = True
            order.state = "backordered"
            k.online_orders_oversold += 1
            mask = short > 0
            for sku in order.skus[mask].tolist():
                self.backorders.setdefault(sku, deque()).append(order.id)
            w.emit(OrderBackordered, f"order:{order.id}", order_id=order.id,
                   channel=order.channel, location=fc, skus=order.skus[mask], qty=short[mask])
        else:
            self._start_fulfilment(order)

    def _start_fulfilment(self, order: Order) -> None:
        order.state = "fulfilling"
        self.w.env.process(self._fulfil(order))

    def fill_backorders(self, skus: np.ndarray) -> None:
        """Serve waiting orders FIFO from stock that just arrived at the fulfilment centre."""
        stock = self.w.on_hand[self.w.net.fc]
        for sku in np.unique(skus).tolist():
            q = self.backorders.get(sku)
            while q and stock[sku] > 0:
                order = self.orders.get(q[0])
                if order is None or order.state != "backordered":
                    q.popleft()
                    continue
                lines = np.flatnonzero((order.skus == sku) & (order.alloc < order.qty))
                if len(lines) == 0:
                    q.popleft()
                    continue
                i = int(lines[0])
                take = min(int(stock[sku]), int(order.qty[i] - order.alloc[i]))
                stock[sku] -= take
                order.alloc[i] += take
                if order.alloc[i] == order.qty[i]:
                    q.popleft()
                if not order.short.any():
                    self._start_fulfilment(order)
            if q is not None and not q:
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
        del self.orders[order_id]
        fc = w.net.fc
        np.add.at(w.on_hand[fc], order.skus, order.alloc)
        short = order.short
        k.lost_units += int(short.sum())
        k.lost_revenue += float(np.dot(short, order.price))
        k.online_orders_cancelled += 1
        if order.promise_h <= w.horizon_h:
            k.otif_eligible += 1
        w.emit(OrderCancelled, f"order:{order_id}", order_id=order_id, reason=reason)
        self.fill_backorders(order.skus[order.alloc > 0])
        return True

    # ------------------------------------------------------------------ fulfilment
    def _fulfil(self, order: Order):
        w, env, g = self.w, self.w.env, self.gen_ship
        h = self.fc_handling
        yield env.timeout(float(lognormal(g, h.mu, h.sigma)))
        carrier = int(np.searchsorted(np.cumsum(w.net.carrier_share), g.random(), side="right"))
        carrier = min(carrier, len(self.carriers) - 1)
        delayed = False
        while w.faults.failure_prob("carrier_api", env.now) > g.random():
            if not delayed:
                w.emit(ShipmentDelayed, f"order:{order.id}", order_id=order.id, carrier=carrier,
                       reason="carrier_api_unavailable")
                delayed = True
            yield env.timeout(LABEL_RETRY_H)
        order.state = "shipped"
        w.emit(OrderShipped, f"order:{order.id}", order_id=order.id, carrier=carrier,
               location=w.net.fc, skus=order.skus, qty=order.qty)
        w.kpi.revenue += order.value
        c = self.carriers[carrier]
        transit_d = float(lognormal(g, c.transit_days.mu, c.transit_days.sigma))
        if g.random() >= c.on_time_prob:
            transit_d += float(lognormal(g, c.late_extra_days.mu, c.late_extra_days.sigma))
        yield env.timeout(transit_d * HOURS_PER_DAY)
        on_time = env.now <= order.promise_h
        k = w.kpi
        k.online_orders_delivered += 1
        if order.promise_h <= w.horizon_h:
            k.otif_eligible += 1
            k.otif_ok += int(on_time)
        order.state = "delivered"
        del self.orders[order.id]
        w.emit(OrderDelivered, f"order:{order.id}", order_id=order.id, on_time=on_time)
        gr = self.gen_ret
        u_ret, u_fraud, u_sig = gr.random(3)
        if u_ret < self.ret.online_rate:
            days = float(lognormal(gr, self.ret.online_return_days.mu,
                                   self.ret.online_return_days.sigma))
            env.process(self._return(order, days, u_fraud < self.ret.fraud_share, u_sig))

    def _return(self, order: Order, days: float, fraud: bool, u_sig: float):
        w, env = self.w, self.w.env
        yield env.timeout(days * HOURS_PER_DAY)
        self._ret_seq += 1
        rid = self._ret_seq
        # what a fraud screen would see: high for most frauds, low for most genuine returns
        signal = 0.35 + 0.65 * u_sig if fraud else 0.6 * u_sig * u_sig
        self.returns[rid] = (order.value, fraud)
        w.emit(ReturnInitiated, f"return:{rid}", return_id=rid, order_id=order.id,
               amount=round(order.value, 2), fraud_signal=round(signal, 4))
        yield env.timeout(RETURN_TRANSIT_H)
        back = np.zeros_like(order.qty) if fraud else order.qty
        fc = w.net.fc
        np.add.at(w.on_hand[fc], order.skus, back)
        w.emit(ReturnReceived, f"return:{rid}", return_id=rid, location=fc, skus=order.skus,
               qty=back)
        if back.any():
            self.fill_backorders(order.skus)

    def refund(self, return_id: int, amount: float) -> bool:
        """Pay a refund. Paying one return twice is possible: the world does what it is told."""
        entry = self.returns.get(return_id)
        if entry is None:
            return False
        _, fraud = entry
        k = self.w.kpi
        k.refunds_paid += amount
        k.revenue -= amount
        if fraud:
            k.refund_losses += amount
        return True

    # ------------------------------------------------------------------ end of run
    def close(self) -> None:
        """Censor at the horizon: open orders whose promise has passed count as not OTIF."""
        k = self.w.kpi
        for order in self.orders.values():
            if order.promise_h <= self.w.horizon_h:
                k.otif_eligible += 1

"""The world's side of a late supplier: promises, ground truth, expedites and customer notices.

A supplier confirms a PO with a promised delivery time; a receipt after it (or a PO still open
past it at the horizon) is a supplier delay, whatever the orchestration model does. The model
reports when it detected the delay; ``ExpediteShipment`` brings the delivery forward; a
``NotifyCustomer`` to an accepted order before its promise is a proactive delay notice, and an
order that misses its promise without one is counted as late without notice.
"""

from __future__ import annotations

import numpy as np
import pytest

from scenarios.loader import load_scenario
from sim.events import (
    CreatePurchaseOrder,
    ExpediteShipment,
    GoodsReceived,
    NotifyCustomer,
    OrderBackordered,
    SupplierConfirmed,
)
from sim.kpis import KpiCollector
from sim.world import World

ON_TIME = "network.suppliers.0.on_time_prob=1.0"
ALWAYS_LATE = "network.suppliers.0.on_time_prob=0.0"


def _po(world: World, key: str = "PO-1") -> CreatePurchaseOrder:
    skus = np.array([0, 1])
    return CreatePurchaseOrder(
        key=key,
        need=key,
        supplier=0,
        location=world.net.fc,
        skus=skus,
        qty=np.array([12, 6]),
        unit_cost=world.net.cost[skus],
    )


def _one_po(ack_all, *overrides: str, expedite_days: float | None = None) -> World:
    s = load_scenario("tiny", ["horizon_days=60", *overrides])
    w = World(s)
    w.attach(ack_all)
    w.submit(_po(w))
    if expedite_days is not None:
        w.submit(ExpediteShipment(key="EX-1", need="EX-1", po_key="PO-1", days=expedite_days))
    w.run()
    return w


def _receipt_h(ack_all) -> float:
    return next(
        e.t for e in ack_all.events if isinstance(e, GoodsReceived) and e.reference == "PO-1"
    )


def _promise_h(ack_all) -> float:
    return next(e.promised_h for e in ack_all.events if isinstance(e, SupplierConfirmed))


def test_an_on_time_supplier_delivers_at_its_promise(ack_all):
    w = _one_po(ack_all, ON_TIME)
    assert _receipt_h(ack_all) == pytest.approx(_promise_h(ack_all))
    assert w.kpi.supplier_delays == 0


def test_a_late_supplier_delivers_after_its_promise_and_is_a_delay(ack_all):
    w = _one_po(ack_all, ALWAYS_LATE)
    assert _receipt_h(ack_all) > _promise_h(ack_all) + 1.0
    assert w.kpi.supplier_delays == 1
    k = w.kpi.kpis(w.ledger.totals())
    assert k["supplier_delays_total"] == 1
    assert k["supplier_delays_detected_total"] == 0  # nobody looked
    assert k["supplier_delay_detection_h_p50"] is None


def test_an_expedite_before_confirmation_brings_the_receipt_forward(ack_all):
    """Expediting while the supplier has not confirmed yet must not break the PO's life."""
    _one_po(ack_all, ALWAYS_LATE)
    slow = _receipt_h(ack_all)
    ack_all.events.clear()
    w = _one_po(ack_all, ALWAYS_LATE, expedite_days=3.0)
    fast = _receipt_h(ack_all)
    assert fast == pytest.approx(max(slow - 72.0, 12.0))
    assert w.kpi.expedites == 1


def test_an_expedite_never_postpones_a_delivery(ack_all):
    """A PO due within 12 h stays due when it was (the 12 h floor never delays it)."""
    s = load_scenario("tiny", ["horizon_days=60", ON_TIME])
    w = World(s)
    w.attach(ack_all)
    w.submit(_po(w))
    po = w.supply.pos["PO-1"]
    w.env.run(until=po.due_h - 2.0)
    due = po.due_h
    assert w.supply.expedite("PO-1", 5.0)
    assert po.due_h == due


def test_detection_is_measured_from_the_promise_and_false_alarms_are_counted():
    k = KpiCollector()
    k.supplier_delay_detected("late", 90.0)
    k.supplier_delay_detected("late", 95.0)  # the first flag counts
    k.supplier_delay_settled("late", 100.0, late=True)
    k.supplier_delay_detected("fine", 10.0)
    k.supplier_delay_settled("fine", 20.0, late=False)
    k.supplier_delay_settled("unseen", 50.0, late=True)
    out = k.kpis({"emitted": 0, "processed": 0, "dead_lettered": 0, "in_flight": 0})
    assert out["supplier_delays_total"] == 2
    assert out["supplier_delays_detected_total"] == 1
    assert out["supplier_delay_detection_h_p50"] == -10.0
    assert out["supplier_delay_false_alarms_total"] == 1


class NoticeBackorders:
    """Acknowledges everything; tells every backordered customer of the delay at once."""

    def __init__(self, notify: bool):
        self.notify = notify

    def attach(self, world):
        self.w = world

    def on_event(self, event):
        self.w.ack(event)
        if self.notify and isinstance(event, OrderBackordered):
            oid = event.order_id
            self.w.submit(NotifyCustomer(key=f"n:{oid}", need=f"n:{oid}", order_id=oid))

    def snapshot(self):
        return {}

    def finish(self):
        pass


def _late_orders(notify: bool) -> KpiCollector:
    w = World(load_scenario("tiny", ["horizon_days=21"]))
    w.attach(NoticeBackorders(notify))
    w.run()
    return w.kpi


def test_backordered_customers_told_in_time_are_not_late_without_notice():
    """Nobody replenishes, so backorders wait past their promise. A notice changes nothing in
    the world (same late orders), but every late backorder told at once is no longer late
    without notice; the untold ones still are."""
    silent, told = _late_orders(False), _late_orders(True)
    assert silent.proactive_delay_notices == 0
    assert silent.orders_late_without_notice == silent.orders_late > 0
    assert told.orders_late == silent.orders_late
    assert told.proactive_delay_notices > 0
    assert told.orders_late_without_notice < silent.orders_late_without_notice

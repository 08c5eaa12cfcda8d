"""Commands apply once per idempotency key; two keys for one need are a duplicated effect."""

from __future__ import annotations

import numpy as np
import pytest

from scenarios.loader import load_scenario
from sim.events import CreatePurchaseOrder, GoodsReceived, IssueRefund, ReturnInitiated
from sim.world import CommandResult, World


def _po(key: str, need: str, world: World) -> CreatePurchaseOrder:
    skus = np.array([0, 1])
    return CreatePurchaseOrder(
        key=key,
        need=need,
        supplier=0,
        location=world.net.fc,
        skus=skus,
        qty=np.array([12, 6]),
        unit_cost=world.net.cost[skus],
    )


@pytest.fixture(scope="module")
def long_tiny():
    """Long enough for any PO of the tiny retailer to be delivered."""
    return load_scenario("tiny", ["horizon_days=60"])


def _receipts(events, key):
    return [e for e in events if isinstance(e, GoodsReceived) and e.reference == key]


def test_a_redelivered_purchase_order_is_applied_once(long_tiny, ack_all):
    """The same key twice: one PO at the supplier, one receipt, one suppressed duplicate."""
    w = World(long_tiny)
    w.attach(ack_all)
    assert w.submit(_po("PO-1", "need-1", w)) == CommandResult.APPLIED
    assert w.submit(_po("PO-1", "need-1", w)) == CommandResult.DUPLICATE
    w.run()
    assert len(_receipts(ack_all.events, "PO-1")) == 1
    assert w.kpi.duplicate_commands_suppressed == 1
    assert w.kpi.duplicate_effects == 0


def test_two_keys_for_one_need_order_twice_and_are_counted(long_tiny, ack_all):
    """Without idempotency upstream, a retried requisition becomes a second PO — counted."""
    w = World(long_tiny)
    w.attach(ack_all)
    w.submit(_po("PO-1", "need-1", w))
    w.submit(_po("PO-2", "need-1", w))
    w.run()
    assert len(_receipts(ack_all.events, "PO-1")) == 1
    assert len(_receipts(ack_all.events, "PO-2")) == 1
    assert w.kpi.duplicate_effects == 1


def test_a_refund_is_paid_once_per_key_and_twice_for_two_keys(tiny):
    """The payment gateway pays what it is told: the second key pays again and is counted."""
    refunds = {}

    class RefundTwice:
        def attach(self, world):
            self.w = world

        def on_event(self, event):
            self.w.ack(event)
            if isinstance(event, ReturnInitiated) and not refunds:
                rid, amount = event.return_id, event.amount
                refunds["first"] = self.w.submit(
                    IssueRefund(key="RF-1", need=f"refund:{rid}", return_id=rid, amount=amount)
                )
                refunds["again"] = self.w.submit(
                    IssueRefund(key="RF-1", need=f"refund:{rid}", return_id=rid, amount=amount)
                )
                refunds["other"] = self.w.submit(
                    IssueRefund(key="RF-2", need=f"refund:{rid}", return_id=rid, amount=amount)
                )
                refunds["amount"] = amount

        def snapshot(self):
            return {}

        def finish(self):
            pass

    w = World(tiny)
    w.attach(RefundTwice())
    w.run()
    assert refunds["first"] == CommandResult.APPLIED
    assert refunds["again"] == CommandResult.DUPLICATE
    assert refunds["other"] == CommandResult.APPLIED
    assert w.kpi.refunds_paid == 2 * refunds["amount"]
    assert w.kpi.duplicate_effects == 1

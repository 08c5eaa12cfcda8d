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


def test_a_command_is_applied_by_its_class_and_an_unknown_one_is_refused(tiny, ack_all):
    """The applier is looked up per class once: a subclass is applied as its base; a class
    with no applier is refused, by name."""
    from sim.events import Command, NotifyCustomer

    class Nudge(NotifyCustomer):
        pass

    class Unknown(Command):
        pass

    w = World(tiny)
    w.attach(ack_all)
    assert w.submit(Nudge(key="n-1", need="n-1", order_id=999_999)) == CommandResult.NO_EFFECT
    with pytest.raises(TypeError, match="unknown command Unknown"):
        w.submit(Unknown(key="u-1", need="u-1"))


@pytest.mark.parametrize("latency_min", [0.0, 30.0])
def test_a_pushed_feed_is_shown_before_same_instant_events_already_queued(latency_min, ack_all):
    """A feed update starts at URGENT priority where the push is made (as the process it
    replaced did): with no feed latency an event already queued for the same instant sees the
    new level; with a latency the feed changes that much later, not before."""
    from sim.events import UpdateChannelAvailability

    w = World(load_scenario("tiny", [f"channels.ecommerce.feed_latency_min={latency_min}"]))
    w.attach(ack_all)
    env, feed = w.env, w.published["ecommerce"]
    before = int(feed[0])
    assert before != 7
    seen: list[tuple[float, int]] = []

    def look(_event) -> None:
        seen.append((env.now, int(feed[0])))

    def pusher():
        yield env.timeout(1.0)
        env.timeout(0).callbacks.append(look)  # queued before the push, same instant
        cmd = UpdateChannelAvailability(
            key="AV-1", need="av", channel="ecommerce", skus=np.array([0]), qty=np.array([7])
        )
        assert w.submit(cmd) == CommandResult.APPLIED
        env.timeout(latency_min / 60.0 * 0.99).callbacks.append(look)
        env.timeout(latency_min / 60.0 + 0.01).callbacks.append(look)

    env.process(pusher())
    env.run(until=2.0)
    if latency_min:
        assert [level for _t, level in seen] == [before, before, 7]
    else:
        assert [level for _t, level in seen] == [7, 7, 7]

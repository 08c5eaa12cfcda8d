"""The open backorders of a day (``daily[...]["backorders_open"]``) are counted as orders enter
and leave the ``backordered`` state (``OnlineOrders.backordered``), no longer by scanning every
open order at each day's close: pinned here against that scan, day by day, on a run where
backordered orders are filled by returns, cancelled, and left waiting.
"""

from __future__ import annotations

from scenarios.loader import load_scenario
from sim.events import CancelOrder, OrderBackordered
from sim.world import World


class CancelEveryOther:
    """Acknowledges everything; cancels every other backordered order a day after it came."""

    def attach(self, world: World) -> None:
        self.w = world
        self.seen = 0

    def on_event(self, event) -> None:
        self.w.ack(event)
        if isinstance(event, OrderBackordered):
            self.seen += 1
            if self.seen % 2:
                oid = event.order_id
                cmd = CancelOrder(key=f"c:{oid}", need=f"c:{oid}", order_id=oid)
                self.w.calendar.after(24.0, self.w.submit, cmd)

    def snapshot(self) -> dict:
        return {}

    def finish(self) -> None:
        pass


def test_backorders_open_is_the_scan_of_open_orders_every_day(monkeypatch):
    w = World(load_scenario("tiny", ["horizon_days=21"]))
    w.attach(CancelEveryOther())
    scans: list[int] = []
    observe = w._observe

    def scanned(day, empty_per_loc, shrink):
        scans.append(sum(1 for o in w.orders.orders.values() if o.state == "backordered"))
        observe(day, empty_per_loc, shrink)

    monkeypatch.setattr(w, "_observe", scanned)
    filled = []
    start = w.orders._start_fulfilment
    monkeypatch.setattr(w.orders, "_start_fulfilment", lambda o: filled.append(o) or start(o))
    w.run()
    assert [row["backorders_open"] for row in w.daily] == scans
    k = w.kpi
    # every way in and out was taken: backordered, filled, cancelled, still waiting at the end
    assert k.online_orders_oversold > 0
    assert filled
    assert k.online_orders_cancelled > 0
    assert max(scans) > 0

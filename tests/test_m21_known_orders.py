"""The happy path marks a placed order known by writing its byte in ``known_orders``' bits.

``HappyDeliveries.owner``'s ``placed`` writes ``bits[order] = 1`` while the bytes reach the
order id and calls ``IdBits.add`` (which grows them) beyond; ``IdBits`` counts its bytes when
its size is asked. The run must know the same orders as the general delivery path, which
calls ``InboundConnector._order_known`` (``IdBits.add``) for every placed order.
"""

from __future__ import annotations

import pytest

from orchestration.models import build
from scenarios.loader import load_scenario
from sim.world import World


def _known(general: bool, monkeypatch: pytest.MonkeyPatch, general_delivery):
    if general:
        general_delivery()
    s = load_scenario("baseline", ["orchestration.model=hybrid", "horizon_days=3"])
    m = build("hybrid", s)
    w = World(s)
    w.attach(m)
    w.prepare()
    w.run()
    monkeypatch.undo()
    return m.stack.connector


def test_the_happy_path_knows_the_orders_the_general_path_knows(monkeypatch, general_delivery):
    fast = _known(False, monkeypatch, general_delivery)
    slow = _known(True, monkeypatch, general_delivery)
    assert fast.happy_path
    assert not slow.happy_path
    assert set(fast.known_orders) == set(slow.known_orders)
    assert len(fast.known_orders) == len(slow.known_orders) == len(set(slow.known_orders))
    # both branches ran: ids below the first 1,024 bytes and ids that made them grow
    ids = set(fast.known_orders)
    assert min(ids) < 1024 < max(ids)

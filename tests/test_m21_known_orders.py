"""The happy path marks a placed order known by writing its byte in ``known_orders``' bits.

``HappyDeliveries.owner``'s ``placed`` writes ``bits[order] = 1`` while the bytes reach the
order id and calls ``IdBits.add`` (which grows them) beyond; ``IdBits`` counts its bytes when
its size is asked. The run must know the same orders as the general delivery path, which
calls ``InboundConnector._order_known`` (``IdBits.add``) for every placed order.
"""

from __future__ import annotations

import pytest

from orchestration.integration.connector import InboundConnector
from orchestration.models import build
from scenarios.loader import load_scenario
from sim.world import World


def _known(general: bool, monkeypatch: pytest.MonkeyPatch):
    if general:
        init = InboundConnector.__init__

        def no_happy_path(self, *args, **kwargs):
            init(self, *args, **kwargs)
            self.happy_path = False

        monkeypatch.setattr(InboundConnector, "__init__", no_happy_path)
    s = load_scenario("baseline", ["orchestration.model=hybrid", "horizon_days=3"])
    m = build("hybrid", s)
    w = World(s)
    w.attach(m)
    w.prepare()
    w.run()
    monkeypatch.undo()
    return m.stack.connector


def test_the_happy_path_knows_the_orders_the_general_path_knows(monkeypatch):
    fast, slow = _known(False, monkeypatch), _known(True, monkeypatch)
    assert fast.happy_path
    assert not slow.happy_path
    assert set(fast.known_orders) == set(slow.known_orders)
    assert len(fast.known_orders) == len(slow.known_orders) == len(set(slow.known_orders))
    # both branches ran: ids below the first 1,024 bytes and ids that made them grow
    ids = set(fast.known_orders)
    assert min(ids) < 1024 < max(ids)

"""The hot path of the automated models takes shortcuts only where their effect is nil.

With no delivery fault in the scenario and the event log off, the inbound connector delivers
every webhook once, in one attempt (:meth:`InboundConnector.happy`), and the wiring dispatches
on the event's class, decided once per class. These tests run the same scenario with the
shortcuts and with the general path forced, and require the same KPIs, ledger and accounting.
"""

from __future__ import annotations

import pytest

from orchestration.integration.connector import InboundConnector
from orchestration.models import build
from orchestration.resilience.accounting import account
from scenarios.loader import load_scenario
from sim.world import World


def _run(model: str, general: bool, monkeypatch: pytest.MonkeyPatch):
    if general:
        init = InboundConnector.__init__

        def no_happy_path(self, *args, **kwargs):
            init(self, *args, **kwargs)
            self.happy_path = False

        monkeypatch.setattr(InboundConnector, "__init__", no_happy_path)
    s = load_scenario("tiny", [f"orchestration.model={model}", "horizon_days=6"])
    m = build(model, s)
    w = World(s)
    w.attach(m)
    w.prepare()
    w.run()
    monkeypatch.undo()
    return w, m


@pytest.mark.parametrize("model", ["event_driven", "hybrid"])
def test_the_happy_path_changes_nothing_but_cost(model, monkeypatch):
    """Same KPIs, ledger and Jepsen accounting as the general delivery path."""
    w_fast, m_fast = _run(model, False, monkeypatch)
    w_slow, m_slow = _run(model, True, monkeypatch)
    assert m_fast.stack.connector.happy_path
    assert not m_slow.stack.connector.happy_path
    assert w_fast.ledger.totals() == w_slow.ledger.totals()
    assert w_fast.kpi.kpis(w_fast.ledger.totals()) == w_slow.kpi.kpis(w_slow.ledger.totals())
    fast, slow = account(w_fast, m_fast.stack.connector), account(w_slow, m_slow.stack.connector)
    assert fast == slow
    assert fast.events_acknowledged > 100
    assert fast.conservation_ok


def test_a_delivery_fault_or_the_event_log_turns_the_happy_path_off(tmp_path):
    """Any delivery fault, or tracing, needs the general path's checks and traces."""
    from sim.eventlog import EventLog

    for extra, log in (
        (["faults.integration.duplicate_rate=0.01"], None),
        (["faults.integration.drop_rate=0.01"], None),
        ([], EventLog(tmp_path / "events.parquet")),
        ([], None),
    ):
        s = load_scenario("tiny", ["orchestration.model=event_driven", *extra])
        m = build("event_driven", s)
        World(s, event_log=log).attach(m)
        assert m.stack.connector.happy_path == (not extra and log is None)
        if log is not None:
            log.abort()

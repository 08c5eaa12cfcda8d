"""Event conservation and physical integrity hold in every run of every shipped scenario."""

from __future__ import annotations

import numpy as np
import pytest

from experiments.runner import run_replication
from scenarios.loader import library_names, load_scenario
from sim.ledger import ConservationError, EventLedger
from sim.world import World


@pytest.mark.parametrize("name", library_names())
def test_every_shipped_scenario_runs_and_conserves_events(name):
    """Each library scenario runs and the identity holds: the small ones (tiny and those built
    on it, whose fault windows may lie anywhere in their horizon) in full, the scale scenario for
    1 day, the others for 4 days."""
    small = load_scenario(name).network.stores.count <= 5
    days = 1 if name == "peak_season_xl" else 4
    overrides = [] if small else [f"horizon_days={days}"]
    k = run_replication(load_scenario(name, overrides)).kpis
    assert k["events_emitted_total"] > 0
    assert k["events_emitted_total"] == (
        k["events_processed_total"] + k["events_dead_lettered_total"] + k["events_in_flight_at_end"]
    )
    assert k["sod_violations_total"] == 0
    assert k["duplicate_effects_total"] == 0
    assert 0.0 < k["fill_rate"] <= 1.0


def test_a_model_that_never_processes_leaves_every_event_in_flight(tiny_short):
    """Unsettled events are counted in flight at the end, not lost and not processed."""

    class Deaf:
        def attach(self, world):
            pass

        def on_event(self, event):
            pass

        def snapshot(self):
            return {}

        def finish(self):
            pass

    w = World(tiny_short)
    w.attach(Deaf())
    w.run()
    t = w.ledger.totals()
    assert t["processed"] == 0
    assert t["in_flight"] == t["emitted"] > 0


def test_acknowledging_an_event_twice_is_refused():
    """A model that settles one event twice is a bug, reported at once."""
    ledger = EventLedger()
    ledger.emit(1)
    ledger.ack(1)
    with pytest.raises(ConservationError):
        ledger.ack(1)
    with pytest.raises(ConservationError):
        ledger.dead_letter(99)


def test_the_end_of_run_check_catches_a_broken_identity():
    ledger = EventLedger()
    ledger.emit(1)
    ledger.emit(2)
    ledger.ack(1)
    ledger.check()  # 2 = 1 + 0 + 1
    ledger.processed += 1  # corrupt the books
    with pytest.raises(ConservationError):
        ledger.check()


def test_physical_stock_never_goes_negative(tiny, ack_all):
    """Sales, shrink, transfers and allocations never take more than is on the shelf."""
    w = World(tiny)
    w.attach(ack_all)
    w.run()
    assert (w.on_hand >= 0).all()
    assert np.issubdtype(w.on_hand.dtype, np.integer)

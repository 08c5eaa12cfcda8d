"""The hot path of the automated models takes shortcuts only where their effect is nil.

With no delivery fault in the scenario and the event log off, the inbound connector delivers
every webhook once, in one attempt (:meth:`InboundConnector.happy`), and the wiring dispatches
on the event's class, decided once per class. These tests run the same scenario with the
shortcuts and with the general path forced, and require the same KPIs, ledger and accounting.
"""

from __future__ import annotations

import numpy as np
import pytest

from orchestration.models import build
from orchestration.resilience.accounting import account
from scenarios.loader import load_scenario
from sim.world import World


def _run(model: str, general: bool, monkeypatch: pytest.MonkeyPatch, general_delivery):
    if general:
        general_delivery()
    s = load_scenario("tiny", [f"orchestration.model={model}", "horizon_days=6"])
    m = build(model, s)
    w = World(s)
    w.attach(m)
    w.prepare()
    w.run()
    monkeypatch.undo()
    return w, m


@pytest.mark.parametrize("model", ["event_driven", "hybrid"])
def test_the_happy_path_changes_nothing_but_cost(model, monkeypatch, general_delivery):
    """Same KPIs, ledger and Jepsen accounting as the general delivery path."""
    w_fast, m_fast = _run(model, False, monkeypatch, general_delivery)
    w_slow, m_slow = _run(model, True, monkeypatch, general_delivery)
    assert m_fast.stack.connector.happy_path
    assert not m_slow.stack.connector.happy_path
    assert w_fast.ledger.totals() == w_slow.ledger.totals()
    assert w_fast.kpi.kpis(w_fast.ledger.totals()) == w_slow.kpi.kpis(w_slow.ledger.totals())
    fast, slow = account(w_fast, m_fast.stack.connector), account(w_slow, m_slow.stack.connector)
    assert fast == slow
    assert fast.events_acknowledged > 100
    assert fast.conservation_ok


def test_a_delivery_fault_turns_the_happy_path_off_the_event_log_does_not(tmp_path):
    """Any delivery fault needs the general path's checks; tracing does not (the happy path
    writes the same ``delivery`` trace)."""
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
        assert m.stack.connector.happy_path == (not extra)
        if log is not None:
            log.abort()


def test_with_the_event_log_on_the_happy_path_writes_the_same_log(
    tmp_path, monkeypatch, general_delivery
):
    """Traced, the happy path and the general path give the same KPIs and the same event log,
    row for row (delivery traces included)."""
    import pandas as pd

    from experiments.runner import run_replication

    s = load_scenario("tiny", ["orchestration.model=hybrid", "horizon_days=5"])
    fast = run_replication(s, out_dir=tmp_path / "fast")
    general_delivery()
    slow = run_replication(s, out_dir=tmp_path / "slow")
    monkeypatch.undo()
    assert fast.kpis == slow.kpis
    a = pd.read_parquet(tmp_path / "fast" / "events.parquet")
    b = pd.read_parquet(tmp_path / "slow" / "events.parquet")
    assert (a.kind == "delivery").sum() > 100
    pd.testing.assert_frame_equal(a, b)


def test_the_replay_takes_the_blocks_the_connector_draws():
    """The general path's draws come from a default ``Buffered``: the replay's block is its."""
    from orchestration.integration.happy import BLOCK
    from sim.rng import Buffered

    assert Buffered(np.random.default_rng(0))._n == BLOCK


@pytest.mark.parametrize("block", [4, 7, 4096])
def test_the_replayed_draws_are_the_buffered_draws(block):
    """The happy path's bulk draws take the generator's blocks in the order the general path's
    per-delivery draws (two uniforms, one normal) do: the same normals, and the stream left in
    the same state, whatever the folds' sizes."""
    from orchestration.integration.happy import BlockReplay
    from sim.rng import Buffered

    buffered = Buffered(np.random.default_rng(3), block)
    replay = BlockReplay(np.random.default_rng(3), block)
    expected, got = [], []
    for m in (1, 2, block - 1, 1, 3 * block + 1, 0, 5):
        for _ in range(m):
            buffered.uniform(), buffered.uniform()
            expected.append(buffered.normal())
        got.extend(replay.normals(m).tolist())
    assert got == expected
    # the same blocks were taken: the streams go on with the same numbers
    assert replay._gen.random() == buffered._gen.random()


def test_idbits_add_many_is_add_one_by_one():
    from orchestration.resilience.accounting import IdBits

    ids = np.array([5, 3, 5, 5000, 0, 3], dtype=np.int64)
    bulk, one = IdBits([3]), IdBits([3])
    bulk.add_many(ids)
    for i in ids.tolist():
        one.add(i)
    assert len(bulk) == len(one) == 4
    assert sorted(bulk) == sorted(one) == [0, 3, 5, 5000]
    bulk.add_many(np.array([], dtype=np.int64))
    assert len(bulk) == 4


def test_idbits_add_many_counts_like_a_set_over_random_batches():
    from orchestration.resilience.accounting import IdBits

    rng = np.random.default_rng(5)
    bits, ref = IdBits(), set()
    for _ in range(40):  # batches with repeats, old ids, gaps and far ids (the bytes grow)
        ids = rng.integers(0, rng.choice([50, 5_000, 300_000]), rng.integers(0, 400))
        bits.add_many(ids.astype(np.int64))
        ref.update(ids.tolist())
        assert len(bits) == len(ref)
    assert sorted(bits) == sorted(ref)


def test_the_written_out_order_placement_equals_the_records_and_the_orderpoint_check(
    monkeypatch,
):
    """``AutomatedModel._placing`` books an order's lines and checks its orderpoints written out
    in one closure; the same run with ``StockRecords.online_order_lines`` and
    ``ReplenishmentFlow.check_lines`` (what it replaces) gives the same records, drafts and
    KPIs, and ``AvailabilityFlow.touched``'s marks the same availability pushes."""
    from orchestration.models.availability import AvailabilityFlow
    from orchestration.models.wiring import AutomatedModel

    def general(self, once):
        online, check = self.rec.online_order_lines, self.replenishment.check_lines
        touched, fc, ns = self.availability.touched, self.w.net.fc, self.w.net.n_stores
        settle = self.w.ack if once else self._settle

        def placed(e):
            lines = e.skus.tolist()
            online(e.location, lines, e.qty.tolist())
            if e.location == fc:
                touched(e.skus)
            if e.location >= ns:
                check(e.location, lines)
            settle(e)

        return placed

    runs, pushed = [], []
    for patch in (False, True):
        log: list[list[int]] = []  # the SKUs of every availability push, in order
        pushed.append(log)

        def recording(self, skus, real=AvailabilityFlow.push, log=log):
            log.append(skus.tolist())
            return real(self, skus)

        monkeypatch.setattr(AvailabilityFlow, "push", recording)
        if patch:
            monkeypatch.setattr(AutomatedModel, "_placing", general)
        s = load_scenario("baseline", ["orchestration.model=hybrid", "horizon_days=3"])
        m = build("hybrid", s)
        w = World(s)
        w.attach(m)
        w.run()
        monkeypatch.undo()
        runs.append((w, m))
    (w1, m1), (w2, m2) = runs
    assert w1.kpi.kpis(w1.ledger.totals()) == w2.kpi.kpis(w2.ledger.totals())
    for name in ("on_hand", "on_order", "forecast", "online_today"):
        assert np.array_equal(getattr(m1.rec, name), getattr(m2.rec, name))
    assert sorted(m1.replenishment.pos) == sorted(m2.replenishment.pos)
    assert len(m1.replenishment.pos) > 3
    # the written-out marks for the availability push: the same SKUs pushed at the same pushes
    assert pushed[0] == pushed[1]
    assert sum(map(len, pushed[0])) > 500
    assert w1.kpi.online_orders_placed > 2000

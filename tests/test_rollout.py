"""A phased rollout as data: per process area a preset's policy or the manual one.

``orchestration.model`` may be a per-area table (``{purchase: approval, refund: exception}``,
the rest manual), read as the ``rollout`` model over ``orchestration.rollout``. A table that
names one preset for every area is that preset's table; a table that automates one area moves
that area's KPIs away from manual and leaves the others' manual behaviour in place.
"""

from __future__ import annotations

import pytest

from experiments.runner import run_replication
from orchestration.models import hybrid, rollout
from orchestration.models.wiring import AutomatedModel
from scenarios.loader import ScenarioError, load_scenario
from scenarios.schema import ROLLOUT_AREAS
from sim.world import World


def _kpis(scenario, model=None) -> dict:
    if model is None:
        return run_replication(scenario, 0).kpis
    world = World(scenario, 0)
    world.attach(model)
    world.prepare()
    world.run()
    return world.kpi.kpis(world.ledger.totals())


def _table(**areas: str) -> str:
    return "orchestration.model={" + ", ".join(f"{a}: {m}" for a, m in areas.items()) + "}"


@pytest.fixture(scope="module")
def manual_kpis():
    return _kpis(load_scenario("tiny", ["orchestration.model=manual"]))


def test_model_given_as_a_table_is_the_rollout_model_with_unnamed_areas_manual():
    s = load_scenario("tiny", [_table(purchase="approval", refund="exception_driven")])
    assert s.orchestration.model == "rollout"
    assert s.orchestration.rollout.automated() == {
        "purchase": "approval_centric",
        "refund": "exception_driven",
    }
    assert s.orchestration.rollout.tickets == "manual"


@pytest.mark.parametrize(
    ("override", "path"),
    [
        (_table(purchse="approval"), "orchestration.rollout.purchse"),
        (_table(refund="automatic"), "orchestration.rollout.refund"),
        ("orchestration.rollout.availability=event_drivn", "orchestration.rollout.availability"),
    ],
)
def test_an_unknown_area_or_mode_is_an_error_naming_its_path(override, path):
    with pytest.raises(ScenarioError) as err:
        load_scenario("tiny", [override])
    assert path in str(err.value)


def test_every_area_named_as_hybrid_builds_hybrid_and_reproduces_its_kpis_bit_for_bit():
    """The table is all a model is: on hybrid's streams, the all-hybrid rollout is hybrid."""
    s = load_scenario("tiny", [_table(**dict.fromkeys(ROLLOUT_AREAS, "hybrid"))])
    built = rollout.table(s, s.orchestration.rollout)
    preset = hybrid.table(s, s.orchestration.hybrid)
    assert type(built.refund) is type(preset.refund)
    assert (built.approval_pickup, built.po_watchdog_h, built.escalate) == (
        preset.approval_pickup,
        preset.po_watchdog_h,
        preset.escalate,
    )
    hybrid_kpis = _kpis(load_scenario("tiny", ["orchestration.model=hybrid"]))
    assert _kpis(s, AutomatedModel("hybrid", built, s)) == hybrid_kpis


def test_automating_refunds_alone_moves_refunds_and_leaves_the_manual_areas_manual(manual_kpis):
    """refund: event pays at initiation (touchless, no inspection); purchase orders, price
    overrides and invoices stay on the manual model's people and rules."""
    s = load_scenario("tiny", [_table(refund="event")])
    got = _kpis(s)
    by_type = run_replication(s, 0).by_approval_type
    assert by_type["refund"]["touchless_rate"] == 1.0  # manual: every refund worked by a person
    manual_po = run_replication(load_scenario("tiny"), 0).by_approval_type["purchase"]
    # still e-mail approvals over po_auto_approve_below (event_driven: every PO touchless)
    assert by_type["purchase"]["touchless_rate"] < 0.9
    assert by_type["purchase"]["touchless_rate"] == pytest.approx(
        manual_po["touchless_rate"], abs=0.15
    )
    assert not got["invoice_touchless_rate"]  # every bill keyed by finance (None: none yet)
    assert got["margin_leakage"] > 0  # store managers approve below the floor, as in manual
    for kpi in ("fill_rate", "approvals_total"):
        assert got[kpi] == pytest.approx(manual_kpis[kpi], rel=0.1), kpi


#: the FC short of stock, so stale channel feeds oversell
SHORT_FC = [
    "inventory.initial_cover_days_dc=4",
    "inventory.dc_policy={reorder_point_days: 3, order_up_to_days: 8}",
]


def test_automating_availability_alone_cuts_oversell_below_the_nightly_file():
    """availability: event pushes the ERP's changes every few minutes instead of a nightly file;
    the all-manual table's nightly file oversells as the manual model does."""
    manual = _kpis(load_scenario("tiny", ["orchestration.model=manual", *SHORT_FC]))
    nightly = _kpis(load_scenario("tiny", [_table(purchase="manual"), *SHORT_FC]))
    pushed = _kpis(load_scenario("tiny", [_table(availability="event"), *SHORT_FC]))
    assert pushed["oversell_rate"] < nightly["oversell_rate"] / 2
    assert nightly["oversell_rate"] == pytest.approx(manual["oversell_rate"], rel=0.2)


def test_compare_puts_the_library_rollout_beside_the_presets_with_its_labour_cost():
    """`compare rollout_first --models manual,hybrid,rollout`: the scenario's table is the
    rollout entry; a second table shows each model's labour cost against manual's, paired,
    beside the service KPIs. (Run on tiny with the library file's table for speed.)"""
    from typer.testing import CliRunner

    from cli.main import app

    table = "orchestration.model={purchase: hybrid, refund: exception}"
    args = ["compare", "tiny", "--models", "manual,hybrid,rollout", "--replications", "2"]
    args += ["--set", "horizon_days=5", "--set", table, "--workers", "1", "--kpi", "fill_rate"]
    res = CliRunner().invoke(app, args, env={"COLUMNS": "160"})
    assert res.exit_code == 0, res.output
    assert "labour cost against service · reference manual" in res.stdout
    assert "rollout − manual (paired)" in res.stdout
    for kpi in ("labour_cost_per_approval", "labour_fte", "approval_cycle_time_p95_h"):
        assert kpi in res.stdout
    rollout_first = load_scenario("rollout_first")
    assert rollout_first.orchestration.model == "rollout"
    assert rollout_first.orchestration.rollout.automated() == {
        "purchase": "hybrid",
        "refund": "exception_driven",
    }


def test_the_cost_table_gives_the_reference_means_and_the_others_paired_differences():
    from rich.console import Console

    from experiments.report import cost_table

    diff = {"mean": 12.5, "ci95": [2.0, 23.0], "significant": True, "n": 3}
    comp = {
        "reference": "manual",
        "paired": True,
        "runs": {
            "manual": {"kpis": {"fill_rate": 0.9, "labour_cost": 100.0}},
            "rollout": {"kpis": {"fill_rate": 0.95, "labour_cost": 112.5}},
        },
        "differences": {"rollout": {"labour_cost": diff, "fill_rate": {}}},
    }
    console = Console(width=120, record=True)
    console.print(cost_table(comp, "t"))
    text = console.export_text()
    assert "100.0" in text
    assert "+12.5 [2.0000, 23.0]" in text
    assert cost_table({**comp, "runs": {"manual": {"kpis": {"fill_rate": 0.9}}}}, "t") is None

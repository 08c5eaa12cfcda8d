"""Levers become dotted overrides that the real loader turns into the scenario they describe."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboards import levers as lv
from scenarios.loader import ScenarioError, load_scenario


@pytest.fixture(scope="module")
def base() -> dict:
    return load_scenario("tiny").model_dump(mode="python")


def test_untouched_levers_change_nothing(base):
    """The sidebar as the scenario sets it reproduces the library scenario exactly."""
    assert lv.to_overrides(lv.defaults(base), base) == []
    assert lv.to_overrides(lv.Levers(), base) == []


def test_each_lever_sets_its_field(base):
    levers = lv.Levers(
        horizon_days=7,
        promo_uplift=2.5,
        pool_sizes={"buyers": 3, "finance": 1},
        purchase_tiers=(2000.0, 20000.0),
        refund_tiers=(50.0, 800.0),
        channel_sync_interval_h=6.0,
        availability_push_interval_min=15.0,
    )
    overrides = lv.to_overrides(levers, base)
    assert "demand.promo_uplift=2.5" in overrides
    s = load_scenario("tiny", overrides)
    assert s.horizon_days == 7
    assert s.demand.promo_uplift == 2.5
    assert s.approvals.pools["buyers"].size == 3
    assert (s.policy.purchase.low_below, s.policy.purchase.high_from) == (2000.0, 20000.0)
    assert (s.policy.refund.low_below, s.policy.refund.high_from) == (50.0, 800.0)
    assert s.orchestration.manual.channel_sync_interval_h == 6.0
    assert s.orchestration.integration.availability_push_interval_min == 15.0


def test_pools_and_tiers_are_set_whole_when_the_file_leaves_them_to_defaults():
    """baseline's file has no approvals or policy section: one changed pool keeps the others."""
    base = load_scenario("baseline").model_dump(mode="python")
    levers = lv.Levers(pool_sizes={"buyers": 7}, refund_tiers=(100.0, 900.0))
    s = load_scenario("baseline", lv.to_overrides(levers, base))
    default = load_scenario("baseline")
    assert s.approvals.pools["buyers"].size == 7
    assert set(s.approvals.pools) == set(default.approvals.pools)
    assert s.approvals.pools["store_managers"] == default.approvals.pools["store_managers"]
    assert (s.policy.refund.low_below, s.policy.refund.high_from) == (100.0, 900.0)
    assert s.policy.purchase == default.policy.purchase


def test_peak_adds_a_seasonality_window_and_keeps_the_scenarios_own():
    base = load_scenario("peak_season").model_dump(mode="python")
    own = len(base["demand"]["seasonality"])
    overrides = lv.to_overrides(lv.Levers(peak=lv.Peak(1.6, 27, 30)), base)
    s = load_scenario("peak_season", overrides)
    assert len(s.demand.seasonality) == own + 1
    peak = s.demand.seasonality[-1]
    assert peak.name == lv.PEAK_WINDOW
    assert (peak.start, peak.end) == (dt.date(2025, 11, 28), dt.date(2025, 12, 1))
    assert peak.multiplier == 1.6
    assert s.demand.seasonality[:own] == load_scenario("peak_season").demand.seasonality


def test_a_peak_of_one_is_no_peak(base):
    assert lv.to_overrides(lv.Levers(peak=lv.Peak(1.0, 2, 5)), base) == []


def test_fault_is_appended_to_the_scenarios_outages():
    base = load_scenario("carrier_outage").model_dump(mode="python")
    fault = lv.Fault("erp_webhook", 10.5, 12.0, 0.5)
    s = load_scenario("carrier_outage", lv.to_overrides(lv.Levers(fault=fault), base))
    assert len(s.faults.outages) == len(base["faults"]["outages"]) + 1
    last = s.faults.outages[-1]
    assert (last.target, last.start_day, last.duration_h, last.intensity) == (
        "erp_webhook",
        10.5,
        12.0,
        0.5,
    )
    assert fault.end_day == 11.0


def test_inverted_thresholds_are_refused_with_the_problem_named(base):
    overrides = lv.to_overrides(lv.Levers(purchase_tiers=(9000.0, 1000.0)), base)
    with pytest.raises(ScenarioError) as err:
        load_scenario("tiny", overrides)
    assert [p.path for p in err.value.problems] == ["policy.purchase.high_from"]


def test_with_model_appends_the_model():
    assert lv.with_model(["a=1"], "hybrid") == ["a=1", "orchestration.model=hybrid"]

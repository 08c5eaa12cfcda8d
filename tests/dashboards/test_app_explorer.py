"""The scenario explorer, driven without a browser (AppTest), with the service faked."""

from __future__ import annotations

import datetime as dt


def _explorer_calls(calls):
    return [c for c in calls if c["page"] == "explorer"]


def test_opens_on_a_run_of_tiny_with_cards_and_charts(app, calls):
    """Never an empty page: the default scenario runs at once, hybrid against manual."""
    at = app().run()
    assert not at.exception
    (call,) = _explorer_calls(calls)
    assert (call["scenario"], call["model"], call["replications"]) == ("tiny", "hybrid", 1)
    assert call["overrides"] == ()
    labels = [m.label for m in at.metric]
    assert labels[:4] == ["Fill rate", "Oversell rate", "Approval p95", "Approval SLA breaches"]
    assert len(at.metric) == 8
    assert all("vs manual" in m.delta for m in at.metric)
    assert len(at.get("plotly_chart")) == 5
    assert at.title[0].value == "Scenario explorer"


def test_levers_change_the_scenario_passed_to_the_service(app, calls):
    at = app().run()
    at.number_input(key="explorer_tiny_uplift").set_value(2.5)
    at.slider(key="explorer_tiny_peak").set_value(1.6)
    at.number_input(key="explorer_tiny_pool_buyers").set_value(4)
    at.number_input(key="explorer_tiny_sync").set_value(6.0)
    at.selectbox(key="explorer_model").set_value("event_driven")
    at.slider(key="explorer_replications").set_value(3)
    at.run()
    # until Run is pressed the page keeps showing (re-reading) the submitted scenario
    assert {(c["model"], c["overrides"]) for c in _explorer_calls(calls)} == {("hybrid", ())}
    assert "press **Run**" in at.info[0].value
    at.button(key="explorer_run").click().run()
    assert not at.exception
    last = _explorer_calls(calls)[-1]
    assert last["model"] == "event_driven"
    assert last["replications"] == 3
    assert "demand.promo_uplift=2.5" in last["overrides"]
    s = last["resolved"]
    assert s.demand.promo_uplift == 2.5
    assert s.approvals.pools["buyers"].size == 4
    assert s.orchestration.manual.channel_sync_interval_h == 6.0
    assert s.orchestration.model == "event_driven"
    peak = s.demand.seasonality[-1]
    assert peak.multiplier == 1.6
    assert peak.start == dt.date(2025, 9, 8)  # day 7 of a 14-day horizon, for 4 days
    assert peak.end == dt.date(2025, 9, 11)
    # with replications the cards show intervals
    assert any(c.value.startswith("95% CI") for c in at.caption)


def test_a_fault_lever_adds_an_outage(app, calls):
    at = app().run()
    at.toggle(key="explorer_tiny_fault_on").set_value(True).run()
    at.selectbox(key="explorer_fault_target_tiny").set_value("erp_webhook")
    at.number_input(key="explorer_fault_hours_tiny").set_value(12.0)
    at.button(key="explorer_run").click().run()
    assert not at.exception
    outage = _explorer_calls(calls)[-1]["resolved"].faults.outages[-1]
    assert (outage.target, outage.duration_h, outage.intensity) == ("erp_webhook", 12.0, 1.0)


def test_invalid_thresholds_show_every_problem_not_a_traceback(app, calls):
    at = app().run()
    at.number_input(key="explorer_tiny_ph").set_value(100.0)  # high risk below low risk
    at.button(key="explorer_run").click().run()
    assert not at.exception
    assert len(at.error) == 1
    assert "policy.purchase.high_from" in at.error[0].value
    assert "expected >= low_below" in at.error[0].value
    assert len(at.metric) == 0


def test_manual_alone_has_no_deltas(app, calls):
    at = app().run()
    at.selectbox(key="explorer_model").set_value("manual")
    at.button(key="explorer_run").click().run()
    assert not at.exception
    assert _explorer_calls(calls)[-1]["model"] == "manual"
    assert all(not m.delta for m in at.metric)


def test_another_scenario_resets_the_levers_to_its_own_values(app, calls):
    at = app().run()
    at.selectbox(key="explorer_scenario").set_value("peak_season").run()
    assert at.number_input(key="explorer_peak_season_uplift").value == 1.8
    assert at.number_input(key="explorer_horizon_peak_season").value == 60
    at.number_input(key="explorer_horizon_peak_season").set_value(30)
    at.button(key="explorer_run").click().run()
    last = _explorer_calls(calls)[-1]
    assert last["scenario"] == "peak_season"
    assert last["overrides"] == ("horizon_days=30",)


def test_an_unusable_results_directory_is_an_error_message(app, monkeypatch):
    from dashboards import service

    def unwritable(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(service, "explore", unwritable)
    at = app().run()
    assert not at.exception
    assert "Cannot use the results directory" in at.error[0].value
    assert "Permission denied" in at.error[0].value


def test_the_caption_names_the_changed_fields_and_the_cli_line_sets_them(app, calls):
    at = app().run()
    at.number_input(key="explorer_tiny_uplift").set_value(2.5)
    at.button(key="explorer_run").click().run()
    assert any("changed: demand.promo_uplift" in c.value for c in at.caption)
    cli = [c.value for c in at.code]
    assert any("--set 'demand.promo_uplift=2.5'" in line for line in cli)

"""The resilience lab, driven by AppTest with the service faked."""

from __future__ import annotations


def _calls(calls):
    return [c for c in calls if c["page"] == "resilience"]


def _open(app):
    at = app().run()
    return at.switch_page("views/resilience.py").run()


def test_opens_on_a_carrier_outage_under_manual(app, calls):
    at = _open(app)
    assert not at.exception
    (call,) = _calls(calls)
    assert call["model"] == "manual"
    f = call["fault"]
    assert (f.target, f.start_day, f.duration_h, f.intensity) == ("carrier_api", 4.0, 36.0, 1.0)
    labels = [m.label for m in at.metric]
    assert labels[:5] == [
        "Business drain",
        "Event drain",
        "Orders at risk",
        "Extra oversold orders",
        "Peak excess backlog",
    ]
    assert "Fill rate" in labels[5:]  # what the fault changed over the run
    assert any("vs without fault" in (m.delta or "") for m in at.metric)
    assert len(at.get("plotly_chart")) == 1


def test_fault_widgets_change_the_fault_passed_to_the_service(app, calls):
    at = _open(app)
    at.selectbox(key="resilience_fault_target_tiny").set_value("erp_api")
    at.slider(key="resilience_fault_start_tiny_14").set_value(2.5)
    at.number_input(key="resilience_fault_hours_tiny").set_value(12.0)
    at.slider(key="resilience_fault_intensity_tiny").set_value(0.5)
    at.selectbox(key="resilience_model").set_value("hybrid")
    at.button(key="resilience_run").click().run()
    assert not at.exception
    last = _calls(calls)[-1]
    assert last["model"] == "hybrid"
    f = last["fault"]
    assert (f.target, f.start_day, f.duration_h, f.intensity) == ("erp_api", 2.5, 12.0, 0.5)
    assert len(at.get("plotly_chart")) == 1


def test_a_horizon_shorter_than_the_default_is_passed_on(app, calls):
    at = _open(app)
    at.number_input(key="resilience_horizon_tiny").set_value(9)
    at.button(key="resilience_run").click().run()
    assert not at.exception
    last = _calls(calls)[-1]
    assert last["resolved"].horizon_days == 9
    assert last["fault"].start_day == 3.0  # the default start follows the horizon

"""The model comparison page, driven by AppTest with the service faked."""

from __future__ import annotations


def _calls(calls):
    return [c for c in calls if c["page"] == "comparison"]


def _open(app):
    at = app().run()
    return at.switch_page("views/comparison.py").run()


def test_compares_the_five_models_with_replications_by_default(app, calls):
    at = _open(app)
    assert not at.exception
    (call,) = _calls(calls)
    assert call["scenario"] == "tiny"
    assert call["models"] == (
        "approval_centric",
        "event_driven",
        "exception_driven",
        "hybrid",
        "manual",
    )
    assert call["replications"] == 3
    assert at.title[0].value == "Model comparison"
    charts = at.get("plotly_chart")
    assert len(charts) == 3  # trade-off radar, KPI bars, paired differences
    assert len(at.dataframe) == 2  # labour cost beside service, and every KPI
    labour = at.dataframe[0].value
    assert list(labour["KPI"])[-3:] == [
        "Labour cost",
        "Labour cost per order",
        "Labour cost per approval",
    ]
    assert "+200 USD" in labour.loc[labour["KPI"] == "Labour cost", "hybrid Δ"].iloc[0]
    table = at.dataframe[1].value
    assert {"manual", "hybrid", "hybrid Δ"} <= set(table.columns)


def test_the_verdict_says_when_differences_are_not_significant(app, calls):
    at = _open(app)
    verdict = next(m.value for m in at.markdown if "**hybrid** vs manual" in m.value)
    assert "better on approval p95" in verdict
    assert "no significant difference in" in verdict


def test_widgets_change_what_is_compared(app, calls):
    at = _open(app)
    at.multiselect(key="comparison_models").set_value(["manual", "hybrid"])
    at.slider(key="comparison_replications").set_value(5)
    at.number_input(key="comparison_horizon_tiny").set_value(7)
    at.button(key="comparison_run").click().run()
    assert not at.exception
    last = _calls(calls)[-1]
    assert last["models"] == ("manual", "hybrid")
    assert last["replications"] == 5
    assert last["overrides"] == ("horizon_days=7",)
    assert last["resolved"].horizon_days == 7
    assert len(at.get("plotly_chart")) == 3


def test_the_explorers_levers_can_be_carried_over(app, calls):
    at = app().run()
    at.number_input(key="explorer_tiny_uplift").set_value(3.0)
    at.button(key="explorer_run").click().run()
    at.switch_page("views/comparison.py").run()
    at.toggle(key="comparison_use_explorer").set_value(True)
    at.button(key="comparison_run").click().run()
    assert not at.exception
    assert _calls(calls)[-1]["resolved"].demand.promo_uplift == 3.0


def test_one_replication_warns_that_differences_may_be_noise(app, calls):
    at = _open(app)
    at.slider(key="comparison_replications").set_value(1)
    at.button(key="comparison_run").click().run()
    assert any("Only 1 replication(s)" in m.value for m in at.markdown)

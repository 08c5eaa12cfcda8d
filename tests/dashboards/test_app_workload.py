"""The team workload page, driven by AppTest with the service faked: labour cost beside
service against manual, queue length and hours over time per team, utilisation, per-team table."""

from __future__ import annotations

import pandas as pd

from dashboards import figures, teams


def _calls(calls):
    return [c for c in calls if c["page"] == "explorer"]  # the page runs through explore()


def _open(app, scenario: str | None = None):
    at = app()
    if scenario is not None:
        at.session_state["workload_scenario"] = scenario
    at.run()
    return at.switch_page("views/workload.py").run()


def test_shows_labour_cost_beside_service_and_each_teams_workload(app, calls):
    at = _open(app)
    assert not at.exception
    assert at.title[0].value == "Team workload"
    call = _calls(calls)[-1]
    assert (call["scenario"], call["model"], call["replications"]) == ("tiny", "hybrid", 2)
    labels = [m.label for m in at.metric]
    assert labels[:5] == [
        "Hours worked",
        "FTE",
        "Labour cost",
        "Labour cost per order",
        "Labour cost per approval",
    ]
    assert "Fill rate" in labels[5:]
    cost = next(m for m in at.metric if m.label == "Labour cost")
    assert cost.delta.startswith("+200 USD vs manual")  # the canned hybrid effect, paired
    titles = [c.proto.spec for c in at.get("plotly_chart")]
    assert len(titles) == 3
    assert any("Queue length by team" in t for t in titles)
    assert any("Utilisation by team" in t for t in titles)
    table = at.dataframe[0].value
    assert set(zip(table["model"], table["team"], strict=True)) == {
        ("manual", "buyers"),
        ("manual", "finance"),
        ("hybrid", "buyers"),
        ("hybrid", "finance"),
    }


def test_a_rollout_scenario_opens_on_its_rollout_and_the_comparison_offers_it(app, calls):
    at = _open(app, "rollout_first")
    assert not at.exception
    assert at.selectbox(key="workload_model").value == "rollout"
    assert _calls(calls)[-1]["resolved"].orchestration.rollout.purchase == "hybrid"
    cmp = app()
    cmp.session_state["comparison_scenario"] = "rollout_first"
    cmp.run()
    cmp = cmp.switch_page("views/comparison.py").run()
    assert not cmp.exception
    assert "rollout" in cmp.multiselect(key="comparison_models").value
    last = [c for c in calls if c["page"] == "comparison"][-1]
    assert "rollout" in last["models"]


def test_team_frames_and_figures_from_a_daily_series(canned):
    daily = canned.daily("hybrid", reps=2)
    long = teams.daily_long([daily, canned.daily("manual", reps=1)])
    assert set(long["team"]) == {"buyers", "finance"}
    day3 = long[(long["model"] == "hybrid") & (long["team"] == "buyers") & (long["day"] == 3)]
    assert day3[["queue", "worked_h"]].iloc[0].tolist() == [0.0, 5.0]  # 3 % 3, 2 + 3
    fig = figures.team_series(long, "worked_h")
    assert len(fig.data) == 4  # 2 teams x 2 models
    assert fig.layout.title.text == "Hours worked per day by team"
    table = teams.team_table({"m": {"team_a_worked_h": 2.0, "team_a_utilisation_rate": 0.5}})
    assert table.iloc[0][["team", "utilisation", "hours worked"]].tolist() == ["a", 0.5, 2.0]
    assert len(figures.team_utilisation(table).data) == 1
    assert teams.daily_long([pd.DataFrame({"day": [0]})]).empty

"""How the dashboard words KPIs: units, deltas, the comparison table and the verdict."""

from __future__ import annotations

import pandas as pd

from dashboards import kpis


def test_values_in_the_units_an_executive_reads():
    assert kpis.fmt_value("fill_rate", 0.9731) == "97.3%"
    assert kpis.fmt_value("approval_cycle_time_p95_h", 12.345) == "12.3 h"
    assert kpis.fmt_value("margin_leakage", 1234.5, "EUR") == "1,234 EUR"
    assert kpis.fmt_value("dead_letters_total", 3.0) == "3"
    assert kpis.fmt_value("fill_rate", None) == "—"
    assert kpis.fmt_value("fill_rate", float("nan")) == "—"


def test_deltas_are_signed_and_rates_are_in_points():
    assert kpis.fmt_delta("oversell_rate", -0.0061) == "-0.6 pp"
    assert kpis.fmt_delta("approval_cycle_time_p95_h", 2.0) == "+2.0 h"
    assert kpis.fmt_interval("fill_rate", 0.9, 0.95) == "[90.0%, 95.0%]"
    assert kpis.fmt_interval("fill_rate", None, 0.95) == ""


def test_lower_is_better_kpis_colour_inversely():
    assert kpis.delta_color("oversell_rate") == "inverse"
    assert kpis.delta_color("fill_rate") == "normal"
    assert kpis.is_better("oversell_rate", -0.1)
    assert not kpis.is_better("fill_rate", -0.1)


def test_comparison_table_one_row_per_kpi_and_deltas_marked_when_not_significant(canned):
    summary = canned.summary(("manual", "hybrid"), 3)
    table = kpis.comparison_table(summary, ("fill_rate", "approval_cycle_time_p95_h"))
    assert list(table["KPI"]) == ["Fill rate", "Approval p95"]
    assert list(table.columns) == ["KPI", "manual", "hybrid", "hybrid Δ"]
    assert table.loc[0, "hybrid Δ"].endswith("(n.s.)")  # no effect on fill rate
    assert table.loc[1, "hybrid Δ"].startswith("-15.0 h")
    assert "(n.s.)" not in table.loc[1, "hybrid Δ"]


def test_tradeoff_scores_rank_the_models_per_kpi(canned):
    scores = kpis.tradeoff_scores(canned.summary(("manual", "event_driven", "approval_centric"), 3))
    p95 = scores[scores["kpi"] == "approval_cycle_time_p95_h"].set_index("model")["score"]
    assert p95["event_driven"] == 1.0  # fastest
    assert p95["approval_centric"] == 0.0  # slowest
    assert 0 < p95["manual"] < 1
    sod = scores[scores["kpi"] == "sod_violations_total"]["score"]
    assert set(sod) == {1.0}  # all equal: all best
    assert set(scores["dimension"]) == {"Speed", "Control", "Resilience"}


def test_verdict_says_when_differences_are_not_significant(canned):
    lines = kpis.verdict(canned.summary(("manual", "hybrid"), 3))
    assert len(lines) == 1
    line = lines[0]
    assert line.startswith("**hybrid** vs manual:")
    assert "better on approval p95 -15.0 h" in line
    assert "no significant difference in" in line
    assert "fill rate (interval" in line


def test_verdict_with_one_replication_warns_instead_of_guessing(canned):
    lines = kpis.verdict(canned.summary(("manual", "hybrid"), 1))
    assert "Only 1 replication(s)" in lines[0]
    assert "no interval" in lines[0]


def test_verdict_of_nothing():
    assert kpis.verdict(pd.DataFrame()) == ["No results to compare."]

"""Every figure builder is a pure function: a small frame in, the expected traces and axes out."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go

from dashboards import figures, kpis
from dashboards.recovery import timeline


def _names(fig: go.Figure) -> list[str]:
    return [t.name for t in fig.data]


def test_by_day_averages_replications_and_adds_calendar_dates(canned):
    daily = canned.daily("hybrid", reps=2, days=3)
    out = figures.by_day(daily, ["online_orders"])
    assert len(out) == 3
    # replication r adds r orders: the mean of 0 and 1 is 0.5 above replication 0
    assert out["online_orders"].tolist() == [10.5, 11.5, 12.5]
    assert out["x"].iloc[0] == dt.date(2025, 9, 1)


def test_orders_vs_fill_has_bars_on_the_left_and_fill_on_the_right(canned):
    daily = pd.concat([canned.daily("manual"), canned.daily("hybrid")], ignore_index=True)
    fig = figures.orders_vs_fill(daily)
    kinds = [t.type for t in fig.data]
    assert kinds == ["bar", "scatter", "bar", "scatter"]
    assert _names(fig) == [
        "online orders · manual",
        "fill rate · manual",
        "online orders · hybrid",
        "fill rate · hybrid",
    ]
    assert fig.data[1].yaxis == "y2"
    assert fig.layout.yaxis2.tickformat == ".1%"
    assert len(fig.data[0].x) == 5


def test_stock_and_stockouts_has_two_rows(canned):
    fig = figures.stock_and_stockouts(canned.daily("manual", days=4))
    assert _names(fig) == ["stores · manual", "warehouses · manual", "stockouts · manual"]
    assert fig.data[2].type == "bar"
    assert fig.data[2].yaxis == "y2"
    # stockouts are stores + warehouses
    assert list(fig.data[2].y) == [0, 2, 2, 4]


def test_oversold_per_day_one_bar_trace_per_model(canned):
    daily = pd.concat([canned.daily("manual"), canned.daily("hybrid")], ignore_index=True)
    fig = figures.oversold_per_day(daily)
    assert [t.type for t in fig.data] == ["bar", "bar"]
    assert fig.layout.barmode == "group"
    assert list(fig.data[0].y) == [0, 1, 2, 0, 1]


def test_approval_cycle_times_box_and_violin_by_type(canned):
    approvals = pd.concat([canned.approvals("manual"), canned.approvals("hybrid")])
    box = figures.approval_cycle_times(approvals)
    assert [t.type for t in box.data] == ["box", "box"]
    assert set(box.data[0].x) == {"purchase", "discount", "refund"}
    assert box.layout.yaxis.title.text == "hours from request to decision"
    violin = figures.approval_cycle_times(approvals, kind="violin")
    assert [t.type for t in violin.data] == ["violin", "violin"]


def test_approval_cycle_times_without_approvals_is_an_empty_titled_figure():
    fig = figures.approval_cycle_times(pd.DataFrame(columns=["approval_type", "cycle_time_h"]))
    assert len(fig.data) == 0
    assert "no approvals" in fig.layout.title.text


def test_queue_depth_one_line_per_model_and_series(canned):
    daily = pd.concat([canned.daily("manual"), canned.daily("hybrid")], ignore_index=True)
    fig = figures.queue_depth(daily, ("queue_depth", "open_exceptions"))
    assert _names(fig) == [
        "queue depth · manual",
        "open exceptions · manual",
        "queue depth · hybrid",
        "open exceptions · hybrid",
    ]
    assert fig.data[1].line.dash == "dot"


def test_tradeoff_radar_closes_each_polygon(canned):
    scores = kpis.tradeoff_scores(canned.summary(("manual", "hybrid"), 3))
    fig = figures.tradeoff_radar(scores)
    assert [t.type for t in fig.data] == ["scatterpolar", "scatterpolar"]
    theta = list(fig.data[0].theta)
    assert theta[0] == theta[-1]
    assert "Approval p95<br>(speed)" in theta
    assert tuple(fig.layout.polar.radialaxis.range) == (0, 1)


def test_kpi_bars_have_interval_error_bars(canned):
    summary = canned.summary(("manual", "hybrid"), 3)
    fig = figures.kpi_bars(summary, "fill_rate")
    assert _names(fig) == ["manual", "hybrid"]
    assert fig.data[0].error_y.array is not None
    assert fig.layout.yaxis.tickformat == ".1%"


def test_kpi_bars_without_intervals_with_one_replication(canned):
    fig = figures.kpi_bars(canned.summary(("manual", "hybrid"), 1), "fill_rate")
    assert fig.data[0].error_y.array is None


def test_paired_differences_one_point_per_model_but_the_reference(canned):
    summary = canned.summary(("manual", "event_driven", "hybrid"), 3)
    fig = figures.paired_differences(summary, "approval_cycle_time_p95_h")
    assert _names(fig) == ["event_driven", "hybrid"]
    assert fig.data[0].x[0] == -20.0 or abs(fig.data[0].x[0] + 20.0) < 1e-6
    assert fig.data[0].error_x.array is not None
    assert "vs manual" in fig.layout.title.text


def test_resilience_timeline_shades_the_fault_in_every_row(canned):
    tl = timeline(
        canned.daily("manual"), canned.daily("manual", shift=-0.01), ("queue_depth", "fill_rate")
    )
    fig = figures.resilience_timeline(tl, 1.5, 3.0, ("queue_depth", "fill_rate"))
    assert _names(fig) == ["with fault", "without fault", "with fault", "without fault"]
    assert [t.showlegend for t in fig.data] == [True, True, False, False]
    rects = [s for s in fig.layout.shapes if s.type == "rect"]
    assert len(rects) == 2
    assert (rects[0].x0, rects[0].x1) == (1.5, 3.0)
    assert fig.data[1].line.dash == "dot"


def test_shade_faults_puts_each_declared_window_on_the_date_axis():
    """A run's fault windows (summary["fault_windows"]) become labelled shaded spans at the
    right dates: day 0 is the run's first date, hours are fractions of a day."""
    start = dt.date(2025, 11, 1).toordinal()
    daily = pd.DataFrame({"day": [0, 1, 2, 3], "date": [start + d for d in range(4)]})
    fig = figures.orders_vs_fill(
        daily.assign(online_orders=10, fill_rate=0.9, model="manual", replication=0)
    )
    windows = [
        {"type": "outage", "target": "carrier_api", "start_h": 36.0, "end_h": 48.0},
        {"type": "cron_lag", "target": "nightly_sync", "start_h": 0.0, "end_h": 24.0},
    ]
    figures.shade_faults(fig, windows, daily)
    shapes = [s for s in fig.layout.shapes if s.type == "rect"]
    assert [(str(s.x0), str(s.x1)) for s in shapes] == [
        ("2025-11-02 12:00:00", "2025-11-03 00:00:00"),
        ("2025-11-01 00:00:00", "2025-11-02 00:00:00"),
    ]
    labels = [a.text for a in fig.layout.annotations]
    assert "outage · carrier_api" in labels
    assert "cron_lag · nightly_sync" in labels
    assert figures.shade_faults(go.Figure(), [], daily).layout.shapes == ()


def test_boxes_from_statistics_match_the_samples():
    """The report's approval boxes are computed, not sampled: quartiles of the data."""
    from dashboards.figures import approval_cycle_boxes

    df = pd.DataFrame(
        {
            "model": ["hybrid"] * 5,
            "approval_type": ["purchase"] * 5,
            "cycle_time_h": [1.0, 2.0, 3.0, 4.0, 100.0],
        }
    )
    (trace,) = approval_cycle_boxes(df).data
    assert list(trace.median) == [3.0]
    assert list(trace.q1) == [2.0]
    assert list(trace.q3) == [4.0]
    assert list(trace.upperfence) == [4.0]  # 100 h lies beyond 1.5 IQR: an outlier
    assert list(trace.lowerfence) == [1.0]

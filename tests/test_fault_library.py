"""The fault library (docs/faults.md): declarative windows, strict validation, their effects,
and the timeline rows each fault writes into the event log."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from experiments.runner import run_replication
from orchestration.models import build
from scenarios.loader import ScenarioError, load_scenario
from sim.events import UpdateChannelAvailability
from sim.faults import FaultPlan, fault_windows
from sim.world import CommandResult, World

ALL_FAULTS = [
    "faults.outages=[{target: carrier_api, start_day: 1, duration_h: 12, intensity: 0.5}]",
    "faults.deliveries=[{kind: reorder, start_day: 2, duration_h: 6, intensity: 0.2}]",
    "faults.rate_limits=[{channel: marketplace, start_day: 3, duration_h: 4, retry_after_s: 120}]",
    "faults.approver_absences=[{pool: finance, start_day: 4, duration_h: 48, intensity: 1.0}]",
    "faults.cron_lags=[{job: channel_sync, start_day: 5, duration_h: 24, lag_h: 3}]",
    "faults.supplier_delays=[{start: 2025-09-03, end: 2025-09-04, extra_days: 2}]",
]


def _problems(overrides: list[str]) -> list:
    with pytest.raises(ScenarioError) as err:
        load_scenario("tiny", overrides)
    return err.value.problems


def test_every_fault_type_is_declarable_and_listed_as_a_window_in_hours():
    s = load_scenario("tiny", ALL_FAULTS)
    windows = fault_windows(s)
    types = [w.type for w in windows]
    assert types == [
        "outage",
        "delivery.reorder",
        "supplier_delay",
        "rate_limit",
        "approver_absence",
        "cron_lag",
    ]
    assert windows[0] == ("outage", "carrier_api", 24.0, 36.0, 0.5)
    assert windows[2][2:4] == (48.0, 96.0)  # the supplier wave covers its two whole days
    assert windows[3] == ("rate_limit", "marketplace", 72.0, 76.0, 1.0)
    assert windows[-1] == ("cron_lag", "channel_sync", 120.0, 144.0, 3.0)


@pytest.mark.parametrize(
    ("override", "path", "found"),
    [
        (
            "faults.approver_absences=[{pool: legal, start_day: 1, duration_h: 8, intensity: 0.5}]",
            "faults.approver_absences[0].pool",
            "legal",
        ),
        (
            "faults.cron_lags=[{start_day: 30, duration_h: 8, lag_h: 2}]",
            "faults.cron_lags[0].start_day",
            "30",
        ),
    ],
)
def test_semantic_errors_name_the_field_and_the_file(override, path, found):
    [p] = _problems([override])
    assert p.path == path
    assert found in str(p.found)
    assert "tiny.yaml" in p.source


@pytest.mark.parametrize(
    ("override", "path"),
    [
        (
            "faults.deliveries=[{kind: lose, start_day: 1, duration_h: 8, intensity: 0.5}]",
            "faults.deliveries[0].kind",
        ),
        (
            "faults.rate_limits=[{start_day: 1, duration_h: 8, intensity: 1.5}]",
            "faults.rate_limits[0].intensity",
        ),
        ("faults.rate_limits=[{start_day: 1, duration_h: 0}]", "faults.rate_limits[0].duration_h"),
        (
            "faults.integration.crash_after_effect_rate=2",
            "faults.integration.crash_after_effect_rate",
        ),
        (
            "faults.cron_lags=[{start_day: 1, duration_h: 8, lag_h: 2, x: 1}]",
            "faults.cron_lags[0].x",
        ),
    ],
)
def test_schema_errors_name_the_field(override, path):
    problems = _problems([override])
    assert any(p.path == path for p in problems), [p.path for p in problems]


def test_delivery_windows_raise_the_background_rate_inside_the_window_only():
    s = load_scenario(
        "tiny",
        [
            "faults.integration.duplicate_rate=0.1",
            "faults.deliveries=[{kind: duplicate, start_day: 1, duration_h: 2, intensity: 0.6}]",
        ],
    )
    plan = FaultPlan(s, ("alpha", "beta"))
    assert plan.delivery_prob("duplicate", 23.9) == 0.1
    assert plan.delivery_prob("duplicate", 24.0) == 0.6
    assert plan.delivery_prob("duplicate", 26.0) == 0.1
    assert plan.has_delivery_fault("duplicate")
    assert not plan.has_delivery_fault("reorder")


def _push(world: World, key: str) -> str:
    return world.submit(
        UpdateChannelAvailability(
            key=key,
            need="availability:marketplace",
            channel="marketplace",
            skus=np.array([0, 1]),
            qty=np.array([5, 5]),
        )
    )


def test_a_marketplace_429_carries_retry_after_and_a_call_before_it_is_a_violation(tiny):
    s = load_scenario(
        "tiny",
        ["faults.rate_limits=[{start_day: 0, duration_h: 2, intensity: 1.0, retry_after_s: 1800}]"],
    )
    w = World(s)
    assert _push(w, "AV-1") == CommandResult.RATE_LIMITED
    assert w.retry_after_until["marketplace"] == pytest.approx(0.5)
    assert _push(w, "AV-2") == CommandResult.RATE_LIMITED  # did not wait: refused again
    assert (w.kpi.rate_limited_calls, w.kpi.rate_limit_violations) == (2, 1)
    w.env.run(until=3.0)  # after the window the API answers again
    assert _push(w, "AV-3") == CommandResult.APPLIED


def test_event_driven_honours_retry_after_and_keeps_what_it_could_not_push():
    s = load_scenario(
        "tiny",
        [
            "horizon_days=4",
            "orchestration.model=event_driven",
            "faults.rate_limits=[{start_day: 1, duration_h: 24, intensity: 0.5,"
            " retry_after_s: 900}]",
        ],
    )
    r = run_replication(s)
    k = r.kpis
    assert k["rate_limited_calls_total"] > 5
    assert k["rate_limit_violations_total"] == 0


def _run_logged(s, tmp_path):
    run_replication(s, out_dir=tmp_path)
    return pd.read_parquet(tmp_path / "events.parquet")


def test_each_fault_window_writes_start_and_end_rows_on_the_timeline(tmp_path):
    s = load_scenario("tiny", ["horizon_days=8", *ALL_FAULTS])
    ev = _run_logged(s, tmp_path)
    rows = ev[ev.record == "fault"]
    assert len(rows) == 2 * len(fault_windows(s))
    out = rows[rows.kind == "outage"]
    assert out.t_h.tolist() == [24.0, 36.0]
    assert out.key.tolist() == ["carrier_api", "carrier_api"]
    assert out.detail.tolist() == ["start intensity=0.5", "end intensity=0.5"]
    assert set(rows.kind) == {w.type for w in fault_windows(s)}


def test_cron_lag_starts_the_nightly_channel_sync_late_inside_the_window_only(tmp_path):
    s = load_scenario(
        "tiny",
        [
            "horizon_days=5",
            "faults.cron_lags=[{job: channel_sync, start_day: 2, duration_h: 24, lag_h: 3}]",
        ],
    )
    ev = _run_logged(s, tmp_path)
    sync = ev[(ev.record == "command") & ev.key.str.startswith("SYNC-ecommerce")]
    hours = (sync.t_h % 24).round(6).tolist()
    days = (sync.t_h // 24).astype(int).tolist()
    hour = s.orchestration.manual.channel_sync_hour
    assert hours == [(hour + 3 if d == 2 else hour) % 24 for d in days]
    assert 2 in days


def _buyers_completed(overrides, probes=(48.0, 143.99)):
    """Tasks the buyers' desk has finished at each probe time, and at the end of the run."""
    s = load_scenario("tiny", ["horizon_days=12", *overrides])
    model = build(s.orchestration.model, s)
    w = World(s)
    w.attach(model)
    seen: list[int] = []

    def probe():
        for t in probes:
            yield w.env.timeout(t - w.env.now)
            seen.append(model.bo.desks["buyers"].completed)

    w.env.process(probe())
    w.run()
    return seen, model.bo.desks["buyers"]


def test_an_absence_wave_takes_the_pool_away_for_its_window_then_the_queue_drains():
    (a, b), desk = _buyers_completed([])
    assert b > a  # without the wave the buyers work through days 2-6
    wave = "faults.approver_absences=[{pool: buyers, start_day: 2, duration_h: 96, intensity: 1.0}]"
    (a, b), desk = _buyers_completed([wave])
    assert b == a  # nobody of the pool took a task during the window
    assert desk.wave == set()
    assert desk.completed > b  # back after the window: the queue is worked off


def test_runs_without_new_faults_draw_nothing_from_the_fault_streams(tiny):
    s = load_scenario("tiny", ["orchestration.model=event_driven", "horizon_days=3"])
    w = World(s)
    w.attach(build("event_driven", s))
    w.run()
    assert not any(name.startswith("faults.") for name in w.streams._cache)


def test_odoo_cron_jobs_due_in_a_lag_window_become_ready_late():
    """The ir.cron worker under ``cron_lags`` (job odoo_cron): an hourly job due inside the
    window runs ``lag_h`` late; outside it, on time (the ERP wires the lag from the plan)."""
    import datetime as dt

    import simpy

    from orchestration.odoo import Env, ScheduledAction, SimClock, start_cron_runner

    s = load_scenario(
        "tiny", ["faults.cron_lags=[{job: odoo_cron, start_day: 0.125, duration_h: 2, lag_h: 1.5}]"]
    )
    plan = FaultPlan(s, ("alpha", "beta"))
    sim = simpy.Environment()
    start = dt.datetime(2025, 9, 1)
    env = Env(clock=SimClock(sim, start))
    env.cron.lag = lambda due: dt.timedelta(
        hours=plan.cron_lag("odoo_cron", env.clock.to_sim_hours(due))
    )
    ran: list[float] = []
    env.cron.create(
        ScheduledAction(
            name="hourly",
            callback=lambda e: ran.append(sim.now),
            interval_number=1,
            interval_type="hours",
            nextcall=start,
        )
    )
    start_cron_runner(sim, env, poll_interval_s=60)
    sim.run(until=8.0)
    # due 0,1,2 on time; due 3 (in the window [3, 5)) waits until 4.5, which skips the missed 4;
    # due 5 is past the window again
    assert ran == pytest.approx([0.0, 1.0, 2.0, 4.5, 5.0, 6.0, 7.0])


def test_delivery_fault_windows_act_inside_their_window_only(tmp_path):
    s = load_scenario(
        "tiny",
        [
            "horizon_days=6",
            "orchestration.model=event_driven",
            "faults.deliveries=[{kind: crash_after_effect, start_day: 2, duration_h: 24,"
            " intensity: 0.5}, {kind: reorder, start_day: 3.5, duration_h: 24, intensity: 0.8}]",
            "faults.outages=[{target: erp_webhook, start_day: 1, duration_h: 48}]",
        ],
    )
    ev = _run_logged(s, tmp_path)
    tr = ev[ev.record == "trace"]
    crash = tr[tr.kind == "crash"].t_h
    reorder = tr[tr.kind == "reorder"].t_h
    assert len(crash) > 10
    assert crash.between(48.0, 72.0).all()
    assert len(reorder) > 10
    assert reorder.between(84.0, 108.0).all()
    lost = tr[tr.kind == "webhook_lost"]
    assert len(lost) > 0
    assert lost.t_h.between(24.0, 72.0).all()


def test_manual_treats_a_429_on_its_nightly_file_as_a_failed_file():
    s = load_scenario(
        "tiny", ["horizon_days=3", "faults.rate_limits=[{start_day: 0, duration_h: 72}]"]
    )
    k = run_replication(s).kpis
    base = run_replication(load_scenario("tiny", ["horizon_days=3"])).kpis
    assert k["rate_limited_calls_total"] >= 3  # one marketplace file a night
    assert k["rate_limit_violations_total"] == 0
    assert k["dead_letters_total"] >= base["dead_letters_total"] + 3

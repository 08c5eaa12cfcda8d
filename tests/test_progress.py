"""The run's progress (issue 17): reported every few simulated hours, read only."""

from __future__ import annotations

import datetime as dt
import itertools

from cli.run import OrderRate
from experiments.replicate import run_scenario
from experiments.runner import run_replication
from scenarios.loader import load_scenario
from sim.progress import EVERY_H, RunProgress


def test_progress_reports_date_and_orders_and_changes_no_result():
    s = load_scenario("tiny", ["horizon_days=3"])
    seen: list[RunProgress] = []
    with_bar = run_replication(s, progress=seen.append)
    without = run_replication(s)
    assert with_bar.kpis == without.kpis  # reporting is read only
    assert with_bar.engine["sim_events"] == without.engine["sim_events"]  # and adds no event
    hours = [p.t_h for p in seen]
    assert hours == sorted(hours)
    assert hours[0] == EVERY_H
    assert seen[-1].fraction == 1.0
    assert len(seen) == 3 * 24 // EVERY_H  # every EVERY_H hours, the last at the horizon
    assert seen[0].date == s.start_date
    assert seen[-1].date == s.start_date + dt.timedelta(days=3)
    orders = [p.online_orders for p in seen]
    assert orders == sorted(orders)
    assert orders[-1] == with_bar.kpis["online_orders_total"] > 0


def test_run_scenario_passes_the_status_of_each_replication():
    s = load_scenario("tiny", ["horizon_days=2"])
    status: list[RunProgress] = []
    fractions: list[float] = []
    run_scenario(s, 2, workers=1, on_progress=fractions.append, on_status=status.append)
    assert fractions[-1] == 1.0
    assert fractions == sorted(fractions)
    # two replications: the order count starts again from the second's beginning
    restarts = sum(1 for a, b in itertools.pairwise(status) if b.t_h < a.t_h)
    assert restarts == 1


def test_the_bar_status_shows_the_simulated_date_and_an_order_rate():
    rate = OrderRate()
    p = RunProgress(30.0, 240.0, dt.date(2025, 11, 1), 0)
    assert rate.status(p).startswith("2025-11-02 · ")
    text = rate.status(RunProgress(34.0, 240.0, dt.date(2025, 11, 1), 1_000_000))
    assert text.endswith("orders/s")
    assert text.split(" · ")[1] != "0 orders/s"


def test_every_bar_redraws_once_a_second(monkeypatch):
    """rich redraws a bar 10 times a second by default, on a thread that takes the GIL from the
    run beside it (8% of a terminal ``peak_season_xl`` run's samples); the run's, the check's
    and the sweeps' bars redraw once a second."""
    from rich.console import Console
    from typer.testing import CliRunner

    import cli.check
    import cli.run
    import experiments.report
    from cli.main import app

    rates: list[float] = []

    def spy(real):
        def make(*columns, **kwargs):
            rates.append(kwargs.get("refresh_per_second", 10))
            return real(*columns, **kwargs)

        return make

    for module in (cli.run, cli.check, experiments.report):
        monkeypatch.setattr(module, "Progress", spy(module.Progress))
    res = CliRunner().invoke(app, ["run", "tiny", "--set", "horizon_days=1"])
    assert res.exit_code == 0, res.output
    # a bound breaks on one day (no backlog to drain): the bar was made all the same
    res = CliRunner().invoke(
        app, ["check", "slo_payment_storm", "--set", "horizon_days=1", "--workers", "1"]
    )
    assert res.exit_code in (0, 1), res.output
    with experiments.report.task_progress(Console(), "sweep"):
        pass
    assert len(rates) == 3
    assert rates == [experiments.report.BAR_REFRESH_PER_S] * 3 == [1.0] * 3

"""Fixtures of the dashboard tests: small canned results, fake services, an AppTest factory.

The fakes stand in for :mod:`dashboards.service` so page tests never simulate: they resolve the
scenario they are given with the real loader (so a bad lever combination fails exactly as in the
app, and a test can read the resolved scenario), record the call, and return canned frames.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboards import levers as lv
from dashboards import service
from dashboards.recovery import recovery, timeline
from scenarios.loader import load_scenario

APP = Path(__file__).resolve().parents[2] / "dashboards" / "app.py"
MODELS = ("manual", "event_driven", "approval_centric", "exception_driven", "hybrid")
DAY0 = 739_495  # 2025-09-01 as an ordinal


def daily_frame(model: str = "hybrid", reps: int = 1, days: int = 5, shift: float = 0.0):
    rows = []
    for r in range(reps):
        for d in range(days):
            rows.append(
                {
                    "replication": r,
                    "day": d,
                    "date": DAY0 + d,
                    "pos_units_demanded": 200 + d,
                    "pos_units_sold": 195 + d,
                    "online_orders": 10 + d + r,
                    "online_units_demanded": 20 + d,
                    "online_units_filled_first": 19 + d,
                    "oversold_orders": (d + r) % 3,
                    "lost_units": 5,
                    "revenue": 1000.0 + d,
                    "fill_rate": 0.95 + 0.005 * d + shift,
                    "stock_on_hand_stores": 900 - 10 * d,
                    "stock_on_hand_warehouses": 2800 - 30 * d,
                    "stockouts_stores": d,
                    "stockouts_warehouses": d % 2,
                    "stockout_rate": 0.01 * d,
                    "shrink_units": 1,
                    "backorders_open": d % 2,
                    "queue_depth": 2 * d,
                    "pending_approvals": d,
                    "open_exceptions": d + 1,
                    "team_buyers_queue": d % 3,
                    "team_buyers_worked_h": 2.0 + d,
                    "team_finance_queue": 0,
                    "team_finance_worked_h": 1.0,
                    "model": model,
                }
            )
    return pd.DataFrame(rows)


def approvals_frame(model: str = "hybrid", n: int = 30, scale: float = 1.0) -> pd.DataFrame:
    types = ["purchase", "discount", "refund"]
    return pd.DataFrame(
        {
            "replication": [0] * n,
            "approval_type": [types[i % 3] for i in range(n)],
            "cycle_time_h": [scale * (1 + (i * 7) % 40) for i in range(n)],
            "model": [model] * n,
        }
    )


KPI_BASE = {
    "orders_total": 1200,
    "fill_rate": 0.97,
    "oversell_rate": 0.010,
    "stockout_rate": 0.03,
    "otif_rate": 0.94,
    "approval_cycle_time_p95_h": 30.0,
    "approval_cycle_time_mean_h": 8.0,
    "approval_sla_breach_rate": 0.05,
    "touchless_rate": 0.2,
    "margin_leakage": 40.0,
    "refund_losses": 10.0,
    "sod_violations_total": 0,
    "events_in_flight_at_end": 5,
    "dead_letters_total": 1,
    "exceptions_total": 12,
    "integration_retries_total": 3,
    "queue_depth_max": 6,
    "webhook_latency_p95_s": None,
    "team_buyers_utilisation_rate": 0.4,
    "team_buyers_worked_h": 25.0,
    "team_buyers_labour_cost": 875.0,
    "team_finance_utilisation_rate": 0.2,
    "team_finance_worked_h": 15.0,
    "team_finance_labour_cost": 525.0,
    "labour_worked_h": 40.0,
    "labour_fte": 1.2,
    "labour_cost": 1400.0,
    "labour_cost_per_order": 1.17,
    "labour_cost_per_approval": 9.5,
}
EFFECT = {  # per model: what it does to some KPIs (added to the manual value)
    "manual": {},
    "event_driven": {"approval_cycle_time_p95_h": -20.0, "oversell_rate": -0.008},
    "approval_centric": {"approval_cycle_time_p95_h": 25.0, "margin_leakage": -30.0},
    "exception_driven": {"approval_cycle_time_p95_h": -10.0},
    "hybrid": {"approval_cycle_time_p95_h": -15.0, "oversell_rate": -0.006, "labour_cost": 200.0},
}


def replications_frame(model: str, reps: int) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    noise = rng.normal(0, 1, size=reps)  # the same draws for every model: paired
    rows = []
    for r in range(reps):
        row: dict[str, Any] = {"replication": r, "seed": 7, "status": "ok", "error": None}
        for k, v in KPI_BASE.items():
            if v is None:
                row[k] = None
                continue
            eff = EFFECT.get(model, {}).get(k, 0.0)
            jitter = noise[r] * (0.001 if isinstance(v, float) and v < 1 else 0.5)
            row[k] = float(v) + eff + jitter
        rows.append(row)
    return pd.DataFrame(rows)


def run_data(model: str = "hybrid", reps: int = 1, run_dir: str = "runs/x") -> service.RunData:
    reps_df = replications_frame(model, reps)
    kpis = {k: (None if reps_df[k].isna().any() else float(reps_df[k].mean())) for k in KPI_BASE}
    summary = {
        "scenario": "tiny",
        "model": model,
        "seed": 7,
        "replications": reps,
        "horizon_days": 5,
        "kpis": kpis,
    }
    return service.RunData(
        run_dir=run_dir,
        model=model,
        summary=summary,
        scenario={"name": "tiny", "currency": "USD"},
        replications=reps_df,
        daily=daily_frame(model, reps),
        approvals=approvals_frame(model, scale=0.5 if model == "hybrid" else 1.0),
    )


def canned_summary(models: tuple[str, ...] = MODELS, reps: int = 3) -> pd.DataFrame:
    runs = [run_data(m, reps) for m in models]
    return service.paired_summary(runs)


@pytest.fixture
def calls() -> list[dict[str, Any]]:
    return []


@pytest.fixture
def fake_explore(calls: list[dict[str, Any]]) -> Callable[..., service.Exploration]:
    def explore(scenario, overrides, model, replications, results_dir, on_progress=None):
        resolved = load_scenario(scenario, [*overrides, f"orchestration.model={model}"])
        calls.append(
            {
                "page": "explorer",
                "scenario": scenario,
                "overrides": tuple(overrides),
                "model": model,
                "replications": replications,
                "results_dir": results_dir,
                "resolved": resolved,
            }
        )
        if on_progress is not None:
            on_progress(1.0, "done")
        run = run_data(model, replications)
        ref = None if model == "manual" else run_data("manual", replications)
        runs = [ref, run] if ref is not None else [run]
        return service.Exploration(
            scenario, model, tuple(overrides), run, ref, service.paired_summary(runs)
        )

    return explore


@pytest.fixture
def fake_compare(calls: list[dict[str, Any]]) -> Callable[..., service.Comparison]:
    def compare(scenario, overrides, model_list, replications, results_dir, on_progress=None):
        resolved = load_scenario(scenario, list(overrides))
        calls.append(
            {
                "page": "comparison",
                "scenario": scenario,
                "overrides": tuple(overrides),
                "models": tuple(model_list),
                "replications": replications,
                "resolved": resolved,
            }
        )
        models = tuple(model_list)
        summary = canned_summary(models, replications)
        results = pd.concat(
            [replications_frame(m, replications).assign(model=m) for m in models],
            ignore_index=True,
        )
        return service.Comparison(
            scenario, models, replications, "runs/dashboard/compare_x", "manual", summary, results
        )

    return compare


@pytest.fixture
def fake_resilience(calls: list[dict[str, Any]]) -> Callable[..., service.ResilienceRun]:
    def resilience(scenario, overrides, model, fault, replications, results_dir, on_progress=None):
        resolved = load_scenario(scenario, [*overrides, f"orchestration.model={model}"])
        calls.append(
            {
                "page": "resilience",
                "scenario": scenario,
                "overrides": tuple(overrides),
                "model": model,
                "fault": fault,
                "replications": replications,
                "resolved": resolved,
            }
        )
        hit = run_data(model, replications)
        hit = service.RunData(
            hit.run_dir,
            hit.model,
            hit.summary,
            hit.scenario,
            hit.replications,
            hit.daily.assign(queue_depth=hit.daily["queue_depth"] * 3),
            hit.approvals,
        )
        twin = run_data(model, replications)
        rec = recovery(hit.daily, twin.daily, fault.start_day, fault.duration_h)
        tl = timeline(hit.daily, twin.daily, service.TIMELINE_SERIES)
        summary = service.paired_summary(
            [twin, hit], "without fault", labels=["without fault", "with fault"]
        )
        return service.ResilienceRun(scenario, model, fault, hit, twin, rec, tl, summary)

    return resilience


@pytest.fixture
def app(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    fake_explore: Callable[..., Any],
    fake_compare: Callable[..., Any],
    fake_resilience: Callable[..., Any],
) -> Callable[[], AppTest]:
    """A factory of AppTests of the real app with the running services faked."""
    monkeypatch.setattr(service, "explore", fake_explore)
    monkeypatch.setattr(service, "compare", fake_compare)
    monkeypatch.setattr(service, "resilience", fake_resilience)
    monkeypatch.setenv("RETAILTWIN_RESULTS_ROOT", str(tmp_path / "runs"))

    def make() -> AppTest:
        at = AppTest.from_file(str(APP), default_timeout=60)
        at.session_state["results_dir"] = str(tmp_path / "runs")
        return at

    return make


def widget(at: AppTest, kind: str, key: str) -> Any:
    """The widget of ``kind`` (``number_input``, ``slider``, ...) with ``key``."""
    return getattr(at, kind)(key=key)


def tiny_fault() -> lv.Fault:
    return lv.Fault("carrier_api", 4.0, 36.0, 1.0)


@pytest.fixture
def canned() -> SimpleNamespace:
    """The canned-data builders, for tests that need frames rather than a fake service."""
    return SimpleNamespace(
        daily=daily_frame,
        approvals=approvals_frame,
        run=run_data,
        summary=canned_summary,
        replications=replications_frame,
        fault=tiny_fault,
        models=MODELS,
    )

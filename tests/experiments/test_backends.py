"""Backends: in-process, a local process pool and a Dask cluster give the same KPIs, bit for bit."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from experiments import backends
from experiments.backends import BackendError, BackendSpec
from experiments.plan import SweepSpec, plan_sweep
from experiments.replicate import run_scenario
from experiments.sweep import run_sweep
from scenarios.loader import load_scenario

from .conftest import PLUGIN

ENGINE = ["wall_s"]  # wall-clock timings are the only thing allowed to differ


def _spec(fast: str, flaky: str) -> SweepSpec:
    # the tiny retailer's promotion starts on day 4, so the uplift matters within 6 days
    return SweepSpec(
        base="tiny",
        overrides=("horizon_days=6",),
        grid=(("demand.promo_uplift", (1.5, 3.0)),),
        models=("manual", fast, flaky),
        replications=2,
        plugins=(PLUGIN,),
    )


def _runs(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.drop(columns=ENGINE).reset_index(drop=True)


@pytest.fixture(scope="module")
def in_process(fast, flaky):
    """The reference: every task in this process, one after the other."""
    return run_sweep(plan_sweep(_spec(fast, flaky)), backend=BackendSpec(workers=1))


@pytest.fixture(scope="module")
def dask_scheduler():
    """A Dask LocalCluster of two single-threaded worker processes, shut down after the module."""
    distributed = pytest.importorskip("dask.distributed")
    # the scheduler's HTTP server takes a free port: port 8787 may be held by another cluster,
    # and Dask's "Port 8787 is already in use" UserWarning would fail the test under
    # filterwarnings=error
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as cluster:
        yield cluster.scheduler_address


def test_the_reference_sweep_has_successes_and_one_failing_point(in_process, flaky):
    """12 runs: the flaky model fails at uplift 3.0 (2 runs), everything else succeeds."""
    runs = in_process.runs
    assert len(runs) == 12
    failed = runs[runs["status"] == "failed"]
    assert set(failed["model"]) == {flaky}
    assert set(failed["demand.promo_uplift"]) == {3.0}
    assert failed["error"].str.startswith("RuntimeError: simulated model failure").all()


def test_a_process_pool_gives_the_in_process_kpis_bit_for_bit(in_process, fast, flaky):
    """Two spawned workers, tasks completing in any order: the same table, exactly."""
    pooled = run_sweep(plan_sweep(_spec(fast, flaky)), backend=BackendSpec(workers=2))
    pd.testing.assert_frame_equal(_runs(pooled.runs), _runs(in_process.runs), check_exact=True)
    pd.testing.assert_frame_equal(pooled.summary, in_process.summary, check_exact=True)


# No pytest.mark.filterwarnings here: with the dashboard on a free port and the cluster closed by
# its context manager, Dask emits no warning in this process (measured), so any new warning
# should fail loudly rather than be filtered.
def test_a_dask_cluster_gives_the_in_process_kpis_bit_for_bit(
    in_process, dask_scheduler, fast, flaky
):
    """Submitted with client.submit to a LocalCluster (2 processes x 1 thread): same table."""
    spec = BackendSpec(workers=2, dask=dask_scheduler)
    distributed = run_sweep(plan_sweep(_spec(fast, flaky)), backend=spec)
    pd.testing.assert_frame_equal(_runs(distributed.runs), _runs(in_process.runs), check_exact=True)
    pd.testing.assert_frame_equal(distributed.summary, in_process.summary, check_exact=True)


def test_dask_workers_running_other_code_are_refused(dask_scheduler, monkeypatch):
    """The driver compares its code fingerprint with every worker's before submitting."""
    driver = os.getpid()
    monkeypatch.setattr(
        backends, "code_fingerprint", lambda: "driver" if os.getpid() == driver else "worker"
    )
    s = load_scenario("tiny", ["horizon_days=2"])
    with pytest.raises(BackendError, match="different RetailTwin code"):
        run_scenario(s, 2, dask=dask_scheduler)


def test_run_scenario_on_a_pool_writes_the_same_run_directory(tmp_path: Path):
    """`run --replications 3`: one worker or two, the same KPIs and byte-identical event logs."""
    s = load_scenario("tiny", ["horizon_days=4"])
    one = run_scenario(s, 3, tmp_path / "one", workers=1)
    two = run_scenario(s, 3, tmp_path / "two", workers=2)
    assert one["kpis"] == two["kpis"]
    assert one["kpis_ci95"] == two["kpis_ci95"]
    reps = [pd.read_parquet(tmp_path / d / "replications.parquet") for d in ("one", "two")]
    pd.testing.assert_frame_equal(reps[0].drop(columns=ENGINE), reps[1].drop(columns=ENGINE))
    for r in range(3):
        log = f"rep_{r:03d}/events.parquet"
        assert (tmp_path / "one" / log).read_bytes() == (tmp_path / "two" / log).read_bytes()


def test_a_failing_replication_stops_a_plain_run_with_its_own_error(flaky):
    """`run` is not a sweep: the model's exception propagates (nothing is half-summarised)."""
    s = load_scenario("tiny", ["horizon_days=2", "demand.promo_uplift=3.0"])
    s = s.model_copy(update={"orchestration": s.orchestration.model_copy(update={"model": flaky})})
    with pytest.raises(RuntimeError, match="simulated model failure"):
        run_scenario(s, 2, workers=1)


def test_dask_local_starts_and_stops_its_own_cluster():
    """`--dask local`: a LocalCluster of `workers` single-threaded processes, closed at the end."""
    s = load_scenario("tiny", ["horizon_days=3"])
    here = run_scenario(s, 3, workers=1)
    local = run_scenario(s, 3, workers=2, dask="local")
    assert local["kpis"] == here["kpis"]
    assert local["kpis_ci95"] == here["kpis_ci95"]

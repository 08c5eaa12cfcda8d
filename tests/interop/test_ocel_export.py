"""OCEL 2.0 / XES export: PM4Py reads every format back, and KPIs recomputed from the OCEL
file alone equal the run's own (``summary.json``)."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from cli.main import app
from experiments.interop.ocel import Ocel, build_ocel
from experiments.interop.ocel_io import read_ocel
from experiments.interop.ocel_kpis import recompute
from experiments.replicate import run_scenario
from scenarios.loader import load_scenario

#: PM4Py suggests its optional Rust backends when it reads XES; the pure-Python reader is enough
pytestmark = pytest.mark.filterwarnings("ignore:.*r4pm:UserWarning")
MODELS = ("manual", "hybrid")
FORMATS = {"ocel2-json": "log.json", "ocel2-sqlite": "log.sqlite", "xes": "log.xes"}


@pytest.fixture(scope="module")
def pm4py():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pm4py as module
    return module


@pytest.fixture(scope="module", params=MODELS)
def exported(request, tmp_path_factory) -> tuple[Path, dict[str, Path]]:
    """A tiny run of one model and its three exports through the CLI."""
    root = tmp_path_factory.mktemp(f"ocel_{request.param}")
    run = root / "run"
    run_scenario(load_scenario("tiny", [f"orchestration.model={request.param}"]), 1, run)
    files = {}
    for fmt, name in FORMATS.items():
        res = CliRunner().invoke(
            app, ["export", str(run), "--format", fmt, "--out", str(root / name)]
        )
        assert res.exit_code == 0, res.output
        files[fmt] = root / name
    return run, files


def _summary(run: Path) -> dict:
    return json.loads((run / "summary.json").read_text())


def _close(a, b) -> bool:
    if a is None or b is None:
        return a is b
    return a == pytest.approx(b, abs=1e-6)  # summary.json rounds to 6 decimals


KPIS = (
    "online_orders_total",
    "payment_failures_total",
    "oversell_rate",
    "approvals_total",
    "pending_approvals_at_end",
    "approval_cycle_time_mean_h",
    "approval_cycle_time_p50_h",
    "approval_cycle_time_p95_h",
    "refunds_paid",
)


def _assert_kpis_equal(got: dict, summary: dict) -> None:
    want = summary["kpis"]
    diff = {k: (got[k], want[k]) for k in KPIS if not _close(got[k], want[k])}
    assert not diff, diff
    assert set(got["by_approval_type"]) <= set(summary["by_approval_type"])
    for kind, stats in summary["by_approval_type"].items():
        mine = got["by_approval_type"].get(kind, {})
        for q in ("p50", "p95"):
            assert _close(mine.get(f"cycle_time_{q}_h"), stats[f"cycle_time_{q}_h"]), (kind, q)


@pytest.mark.parametrize("fmt", ["ocel2-json", "ocel2-sqlite"])
def test_kpis_recomputed_from_the_ocel_file_alone_equal_the_runs(exported, fmt):
    run, files = exported
    got = recompute(read_ocel(files[fmt]))
    assert got["approvals_total"] > 0
    assert got["online_orders_total"] > 0
    _assert_kpis_equal(got, _summary(run))


def test_the_two_ocel_layouts_hold_the_same_log(exported):
    _, files = exported
    a, b = read_ocel(files["ocel2-json"]), read_ocel(files["ocel2-sqlite"])
    assert len(a.events) == len(b.events)
    key = ["ocel_event_id", "ocel_object_id", "ocel_qualifier"]
    pd.testing.assert_frame_equal(
        a.e2o.sort_values(key).reset_index(drop=True), b.e2o.sort_values(key).reset_index(drop=True)
    )
    ta = a.events.set_index("ocel_id")["ocel_time"]
    tb = b.events.set_index("ocel_id")["ocel_time"].reindex(ta.index)
    assert (ta == tb).all()


def _from_pm4py(log) -> Ocel:
    """PM4Py's OCEL object as our tables (its column names are ``ocel:*``)."""
    events = log.events.rename(
        columns={"ocel:eid": "ocel_id", "ocel:activity": "ocel_type", "ocel:timestamp": "ocel_time"}
    )
    objects = log.objects.rename(columns={"ocel:oid": "ocel_id", "ocel:type": "ocel_type"})
    e2o = log.relations.rename(
        columns={
            "ocel:eid": "ocel_event_id",
            "ocel:oid": "ocel_object_id",
            "ocel:qualifier": "ocel_qualifier",
        }
    )[["ocel_event_id", "ocel_object_id", "ocel_qualifier"]]
    return Ocel(events, objects, e2o, log.o2o)


@pytest.mark.parametrize("fmt", ["ocel2-json", "ocel2-sqlite"])
def test_pm4py_reads_the_ocel_files_and_its_reading_gives_the_same_kpis(exported, pm4py, fmt):
    run, files = exported
    reader = pm4py.read_ocel2_json if fmt == "ocel2-json" else pm4py.read_ocel2_sqlite
    log = reader(str(files[fmt]))
    ours = read_ocel(files[fmt])
    # PM4Py drops events without any object (channel feed syncs) and objects without events
    related = ours.events[ours.events["ocel_id"].isin(ours.e2o["ocel_event_id"])]
    assert len(log.events) == len(related)
    assert len(log.relations) == len(ours.e2o)
    assert set(log.objects["ocel:type"]) >= {
        "order",
        "sku",
        "purchase_order",
        "shipment",
        "approval_request",
        "ticket",
        "payment",
        "location",
    }
    _assert_kpis_equal(recompute(_from_pm4py(log)), _summary(run))


def test_pm4py_reads_the_xes_file_one_trace_per_order(exported, pm4py):
    run, files = exported
    df = pm4py.read_xes(str(files["xes"]), return_legacy_log_object=False, show_progress_bar=False)
    assert df["case:concept:name"].nunique() == _summary(run)["kpis"]["online_orders_total"]
    began = df["concept:name"].isin(["OrderPlaced", "PaymentFailed"])
    assert df.loc[began, "case:concept:name"].nunique() == df["case:concept:name"].nunique()
    assert {"OrderShipped", "OrderDelivered"} <= set(df["concept:name"])


def test_relations_are_qualified_with_the_business_meaning(exported):
    run, _ = exported
    o = build_ocel(run)
    rel = o.e2o.merge(o.events, left_on="ocel_event_id", right_on="ocel_id")
    kinds = o.objects.set_index("ocel_id")["ocel_type"]
    rel["object_type"] = rel["ocel_object_id"].map(kinds)
    # a return is of an order; an approval trace is of its request; a PO has its vendor
    ret = rel[rel["ocel_type"] == "ReturnInitiated"]
    assert (ret.loc[ret["object_type"] == "order", "ocel_qualifier"] == "of order").all()
    assert len(ret[ret["object_type"] == "order"]) == len(ret[ret["object_type"] == "return"]) > 0
    po = rel[rel["ocel_type"] == "CreatePurchaseOrder"]
    assert set(po.loc[po["object_type"] == "supplier", "ocel_qualifier"]) == {"vendor"}
    assert po.loc[po["object_type"] == "supplier", "ocel_event_id"].nunique() == len(
        po[po["object_type"] == "purchase_order"]
    )
    closed = rel[rel["ocel_type"] == "approval.closed"]
    assert (closed["object_type"] == "approval_request").sum() == len(
        o.events[o.events["ocel_type"] == "approval.closed"]
    )


def test_export_rejects_bad_input_with_exit_2_and_writes_nothing(tmp_path, exported):
    run, _ = exported
    target = tmp_path / "x.json"
    for args, needle in (
        ([str(tmp_path / "nope"), "--format", "ocel2-json"], "not a run directory"),
        ([str(run), "--format", "csv"], "--format"),
        ([str(run), "--format", "xes", "--object-type", "unicorn"], "--object-type"),
        ([str(run), "--format", "ocel2-json", "--replication", "7"], "no event log"),
    ):
        res = CliRunner().invoke(app, ["export", *args, "--out", str(target)])
        assert res.exit_code == 2, res.output
        assert needle in res.output
        assert not target.exists()


def test_kpis_recomputed_under_duplicated_and_retried_deliveries(tmp_path):
    """slo_duplicates re-delivers webhooks and retries commands: a refund command sent twice
    under one key is one payment object, and the counts still equal the run's."""
    run = tmp_path / "run"
    run_scenario(load_scenario("slo_duplicates", ["horizon_days=7"]), 1, run)
    res = CliRunner().invoke(
        app, ["export", str(run), "--format", "ocel2-json", "--out", str(tmp_path / "d.json")]
    )
    assert res.exit_code == 0, res.output
    got = recompute(read_ocel(tmp_path / "d.json"))
    _assert_kpis_equal(got, _summary(run))

"""Deterministic replay: one order's or one request's trajectory from the event log, re-run."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from cli.main import app
from experiments.replay import ReplayError, order_keys, read_trajectory, request_keys, trajectory
from experiments.replicate import run_scenario
from experiments.runner import run_replication
from orchestration.backoffice import Backoffice, Request
from scenarios.loader import load_scenario
from sim.eventlog import EventLog
from sim.world import World

HORIZON = ["horizon_days=10"]
FINAL = {"OrderDelivered", "OrderCancelled"}


def _run(tmp_path_factory, model: str) -> Path:
    out = tmp_path_factory.mktemp(model) / "run"
    run_scenario(load_scenario("tiny", [*HORIZON, f"orchestration.model={model}"]), 1, out)
    return out


@pytest.fixture(scope="module")
def hybrid_run(tmp_path_factory) -> Path:
    return _run(tmp_path_factory, "hybrid")


@pytest.fixture(scope="module")
def manual_run(tmp_path_factory) -> Path:
    return _run(tmp_path_factory, "manual")


def _log(run: Path) -> pa.Table:
    return pq.read_table(run / "rep_000" / "events.parquet")


def _keys_of(run: Path, record: str, kind: str) -> list[str]:
    t = _log(run)
    mask = pc.and_(pc.equal(t["record"], record), pc.equal(t["kind"], kind))
    return list(dict.fromkeys(t.filter(mask)["key"].to_pylist()))


def _audit(run: Path) -> list[dict]:
    lines = (run / "rep_000" / "audit.jsonl").read_text().splitlines()
    return [json.loads(x) for x in lines]


def _invoke(*args: str):
    return CliRunner().invoke(app, ["replay", *args])


@pytest.mark.parametrize("model", ["hybrid", "manual"])
def test_an_order_trajectory_runs_from_placement_to_its_final_state_in_time_order(
    model, hybrid_run, manual_run
):
    run = hybrid_run if model == "hybrid" else manual_run
    delivered = _keys_of(run, "event", "OrderDelivered")
    assert delivered, "the run delivered no order"
    order = delivered[0]
    traj = trajectory(run, order=order.removeprefix("order:"))
    events = [s for s in traj.steps if s.record == "event" and s.key == order]
    assert events[0].kind == "OrderPlaced"
    assert events[-1].kind in FINAL
    assert [s.seq for s in traj.steps] == sorted(s.seq for s in traj.steps)
    assert [s.t_h for s in traj.steps] == sorted(s.t_h for s in traj.steps)
    assert traj.steps[0].time.startswith("2025-09-")  # tiny starts on 1 Sep 2025
    assert all(s.kind != "link" for s in traj.steps)  # bookkeeping rows are not shown


def test_an_orders_trajectory_follows_its_return_to_the_refund_decision(hybrid_run):
    """order -> return (link at initiation) -> refund request and the refund command."""
    t = _log(hybrid_run)
    links = t.filter(pc.equal(t["kind"], "link")).to_pylist()
    parent = next(r["key"] for r in links if r["detail"].startswith("return:"))
    ret = next(
        r["detail"] for r in links if r["key"] == parent and r["detail"].startswith("return:")
    )
    root, keys = order_keys(hybrid_run / "rep_000" / "events.parquet", parent)
    assert root == parent
    assert ret in keys
    requests = [k for k in keys if k.startswith("refund-")]
    assert requests, keys
    traj = trajectory(hybrid_run, order=parent)
    kinds = [s.kind for s in traj.steps]
    assert "ReturnInitiated" in kinds
    assert "approval.requested" in kinds
    assert kinds.index("OrderPlaced") < kinds.index("ReturnInitiated")


def _human_request(run: Path) -> tuple[str, list[str]]:
    """A request decided by people (the longest chain of approvers), with its approvers."""
    people: dict[str, list[str]] = {}
    for r in _audit(run):
        if r["action"] in ("approved", "refused") and r["actor"] != "policy":
            people.setdefault(r["request"], []).append(r["actor"])
    assert people, "no request was decided by a person"
    req = max(people, key=lambda k: len(people[k]))
    return req, people[req]


@pytest.mark.parametrize("model", ["hybrid", "manual"])
def test_a_request_trajectory_holds_each_decision_with_its_approver(model, hybrid_run, manual_run):
    run = hybrid_run if model == "hybrid" else manual_run
    req, approvers = _human_request(run)
    traj = trajectory(run, request=req)
    own = [s for s in traj.steps if s.key == req]
    assert own[0].kind == "approval.requested"
    assert "tier" in own[0].detail
    assert "by " in own[0].detail
    decisions = [s for s in own if s.kind == "approval.decision"]
    n = len(approvers)
    assert len(decisions) == n
    for i, (step, person) in enumerate(zip(decisions, approvers, strict=True), start=1):
        assert f"by {person}, step {i} of " in step.detail  # the audit trail's approver
    assert own[-1].kind == "approval.closed"
    # the business object's own rows come along (the event or document the request is about)
    assert any(s.record == "event" for s in traj.steps) or any(
        s.record == "command" for s in traj.steps
    )


def test_a_request_trajectory_leaves_out_other_requests_of_the_same_object(hybrid_run):
    path = hybrid_run / "rep_000" / "events.parquet"
    req, _ = _human_request(hybrid_run)
    _, keys = request_keys(path, req)
    others = set(_keys_of(hybrid_run, "trace", "approval.requested")) - {req}
    assert not others & set(keys)


def test_verify_reproduces_the_trajectory_of_an_order_and_of_a_request(hybrid_run):
    order = _keys_of(hybrid_run, "event", "OrderDelivered")[0]
    ok = _invoke(str(hybrid_run), "--order", order, "--verify")
    assert ok.exit_code == 0, ok.output
    n = len(trajectory(hybrid_run, order=order).steps)
    assert f"reproduced: {n} rows identical" in ok.output
    req, _ = _human_request(hybrid_run)
    res = _invoke(str(hybrid_run), "--request", req, "--verify", "--json")
    assert res.exit_code == 0, res.output
    doc = json.loads(res.output)
    assert doc["verify"]["reproduced"] is True
    assert doc["verify"]["rows"] == len(doc["rows"]) > 0
    assert doc["root"] == req


def test_verify_of_a_manual_run_reproduces(manual_run):
    req, _ = _human_request(manual_run)
    res = _invoke(str(manual_run), "--request", req, "--verify")
    assert res.exit_code == 0, res.output
    assert "reproduced:" in res.output


def _tampered_copy(run: Path, dest: Path, key: str, edit) -> Path:
    shutil.copytree(run, dest)
    path = dest / "rep_000" / "events.parquet"
    rows = pq.read_table(path).to_pylist()
    i = next(i for i, r in enumerate(rows) if r["key"] == key and r["record"] != "trace")
    edit(rows, i)
    pq.write_table(pa.Table.from_pylist(rows, schema=pq.read_schema(path)), path)
    return dest


def test_verify_detects_an_edited_log(hybrid_run, tmp_path):
    order = _keys_of(hybrid_run, "event", "OrderDelivered")[0]

    def more_units(rows, i):
        rows[i]["qty"] += 1

    bad = _tampered_copy(hybrid_run, tmp_path / "edited", order, more_units)
    res = _invoke(str(bad), "--order", order, "--verify")
    assert res.exit_code == 1, res.output
    assert "NOT reproduced: first difference at row 0" in res.output


def test_verify_detects_a_deleted_row(hybrid_run, tmp_path):
    order = _keys_of(hybrid_run, "event", "OrderDelivered")[0]

    def drop(rows, i):
        del rows[i]

    bad = _tampered_copy(hybrid_run, tmp_path / "deleted", order, drop)
    res = _invoke(str(bad), "--order", order, "--verify", "--json")
    assert res.exit_code == 1, res.output
    diff = json.loads(res.output)["verify"]["first_difference"]
    assert diff["index"] == 0
    assert diff["rerun"]["kind"] == "OrderPlaced"


def test_the_table_shows_every_row_with_its_simulated_time(hybrid_run):
    order = _keys_of(hybrid_run, "event", "OrderDelivered")[0]
    res = CliRunner().invoke(
        app, ["replay", str(hybrid_run), "--order", order], env={"COLUMNS": "250"}
    )
    assert res.exit_code == 0, res.output
    traj = trajectory(hybrid_run, order=order)
    for s in traj.steps:
        assert s.time in res.output
    assert "OrderPlaced" in res.output


# --------------------------------------------------------------------------- errors
def test_a_missing_run_directory_is_a_clear_error(tmp_path):
    res = _invoke(str(tmp_path / "nope"), "--order", "1")
    assert res.exit_code == 2
    assert "no such run directory" in res.output
    assert "nope" in res.output


def test_a_run_written_without_events_is_a_clear_error(hybrid_run, tmp_path):
    dest = tmp_path / "no_events"
    shutil.copytree(hybrid_run, dest)
    (dest / "rep_000" / "events.parquet").unlink()
    res = _invoke(str(dest), "--order", "1")
    assert res.exit_code == 2
    assert "without an event log" in res.output


def test_an_unknown_replication_lists_the_ones_there(hybrid_run):
    res = _invoke(str(hybrid_run), "--order", "1", "--replication", "3")
    assert res.exit_code == 2
    assert "rep_003" in res.output
    assert "rep_000" in res.output


def test_an_unknown_order_suggests_existing_ones(hybrid_run):
    res = _invoke(str(hybrid_run), "--order", "999999")
    assert res.exit_code == 2
    assert "order:999999" in res.output
    first = _keys_of(hybrid_run, "event", "OrderPlaced")[0].removeprefix("order:")
    assert f"orders in the log: {first}" in res.output


def test_an_unknown_request_suggests_existing_ones(hybrid_run):
    res = _invoke(str(hybrid_run), "--request", "purchase-999999")
    assert res.exit_code == 2
    first = _keys_of(hybrid_run, "trace", "approval.requested")[0]
    assert "purchase-999999" in res.output
    assert first in res.output


@pytest.mark.parametrize(
    "args", [[], ["--order", "1", "--request", "discount-1"]], ids=["neither", "both"]
)
def test_exactly_one_of_order_and_request(hybrid_run, args):
    res = _invoke(str(hybrid_run), *args)
    assert res.exit_code == 2
    assert "exactly one of --order ID or --request ID" in res.output


def test_replay_error_names_the_file(hybrid_run):
    with pytest.raises(ReplayError, match=r"events\.parquet: no approval request 'x-1'"):
        trajectory(hybrid_run, request="x-1")


# --------------------------------------------------------------------------- cost
@pytest.mark.parametrize("model", ["hybrid", "manual", "approval_centric"])
def test_tracing_changes_no_kpi(model, tmp_path):
    """The log on (every trace written) or off gives the same run: tracing draws nothing."""
    s = load_scenario("tiny", ["horizon_days=6", f"orchestration.model={model}"])
    off = run_replication(s).kpis
    on = run_replication(s, 0, tmp_path / "rep_000").kpis
    assert on == off
    t = pq.read_table(tmp_path / "rep_000" / "events.parquet")
    assert pc.sum(pc.equal(t["record"], "trace")).as_py() > 0


# --------------------------------------------------------------------------- governance traces
ESCALATION = [
    "horizon_days=10",
    "approvals.pools.buyers.size=1",
    "approvals.pools.finance.size=1",
    *(
        f"approvals.pools.{p}.calendar.{k}={v}"
        for p in ("buyers", "finance")
        for k, v in (("weekdays", "[0, 1, 2, 3, 4, 5, 6]"), ("open_h", 0), ("close_h", 24))
    ),
    "governance.escalation.enabled=true",
    "governance.escalation.reminder_every_h=3",
    "governance.escalation.reminders=2",
    "governance.escalation.deadline_h.high=10",
]


def test_reminders_escalation_sod_wait_and_decisions_are_in_the_request_trajectory(tmp_path):
    """The only buyer is busy: reminded twice, escalated to finance at the deadline; finance's
    only person filled that step, so the finance step waits (SoD) and is never given to them."""
    s = load_scenario("tiny", ESCALATION)
    path = tmp_path / "events.parquet"
    world = World(s, event_log=EventLog(path))

    class Idle:
        def attach(self, w): ...
        def on_event(self, e):
            world.ack(e)

        def snapshot(self):
            return {}

        def finish(self): ...

    world.attach(Idle())
    bo = Backoffice(world, s, "test", escalate=True)
    bo.desks["buyers"].submit(lambda p, t: None, handling_h=100.0)  # keeps the buyer busy
    req = Request(
        "purchase", "high", 0.0, "planning", ("buyers", "finance"), lambda ok: None, subject="PO-X"
    )
    bo.approvals.request(req)
    world.env.run(until=60.0)
    world.log.close()
    _, keys = request_keys(path, req.id)
    assert keys[:2] == [req.id, "PO-X"]
    steps = read_trajectory(path, keys, s.start_date).steps
    kinds = [x.kind for x in steps]
    reminders = [(x.t_h, x.detail) for x in steps if x.kind == "approval.reminder"]
    assert reminders[:2] == [(3.0, "reminder 1 at buyers"), (6.0, "reminder 2 at buyers")]
    assert [d for _, d in reminders[2:]] == ["reminder 1 at finance", "reminder 2 at finance"]
    esc = steps[kinds.index("approval.escalation")]
    assert esc.detail.startswith("buyers -> finance")
    assert esc.t_h == pytest.approx(10.0)
    sod = steps[kinds.index("approval.sod_wait")]
    assert "finance:0" in sod.detail
    decisions = [x.detail for x in steps if x.kind == "approval.decision"]
    assert decisions == ["approved by finance:0, step 1 of 2"]  # step 2 is still waiting


def test_a_purchase_order_trajectory_shows_rule_webhook_workflow_and_supplier(hybrid_run):
    """Any key can be a root: an Odoo PO from the reorder-point breach to the supplier."""
    po = _keys_of(hybrid_run, "event", "SupplierConfirmed")[0]
    kinds = [s.kind for s in trajectory(hybrid_run, order=po).steps]
    order = [
        "odoo.rfq",
        "approval.requested",
        "approval.closed",
        "odoo.po",
        "odoo.automation",
        "odoo.webhook",
        "n8n.node",
        "CreatePurchaseOrder",
        "SupplierConfirmed",
    ]
    assert [kinds.index(k) for k in order] == sorted(kinds.index(k) for k in order)


def test_a_manual_payment_failure_goes_through_the_spreadsheet_to_the_customer(manual_run):
    order = _keys_of(manual_run, "event", "PaymentFailed")[0]
    steps = trajectory(manual_run, order=order).steps
    kinds = [s.kind for s in steps]
    opened = steps[kinds.index("exception.opened")]
    assert "spreadsheet" in opened.detail
    assert "team customer_service" in opened.detail
    resolved = steps[kinds.index("exception.resolved")]
    assert resolved.detail.startswith("by customer_service:")
    notify = steps[kinds.index("NotifyCustomer")]
    assert notify.key.startswith("NT-")  # linked to the order by the command's order_id
    assert opened.t_h <= resolved.t_h <= notify.t_h

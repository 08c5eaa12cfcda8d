"""The live twin: stepping changes nothing, a client's confirmation is the model's, clocks."""

from __future__ import annotations

import time

import httpx
import pytest
from typer.testing import CliRunner

from cli.main import app
from experiments.runner import run_replication
from experiments.serve import ClockSpec, LiveTwin, ServeError, ServerThread
from scenarios.loader import load_scenario
from sim.events import CreatePurchaseOrder
from tests.serve.conftest import DB, KEY, make_server


def test_a_stepped_twin_ends_where_a_batch_run_ends():
    """Served and stepped in uneven chunks to the horizon, no client: the same KPIs."""
    scenario = load_scenario("tiny", ["orchestration.model=hybrid"])
    twin = LiveTwin(scenario)
    for hours in (0.5, 7, 24, 100, 1000):
        twin.advance(hours)
    assert twin.now_h == twin.horizon_h == 336.0
    assert twin.finish() == run_replication(scenario).kpis


def test_a_client_confirmation_takes_the_models_path_once():
    """Confirming a draft RFQ over RPC: the rule's webhook, n8n and ONE supplier order, even
    after the buyer later approves it (the model's own button_confirm is then a no-op)."""
    server = make_server("approval_centric")
    twin = server.twin
    sent: list[str] = []
    submit = twin.world.submit

    def spy(cmd):
        if isinstance(cmd, CreatePurchaseOrder):
            sent.append(cmd.key)
        return submit(cmd)

    twin.world.submit = spy
    twin.advance(72)
    draft = twin.env["purchase.order"].search([("state", "=", "draft")])[-1]
    with ServerThread(server.app) as url:
        body = {"ids": [draft.id]}
        headers = {"Authorization": f"bearer {KEY}"}
        r = httpx.post(f"{url}/json/2/purchase.order/button_confirm", json=body, headers=headers)
        assert r.status_code == 200
        assert draft.state == "purchase"
        assert draft.name not in sent  # n8n runs the "PO to supplier" workflow in sim time
        for _ in range(14):
            httpx.post(f"{url}/retail-twin/step", json={"hours": 24}, headers=headers)
    assert sent.count(draft.name) == 1
    assert twin.mirror.receipts_validated >= 1
    kpis = twin.finish()
    assert kpis["duplicate_effects_total"] == 0


def test_wall_clock_modes_advance_on_their_own_and_refuse_steps():
    server = make_server("event_driven", clock="x36000")  # ten simulated hours per second
    with ServerThread(server.app) as url:
        deadline = time.monotonic() + 10.0
        while server.twin.now_h == 0.0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.twin.now_h > 0.0
        headers = {"Authorization": f"bearer {KEY}"}
        r = httpx.post(f"{url}/retail-twin/step", json={"hours": 1}, headers=headers)
        assert r.status_code == 422
        assert "step only with --clock stepped" in r.json()["message"]


@pytest.mark.parametrize(
    ("text", "speed"), [("stepped", 0.0), ("real", 1.0), ("x60", 60.0), ("X0.5", 0.5)]
)
def test_clock_specs(text, speed):
    assert ClockSpec.parse(text).speed == speed


@pytest.mark.parametrize("text", ["x0", "x-2", "fast", "x"])
def test_bad_clock_specs_name_the_option(text):
    with pytest.raises(ValueError, match="--clock"):
        ClockSpec.parse(text)


def test_manual_has_no_odoo_to_serve():
    with pytest.raises(ServeError, match="--model manual"):
        LiveTwin(load_scenario("tiny", ["orchestration.model=manual"]))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["serve", "tiny", "--model", "hybrid"], "no API key"),
        (["serve", "tiny", "--api-key", "short"], "at least 8 characters"),
        (["serve", "tiny", "--api-key", "long-enough-key", "--clock", "x0"], "--clock"),
        (["serve", "tiny", "--api-key", "long-enough-key", "--model", "manual"], "--model"),
        (["serve", "no_such_scenario", "--api-key", "long-enough-key"], "no_such_scenario"),
        (
            ["serve", "tiny", "--api-key", "long-enough-key", "--webhook-secret", "abc"],
            "--webhook-secret",
        ),
    ],
)
def test_serve_cli_bad_input_exits_2(args, message, monkeypatch):
    monkeypatch.delenv("RETAILTWIN_ODOO_API_KEY", raising=False)
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_credentials_come_from_the_environment(monkeypatch):
    from orchestration.odoo.rpc import RpcCredentials

    env = {
        "RETAILTWIN_ODOO_DB": "shop",
        "RETAILTWIN_ODOO_LOGIN": "ops",
        "RETAILTWIN_ODOO_API_KEY": "k" * 12,
    }
    creds = RpcCredentials.resolve(environ=env)
    assert (creds.database, creds.login) == ("shop", "ops")
    assert creds.login_uid("shop", "ops", "k" * 12) is not None
    assert RpcCredentials.resolve("db2", environ=env).database == "db2"  # options win
    assert DB == "retailtwin"


def test_a_purchase_order_created_by_a_client_reaches_the_supplier():
    """A client creates and confirms a PO in Odoo (vendor, deliver-to site, lines): the same
    rule, webhook and n8n flow send it; the goods arrive. One whose deliver-to is not a site
    fails in n8n (a node error) and nothing is sent."""
    import xmlrpc.client

    server = make_server("event_driven")
    twin = server.twin
    sent: list[CreatePurchaseOrder] = []
    submit = twin.world.submit

    def spy(cmd):
        if isinstance(cmd, CreatePurchaseOrder):
            sent.append(cmd)
        return submit(cmd)

    twin.world.submit = spy
    with ServerThread(server.app) as url:
        obj = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object", allow_none=True)

        def call(model, method, *args, **kw):
            return obj.execute_kw(DB, 2, KEY, model, method, list(args), kw)

        vendor = call("res.partner", "search", [("name", "=", "alpha")])[0]
        dc = call("stock.location", "search", [("name", "=", "dc/Stock")])[0]
        wh = call("stock.location", "search", [("name", "=", "WH/Stock")])[0]
        products = call("product.product", "search", [("name", "in", ["SKU 00001", "SKU 00002"])])
        lines = [
            [0, 0, {"product_id": p, "product_qty": 24.0, "price_unit": 5.0}] for p in products
        ]
        good = call("purchase.order", "create", {"partner_id": vendor, "dest_location_id": dc,
                                                 "order_line": lines})  # fmt: skip
        bad = call("purchase.order", "create", {"partner_id": vendor, "dest_location_id": wh,
                                                "order_line": lines})  # fmt: skip
        call("purchase.order", "button_confirm", [good, bad])
        names = {r["id"]: r["name"] for r in call("purchase.order", "read", [good, bad], ["name"])}
        twin.advance(1000)  # to the horizon
        receipt = call("stock.picking", "search_read", [("purchase_id", "=", good)], ["state"])
        obj("close")()
    mine = [c for c in sent if c.key in names.values()]
    assert [c.key for c in mine] == [names[good]]
    assert mine[0].need == f"client:{names[good]}"
    assert mine[0].location == twin.world.net.n_stores  # the store DC
    assert mine[0].qty.tolist() == [24, 24]
    assert receipt[0]["state"] == "done"
    failed = [e for e in twin.stack.n8n.executions if e.error is not None]
    assert any("is no site" in e.error.message for e in failed)


def test_the_serve_command_answers_over_http_and_stops():
    """`retail-twin serve` as a user starts it: a real process on a free local port, bounded."""
    import os
    import subprocess
    import sys

    from experiments.serve.server import free_port

    port = free_port()
    env = {**os.environ, "RETAILTWIN_ODOO_API_KEY": KEY}
    cmd = [sys.executable, "-c", "from cli.main import app; app()",
           "serve", "tiny", "--model", "hybrid", "--port", str(port)]  # fmt: skip
    proc = subprocess.Popen(cmd, env=env, stderr=subprocess.PIPE, text=True)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60.0
        while True:
            try:
                version = httpx.post(f"{url}/web/webclient/version_info", json={}, timeout=2)
                break
            except httpx.TransportError:
                assert proc.poll() is None, "the server exited"
                assert time.monotonic() < deadline, "the server did not come up"
                time.sleep(0.2)
        assert version.json()["result"]["server_serie"] == "18.0"
        headers = {"Authorization": f"bearer {KEY}"}
        status = httpx.post(f"{url}/retail-twin/step", json={"hours": 12}, headers=headers)
        assert status.json()["model"] == "hybrid"
        assert status.json()["now_h"] == 12.0
    finally:
        proc.terminate()
        _out, err = proc.communicate(timeout=20)  # closes the pipe
    assert "serving tiny (hybrid) on http://127.0.0.1" in err

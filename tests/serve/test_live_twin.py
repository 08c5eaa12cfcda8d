"""The live twin: stepping changes nothing, a client's confirmation is the model's, clocks."""

from __future__ import annotations

import time

import httpx
import pytest
from typer.testing import CliRunner

from experiments.cli import app
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

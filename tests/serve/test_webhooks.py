"""Live webhooks: Odoo's outbound webhooks forwarded to a real URL signed with Standard
Webhooks; inbound /web/hook/<uuid> with signature check and replay guard; n8n webhook paths."""

from __future__ import annotations

import json
import time

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from experiments.serve import ClockSpec, LiveTwin, ServerThread, TwinServer
from experiments.serve.webhooks import LiveWebhooks
from orchestration.odoo import AutomationRule, ServerAction
from orchestration.odoo.rpc import RpcCredentials
from orchestration.security.signatures import WebhookVerifier, sign_delivery
from scenarios.loader import load_scenario
from tests.serve.conftest import DB, KEY

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


def _served(model: str, secret: str | None, target: str | None = None):
    twin = LiveTwin(load_scenario("tiny", [f"orchestration.model={model}"]))
    creds = RpcCredentials.resolve(DB, "admin", KEY, environ={})
    hooks = LiveWebhooks(twin, secret, target)
    return TwinServer(twin, creds, ClockSpec.parse("stepped"), hooks), hooks


def test_outbound_webhooks_reach_a_real_receiver_signed():
    received: list[tuple[bytes, dict[str, str]]] = []

    async def receive(request: Request) -> JSONResponse:
        received.append((await request.body(), dict(request.headers)))
        return JSONResponse({"message": "Workflow was started"})

    receiver = Starlette(routes=[Route("/webhook/po-confirmed", receive, methods=["POST"])])
    with ServerThread(receiver) as url:
        server, hooks = _served("event_driven", SECRET, f"{url}/webhook/po-confirmed")
        server.twin.advance(72)
    # what the simulated n8n got: delivered, or late (Odoo gave up after 1 s, n8n still got it)
    delivered = [c for c in server.twin.env.webhooks.log if c.outcome != "failed"]
    assert len(delivered) >= 2
    assert hooks.forwarded == len(received) == len(delivered)
    verifier = WebhookVerifier([SECRET], time.time)
    for (body, headers), call in zip(received, delivered, strict=True):
        verifier.verify(body, headers)  # raises if the signature is wrong
        payload = json.loads(body)
        assert payload == call.payload
        assert payload["_model"] == "purchase.order"
    assert len({h["webhook-id"] for _, h in received}) == len(received)


@pytest.fixture
def hooked():
    server, hooks = _served("event_driven", SECRET)
    seen = []
    rule = AutomationRule(
        name="Vendor note from n8n",
        model="res.partner",
        trigger="on_webhook",
        actions=[ServerAction("note", "code", code=lambda env, recs: seen.extend(recs.ids))],
    )
    server.twin.env.automation.add_rule(rule)
    with ServerThread(server.app) as url:
        yield url, rule.webhook_uuid, seen, hooks


def _post(url, path, payload, msg_id, ts=None, secret=SECRET):
    body = json.dumps(payload).encode()
    delivery = sign_delivery(secret, msg_id, int(ts or time.time()), body)
    headers = {**delivery.header_map, "content-type": "application/json"}
    return httpx.post(f"{url}{path}", content=body, headers=headers, timeout=10)


def test_inbound_odoo_webhook_checks_signature_and_replays(hooked):
    url, uuid, seen, hooks = hooked
    ok = _post(url, f"/web/hook/{uuid}", {"_model": "res.partner", "_id": 1}, "msg_1")
    assert (ok.status_code, ok.json()) == (200, {"status": "ok"})
    assert seen == [1]
    replay = _post(url, f"/web/hook/{uuid}", {"_model": "res.partner", "_id": 1}, "msg_1")
    assert replay.status_code == 409
    forged = _post(url, f"/web/hook/{uuid}", {"_model": "res.partner", "_id": 1}, "msg_2",
                   secret="whsec_" + "QUJD" * 8)  # fmt: skip
    assert forged.status_code == 401
    stale = _post(url, f"/web/hook/{uuid}", {"_model": "res.partner", "_id": 1}, "msg_3",
                  ts=time.time() - 3600)  # fmt: skip
    assert stale.status_code == 401
    unsigned = httpx.post(f"{url}/web/hook/{uuid}", json={"_model": "res.partner", "_id": 1})
    assert unsigned.status_code == 401
    assert seen == [1]  # nothing but the first delivery ran
    assert hooks.rejected == 4
    unknown = _post(url, "/web/hook/not-a-rule", {}, "msg_4")
    assert (unknown.status_code, unknown.json()) == (404, {"status": "error"})
    missing = _post(url, f"/web/hook/{uuid}", {"_model": "res.partner", "_id": 9999}, "msg_5")
    assert (missing.status_code, missing.json()) == (500, {"status": "error"})
    # the failed delivery was forgotten: the sender's genuine retry (same id) is processed
    retry = _post(url, f"/web/hook/{uuid}", {"_model": "res.partner", "_id": 2}, "msg_5")
    assert retry.status_code == 200
    assert seen == [1, 2]


def test_n8n_webhook_paths_take_real_posts(hooked):
    url, _uuid, _seen, _hooks = hooked
    started = _post(url, "/webhook/po-confirmed", {"name": "P00099"}, "msg_10")
    assert (started.status_code, started.json()) == (200, {"message": "Workflow was started"})
    unknown = _post(url, "/webhook/nope", {}, "msg_11")
    assert unknown.status_code == 404
    assert "is not registered" in unknown.json()["message"]


def test_without_a_secret_the_odoo_hook_is_odoos_uuid_only():
    server, _hooks = _served("event_driven", None)
    noop = ServerAction("noop", "code", code=lambda env, recs: None)
    rule = AutomationRule(name="r", model="res.partner", trigger="on_webhook", actions=[noop])
    server.twin.env.automation.add_rule(rule)
    with ServerThread(server.app) as url:
        r = httpx.post(f"{url}/web/hook/{rule.webhook_uuid}", json={"_model": "res.partner",
                                                                    "_id": 1})  # fmt: skip
        assert (r.status_code, r.json()) == (200, {"status": "ok"})

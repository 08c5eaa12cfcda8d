"""Live webhooks of a served twin: real HTTP in and out, signed with Standard Webhooks.

Concept: the webhook edges of the served twin, where the twin meets a user's real systems.

- **Outbound** (``--webhook-url``): every webhook the served Odoo delivers in the simulation
  (its "Send Webhook Notification" actions, e.g. a confirmed PO to n8n) is also POSTed to the
  given URL — the same JSON body Odoo sends (sorted keys), signed with Standard Webhooks
  (``webhook-id``, ``webhook-timestamp`` in wall seconds, ``webhook-signature: v1,<base64>``)
  under ``--webhook-secret``; 1 s timeout and no retry, as Odoo. A webhook the simulation lost
  is not forwarded; a late one (Odoo gave up after 1 s, the simulated n8n still got it) is.
  What the real receiver answers never feeds back into the world (it stays deterministic); it
  is counted (``forwarded``, ``forward_failed``).
- **Inbound** ``/web/hook/<uuid>`` (GET or POST): Odoo's automation webhook (ODOO.md §2.1: JSON
  body or query args, 404/500/200 ``{"status": ...}``). With ``--webhook-secret`` a delivery must
  carry a valid Standard Webhooks signature within 300 s of the wall clock (else 401) and a
  ``webhook-id`` not seen before (else 409, the replay guard); a delivery the rule failed on
  is forgotten, so the sender's genuine retry is processed.
- **Inbound** ``/webhook/<path>``: the simulated n8n's production webhooks. The call is handed to
  the twin's n8n at the current simulated time and the events due at that instant are run (no
  time passes): an ``onReceived`` workflow answers at once; an answer that needs simulated time
  is ``202`` until the clock moves.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Callable
from typing import Any

import httpx
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from experiments.serve.twin import LiveTwin
from orchestration.middleware import WebhookRequest
from orchestration.security.replay import ReplayedDelivery, ReplayGuard
from orchestration.security.signatures import (
    DEFAULT_TOLERANCE_S,
    SignatureError,
    WebhookVerifier,
    sign_delivery,
)

ODOO_TIMEOUT_S = 1.0


class LiveWebhooks:
    """Outbound forwarding and the inbound routes of one served twin."""

    def __init__(
        self,
        twin: LiveTwin,
        secret: str | None = None,
        target_url: str | None = None,
        clock: Callable[[], float] = time.time,  # wall seconds: real senders sign real time
    ) -> None:
        self.twin = twin
        self.secret = secret
        self.target_url = target_url
        self.clock = clock
        self.verifier = WebhookVerifier([secret], clock) if secret else None
        self.replays = ReplayGuard(clock, DEFAULT_TOLERANCE_S) if secret else None
        self.forwarded = 0
        self.forward_failed = 0
        self.rejected = 0
        self._ids = itertools.count(1)
        if target_url is not None:
            channel = twin.env.webhooks
            channel.transport = self._tee(channel.transport)

    # ------------------------------------------------------------------ outbound
    def _tee(self, deliver: Callable[[str, dict[str, Any]], float]):
        def transport(url: str, payload: dict[str, Any]) -> float:
            latency = deliver(url, payload)  # the world's delivery (raises if it was lost)
            self.forward(payload)
            return latency

        return transport

    def forward(self, payload: dict[str, Any]) -> bool:
        """POST ``payload`` to the target URL, signed; True when a 2xx came back in time."""
        body = json.dumps(payload, sort_keys=True, default=str).encode()
        msg_id = f"msg_{next(self._ids)}_{payload.get('_model', 'record')}_{payload.get('_id')}"
        headers = {"content-type": "application/json"}
        if self.secret:
            delivery = sign_delivery(self.secret, msg_id.replace(".", "_"), int(self.clock()), body)
            headers.update(delivery.header_map)
        try:
            r = httpx.post(self.target_url, content=body, headers=headers, timeout=ODOO_TIMEOUT_S)
            r.raise_for_status()
        except httpx.HTTPError:
            self.forward_failed += 1
            return False
        self.forwarded += 1
        return True

    # ------------------------------------------------------------------ inbound
    def routes(self) -> list[Route]:
        return [
            Route("/web/hook/{uuid}", self._odoo_hook, methods=["GET", "POST"]),
            Route("/webhook/{path:path}", self._n8n_hook, methods=["GET", "POST", "PUT", "DELETE"]),
        ]

    def _check(self, body: bytes, headers: dict[str, str]) -> tuple[str | None, Response | None]:
        """(delivery id, None) when the delivery may run; (None, refusal) otherwise."""
        if self.verifier is None or self.replays is None:
            return None, None
        try:
            verified = self.verifier.verify(body, headers)
            self.replays.check_and_record(verified.msg_id, verified.timestamp_s)
        except SignatureError as exc:
            self.rejected += 1
            return None, JSONResponse({"status": "error", "message": str(exc)}, 401)
        except ReplayedDelivery as exc:
            self.rejected += 1
            return None, JSONResponse({"status": "error", "message": str(exc)}, 409)
        return verified.msg_id, None

    async def _odoo_hook(self, request: Request) -> Response:
        body = await request.body()
        msg_id, refused = self._check(body, dict(request.headers))
        if refused is not None:
            return refused
        try:
            payload = json.loads(body) if body.strip() else None
        except ValueError:
            payload = None
        if not isinstance(payload, dict):
            payload = None
        status, answer = self.twin.env.automation.handle_webhook(
            request.path_params["uuid"], payload, dict(request.query_params)
        )
        if status != 200 and msg_id is not None and self.replays is not None:
            self.replays.forget(msg_id)
        return JSONResponse(answer, status_code=status)

    async def _n8n_hook(self, request: Request) -> Response:
        body = await request.body()
        _msg_id, refused = self._check(body, dict(request.headers))
        if refused is not None:
            return refused
        try:
            parsed: Any = json.loads(body) if body.strip() else {}
        except ValueError:
            parsed = body.decode(errors="replace")
        n8n = self.twin.stack.n8n
        call = WebhookRequest(
            request.path_params["path"],
            request.method,
            body=parsed,
            headers=dict(request.headers),
            query=dict(request.query_params),
            delivery_id=request.headers.get("webhook-id"),
        )
        process = n8n.deliver_webhook(call)
        self.twin.run_due_events()
        if not process.triggered:
            return JSONResponse({"message": "accepted; the answer needs simulated time"}, 202)
        response = process.value
        return JSONResponse(response.body, status_code=response.status or 502)

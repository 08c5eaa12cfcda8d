"""Odoo's outbound webhooks: an at-most-once, best-effort, post-commit HTTP POST.

Concept: the "Send Webhook Notification" server action (ODOO.md §2.2) queues its JSON body on the
transaction; the POST happens only after the triggering transaction commits (a rollback logs
"cancelled due to a rollback" and sends nothing). One attempt, 1 s timeout, no retry, no queue,
nothing persisted: a failure is a log warning. So this is a lossy channel.

The actual POST is delegated to an injected ``Transport``: ``post(url, payload) -> latency_s``
(seconds) or raise. The twin's fault plan lives in the transport. A latency above the timeout
means Odoo gave up after 1 s ("it may or may not have failed": the receiver may still have got
it). ``TimeoutError`` is a timeout too; any other exception is a failure. Each outcome is recorded
in ``log`` (a mock-only record of what Odoo would only have logged); the blocking time the POSTs add
to the current RPC call (at most 1 s each) is summed in ``call_latency_s``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from orchestration.odoo.env import Env
    from orchestration.odoo.models import Model

Transport = Callable[[str, dict[str, Any]], float]
Outcome = Literal["delivered", "timeout", "failed", "cancelled"]


def instant_transport(url: str, payload: dict[str, Any]) -> float:
    """Default transport: every POST succeeds at once."""
    return 0.0


@dataclass(frozen=True)
class WebhookCall:
    """One outbound webhook attempt and what became of it."""

    at: datetime
    url: str
    action: str
    model: str
    record_id: int
    body: str
    outcome: Outcome
    latency_s: float
    error: str = ""

    @property
    def lost(self) -> bool:
        """True unless Odoo saw a 2xx answer within the timeout."""
        return self.outcome != "delivered"

    @property
    def payload(self) -> dict[str, Any]:
        return json.loads(self.body)


class WebhookChannel:
    """Post-commit sender of webhook bodies through the injected transport."""

    def __init__(self, env: Env, transport: Transport | None = None) -> None:
        self.env = env
        self.transport: Transport = transport or instant_transport
        self.log: list[WebhookCall] = []
        self.call_latency_s = 0.0

    def begin_call(self) -> None:
        self.call_latency_s = 0.0

    def send_after_commit(
        self,
        url: str,
        body: str,
        action: str,
        record: Model,
        payload: dict[str, Any] | None = None,
    ) -> None:
        """POST ``body`` after commit; ``payload``, when given, is ``json.loads(body)`` already
        (a new dict, the transport's to keep)."""
        model, rid = record._name, record.id

        def cancelled() -> None:
            self._record(url, action, model, rid, body, "cancelled", 0.0, "rollback")
            self.env.log(
                "INFO", "ir.actions.server", f"Webhook {action} cancelled due to a rollback"
            )

        def post() -> None:
            timeout = self.env.options.webhook_timeout_s
            try:
                data = json.loads(body) if payload is None else payload
                latency = float(self.transport(url, data))
            except TimeoutError as exc:
                self._record(url, action, model, rid, body, "timeout", timeout, str(exc))
                self._warn(
                    f"Webhook call timed out after {timeout:g}s - it may or may not have failed"
                )
                return
            except Exception as exc:
                self._record(url, action, model, rid, body, "failed", 0.0, repr(exc))
                self._warn(f"Webhook call failed: {exc!r}")
                return
            if latency > timeout:
                self._record(url, action, model, rid, body, "timeout", timeout, "read timeout")
                self._warn(
                    f"Webhook call timed out after {timeout:g}s - it may or may not have failed"
                )
            else:
                self._record(url, action, model, rid, body, "delivered", latency)

        self.env.postrollback(cancelled)
        self.env.postcommit(post)

    def _warn(self, message: str) -> None:
        self.env.log("WARNING", "ir.actions.server", message)

    def _record(
        self,
        url: str,
        action: str,
        model: str,
        rid: int,
        body: str,
        outcome: Outcome,
        latency: float,
        error: str = "",
    ) -> None:
        self.call_latency_s += latency
        self.log.append(
            WebhookCall(self.env.now(), url, action, model, rid, body, outcome, latency, error)
        )

"""The served twin: a live world behind Odoo's external API, on a real HTTP server (uvicorn).

Concept: glue between a :class:`~experiments.serve.twin.LiveTwin`, its clock
(:mod:`experiments.serve.clock`) and the protocol layer (:mod:`orchestration.odoo.rpc`):

- the mocked Odoo of the twin's model answers XML-RPC, JSON-RPC and JSON-2;
- the model ``retail_twin.clock`` adds ``step(hours)`` (stepped clock only), ``now()`` and
  ``status()`` (simulated time, horizon, event totals, RPC calls and refused credentials);
- ``POST /retail-twin/step`` (``{"hours": h}``) and ``GET /retail-twin/status`` do the same
  over plain HTTP, with the same bearer key as JSON-2;
- an ``Idempotency-Key`` header makes any RPC call apply once (a retry gets the first answer);
- live webhooks (:mod:`experiments.serve.webhooks`): ``/web/hook/<uuid>``, ``/webhook/<path>``
  and outbound forwarding to a real URL, signed with Standard Webhooks.

:class:`ServerThread` runs the app on a uvicorn server in a background thread (tests, benchmarks);
``retail-twin serve`` runs it in the foreground. The server binds 127.0.0.1 unless told.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import time
from collections.abc import AsyncIterator
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from experiments.serve.clock import ClockSpec, drive
from experiments.serve.twin import LiveTwin
from experiments.serve.webhooks import LiveWebhooks
from orchestration.odoo.errors import AccessDenied, UserError, serialize_exception
from orchestration.odoo.rpc import RpcCredentials, RpcDispatcher, build_app
from orchestration.resilience.idempotency import IdempotencyStore

DEFAULT_HOST = "127.0.0.1"
CLOCK_MODEL = "retail_twin.clock"


class TwinServer:
    """The ASGI app of a served twin and the counters an operator watches."""

    def __init__(
        self,
        twin: LiveTwin,
        credentials: RpcCredentials,
        clock: ClockSpec,
        webhooks: LiveWebhooks | None = None,
    ) -> None:
        self.twin = twin
        self.clock = clock
        self.credentials = credentials
        self.dispatcher = RpcDispatcher(
            twin.env,
            credentials,
            extensions={CLOCK_MODEL: {"step": self.step, "now": self.now, "status": self.status}},
        )
        self.webhooks = webhooks or LiveWebhooks(twin)
        routes = [
            Route("/retail-twin/step", self._http_step, methods=["POST"]),
            Route("/retail-twin/status", self._http_status, methods=["GET"]),
            *self.webhooks.routes(),
        ]
        #: Idempotency-Key answers (a client retrying on timeout applies each call once)
        self.idempotency: IdempotencyStore = IdempotencyStore()
        self.app: Starlette = build_app(
            self.dispatcher, routes, lifespan=self._lifespan, idempotency=self.idempotency
        )

    # ------------------------------------------------------------------ the clock model
    def step(self, hours: float = 24.0) -> dict[str, Any]:
        """Advance simulated time by ``hours`` (stepped clock only); the new status."""
        if not self.clock.stepped:
            raise UserError(f"the clock is {self.clock}: step only with --clock stepped")
        if isinstance(hours, bool) or not isinstance(hours, int | float) or not hours >= 0:
            raise UserError(f"step(hours): expected a number >= 0; found {hours!r}")
        self.twin.advance(float(hours))
        return self.status()

    def now(self) -> str:
        return self.twin.sim_datetime().strftime("%Y-%m-%d %H:%M:%S")

    def status(self) -> dict[str, Any]:
        return {
            **self.twin.status(),
            "clock": str(self.clock),
            "rpc_calls": self.dispatcher.calls,
            "access_denied": self.credentials.denied,
            "idempotent_replays": self.idempotency.duplicates_suppressed_total,
            "webhooks_forwarded": self.webhooks.forwarded,
            "webhooks_forward_failed": self.webhooks.forward_failed,
            "webhooks_rejected": self.webhooks.rejected,
        }

    # ------------------------------------------------------------------ plain HTTP
    def _authorised(self, request: Request) -> JSONResponse | None:
        if self.credentials.check_bearer(request.headers.get("authorization"), None):
            return None
        return JSONResponse(serialize_exception(AccessDenied("Invalid apikey")), status_code=401)

    async def _http_step(self, request: Request) -> JSONResponse:
        refused = self._authorised(request)
        if refused is not None:
            return refused
        try:
            body = await request.json()
            return JSONResponse(self.step(body.get("hours", 24.0)))
        except Exception as exc:
            return JSONResponse(serialize_exception(exc), status_code=422)

    async def _http_status(self, request: Request) -> JSONResponse:
        return self._authorised(request) or JSONResponse(self.status())

    @contextlib.asynccontextmanager
    async def _lifespan(self, _app: Starlette) -> AsyncIterator[None]:
        task = None if self.clock.stepped else asyncio.create_task(drive(self.twin, self.clock))
        try:
            yield
        finally:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task


def free_port(host: str = DEFAULT_HOST) -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


class ServerThread:
    """A uvicorn server for ``app`` in a daemon thread: ``with ServerThread(app) as url: ...``."""

    def __init__(self, app: Starlette, host: str = DEFAULT_HOST, port: int | None = None) -> None:
        self.host = host
        self.port = port or free_port(host)
        config = uvicorn.Config(
            app,
            host=host,
            port=self.port,
            log_level="warning",
            lifespan="on",
            timeout_graceful_shutdown=2,
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 10.0
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start on {self.url}")
            time.sleep(0.01)
        return self.url

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10.0)

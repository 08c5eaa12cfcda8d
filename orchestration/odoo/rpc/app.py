"""The HTTP endpoints real Odoo clients speak, as an ASGI (starlette) application.

Concept: the wire formats of Odoo's external API (ODOO.md §5.1, §8 item 9) over one
:class:`~orchestration.odoo.rpc.dispatch.RpcDispatcher`:

- ``POST /xmlrpc/2/common`` and ``/xmlrpc/2/object``: XML-RPC; an exception becomes a fault with
  Odoo's integer ``faultCode`` (AccessError 4, AccessDenied 3, the UserError family 2, else 1).
- ``POST /jsonrpc`` (services ``common`` and ``object``) and ``/web/webclient/version_info``
  (what ``odoorpc`` asks first): JSON-RPC 2.0; errors come back with HTTP 200 and the
  ``error.data.name`` envelope (code 200, or the env's ``jsonrpc_error_code``; 404 for an
  unknown service or method).
- ``POST /json/2/<model>/<method>`` (19.0 JSON-2): ``Authorization: bearer <key>``; the raw JSON
  result, or a real HTTP status (401 bad key, 403 AccessError, 404 unknown model or method,
  422 user errors and bad arguments, 500 otherwise) with the ``{name, message, arguments,
  context, debug}`` body. Any other path under ``/json/2`` is a 404.

Every handler runs on the event loop without awaiting in the middle of a call, so calls (and
anything else the loop runs, such as a clock advancing the simulation) never interleave: one
call is one transaction, as in Odoo. ``routes`` adds the host's own endpoints.

Not in Odoo, for clients that retry on timeout: a request carrying an ``Idempotency-Key``
header is applied once; a repeat of the key gets the first answer again (status and body)
without running the call, and a repeat arriving while the first is still in progress gets
409. The keys live in the ``idempotency`` store the host passes (none: the header is ignored).
"""

from __future__ import annotations

import json
import xmlrpc.client
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from orchestration.odoo.errors import (
    AccessDenied,
    json2_http_status,
    jsonrpc_error_envelope,
    serialize_exception,
    xmlrpc_fault_code,
)
from orchestration.odoo.rpc.dispatch import NotFound, RpcDispatcher

XML = "text/xml"
IDEMPOTENCY_HEADER = "idempotency-key"
Endpoint = Callable[[Request], Awaitable[Response]]


class IdempotencyKeys(Protocol):
    """What the app needs of :class:`orchestration.resilience.IdempotencyStore`."""

    def replay(self, key: str) -> Any: ...
    def check_and_record(self, key: str, result: Any) -> Any: ...


def _fault_string(exc: BaseException, code: int) -> str:
    if code in (2, 3, 4):
        return getattr(exc, "message", None) or str(exc)
    return f"{type(exc).__module__}.{type(exc).__name__}: {exc}"


def xmlrpc_fault(exc: BaseException) -> bytes:
    code = xmlrpc_fault_code(exc)
    fault = xmlrpc.client.Fault(code, _fault_string(exc, code))
    return xmlrpc.client.dumps(fault, methodresponse=True, allow_none=True).encode()


def idempotent(endpoint: Endpoint, keys: IdempotencyKeys | None) -> Endpoint:
    """``endpoint`` applying each ``Idempotency-Key`` once (see the module docstring)."""
    if keys is None:
        return endpoint
    in_progress: set[str] = set()

    async def once(request: Request) -> Response:
        key = request.headers.get(IDEMPOTENCY_HEADER)
        if not key:
            return await endpoint(request)
        prior = keys.replay(key)
        if prior is not None:
            body, status, media_type = prior.result
            return Response(body, status_code=status, media_type=media_type)
        if key in in_progress:
            return JSONResponse({"message": "a request with this key is in progress"}, 409)
        in_progress.add(key)
        try:
            response = await endpoint(request)
        finally:
            in_progress.discard(key)
        keys.check_and_record(
            key, (bytes(response.body), response.status_code, response.media_type)
        )
        return response

    return once


def build_app(
    dispatcher: RpcDispatcher,
    routes: Sequence[BaseRoute] = (),
    lifespan: Callable[[Starlette], Any] | None = None,
    idempotency: IdempotencyKeys | None = None,
) -> Starlette:
    """The ASGI app: Odoo's external API over ``dispatcher`` plus the host's ``routes``."""
    services = {"common": dispatcher.common, "object": dispatcher.object}

    async def xmlrpc_endpoint(request: Request) -> Response:
        service = request.path_params["service"]
        if service not in services:
            return Response(status_code=404)
        try:
            params, method = xmlrpc.client.loads(await request.body(), use_builtin_types=True)
            result = services[service](method or "", list(params))
            body = xmlrpc.client.dumps((result,), methodresponse=True, allow_none=True).encode()
        except Exception as exc:  # every error reaches the client as a fault
            body = xmlrpc_fault(exc)
        return Response(body, media_type=XML)

    def _jsonrpc_error(exc: BaseException, request_id: Any) -> JSONResponse:
        if isinstance(exc, NotFound):
            envelope = jsonrpc_error_envelope(exc, request_id, code=404)
            envelope["error"]["message"] = "404: Not Found"
        else:
            code = dispatcher.env.options.jsonrpc_error_code
            envelope = jsonrpc_error_envelope(exc, request_id, code=code)
        return JSONResponse(envelope)

    async def jsonrpc_endpoint(request: Request) -> Response:
        request_id = None
        try:
            payload = json.loads(await request.body() or b"{}")
            request_id = payload.get("id")
            params = payload.get("params") or {}
            service = params.get("service")
            if service not in services:
                raise NotFound(f"Unknown service {service!r}")
            result = services[service](params.get("method", ""), list(params.get("args") or []))
        except Exception as exc:
            return _jsonrpc_error(exc, request_id)
        return JSONResponse({"jsonrpc": "2.0", "id": request_id, "result": result})

    async def version_info(request: Request) -> Response:
        try:
            request_id = json.loads(await request.body() or b"{}").get("id")
        except ValueError:
            request_id = None
        return JSONResponse({"jsonrpc": "2.0", "id": request_id, "result": dispatcher.version()})

    async def json2_endpoint(request: Request) -> Response:
        model, method = request.path_params["model"], request.path_params["method"]
        try:
            if not dispatcher.credentials.check_bearer(
                request.headers.get("authorization"), request.headers.get("x-odoo-database")
            ):
                raise AccessDenied("Invalid apikey")
            raw = await request.body()
            body = json.loads(raw) if raw.strip() else {}
            if not isinstance(body, dict):
                raise ValueError("the body must be a JSON object")
            result = dispatcher.call_json2(model, method, body)
        except Exception as exc:
            status = getattr(exc, "http_status", None) or json2_http_status(exc)
            if isinstance(exc, ValueError) and not hasattr(exc, "odoo_module"):
                status = 422
            return JSONResponse(serialize_exception(exc), status_code=status)
        return JSONResponse(result)

    async def json2_elsewhere(request: Request) -> Response:
        exc = NotFound("Did you mean POST /json/2/<model>/<method>?")
        return JSONResponse(serialize_exception(exc), status_code=404)

    return Starlette(
        routes=[
            Route(
                "/xmlrpc/2/{service}", idempotent(xmlrpc_endpoint, idempotency), methods=["POST"]
            ),
            Route("/jsonrpc", idempotent(jsonrpc_endpoint, idempotency), methods=["POST"]),
            Route("/web/webclient/version_info", version_info, methods=["POST", "GET"]),
            Route(
                "/json/2/{model}/{method}",
                idempotent(json2_endpoint, idempotency),
                methods=["POST"],
            ),
            Route("/json/2/{rest:path}", json2_elsewhere, methods=["GET", "POST", "PUT"]),
            *routes,
        ],
        lifespan=lifespan,
    )

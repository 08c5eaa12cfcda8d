"""The n8n Odoo node: how the middleware talks to the ERP.

n8n's built-in Odoo node (`Odoo/GenericFunctions.ts`, ODOO.md §6.6) first calls
`common.login(db, user, password)` - once per node run, before its items - then makes one
JSON-RPC `object.execute(db, uid, password, model, method, *positional)` call **per record**
(one id per call). Operations map to ORM methods:

    create -> create(vals)             -> {"id": new_id}
    get    -> read([id], fields)       -> the read rows
    getAll -> search_read(domain, fields, 0, limit)
    update -> write([id], vals)        -> {"id": id}
    delete -> unlink([id])             -> {"success": True}

JSON-RPC business errors arrive as HTTP 200 with an `error` field; the node turns them into a
`NodeApiError` whose message is `error.data.message`, so Retry On Fail retries them like network
errors (the whole node re-runs, login included). The ERP is reached through the `OdooRpc`
protocol; each call (login and execute) crosses the node -> Odoo hop with its own latency,
failures, duplicates and outages. A duplicated `execute` reaches Odoo twice.
"""

from __future__ import annotations

from collections.abc import Generator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Literal, Protocol

import simpy

from .hops import INSTANT, HopBehaviour, traverse
from .nodes import Node, NodeSettings

if TYPE_CHECKING:
    from .runner import RunContext


class OdooRpc(Protocol):
    """The ERP as the Odoo node sees it (db and password are bound by the implementation for
    `execute`; `login` returns the uid or False on bad credentials)."""

    def login(self, db: str, user: str, password: str) -> int | Literal[False]: ...

    def execute(self, uid: int, model: str, method: str, *args: Any) -> Any: ...


class OdooRpcError(Exception):
    """A JSON-RPC error envelope (HTTP 200 + `error`), raised by an `OdooRpc` implementation."""

    def __init__(self, message: str, name: str = "odoo.exceptions.UserError", code: int = 200):
        super().__init__(message)
        self.message = message
        self.name = name
        self.code = code


class NodeApiError(Exception):
    """An API error surfaced by a node (n8n's `NodeApiError`)."""

    def __init__(self, message: str, *, cause_name: str | None = None):
        super().__init__(message)
        self.cause_name = cause_name


def raise_for_jsonrpc_error(response: Mapping[str, Any]) -> Any:
    """Unwrap a JSON-RPC response dict: return `result`, or raise `OdooRpcError` for `error`."""
    error = response.get("error")
    if error is None:
        return response.get("result")
    data = error.get("data") or {}
    raise OdooRpcError(
        str(data.get("message") or error.get("message", "Odoo Server Error")),
        name=str(data.get("name", "odoo.exceptions.UserError")),
        code=int(error.get("code", 200)),
    )


class OdooOperation(StrEnum):
    CREATE = "create"
    GET = "get"
    GET_ALL = "getAll"
    UPDATE = "update"
    DELETE = "delete"


def _record_id(record: Mapping[str, Any]) -> int:
    raw = record.get("id")
    if isinstance(raw, bool) or not str(raw).isdigit():
        raise NodeApiError(f"Odoo node: record id must be all digits, got {raw!r}")
    return int(str(raw))


@dataclass(eq=False)
class OdooNode:
    """An Odoo node: `operation` on `model` for every record of its input item.

    The input item is a list of records (a single record is treated as a list of one):
    vals for `create`, `{"id", ...vals}` for `update`, `{"id"}` for `get`/`delete`,
    `{"domain", "limit"}` for `getAll`. The output item is the list of per-record results.
    """

    name: str
    rpc: OdooRpc
    model: str
    operation: OdooOperation
    db: str = "odoo"
    user: str = "admin"
    password: str = "admin"
    fields: tuple[str, ...] = ()
    hop: HopBehaviour = INSTANT
    settings: NodeSettings = field(default_factory=NodeSettings)
    error_output: tuple[Node, ...] = ()

    def _call(self, record: Mapping[str, Any]) -> tuple[str, tuple[Any, ...]]:
        op = self.operation
        fields = list(self.fields)
        if op is OdooOperation.CREATE:
            return "create", (dict(record),)
        if op is OdooOperation.GET:
            return "read", ([_record_id(record)], fields)
        if op is OdooOperation.GET_ALL:
            return "search_read", (record.get("domain", []), fields, 0, record.get("limit", 0))
        if op is OdooOperation.UPDATE:
            vals = {key: value for key, value in record.items() if key != "id"}
            return "write", ([_record_id(record)], vals)
        return "unlink", ([_record_id(record)],)

    def _shape(self, record: Mapping[str, Any], result: Any) -> Any:
        op = self.operation
        if op is OdooOperation.CREATE:
            return {"id": result}
        if op is OdooOperation.UPDATE:
            return {"id": _record_id(record)}
        if op is OdooOperation.DELETE:
            return {"success": True}
        return result

    def _execute(self, uid: int, method: str, args: Sequence[Any]) -> Any:
        try:
            return self.rpc.execute(uid, self.model, method, *args)
        except OdooRpcError as exc:
            raise NodeApiError(exc.message, cause_name=exc.name) from exc

    def run(self, ctx: RunContext, item: Any) -> Generator[simpy.Event, Any, Any]:
        records = item if isinstance(item, list) else [item]
        uid = yield from traverse(
            ctx.env,
            self.hop,
            ctx.rng,
            lambda: self.rpc.login(self.db, self.user, self.password),
            name=f"{self.name} -> odoo common.login",
        )
        if uid is False:
            raise NodeApiError("Odoo login failed: wrong credentials or database")
        results = []
        for record in records:
            method, args = self._call(record)
            result = yield from traverse(
                ctx.env,
                self.hop,
                ctx.rng,
                lambda method=method, args=args: self._execute(uid, method, args),
                name=f"{self.name} -> odoo object.execute {self.model}.{method}",
            )
            results.append(self._shape(record, result))
        return results

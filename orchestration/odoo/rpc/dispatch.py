"""The external API's services over one mocked Odoo: ``common``, ``object`` and JSON-2.

Concept: what Odoo's ``odoo/service/common.py``, ``odoo/service/model.py`` and
``addons/rpc/controllers/json2.py`` do between the wire and the ORM (ODOO.md §5.1), protocol-free:
the XML-RPC, JSON-RPC and JSON-2 endpoints (:mod:`orchestration.odoo.rpc.app`) decode a request,
call one method here and encode its result or exception.

- ``common``: ``version``, ``authenticate`` / ``login`` (the uid, or ``False`` on bad credentials,
  never a fault), ``about``.
- ``object``: ``execute_kw(db, uid, key, model, method, args, kwargs)`` and
  ``execute(db, uid, key, model, method, *args)``; bad credentials raise ``AccessDenied``.
  Each call is ONE transaction of the mock (``Env.execute``): the method, every automation rule
  it fires, all or nothing; outbound webhooks after commit.
- JSON-2: ``call_json2(model, method, body)`` with ``ids``, ``context`` and named arguments;
  an unknown model or method is ``NotFound`` (404), ``ids`` on an ``@api.model`` method or bad
  arguments ``UnprocessableEntity`` (422).

Values cross the wire as Odoo sends them: recordsets as ids, datetimes as
``"YYYY-MM-DD HH:MM:SS"`` (UTC), dates as ``"YYYY-MM-DD"``, ``None`` as ``False``; date and
datetime strings in written values and in domains are parsed back. The ``password`` field is
never readable. Extra models served beside the ORM's (``extensions``: model -> method ->
function) carry what a real database holds outside the mocked registry (``ir.model``) and what
the twin adds (``retail_twin.clock``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from orchestration.odoo.domain import compile_domain
from orchestration.odoo.env import Env
from orchestration.odoo.errors import AccessDenied, UserError
from orchestration.odoo.models import Model
from orchestration.odoo.rpc.credentials import RpcCredentials

DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"
DATE_FORMAT = "%Y-%m-%d"
HIDDEN_FIELDS = frozenset({"password"})
SERVER_SERIE = {17: "17.0", 18: "18.0", 19: "19.0"}

Extension = Mapping[str, Callable[..., Any]]


class NotFound(Exception):
    """werkzeug's 404 (unknown model, method or path on JSON-2)."""

    odoo_module = "werkzeug.exceptions"
    http_status = 404


class UnprocessableEntity(Exception):
    """werkzeug's 422 (JSON-2: ids on an ``@api.model`` method, bad arguments)."""

    odoo_module = "werkzeug.exceptions"
    http_status = 422


def to_wire(value: Any) -> Any:
    """A result as Odoo serialises it (ids for recordsets, strings for datetimes, no None)."""
    if value is None:
        return False
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Model):
        return value.ids
    if isinstance(value, dt.datetime):
        return value.strftime(DATETIME_FORMAT)
    if isinstance(value, dt.date):
        return value.strftime(DATE_FORMAT)
    if isinstance(value, Mapping):
        return {str(k): to_wire(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_wire(v) for v in value]
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    return str(value)


def _parse_temporal(kind: str, value: Any) -> Any:
    if not isinstance(value, str) or not value:
        return value
    try:
        if kind == "datetime":
            return dt.datetime.strptime(value[:19], DATETIME_FORMAT)
        return dt.datetime.strptime(value[:10], DATE_FORMAT).date()
    except ValueError:
        raise UserError(f"Invalid {kind} {value!r}: expected {DATETIME_FORMAT}") from None


class RpcDispatcher:
    """The ``common`` and ``object`` services and JSON-2 over ``env``, for one user."""

    def __init__(
        self,
        env: Env,
        credentials: RpcCredentials,
        *,
        extensions: Mapping[str, Extension] | None = None,
    ) -> None:
        self.env = env
        self.credentials = credentials
        self.extensions: dict[str, Extension] = {"ir.model": self._ir_model(), **(extensions or {})}
        self.calls = 0
        users = env["res.users"].search([("login", "=", credentials.login)])
        if not users:
            users = env["res.users"].create(
                {
                    "name": credentials.login,
                    "login": credentials.login,
                    "group_xmlids": env.ref("base.user_admin").group_xmlids,
                }
            )
        # the key lives in the credentials only: the bootstrap's "admin" password never works
        users.write({"password": ""})
        credentials.uid = users.id

    # ------------------------------------------------------------------ common
    def version(self) -> dict[str, Any]:
        major = self.env.options.version
        return {
            "server_version": SERVER_SERIE[major],
            "server_version_info": [major, 0, 0, "final", 0, ""],
            "server_serie": SERVER_SERIE[major],
            "protocol_version": 1,
        }

    def common(self, method: str, args: list[Any]) -> Any:
        if method == "version":
            return self.version()
        if method == "about":
            return "See http://openerp.com"
        if method in ("authenticate", "login"):
            if len(args) < 3:
                raise TypeError(f"{method}() expects (db, login, password)")
            uid = self.credentials.login_uid(args[0], args[1], args[2])
            return uid if uid is not None else False
        raise NotFound(f"Method not found: {method}")

    # ------------------------------------------------------------------ object
    def object(self, method: str, args: list[Any]) -> Any:
        if method not in ("execute_kw", "execute"):
            raise NotFound(f"Method not found: {method}")
        if len(args) < 5:
            raise TypeError(f"{method}() expects (db, uid, password, model, method, ...)")
        db, uid, key, model, name = args[:5]
        if not self.credentials.check_call(db, uid, key):
            raise AccessDenied("Access Denied")
        if method == "execute_kw":
            call_args = list(args[5]) if len(args) > 5 and args[5] else []
            kwargs = dict(args[6]) if len(args) > 6 and args[6] else {}
        else:
            call_args, kwargs = list(args[5:]), {}
        return self.call(str(model), str(name), call_args, kwargs)

    def call(self, model: str, method: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        """One authenticated call, as ``execute_kw`` runs it (one transaction)."""
        self.calls += 1
        context = kwargs.pop("context", None) or {}
        if model in self.extensions:
            func = self.extensions[model].get(method)
            if func is None and method == "fields_get":
                return {}  # an extension model has no stored fields
            if func is None:
                raise AttributeError(f"The method '{method}' does not exist on the model '{model}'")
            return to_wire(func(*args, **kwargs))
        if model not in self.env.registry:
            raise UserError(f"Object {model} doesn't exist")
        cls = self.env.registry[model]
        self._parse_arguments(cls, method, args, kwargs)
        with self.env.with_context(**context):
            result = self.env.execute(model, method, *args, user=self.credentials.uid, **kwargs)
        return to_wire(self._hide(method, result))

    # ------------------------------------------------------------------ JSON-2
    def call_json2(self, model: str, method: str, body: Mapping[str, Any]) -> Any:
        """``POST /json/2/<model>/<method>`` after the bearer key was checked."""
        if model in self.extensions:
            if method not in self.extensions[model]:
                raise NotFound(f"The method {method!r} does not exist on the model {model!r}")
        elif model not in self.env.registry:
            raise NotFound(f"The model {model!r} does not exist")
        else:
            func = getattr(self.env.registry[model], method, None)
            if method.startswith("_") or not callable(func):
                raise NotFound(f"The method {method!r} does not exist on the model {model!r}")
        kwargs = dict(body)
        ids = kwargs.pop("ids", None)
        api_model = model in self.extensions or getattr(
            getattr(self.env.registry[model], method), "_api_model", False
        )
        if api_model and ids:
            raise UnprocessableEntity(f"cannot call {model}.{method} with ids")
        args = [] if api_model else [list(ids or [])]
        try:
            return self.call(model, method, args, kwargs)
        except TypeError as exc:
            raise UnprocessableEntity(str(exc)) from None

    # ------------------------------------------------------------------ helpers
    def _parse_arguments(
        self, cls: type[Model], method: str, args: list[Any], kwargs: dict[str, Any]
    ) -> None:
        """Wire strings back to dates in written values and domains; refuse hidden fields."""
        if method == "create":
            key = "vals_list"
            if args:
                args[0] = self._vals(cls, args[0])
            elif key in kwargs:
                kwargs[key] = self._vals(cls, kwargs[key])
        elif method == "write":
            if len(args) > 1:
                args[1] = self._vals(cls, args[1])
            elif "vals" in kwargs:
                kwargs["vals"] = self._vals(cls, kwargs["vals"])
        elif method in ("search", "search_read", "search_count"):
            if args:
                args[0] = self._domain(cls, args[0])
            elif "domain" in kwargs:
                kwargs["domain"] = self._domain(cls, kwargs["domain"])
        if method == "read" and kwargs.get("load") == "_classic_write":
            kwargs["load"] = None

    def _vals(self, cls: type[Model], vals: Any) -> Any:
        if isinstance(vals, list):
            return [self._vals(cls, v) for v in vals]
        if not isinstance(vals, Mapping):
            return vals
        out = dict(vals)
        for name, value in vals.items():
            field = cls._fields.get(name)
            if field is None:
                continue
            if name in HIDDEN_FIELDS:
                raise UserError(f"You cannot write {cls._name}.{name} through the external API")
            if field.type in ("date", "datetime"):
                out[name] = _parse_temporal(field.type, value)
            elif field.type == "one2many" and isinstance(value, list):
                comodel = self.env.registry[field.comodel]  # type: ignore[index]
                out[name] = [
                    [*c[:2], self._vals(comodel, c[2])] if len(c) > 2 else c for c in value
                ]
        return out

    def _domain(self, cls: type[Model], domain: Any) -> Any:
        if not isinstance(domain, list):
            return domain
        out = []
        for term in domain:
            if isinstance(term, list | tuple) and len(term) == 3 and isinstance(term[0], str):
                field = cls._fields.get(term[0])
                value = term[2]
                if field is not None and field.type in ("date", "datetime"):
                    value = _parse_temporal(field.type, value)
                term = (term[0], term[1], value)
            out.append(term)
        return out

    def _hide(self, method: str, result: Any) -> Any:
        if method in ("read", "search_read") and isinstance(result, list):
            return [
                {k: v for k, v in row.items() if k not in HIDDEN_FIELDS}
                if isinstance(row, dict)
                else row
                for row in result
            ]
        if method == "fields_get" and isinstance(result, dict):
            return {k: v for k, v in result.items() if k not in HIDDEN_FIELDS}
        return result

    def _ir_model(self) -> Extension:
        """``ir.model``: one row per model of the registry and of the extensions (read-only)."""

        def rows() -> list[dict[str, Any]]:
            names = [*self.env.registry, *(m for m in self.extensions if m != "ir.model")]
            return [
                {"id": i, "model": name, "name": name}
                for i, name in enumerate(["ir.model", *names], start=1)
            ]

        def search(domain: Any = None, **_kw: Any) -> list[int]:
            predicate = compile_domain(domain or [])
            return [r["id"] for r in rows() if predicate(lambda p, r=r: [r.get(p)])]

        def read(ids: Any, fields: Any = None, **_kw: Any) -> list[dict[str, Any]]:
            wanted = set(ids if isinstance(ids, list) else [ids])
            keep = set(fields or ("id", "model", "name")) | {"id"}
            return [{k: v for k, v in r.items() if k in keep} for r in rows() if r["id"] in wanted]

        def search_read(domain: Any = None, fields: Any = None, **_kw: Any):
            return read(search(domain), fields)

        return {
            "search": search,
            "search_count": lambda domain=None, **_kw: len(search(domain)),
            "read": read,
            "search_read": search_read,
            "fields_get": lambda *_a, **_kw: {
                "model": {"type": "char", "string": "Model"},
                "name": {"type": "char", "string": "Name"},
            },
        }

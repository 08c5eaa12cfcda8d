"""Odoo's exception family and how each one looks on the wire.

Concept: the business errors an Odoo RPC call can raise (``odoo.exceptions``) and the three
envelopes a client sees them in (ODOO.md §5.1, §8 item 9):

- JSON-RPC (``/jsonrpc``, ``/web/dataset/call_kw``): HTTP 200 with an ``error`` object whose
  ``data.name`` is ``"<module>.<class>"``; the generic ``code`` is 200 (0 in the newest
  ``http.py``, hence the parameter).
- XML-RPC (``/xmlrpc/2/*``): an integer ``faultCode`` — AccessError 4, AccessDenied 3, the
  UserError family 2, anything else 1.
- JSON-2 (19.0): a real HTTP status and the ``{name, message, arguments, context, debug}`` body.

The hierarchy copies Odoo: ``ValidationError`` and ``MissingError`` and ``AccessError`` are
``UserError`` subclasses, ``AccessDenied`` is not. ``OdooError`` is a mock-only common base so a
caller can catch "any business error" in one clause. Simplification: ``debug`` carries the
exception's ``repr`` rather than a full traceback (deterministic, no wall-clock data).
"""

from __future__ import annotations

from typing import Any


class OdooError(Exception):
    """Common base of the mock's Odoo exceptions (Odoo itself has no such class)."""

    odoo_module = "odoo.exceptions"

    def __init__(self, message: str, *args: Any) -> None:
        super().__init__(message, *args)
        self.message = message
        #: set to "base_automation" when raised inside an automation rule (``_add_postmortem``)
        self.context: dict[str, Any] = {}


class UserError(OdooError):
    """A business rule refused the operation (the message is meant for the user)."""


class ValidationError(UserError):
    """A constraint on the values was violated."""


class MissingError(UserError):
    """The record does not exist (deleted, or never existed)."""


class AccessError(UserError):
    """The user may not perform this operation on these records (or the method is private)."""


class AccessDenied(OdooError):
    """Bad credentials."""


class RedirectWarning(OdooError):
    """A user error that proposes an action to the user."""


def exception_name(exc: BaseException) -> str:
    """Odoo's ``data.name``: ``"odoo.exceptions.UserError"``, ``"builtins.ValueError"``..."""
    module = getattr(exc, "odoo_module", None) or type(exc).__module__
    return f"{module}.{type(exc).__name__}"


def serialize_exception(exc: BaseException) -> dict[str, Any]:
    """``odoo.http.serialize_exception``: ``{name, message, arguments, context, debug}``."""
    message = exc.message if isinstance(exc, OdooError) else str(exc)
    context = dict(exc.context) if isinstance(exc, OdooError) else {}
    return {
        "name": exception_name(exc),
        "message": message,
        "arguments": [str(a) for a in exc.args],
        "context": context,
        "debug": repr(exc),
    }


def jsonrpc_error_envelope(
    exc: BaseException, request_id: int | None = None, code: int = 200
) -> dict[str, Any]:
    """The JSON-RPC body Odoo answers (with HTTP 200) when a call raises ``exc``.

    ``code`` is 200 in Odoo 17/18 and 0 in the newest ``http.py``.
    """
    return {
        "jsonrpc": "2.0",
        "id": request_id,
        "error": {"code": code, "message": "Odoo Server Error", "data": serialize_exception(exc)},
    }


def xmlrpc_fault_code(exc: BaseException) -> int:
    """The integer ``faultCode`` of ``/xmlrpc/2/*``, checked in Odoo's order."""
    if isinstance(exc, RedirectWarning):
        return 2
    if isinstance(exc, AccessError):
        return 4
    if isinstance(exc, AccessDenied):
        return 3
    if isinstance(exc, UserError):
        return 2
    return 1


def json2_http_status(exc: BaseException) -> int:
    """The HTTP status of a JSON-2 error (422 for the UserError family; [M] for 403/404/401)."""
    if isinstance(exc, AccessError):
        return 403
    if isinstance(exc, MissingError):
        return 404
    if isinstance(exc, AccessDenied):
        return 401
    if isinstance(exc, UserError):
        return 422
    return 500

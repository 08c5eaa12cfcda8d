"""Odoo's external API over HTTP for the mocked Odoo (XML-RPC, JSON-RPC, JSON-2).

Public API::

    creds = RpcCredentials.resolve(database, login, api_key)       # options, then env vars
    dispatcher = RpcDispatcher(env, creds, extensions={"my.model": {"step": fn}})
    app = build_app(dispatcher, routes=[...])                        # ASGI, serve with uvicorn

The protocol layer only: what runs the world behind it lives in ``experiments.serve``.
"""

from orchestration.odoo.rpc.app import build_app
from orchestration.odoo.rpc.credentials import CredentialsError, RpcCredentials
from orchestration.odoo.rpc.dispatch import NotFound, RpcDispatcher, UnprocessableEntity, to_wire

__all__ = [
    "CredentialsError",
    "NotFound",
    "RpcCredentials",
    "RpcDispatcher",
    "UnprocessableEntity",
    "build_app",
    "to_wire",
]

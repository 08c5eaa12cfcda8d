"""``retail-twin serve [SCENARIO] --model M --port P [--clock real|xN|stepped]``: a live twin.

The twin runs (replication 0 of the scenario) and its mocked Odoo answers real clients on
``http://HOST:PORT``: XML-RPC ``/xmlrpc/2/common|object``, JSON-RPC ``/jsonrpc``, JSON-2
``/json/2/<model>/<method>`` (:mod:`experiments.serve`). Credentials: ``--db``, ``--login``,
``--api-key`` or ``RETAILTWIN_ODOO_DB`` / ``_LOGIN`` / ``_API_KEY``; there is no default key.
Live webhooks: ``--webhook-url`` forwards Odoo's outbound webhooks to a real URL and
``--webhook-secret`` (``RETAILTWIN_WEBHOOK_SECRET``) signs them and makes the inbound
``/web/hook/<uuid>`` and ``/webhook/<path>`` check signatures and replays.
Binds 127.0.0.1 unless ``--host`` says otherwise. Bad input (scenario, clock, model without
Odoo, missing key) exits with code 2 and one message, nothing started.
Registered on the app of :mod:`cli.app` (imported by :mod:`cli.main`).
"""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer
import uvicorn

from cli.app import Sets, app, fail, load_scenario_arg
from experiments.serve import ClockSpec, LiveTwin, ServeError, TwinServer
from experiments.serve.webhooks import LiveWebhooks
from orchestration.odoo.rpc import CredentialsError, RpcCredentials
from orchestration.security.signatures import decode_secret


@app.command()
def serve(
    scenario: Annotated[str, typer.Argument(help="library name or YAML path")] = "tiny",
    model: Annotated[str | None, typer.Option(help="orchestration model (with Odoo)")] = None,
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port")] = 8069,
    host: Annotated[str, typer.Option(help="interface to bind")] = "127.0.0.1",
    clock: Annotated[str, typer.Option(help="stepped, real or xN (N times real time)")] = "stepped",
    db: Annotated[str | None, typer.Option(help="database name [RETAILTWIN_ODOO_DB]")] = None,
    login: Annotated[str | None, typer.Option(help="login [RETAILTWIN_ODOO_LOGIN]")] = None,
    api_key: Annotated[
        str | None, typer.Option(help="API key / password [RETAILTWIN_ODOO_API_KEY]")
    ] = None,
    webhook_url: Annotated[
        str | None, typer.Option(help="also POST Odoo's outbound webhooks here (signed)")
    ] = None,
    webhook_secret: Annotated[
        str | None,
        typer.Option(help="Standard Webhooks secret whsec_... [RETAILTWIN_WEBHOOK_SECRET]"),
    ] = None,
    sets: Sets = None,
) -> None:
    """Run a live twin whose mocked Odoo answers XML-RPC, JSON-RPC and JSON-2 clients."""
    secret = webhook_secret or os.environ.get("RETAILTWIN_WEBHOOK_SECRET") or None
    try:
        spec = ClockSpec.parse(clock)
        creds = RpcCredentials.resolve(db, login, api_key)
    except (ValueError, CredentialsError) as exc:
        fail(str(exc))
    try:
        if secret is not None:
            decode_secret(secret)
    except ValueError as exc:
        fail(f"--webhook-secret / RETAILTWIN_WEBHOOK_SECRET: {exc}")
    s = load_scenario_arg(scenario, sets or [], model, None)
    try:
        twin = LiveTwin(s)
    except ServeError as exc:
        fail(str(exc))
    server = TwinServer(twin, creds, spec, LiveWebhooks(twin, secret, webhook_url))
    sys.stderr.write(
        f"serving {s.name} ({s.orchestration.model}) on http://{host}:{port}: clock {spec}, "
        f"database {creds.database!r}, login {creds.login!r}; "
        f"step with {'retail_twin.clock.step(hours)' if spec.stepped else 'the wall clock'}\n"
    )
    uvicorn.run(server.app, host=host, port=port, log_level="warning", lifespan="on")

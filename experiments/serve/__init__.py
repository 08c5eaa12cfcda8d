"""``retail-twin serve``: a live twin whose mocked Odoo answers real clients over HTTP.

Public API::

    twin = LiveTwin(load_scenario("tiny", ["orchestration.model=approval_centric"]))
    server = TwinServer(twin, RpcCredentials.resolve(api_key=...), ClockSpec.parse("stepped"))
    with ServerThread(server.app) as url: ...        # or uvicorn.run(server.app, ...)
"""

from experiments.serve.clock import ClockSpec
from experiments.serve.server import ServerThread, TwinServer
from experiments.serve.twin import LiveTwin, ServeError

__all__ = ["ClockSpec", "LiveTwin", "ServeError", "ServerThread", "TwinServer"]

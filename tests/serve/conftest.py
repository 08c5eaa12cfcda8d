"""A served tiny twin (approval_centric: draft RFQs wait for a buyer) on a free local port."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from experiments.serve import ClockSpec, LiveTwin, ServerThread, TwinServer
from orchestration.odoo.rpc import RpcCredentials
from scenarios.loader import load_scenario

KEY = "test-key-0001"
DB = "retailtwin"


@dataclass
class Served:
    url: str
    port: int
    server: TwinServer

    @property
    def twin(self) -> LiveTwin:
        return self.server.twin


def make_server(model: str = "approval_centric", clock: str = "stepped") -> TwinServer:
    scenario = load_scenario("tiny", [f"orchestration.model={model}"])
    creds = RpcCredentials.resolve(DB, "admin", KEY, environ={})
    return TwinServer(LiveTwin(scenario), creds, ClockSpec.parse(clock))


@pytest.fixture
def served() -> Iterator[Served]:
    server = make_server()
    thread = ServerThread(server.app)
    with thread as url:
        yield Served(url, thread.port, server)

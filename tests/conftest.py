"""Shared fixtures: small scenarios that run in well under a second."""

from __future__ import annotations

import pytest

from scenarios.loader import load_scenario
from scenarios.schema import Scenario


@pytest.fixture(scope="session")
def tiny() -> Scenario:
    return load_scenario("tiny")


@pytest.fixture(scope="session")
def tiny_short() -> Scenario:
    return load_scenario("tiny", ["horizon_days=7"])


class AckAll:
    """A do-nothing orchestration model: it processes every event at once and commands nothing."""

    name = "ack_all"

    def __init__(self, scenario=None):
        self.events = []

    def attach(self, world):
        self.world = world

    def on_event(self, event):
        self.events.append(event)
        self.world.ack(event)

    def snapshot(self):
        return {}

    def finish(self):
        pass


@pytest.fixture
def ack_all():
    return AckAll()


@pytest.fixture
def general_delivery(monkeypatch: pytest.MonkeyPatch):
    """A function that forces the inbound connector's general delivery path (no happy path) on
    every connector built after it is called, until ``monkeypatch.undo()`` or the test's end:
    the reference the happy path's shortcuts are compared with."""
    from orchestration.integration.connector import InboundConnector

    def force() -> None:
        init = InboundConnector.__init__

        def no_happy_path(self, *args, **kwargs):
            init(self, *args, **kwargs)
            self.happy_path = False

        monkeypatch.setattr(InboundConnector, "__init__", no_happy_path)

    return force

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

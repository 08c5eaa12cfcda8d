"""The orchestration seam: the ``Orchestrator`` protocol and the registry of models by name.

An orchestration model is built from a scenario, attached to a world, receives every event the
world emits (``on_event``), issues commands (``world.submit``), and owns its queues, people and
timers (SimPy processes on the world's clock). It must settle every event it receives — as
processed (``world.ack``) or dead-lettered (``world.dead_letter``) — or leave it visibly in
flight; the world checks conservation at the end of the run.

A new model is one new module that calls :func:`register`; nothing else changes. A runner that
keeps an audit trail sets the model's ``audit_log`` attribute (an
:class:`orchestration.approvals.AuditLog`) before ``attach``; every decision is sealed on it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, runtime_checkable

from scenarios.schema import Scenario
from sim.world import Controller


@runtime_checkable
class Orchestrator(Controller, Protocol):
    """A registered model: the world's :class:`~sim.world.Controller` seam, plus a name.

    ``attach(world)`` connects it and starts its processes; ``on_event(event)`` receives every
    event at the simulated time it happens; ``snapshot()`` gives levels for the daily series;
    ``finish()`` is called once at the horizon, before KPIs are computed.
    """

    name: str


Factory = Callable[[Scenario], Orchestrator]
_REGISTRY: dict[str, tuple[Factory, str]] = {}


def register(name: str, description: str) -> Callable[[Factory], Factory]:
    """Class or factory decorator: make a model available under ``name``."""

    def deco(factory: Factory) -> Factory:
        if name in _REGISTRY:
            raise ValueError(f"orchestration model {name!r} registered twice")
        _REGISTRY[name] = (factory, description)
        return factory

    return deco


class UnknownModelError(KeyError):
    def __init__(self, name: str):
        self.name = name
        super().__init__(name)

    def __str__(self) -> str:
        return (
            f"orchestration.model: expected one of {', '.join(model_names())}; found {self.name!r}"
        )


def _load_builtin() -> None:
    from orchestration import (  # noqa: F401  (they register themselves)
        approval_centric,
        event_driven,
        exception_driven,
        hybrid,
        manual,
    )


def model_names() -> list[str]:
    _load_builtin()
    return sorted(_REGISTRY)


def describe_models() -> list[tuple[str, str]]:
    _load_builtin()
    return [(n, _REGISTRY[n][1]) for n in sorted(_REGISTRY)]


def build(name: str, scenario: Scenario) -> Orchestrator:
    _load_builtin()
    try:
        factory, _ = _REGISTRY[name]
    except KeyError:
        raise UnknownModelError(name) from None
    return factory(scenario)

"""The model registry: the ``Orchestrator`` protocol and the models by name, with their parameters.

An orchestration model is built from a scenario, attached to a world, receives every event the
world emits (``on_event``), issues commands (``world.submit``), and owns its queues, people and
timers (SimPy processes on the world's clock). It must settle every event it receives — as
processed (``world.ack``) or dead-lettered (``world.dead_letter``) — or leave it visibly in
flight; the world checks conservation at the end of the run. It reaches the world only through
the narrow port of :mod:`orchestration.port`.

A new model is one module that calls :func:`register` with its name, a description and, when it
has parameters, its own pydantic parameters class: the shipped models read theirs from the
scenario's ``orchestration.<name>`` block; any other model (a plugin) from
``orchestration.plugins.<name>``, validated by its class when it is built (:func:`model_params`),
so a plugin model can carry parameters in a scenario file and a wrong one is an error naming
its path. A runner that keeps an audit trail passes it to :func:`build`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from pydantic import BaseModel, ValidationError

from orchestration.approvals.audit import AuditLog
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


#: ``factory(scenario, params, audit)`` -> a model
Factory = Callable[..., Orchestrator]


@dataclass(frozen=True)
class ModelSpec:
    name: str
    description: str
    factory: Factory
    #: the model's own parameters class (None: the model takes no parameters)
    params: type[BaseModel] | None = None
    #: registered by RetailTwin itself (``orchestration.models``), not by a plugin
    shipped: bool = False


_REGISTRY: dict[str, ModelSpec] = {}


def register(
    name: str, description: str, *, params: type[BaseModel] | None = None
) -> Callable[[Factory], Factory]:
    """Class or factory decorator: make a model available under ``name``.

    The factory is called as ``factory(scenario, params=..., audit=...)``: ``params`` is an
    instance of ``params`` (the model's parameters from the scenario) or None.
    """

    def deco(factory: Factory) -> Factory:
        if name in _REGISTRY:
            raise ValueError(f"orchestration model {name!r} registered twice")
        shipped = getattr(factory, "__module__", "").startswith("orchestration.models.")
        _REGISTRY[name] = ModelSpec(name, description, factory, params, shipped)
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


class ModelParamsError(ValueError):
    """A model's parameters in the scenario do not validate against its parameters class."""

    def __init__(self, problems: list[tuple[str, str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{p}: expected {e}; found {f}" for p, e, f in problems))


def model_names() -> list[str]:
    return sorted(_REGISTRY)


def shipped_model_names() -> list[str]:
    """The models RetailTwin ships (registered by ``orchestration.models``), not plugins'."""
    return sorted(n for n, m in _REGISTRY.items() if m.shipped)


def describe_models() -> list[tuple[str, str]]:
    return [(n, _REGISTRY[n].description) for n in sorted(_REGISTRY)]


def spec(name: str) -> ModelSpec:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise UnknownModelError(name) from None


def params_path(name: str, scenario: Scenario) -> str:
    """Where ``name``'s parameters live in a scenario document."""
    return (
        f"orchestration.{name}"
        if name in type(scenario.orchestration).model_fields
        else (f"orchestration.plugins.{name}")
    )


def model_params(name: str, scenario: Scenario) -> BaseModel | None:
    """The parameters of model ``name`` in ``scenario``, validated by the model's class."""
    cls = spec(name).params
    orch = scenario.orchestration
    if name in type(orch).model_fields:  # a shipped model: its typed block of the schema
        block: Any = getattr(orch, name)
        if cls is None or isinstance(block, cls):
            return block if cls is not None else None
        block = block.model_dump()
    else:
        block = orch.plugins.get(name, {})
        if cls is None:
            if block:
                path = params_path(name, scenario)
                raise ModelParamsError([(path, f"nothing: {name} takes no parameters", "a block")])
            return None
    try:
        return cls.model_validate(block)
    except ValidationError as exc:
        path = params_path(name, scenario)
        problems = [
            (
                ".".join([path, *(str(x) for x in e["loc"])]),
                e["msg"],
                repr(e.get("input"))[:80],
            )
            for e in exc.errors()
        ]
        raise ModelParamsError(problems) from None


def plugin_params_problems(scenario: Scenario) -> list[tuple[str, str, str]]:
    """Every problem of ``orchestration.plugins``: blocks for unknown models, invalid fields."""
    problems: list[tuple[str, str, str]] = []
    for name in scenario.orchestration.plugins:
        if name not in _REGISTRY:
            problems.append(
                (f"orchestration.plugins.{name}", "the name of a registered model", name)
            )
            continue
        try:
            model_params(name, scenario)
        except ModelParamsError as exc:
            problems += exc.problems
    return problems


def build(name: str, scenario: Scenario, audit: AuditLog | None = None) -> Orchestrator:
    """Build model ``name`` for ``scenario`` (decisions sealed on ``audit`` when given)."""
    s = spec(name)
    return s.factory(scenario, params=model_params(name, scenario), audit=audit)

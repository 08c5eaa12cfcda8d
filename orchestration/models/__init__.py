"""The orchestration models and their registry.

* ``registry``: the ``Orchestrator`` protocol, ``register``/``build`` by name, each model's own
  parameters class (``model_params``), so a plugin model can carry parameters in a scenario.
* ``wiring``: ``AutomatedModel``, the one wiring the automated models share (integration stack,
  handlers), decided by a ``PolicyTable``; ``replenishment`` and ``availability``: its flows.
* ``manual``: today's retailer — the manual policies over the batch world's wiring.
* ``event_driven``, ``approval_centric``, ``exception_driven``, ``hybrid``: a table each;
  hybrid's takes its entries from the others'.
* ``rollout``: a phased rollout — per process area a preset's policy or the manual one
  (``orchestration.rollout``).

Importing this package registers the five shipped models.
"""

# the shipped models register themselves on import (after the registry exists)
from orchestration.models import (
    approval_centric,
    event_driven,
    exception_driven,
    hybrid,
    manual,
    rollout,
)
from orchestration.models.registry import (
    ModelParamsError,
    Orchestrator,
    UnknownModelError,
    build,
    describe_models,
    model_names,
    model_params,
    plugin_params_problems,
    register,
    shipped_model_names,
    spec,
)

__all__ = [
    "ModelParamsError",
    "Orchestrator",
    "UnknownModelError",
    "approval_centric",
    "build",
    "describe_models",
    "event_driven",
    "exception_driven",
    "hybrid",
    "manual",
    "model_names",
    "model_params",
    "plugin_params_problems",
    "register",
    "rollout",
    "shipped_model_names",
    "spec",
]

"""The automated models' n8n flows as n8n exports: the shipped built-in copy, or a team's own.

Concept: ``orchestration.integration.n8n_workflows`` names an n8n export file (the JSON n8n
writes) whose workflows replace the built-in Python wiring of :class:`IntegrationStack`;
``builtin`` is the shipped export of the built-in flows (``flows/builtin.json``), which gives the
same KPIs as the Python wiring (``tests/test_n8n_flows.py`` compares the golden runs exactly).

The export must hold the workflows the twin starts, by id: ``wf-po`` (active, a Webhook on
``POST po-confirmed``, which Odoo's confirmed-PO webhook reaches), ``wf-availability``,
``wf-refund`` and ``wf-notify`` (started by the twin: an Execute Workflow Trigger), usually with
an error workflow. Anything may sit around the calls (IF, Set, Wait, Code with a profile, ...):
the calls that reach the twin's systems are HTTP Request nodes whose URL is one of ``TARGETS``
(``twin://supplier-edi/orders`` sends a purchase order, ``twin://channels/availability``
publishes availability, ``twin://payments/refunds`` pays a refund, ``twin://customers/messages``
messages a customer). Their Retry On Fail settings are the export's own, so the scenario's
``retry_max_tries`` / ``retry_wait_ms`` must stay at their defaults (else a problem: a lever
that would do nothing). ``n8n_node_profiles`` gives nodes a latency and failure (and, Code
nodes, empty-output) profile by node name or type; it is a problem without an export.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from orchestration.middleware import N8nInstance
from orchestration.middleware.n8n_import import (
    N8nImportError,
    NodeProfile,
    import_workflows,
    install,
    load_exports,
)
from scenarios.schema import IntegrationParams, Scenario

BUILTIN = Path(__file__).with_name("flows") / "builtin.json"
#: the twin's systems an HTTP Request node can call, by URL -> the workflow whose node it is
TARGETS = {
    "twin://supplier-edi/orders": "wf-po",
    "twin://channels/availability": "wf-availability",
    "twin://payments/refunds": "wf-refund",
    "twin://customers/messages": "wf-notify",
}
STARTED = ("wf-po", "wf-availability", "wf-refund", "wf-notify")
FIELD = "orchestration.integration.n8n_workflows"
PROFILES_FIELD = "orchestration.integration.n8n_node_profiles"


def export_path(name: str) -> Path:
    return BUILTIN if name == "builtin" else Path(name)


def _unwrap(fn: Callable[[Any], Any]) -> Callable[[dict[str, Any]], Any]:
    """An item as n8n holds it (a JSON object) to what the twin's node function takes."""

    def call(item: dict[str, Any]) -> Any:
        if set(item) == {"value"}:  # a non-object item (SKU array, refund tuple) wrapped
            return {"value": fn(item["value"])}
        return fn(item)

    return call


def profiles(p: IntegrationParams) -> dict[str, NodeProfile]:
    """The scenario's node profiles (``n8n_node_profiles``) as the importer takes them."""
    return {key: NodeProfile(**prof.model_dump()) for key, prof in p.n8n_node_profiles.items()}


def install_exports(
    n8n: N8nInstance, p: IntegrationParams, nodes: dict[str, Callable[[Any], Any]]
) -> None:
    """Install the export ``p.n8n_workflows`` on ``n8n``; ``nodes`` are the twin's calls by
    workflow id; node profiles from ``p.n8n_node_profiles``."""
    name = str(p.n8n_workflows)
    handlers = {url: _unwrap(nodes[wid]) for url, wid in TARGETS.items()}
    imported = import_workflows(
        load_exports(export_path(name)), handlers=handlers, profiles=profiles(p)
    )
    missing = [wid for wid in STARTED if wid not in {i.workflow.id for i in imported}]
    if missing:
        raise N8nImportError([f"{name}: no workflow with id {', '.join(missing)}"])
    install(n8n, imported)


def n8n_problems(scenario: Scenario) -> list[tuple[str, str, str]]:
    """Every problem of the scenario's n8n export, as (dotted path, expected, found)."""
    p: IntegrationParams = scenario.orchestration.integration
    if p.n8n_workflows is None:
        if p.n8n_node_profiles:
            return [(PROFILES_FIELD, f"only with {FIELD}", "profiles without an export")]
        return []
    path = export_path(p.n8n_workflows)
    problems = []
    default = IntegrationParams()
    for knob in ("retry_max_tries", "retry_wait_ms"):
        if getattr(p, knob) != getattr(default, knob):
            problems.append(
                (
                    f"orchestration.integration.{knob}",
                    f"the default with {FIELD} (the export's node settings decide)",
                    str(getattr(p, knob)),
                )
            )
    try:
        docs = load_exports(path)
        ids = {str(d.get("id")) for d in docs}
        missing = [wid for wid in STARTED if wid not in ids]
        if missing:
            problems.append((FIELD, f"workflows with ids {', '.join(STARTED)}", str(path)))
        noop = {wid: (lambda item: item) for wid in STARTED}
        handlers = {u: noop[w] for u, w in TARGETS.items()}
        import_workflows(docs, handlers=handlers, profiles=profiles(p))
    except OSError as exc:
        problems.append((FIELD, "a readable n8n export file or 'builtin'", f"{path}: {exc}"))
    except ValueError as exc:  # bad JSON, or N8nImportError with every problem
        problems.append((FIELD, "a valid n8n export", f"{path}: {exc}"))
    return problems

"""n8n workflow import: the JSON n8n exports (``nodes``, ``connections``, ``settings``) as
middleware workflows that run on the SimPy clock.

Concept: a team's own n8n workflows, loaded as n8n writes them, with their topology, node
settings and error workflow, so the twin runs *their* integration under load. ``import_workflows``
reads a list of exports and returns one :class:`ImportedWorkflow` each; ``install`` registers
them on an :class:`~orchestration.middleware.N8nInstance` (and starts Schedule Triggers).

Node types (``n8n-nodes-base.<type>``):

- triggers: ``webhook`` (path, method, response mode and code; authentication ``none`` only —
  credentials are not in exports), ``scheduleTrigger`` (seconds/minutes/hours/days interval),
  ``manualTrigger``, ``errorTrigger``, ``executeWorkflowTrigger``. n8n has no Odoo trigger node
  (ODOO.md §6.6): Odoo events reach a Webhook node from Odoo's "Send Webhook Notification".
- ``odoo`` (resources contact/opportunity/note/custom; create/get/getAll/update/delete through
  ``object.execute`` on the given Odoo connection), ``httpRequest`` (a handler by node name,
  else by URL — the twin's targets are ``twin://...`` URLs; without one the target answers with
  the request item), ``if``, ``switch`` (v3 rules, fallback
  output), ``set`` (v3 assignments or v2 values), ``merge`` (passes on what arrives), ``wait``
  (time interval), ``executeWorkflow`` (another imported workflow, inline), ``code`` /
  ``function`` (no JavaScript: a declared latency and outcome mix), ``respondToWebhook``,
  ``noOp``; ``stickyNote`` is ignored and disabled nodes pass items through.
- node settings: Retry On Fail / Max Tries / Wait Between Tries (clamped as n8n does, see
  ``nodes.py``), On Error (and the error output), Always Output Data, Execute Once.
- workflow settings: ``errorWorkflow`` and ``executionTimeout`` (s); ``active``.

Profiles (``NodeProfile``: latency s, failure and empty-output rates) are looked up by node
name, then by node type; a Code node without one is an error. Every problem of every workflow
(unknown node types, unsupported expressions or topology, a missing profile, a dangling
Execute Workflow) is reported in one :class:`N8nImportError`, each with its workflow and node.
Unsupported topology: cycles, and a node joining parallel (fan-out) branches.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Generator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import simpy

from .hops import INSTANT, HopBehaviour
from .n8n_nodes import (
    BranchNode,
    ExpressionError,
    ItemNode,
    OdooItemsNode,
    SubWorkflowNode,
    as_items,
    compile_filter,
    odoo_record,
    set_fn,
)
from .nodes import ErrorTriggerNode, Node, NodeSettings, OnError, RespondToWebhookNode, WaitNode
from .odoo import OdooNode, OdooOperation, OdooRpc
from .webhook import ResponseMode, WebhookTrigger
from .workflow import Workflow, WorkflowSettings

PREFIX = "n8n-nodes-base."
TRIGGERS = {"webhook", "scheduleTrigger", "manualTrigger", "errorTrigger", "executeWorkflowTrigger"}
ACTIONS = {
    "odoo", "httpRequest", "if", "switch", "set", "merge", "wait", "executeWorkflow", "code",
    "function", "respondToWebhook", "noOp", "stickyNote",
}  # fmt: skip
ODOO_MODELS = {"contact": "res.partner", "opportunity": "crm.lead", "note": "note.note"}
UNIT_S = {"seconds": 1.0, "minutes": 60.0, "hours": 3600.0, "days": 86400.0}


@dataclass(frozen=True, slots=True)
class NodeProfile:
    """How a node type (or one node) behaves: latency (s), failure and empty-output rates."""

    latency_s_median: float = 0.0
    latency_s_p95: float = 0.0
    failure_rate: float = 0.0
    empty_rate: float = 0.0

    def hop(self) -> HopBehaviour:
        p95 = max(self.latency_s_p95, self.latency_s_median)
        return HopBehaviour(self.latency_s_median, p95, self.failure_rate)


@dataclass
class ImportedWorkflow:
    workflow: Workflow
    #: Schedule Trigger interval in simulated hours (None: not scheduled)
    schedule_every_h: float | None = None


class N8nImportError(ValueError):
    """Every problem found in a set of n8n exports, one line each."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__(
            f"{len(self.problems)} problem(s) in n8n workflows:\n"
            + "\n".join(f"  - {p}" for p in self.problems)
        )


def load_exports(path: str | Path) -> list[dict[str, Any]]:
    """An n8n export file: one workflow object or a list of them."""
    doc = json.loads(Path(path).read_text(encoding="utf-8"))
    return doc if isinstance(doc, list) else [doc]


class _Builder:
    """Builds one workflow; problems are appended, never raised, so all are reported."""

    def __init__(self, doc: Mapping[str, Any], ctx: _Shared) -> None:
        self.doc, self.ctx = doc, ctx
        self.wid = str(doc.get("id") or doc.get("name") or "?")
        self.label = f"workflow {doc.get('name', self.wid)!r}"
        self.nodes = {n.get("name"): n for n in doc.get("nodes", []) if isinstance(n, Mapping)}
        self.out: dict[str, list[list[str]]] = {}
        for src, kinds in (doc.get("connections") or {}).items():
            self.out[src] = [[c["node"] for c in (group or [])] for group in kinds.get("main", [])]
        self.indegree = dict.fromkeys(self.nodes, 0)
        for outputs in self.out.values():
            for group in outputs:
                for target in group:
                    if target not in self.nodes:
                        self.problem(target, f"a connection points to a missing node {target!r}")
                    else:
                        self.indegree[target] += 1

    def problem(self, node: str | None, message: str) -> None:
        where = f"{self.label}, node {node!r}" if node else self.label
        self.ctx.problems.append(f"{where}: {message}")

    def kind(self, name: str) -> str:
        return str(self.nodes[name].get("type", "")).removeprefix(PREFIX)

    # ------------------------------------------------------------------ the workflow
    def build(self) -> ImportedWorkflow | None:
        unknown = [
            f"{name!r} ({n.get('type')})"
            for name, n in self.nodes.items()
            if self.kind(name) not in TRIGGERS | ACTIONS
        ]
        if unknown:
            self.problem(None, f"unknown node type(s): {', '.join(unknown)}")
            return None
        triggers = [n for n in self.nodes if self.kind(n) in TRIGGERS]
        if len(triggers) != 1:
            self.problem(None, f"expected exactly one trigger node; found {len(triggers)}")
            return None
        start = triggers[0]
        if self._has_cycle(start):
            self.problem(None, "the connections form a loop (loops are not supported)")
            return None
        self._check_joins(start)
        params = self.nodes[start].get("parameters") or {}
        kind = self.kind(start)
        first = self._targets(start, 0)
        nodes = self._sequence_of(first, start)
        if kind == "errorTrigger":
            nodes = (ErrorTriggerNode(start), *nodes)
        trigger = self._webhook(start, params) if kind == "webhook" else None
        settings = self.doc.get("settings") or {}
        timeout = settings.get("executionTimeout", -1)
        wf = Workflow(
            self.wid,
            str(self.doc.get("name", self.wid)),
            nodes,
            active=bool(self.doc.get("active", trigger is not None)),
            trigger=trigger,
            settings=WorkflowSettings(
                error_workflow=settings.get("errorWorkflow") or None,
                execution_timeout_s=float(timeout) if timeout else -1.0,
            ),
        )
        every = self._schedule(start, params) if kind == "scheduleTrigger" else None
        return ImportedWorkflow(wf, every)

    def _targets(self, name: str, output: int) -> list[str]:
        outputs = self.out.get(name, [])
        return [t for t in outputs[output] if t in self.nodes] if output < len(outputs) else []

    def _has_cycle(self, start: str) -> bool:
        state: dict[str, int] = {}

        def visit(name: str) -> bool:
            state[name] = 1
            for group in self.out.get(name, []):
                for t in group:
                    if t in self.nodes and (state.get(t) == 1 or (t not in state and visit(t))):
                        return True
            state[name] = 2
            return False

        return visit(start)

    def _check_joins(self, start: str) -> None:
        """A node fed twice is fine below IF/Switch outputs (one runs), not below a fan-out."""
        stack, seen = [start], set()
        while stack:
            name = stack.pop()
            for group in self.out.get(name, []):
                if len(group) > 1:
                    for joined in self._reachable(group):
                        if self.indegree.get(joined, 0) > 1:
                            self.problem(joined, "joins parallel branches of a fan-out")
                            return
                for t in group:
                    if t in self.nodes and t not in seen:
                        seen.add(t)
                        stack.append(t)

    def _reachable(self, roots: Sequence[str]) -> set[str]:
        seen, stack = set(), [r for r in roots if r in self.nodes]
        while stack:
            name = stack.pop()
            if name not in seen:
                seen.add(name)
                stack.extend(t for g in self.out.get(name, []) for t in g if t in self.nodes)
        return seen

    def _sequence_of(self, targets: list[str], parent: str) -> tuple[Node, ...]:
        if not targets:
            return ()
        if len(targets) == 1:
            return self._sequence(targets[0])
        branches = tuple(self._sequence(t) for t in targets)
        every = tuple(range(len(branches)))
        return (BranchNode(f"{parent} (fan-out)", lambda _i: every, branches),)

    def _sequence(self, name: str) -> tuple[Node, ...]:
        nodes: list[Node] = []
        current: str | None = name
        while current is not None:
            node, branching = self._node(current)
            if node is not None:  # after a problem, walk on to report the nodes below too
                nodes.append(node)
            if branching:
                return tuple(nodes)
            nxt = self._targets(current, 0)
            if len(nxt) > 1:
                nodes.extend(self._sequence_of(nxt, current))
                return tuple(nodes)
            current = nxt[0] if nxt else None
        return tuple(nodes)

    # ------------------------------------------------------------------ nodes
    def _node(self, name: str) -> tuple[Node | None, bool]:
        """The node named ``name`` (None after a problem), and whether it branches."""
        spec = self.nodes[name]
        kind, params = self.kind(name), spec.get("parameters") or {}
        try:
            settings = NodeSettings.from_n8n(spec)
        except ValueError as exc:
            self.problem(name, f"bad onError: {exc}")
            return None, False
        common = {
            "settings": settings,
            "always_output_data": bool(spec.get("alwaysOutputData", False)),
            "execute_once": bool(spec.get("executeOnce", False)),
        }
        if settings.on_error is OnError.CONTINUE_ERROR_OUTPUT:
            common["error_output"] = self._sequence_of(self._targets(name, 1), name)
        try:
            if spec.get("disabled"):
                return ItemNode(name, lambda items: items, **common), False
            if kind in ("if", "switch"):
                return self._branch(name, kind, params, common), True
            return self._action(name, kind, params, common), False
        except (ExpressionError, ValueError, KeyError, TypeError) as exc:
            self.problem(name, str(exc))
            return None, False

    def _branch(self, name: str, kind: str, params: Mapping[str, Any], common: dict) -> Node:
        if kind == "if":
            predicate = compile_filter(params.get("conditions") or {})
            branches = tuple(self._sequence_of(self._targets(name, i), name) for i in (0, 1))
            return BranchNode(name, lambda it: (0,) if predicate(it) else (1,), branches, **common)
        rules = [compile_filter(r.get("conditions") or {}) for r in params["rules"]["values"]]
        options = params.get("options") or {}
        fallback, all_matching = (
            options.get("fallbackOutput", "none"),
            options.get("allMatchingOutputs", False),
        )
        n_out = len(rules) + (1 if fallback == "extra" else 0)
        branches = tuple(self._sequence_of(self._targets(name, i), name) for i in range(n_out))

        def route(item: dict[str, Any]) -> tuple[int, ...]:
            hits = tuple(i for i, rule in enumerate(rules) if rule(item))
            if hits:
                return hits if all_matching else hits[:1]
            if fallback == "extra":
                return (len(rules),)
            return (int(fallback),) if str(fallback).isdigit() else ()

        return BranchNode(name, route, branches, **common)

    def _profile(self, name: str, kind: str) -> NodeProfile | None:
        profiles = self.ctx.profiles
        return profiles.get(name) or profiles.get(kind)

    def _hop(self, name: str, kind: str) -> HopBehaviour:
        profile = self._profile(name, kind)
        return profile.hop() if profile is not None else INSTANT

    def _action(self, name: str, kind: str, params: Mapping[str, Any], common: dict) -> Node:
        if kind in ("merge", "noOp"):
            return ItemNode(name, lambda items: items, **common)
        if kind == "set":
            return ItemNode(name, set_fn(params), **common)
        if kind == "httpRequest":
            handlers, url = self.ctx.handlers, params.get("url")
            handler = handlers.get(name) or handlers.get(url or "") or (lambda item: item)
            return ItemNode(
                name, lambda items: [handler(i) for i in items], self._hop(name, kind), **common
            )
        if kind in ("code", "function"):
            profile = self._profile(name, kind)
            if profile is None:
                raise ValueError(
                    "a Code node needs a declared latency and outcome mix: "
                    f"profiles[{name!r}] or profiles['code'] (NodeProfile)"
                )
            return ItemNode(
                name, lambda items: items, profile.hop(), empty_rate=profile.empty_rate, **common
            )
        if kind == "wait":
            if params.get("resume", "timeInterval") != "timeInterval":
                raise ValueError(f"Wait resume {params.get('resume')!r}: only timeInterval")
            seconds = float(params.get("amount", 1)) * UNIT_S[params.get("unit", "hours")]
            return WaitNode(name, seconds, common["settings"], common.get("error_output", ()))
        if kind == "respondToWebhook":
            code = int((params.get("options") or {}).get("responseCode", 200))
            first = lambda item: (as_items(item) or [{}])[0]  # noqa: E731
            return RespondToWebhookNode(name, code, first, **_plain(common))
        if kind == "executeWorkflow":
            target = params.get("workflowId")
            target = target.get("value") if isinstance(target, Mapping) else target
            self.ctx.calls.append((self.label, name, str(target)))
            return SubWorkflowNode(name, str(target), self.ctx.resolve, **common)
        return self._odoo(name, params, common)

    def _odoo(self, name: str, params: Mapping[str, Any], common: dict) -> Node:
        if self.ctx.odoo is None:
            raise ValueError("an Odoo node needs an Odoo connection (import_workflows(odoo=...))")
        resource = params.get("resource", "contact")
        model = params.get("customResource") if resource == "custom" else ODOO_MODELS[resource]
        operation = OdooOperation(params.get("operation", "create"))
        db, user, password = self.ctx.odoo_login
        inner = OdooNode(
            name, self.ctx.odoo, str(model), operation, db, user, password,
            hop=self._hop(name, "odoo"),
        )  # fmt: skip
        to_record = odoo_record(resource, operation, params)
        return OdooItemsNode(name, inner, to_record, **common)

    def _webhook(self, name: str, params: Mapping[str, Any]) -> WebhookTrigger | None:
        if params.get("authentication", "none") != "none":
            self.problem(name, "webhook authentication needs credentials, which exports omit")
            return None
        options = params.get("options") or {}
        return WebhookTrigger(
            str(params.get("path", name)),
            http_method=str(params.get("httpMethod", "GET")),
            response_mode=ResponseMode(params.get("responseMode", "onReceived")),
            response_code=int(options.get("responseCode", 200)),
        )

    def _schedule(self, name: str, params: Mapping[str, Any]) -> float | None:
        rules = (params.get("rule") or {}).get("interval") or [{}]
        rule = rules[0]
        field = rule.get("field", "days")
        if field not in UNIT_S or len(rules) > 1:
            self.problem(name, f"schedule {field!r}: only one seconds/minutes/hours/days interval")
            return None
        every = float(rule.get(f"{field}Interval", 1))
        return every * UNIT_S[field] / 3600.0


def _plain(common: dict) -> dict:
    return {k: v for k, v in common.items() if k in ("settings", "error_output")}


@dataclass
class _Shared:
    profiles: Mapping[str, NodeProfile]
    handlers: Mapping[str, Callable[[dict[str, Any]], Any]]
    odoo: OdooRpc | None
    odoo_login: tuple[str, str, str]
    problems: list[str]
    calls: list[tuple[str, str, str]]
    library: dict[str, Workflow]

    def resolve(self, workflow_id: str) -> tuple[Node, ...]:
        return self.library[workflow_id].nodes


def import_workflows(
    docs: Sequence[Mapping[str, Any]],
    *,
    profiles: Mapping[str, NodeProfile] | None = None,
    handlers: Mapping[str, Callable[[dict[str, Any]], Any]] | None = None,
    odoo: OdooRpc | None = None,
    odoo_login: tuple[str, str, str] = ("odoo", "admin", "admin"),
) -> list[ImportedWorkflow]:
    """Build every workflow of ``docs``; raise :class:`N8nImportError` with all problems."""
    shared = _Shared(profiles or {}, handlers or {}, odoo, odoo_login, [], [], {})
    imported = []
    for doc in docs:
        result = _Builder(doc, shared).build()
        if result is not None:
            imported.append(result)
            shared.library[result.workflow.id] = result.workflow
    for label, node, target in shared.calls:
        if target not in shared.library:
            shared.problems.append(f"{label}, node {node!r}: no imported workflow {target!r}")
    for item in imported:
        target = item.workflow.settings.error_workflow
        if target and target not in shared.library:
            shared.problems.append(
                f"workflow {item.workflow.name!r}: settings.errorWorkflow {target!r} not imported"
            )
    if shared.problems:
        raise N8nImportError(shared.problems)
    return imported


def install(n8n: Any, imported: Sequence[ImportedWorkflow]) -> None:
    """Register the workflows on an ``N8nInstance``; Schedule Triggers fire on the sim clock."""
    for item in imported:
        n8n.add_workflow(item.workflow)
    for item in imported:
        if item.schedule_every_h:
            n8n.env.process(_schedule(n8n, item.workflow.id, item.schedule_every_h))


def _schedule(n8n: Any, workflow_id: str, every_h: float) -> Generator[simpy.Event, Any, None]:
    while True:
        yield n8n.env.timeout(every_h)
        n8n.start(workflow_id, [{}])

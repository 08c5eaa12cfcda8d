"""The node kinds an imported n8n workflow needs beyond the middleware's own.

Items follow n8n: a node receives and emits a *list of items*, each a JSON object (a dict); a
single dict arriving from a trigger is a list of one. A node that emits no items ends its branch
(`NO_ITEMS`), unless its `alwaysOutputData` setting is on, when it emits one empty item.
`executeOnce` makes a node work on the first item only.

- `ItemNode`: the common wrapper for per-item work (HTTP Request, Code, Set, Merge, No Op, ...):
  `fn(items) -> items` behind a hop (latency s, failures) with the two settings above.
- `BranchNode`: IF and Switch. `route(item) -> output index or None`; each output's items run
  down that output's branch (outputs in index order, as n8n's v1 execution order), the branches
  hold the rest of the workflow. A fan-out (one output feeding several nodes) is a `BranchNode`
  sending every item to every branch.
- `SubWorkflowNode`: Execute Workflow: runs another imported workflow's nodes on the items
  inline (a failure is this node's error, so its Retry On Fail re-runs the sub-workflow).
- Expressions: only ``={{ $json.path }}`` / ``={{ $json["key"] }}`` and literals are evaluated
  (`compile_value`); anything else is refused at import with the node's name.
- `OdooItemsNode`: n8n's Odoo node: each item becomes a record from the node's parameters
  (`odoo_record`: ids, ``fieldsToCreateOrUpdate``, ``filterRequest``) for the middleware's
  `OdooNode`; `set_fn` is the Set node (v3 assignments or v2 values).
- Conditions (IF v2 / Switch v3 filter): operators ``equals notEquals gt gte lt lte contains
  notContains startsWith endsWith exists notExists true false empty notEmpty``, combinator
  ``and``/``or``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Generator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import simpy

from .hops import INSTANT, HopBehaviour, traverse
from .nodes import Node, NodeSettings
from .odoo import OdooNode, OdooOperation
from .runner import NO_ITEMS, BranchFailed, run_nodes

if TYPE_CHECKING:
    from .runner import RunContext

Items = list[dict[str, Any]]
_PATH = re.compile(r"^=\{\{\s*\$json((?:\.[A-Za-z_][A-Za-z0-9_]*|\[\s*\"[^\"]*\"\s*\])*)\s*\}\}$")
_PART = re.compile(r"\.([A-Za-z_][A-Za-z0-9_]*)|\[\s*\"([^\"]*)\"\s*\]")


class ExpressionError(ValueError):
    """An n8n expression the importer cannot evaluate."""


def as_items(item: Any) -> Items:
    if item is None:
        return []
    if isinstance(item, list):
        return [i if isinstance(i, dict) else {"value": i} for i in item]
    return [item if isinstance(item, dict) else {"value": item}]


def compile_value(value: Any) -> Callable[[dict[str, Any]], Any]:
    """A parameter value as a function of the item's JSON (literal, or ``={{ $json.a.b }}``)."""
    if not (isinstance(value, str) and value.startswith("=")):
        return lambda _item: value
    match = _PATH.match(value.strip())
    if match is None:
        raise ExpressionError(f"unsupported expression {value!r} (only {{{{ $json.path }}}})")
    keys = [a or b for a, b in _PART.findall(match.group(1))]

    def get(item: dict[str, Any]) -> Any:
        current: Any = item
        for key in keys:
            if not isinstance(current, Mapping) or key not in current:
                return None
            current = current[key]
        return current

    return get


def _compare(op: str, left: Any, right: Any) -> bool:
    if op == "exists":
        return left is not None
    if op == "notExists":
        return left is None
    if op in ("empty", "notEmpty"):
        empty = left in (None, "", [], {})
        return empty if op == "empty" else not empty
    if op == "true":
        return left is True
    if op == "false":
        return left is False
    if op == "equals":
        return left == right
    if op == "notEquals":
        return left != right
    try:
        if op == "gt":
            return left > right
        if op == "gte":
            return left >= right
        if op == "lt":
            return left < right
        if op == "lte":
            return left <= right
    except TypeError:
        return False
    text, ref = str(left if left is not None else ""), str(right)
    return {
        "contains": ref in text,
        "notContains": ref not in text,
        "startsWith": text.startswith(ref),
        "endsWith": text.endswith(ref),
    }[op]


OPERATIONS = frozenset(
    ("equals", "notEquals", "gt", "gte", "lt", "lte", "contains", "notContains", "startsWith",
     "endsWith", "exists", "notExists", "true", "false", "empty", "notEmpty")
)  # fmt: skip


def compile_filter(spec: Mapping[str, Any]) -> Callable[[dict[str, Any]], bool]:
    """An IF v2 / Switch v3 ``conditions`` object as a predicate on one item's JSON."""
    terms = []
    for cond in spec.get("conditions", []):
        op = (cond.get("operator") or {}).get("operation", "equals")
        if op not in OPERATIONS:
            raise ExpressionError(f"unsupported condition operation {op!r}")
        left, right = compile_value(cond.get("leftValue")), compile_value(cond.get("rightValue"))
        terms.append((op, left, right))
    any_of = spec.get("combinator", "and") == "or"

    def predicate(item: dict[str, Any]) -> bool:
        results = (_compare(op, left(item), right(item)) for op, left, right in terms)
        return any(results) if any_of else all(results)

    return predicate


def settle(items: Items, always_output_data: bool) -> Any:
    if items:
        return items
    return [{}] if always_output_data else NO_ITEMS


@dataclass(eq=False)
class ItemNode:
    """A node doing ``fn(items) -> items`` on the far side of ``hop``."""

    name: str
    fn: Callable[[Items], Items]
    hop: HopBehaviour = INSTANT
    settings: NodeSettings = field(default_factory=NodeSettings)
    error_output: tuple[Node, ...] = ()
    always_output_data: bool = False
    execute_once: bool = False
    #: Code nodes: the share of runs that output no items (one extra draw per run when > 0)
    empty_rate: float = 0.0

    def run(self, ctx: RunContext, item: Any) -> Generator[simpy.Event, Any, Any]:
        items = as_items(item)
        if self.execute_once:
            items = items[:1]
        work = lambda: self.fn(items)  # noqa: E731
        out = yield from traverse(ctx.env, self.hop, ctx.rng, work, name=self.name)
        if self.empty_rate and ctx.rng.random() < self.empty_rate:
            out = []
        return settle(as_items(out), self.always_output_data)


@dataclass(eq=False)
class BranchNode:
    """IF / Switch / fan-out: items routed to outputs, each output's branch run in order."""

    name: str
    route: Callable[[dict[str, Any]], Sequence[int]]
    branches: tuple[tuple[tuple[Node, ...], ...], ...]
    settings: NodeSettings = field(default_factory=NodeSettings)
    error_output: tuple[Node, ...] = ()
    always_output_data: bool = False
    execute_once: bool = False

    def run(self, ctx: RunContext, item: Any) -> Generator[simpy.Event, Any, Any]:
        items = as_items(item)
        if self.execute_once:
            items = items[:1]
        per_output: list[Items] = [[] for _ in self.branches]
        for it in items:
            for index in self.route(it):
                per_output[index].append(it)
        last: Any = NO_ITEMS
        for branch, routed in zip(self.branches, per_output, strict=True):
            if not routed or not branch:
                continue
            result = yield from run_nodes(ctx, branch, routed)
            if not result.ok:
                raise BranchFailed(result)
            last = result.output
        return last


@dataclass(eq=False)
class SubWorkflowNode:
    """Execute Workflow: the target's nodes run on the items (resolved after import)."""

    name: str
    target: str
    resolve: Callable[[str], tuple[Node, ...]]
    settings: NodeSettings = field(default_factory=NodeSettings)
    error_output: tuple[Node, ...] = ()
    always_output_data: bool = False
    execute_once: bool = False

    def run(self, ctx: RunContext, item: Any) -> Generator[simpy.Event, Any, Any]:
        items = as_items(item)
        if self.execute_once:
            items = items[:1]
        result = yield from run_nodes(ctx, self.resolve(self.target), items)
        if not result.ok:
            message = result.error.message if result.error else "sub-workflow failed"
            raise RuntimeError(f"workflow {self.target!r}: {message}")
        return settle(as_items(result.output), self.always_output_data)


def set_fn(params: Mapping[str, Any]) -> Callable[[list[dict[str, Any]]], list[dict[str, Any]]]:
    if "assignments" in params:
        pairs = [
            (a["name"], compile_value(a.get("value")))
            for a in params["assignments"].get("assignments", [])
        ]
        keep = bool(params.get("includeOtherFields", False))
    else:  # Set v1/v2: values by type, keepOnlySet
        pairs = [
            (v["name"], compile_value(v.get("value")))
            for group in (params.get("values") or {}).values()
            for v in group
        ]
        keep = not params.get("keepOnlySet", False)

    def fn(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        out = []
        for item in items:
            new = dict(item) if keep else {}
            for key, value in pairs:
                new[key] = value(item)
            out.append(new)
        return out

    return fn


def odoo_record(
    resource: str, operation: OdooOperation, params: Mapping[str, Any]
) -> Callable[[dict[str, Any]], dict[str, Any]]:
    id_key = "customResourceId" if resource == "custom" else f"{resource}Id"
    get_id = compile_value(params.get(id_key))
    fields = [
        (f["fieldName"], compile_value(f.get("fieldValue")))
        for f in (params.get("fieldsToCreateOrUpdate") or {}).get("fields", [])
    ]
    filters = [
        (f["fieldName"], f.get("operator", "equal"), compile_value(f.get("value")))
        for f in (params.get("filterRequest") or {}).get("filter", [])
    ]
    ops = {"equal": "=", "notEqual": "!=", "greaterThen": ">", "lesserThen": "<", "like": "like"}
    limit = 0 if params.get("returnAll") else int(params.get("limit", 50))

    def record(item: dict[str, Any]) -> dict[str, Any]:
        vals = {name: value(item) for name, value in fields}
        if operation is OdooOperation.GET_ALL:
            domain = [(n, ops.get(o, o), v(item)) for n, o, v in filters]
            return {"domain": domain, "limit": limit}
        if operation is OdooOperation.CREATE:
            return vals
        return {"id": get_id(item), **vals}

    return record


@dataclass(eq=False)
class OdooItemsNode:
    """The n8n Odoo node: items -> records from its parameters -> the middleware's OdooNode."""

    name: str
    inner: OdooNode
    to_record: Callable[[dict[str, Any]], dict[str, Any]]
    settings: NodeSettings = field(default_factory=NodeSettings)
    error_output: tuple[Node, ...] = ()
    always_output_data: bool = False
    execute_once: bool = False

    def run(self, ctx: Any, item: Any) -> Generator[simpy.Event, Any, Any]:
        items = as_items(item)[:1] if self.execute_once else as_items(item)
        results = yield from self.inner.run(ctx, [self.to_record(i) for i in items])
        flat = [r for res in results for r in (res if isinstance(res, list) else [res])]
        return settle(flat, self.always_output_data)

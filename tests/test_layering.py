"""The import graph of the project: layers point down, no cycles, leaf libraries stay leaves.

Every non-test module of the six packages is parsed with :mod:`ast` (nothing is imported). An
edge is any ``import``/``from ... import`` of a project module, wherever it sits: at module
level or inside a function (a hidden import is still an edge). Only imports under
``if TYPE_CHECKING:`` are left out (they never run). ``from pkg import name`` is an edge to the
module ``pkg.name`` when that is a module, else to ``pkg``.

- **Layers**: ``scenarios < sim < orchestration < experiments < dashboards < cli``; a module may
  import its own layer and the layers below, never one above.
- **Cycles**: no strongly connected group of modules (each named in the failure, with its edges).
- **Leaf libraries**: the mocked Odoo (``orchestration.odoo``) and the n8n-style middleware
  (``orchestration.middleware``) import nothing else from ``orchestration`` but each other and
  the building blocks ``orchestration.resilience`` and ``orchestration.security``.

A self-check runs the same analysis on a tiny synthetic tree with one upward import and one
cycle, so the test cannot pass by finding nothing.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ("scenarios", "sim", "orchestration", "experiments", "dashboards", "cli")
LEAVES = ("orchestration.odoo", "orchestration.middleware")
LEAF_MAY_USE = (*LEAVES, "orchestration.resilience", "orchestration.security")


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    line: int
    in_function: bool

    def __str__(self) -> str:
        where = " (inside a function)" if self.in_function else ""
        return f"{self.source} -> {self.target} (line {self.line}{where})"


# ---------------------------------------------------------------------------------- the graph
def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules(root: Path, packages: Iterable[str] = LAYERS) -> dict[str, Path]:
    """Every non-test module of ``packages`` under ``root``, by dotted name."""
    mods: dict[str, Path] = {}
    for pkg in packages:
        for path in sorted((root / pkg).rglob("*.py")):
            rel = path.relative_to(root).parts
            if "tests" in rel or path.name.startswith("test_") or "__pycache__" in rel:
                continue
            mods[module_name(path, root)] = path
    return mods


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(node: ast.AST, in_function: bool = False) -> Iterator[tuple[ast.stmt, bool]]:
    """Every import statement under ``node`` except those under ``if TYPE_CHECKING:``."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.Import | ast.ImportFrom):
            yield child, in_function
        elif isinstance(child, ast.If) and _is_type_checking(child.test):
            for stmt in child.orelse:  # the else branch runs
                yield from _imports(ast.Module(body=[stmt], type_ignores=[]), in_function)
        else:
            inner = in_function or isinstance(
                child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda
            )
            yield from _imports(child, inner)


def _resolve(name: str, modules: dict[str, Path]) -> str | None:
    """The project module ``name`` denotes (the longest known prefix), or None if foreign."""
    parts = name.split(".")
    for n in range(len(parts), 0, -1):
        candidate = ".".join(parts[:n])
        if candidate in modules:
            return candidate
    return None


def import_graph(root: Path, packages: Iterable[str] = LAYERS) -> list[Edge]:
    modules = project_modules(root, packages)
    edges: list[Edge] = []
    for source, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        is_pkg = path.name == "__init__.py"
        for stmt, in_function in _imports(tree):
            names: list[str] = []
            if isinstance(stmt, ast.Import):
                names = [a.name for a in stmt.names]
            else:
                base = stmt.module or ""
                if stmt.level:
                    anchor = source.split(".")
                    anchor = anchor if is_pkg else anchor[:-1]
                    anchor = anchor[: len(anchor) - (stmt.level - 1)]
                    base = ".".join([*anchor, *([base] if base else [])])
                for alias in stmt.names:
                    sub = f"{base}.{alias.name}"
                    names.append(sub if sub in modules else base)
            for name in names:
                target = _resolve(name, modules)
                if target is not None and target != source:
                    edges.append(Edge(source, target, stmt.lineno, in_function))
    return edges


# ---------------------------------------------------------------------------------- the rules
def layer(module: str) -> int:
    return LAYERS.index(module.split(".")[0])


def upward_imports(edges: Iterable[Edge]) -> list[Edge]:
    return [e for e in edges if layer(e.target) > layer(e.source)]


def cycles(edges: Iterable[Edge]) -> list[tuple[frozenset[str], list[Edge]]]:
    """Strongly connected groups of two or more modules (Tarjan), with their inner edges."""
    edges = list(edges)
    graph: dict[str, set[str]] = {}
    for e in edges:
        graph.setdefault(e.source, set()).add(e.target)
        graph.setdefault(e.target, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[frozenset[str]] = []

    def visit(v: str) -> None:  # iterative enough for a few hundred modules
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.add(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(frozenset(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return [
        (g, sorted({e for e in edges if e.source in g and e.target in g}, key=str)) for g in groups
    ]


def leaf_violations(edges: Iterable[Edge]) -> list[Edge]:
    def within(module: str, prefixes: Iterable[str]) -> bool:
        return any(module == p or module.startswith(p + ".") for p in prefixes)

    return [
        e
        for e in edges
        if within(e.source, LEAVES)
        and within(e.target, ("orchestration",))
        and e.target != "orchestration"
        and not within(e.target, LEAF_MAY_USE)
    ]


def _report(title: str, lines: Iterable[str]) -> str:
    return title + "\n" + "\n".join(f"  {line}" for line in lines)


# ---------------------------------------------------------------------------------- the tests
@functools.cache
def project_graph() -> tuple[Edge, ...]:
    """The project's import graph, parsed once per test session."""
    return tuple(import_graph(ROOT))


def test_the_project_tree_is_what_the_test_parses():
    modules = project_modules(ROOT)
    assert {m.split(".")[0] for m in modules} == set(LAYERS)
    assert "experiments.runner" in modules
    assert "cli.app" in modules
    assert len(project_graph()) > 100  # a graph, not an empty parse


def test_no_import_points_up_a_layer():
    up = upward_imports(project_graph())
    assert not up, _report(
        f"{len(up)} import(s) point up a layer ({' < '.join(LAYERS)}):", map(str, up)
    )


def test_no_import_closes_a_cycle():
    found = cycles(project_graph())
    lines = []
    for g, es in found:
        lines.append("cycle among " + ", ".join(sorted(g)) + ":")
        lines.extend(f"    {e}" for e in es)
    assert not found, _report(f"{len(found)} import cycle(s):", lines)


def test_odoo_and_middleware_are_leaf_libraries():
    bad = leaf_violations(project_graph())
    assert not bad, _report(
        f"the mocked Odoo and the middleware may use only {', '.join(LEAF_MAY_USE)}:",
        map(str, bad),
    )


def test_the_analysis_finds_an_upward_import_a_cycle_and_a_leaf_breach(tmp_path: Path):
    files = {
        "scenarios/__init__.py": "",
        "scenarios/schema.py": "from sim.world import World\n",  # up a layer
        "sim/__init__.py": "",
        "sim/world.py": "def f():\n    from sim import clock\n",  # hidden edge, closes a cycle
        "sim/clock.py": "import sim.world\nfrom typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from experiments import runner\n",  # type-only: no edge
        "orchestration/__init__.py": "",
        "orchestration/base.py": "",
        "orchestration/odoo/__init__.py": "from ..base import X\nfrom ..resilience import r\n",
        "orchestration/resilience/__init__.py": "",
        "experiments/__init__.py": "",
        "experiments/runner.py": "from . import replicate\n",
        "experiments/replicate.py": "from experiments.runner import run\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    edges = import_graph(tmp_path, ("scenarios", "sim", "orchestration", "experiments"))
    assert [str(e) for e in upward_imports(edges)] == ["scenarios.schema -> sim.world (line 1)"]
    assert {g for g, _ in cycles(edges)} == {
        frozenset({"sim.world", "sim.clock"}),
        frozenset({"experiments.runner", "experiments.replicate"}),
    }
    hidden = next(es for g, es in cycles(edges) if "sim.world" in g)
    assert "sim.world -> sim.clock (line 2 (inside a function))" in map(str, hidden)
    assert [str(e) for e in leaf_violations(edges)] == [
        "orchestration.odoo -> orchestration.base (line 1)"
    ]


def test_cli_commands_share_only_the_app_module():
    """A command module imports only :mod:`cli.app` from the CLI (no helpers from another)."""
    bad = [
        e
        for e in project_graph()
        if e.source.startswith("cli.")
        and e.source != "cli.main"
        and e.target.startswith("cli")
        and e.target != "cli.app"
    ]
    assert not bad, _report("CLI command modules importing each other:", map(str, bad))


def test_experiments_dashboards_and_cli_hide_no_project_import_in_a_function():
    rooms = ("experiments", "dashboards", "cli")
    hidden = [e for e in project_graph() if e.in_function and e.source.split(".")[0] in rooms]
    assert not hidden, _report("project imports inside functions (move them up):", map(str, hidden))

"""Bounded YAML: the one way RetailTwin parses YAML it did not write itself.

A YAML document is a graph: an alias (``*a``) points back at an anchored node (``&a``), so a
few hundred bytes of nested aliases (the "billion laughs") expand into billions of values once a
caller walks them (a deep copy, a JSON dump, pydantic). :func:`load` composes the node graph
first (cheap: aliases are shared, not copied), measures it, and only then builds Python values.
It refuses, with :class:`UnsafeYamlError`:

- text over :data:`MAX_BYTES` (1 MiB; the largest shipped scenario is under 4 KiB);
- a graph that expands to more than :data:`MAX_NODES` values (scalars, lists and mappings, each
  alias counted as the whole subtree it stands for), or uses more than :data:`MAX_ALIASES`
  aliases;
- a recursive alias (a node that contains itself) and nesting deeper than :data:`MAX_DEPTH`;
- a tag the safe loader cannot build (``!!python/object:os.system``), named as such.

Units: bytes, and "values" = expanded YAML nodes. Everything else is PyYAML's safe loader
(the C one when available), so ``load(text)`` equals ``yaml.safe_load(text)`` on any document
within the limits.
"""

from __future__ import annotations

from typing import Any

import yaml

MAX_BYTES = 1 << 20
MAX_NODES = 100_000
MAX_ALIASES = 1_000
MAX_DEPTH = 64

_Base: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class UnsafeYamlError(ValueError):
    """A YAML text refused before it could cost time or memory; the message says why."""


def _measure(root: yaml.Node) -> None:
    """Expanded size, alias uses and depth of a composed graph; raise past any limit.

    Iterative (no recursion limit to hit) and memoised per node, so the walk costs the size of
    the *written* graph, not of its expansion.
    """
    size: dict[int, int] = {}
    on_path: set[int] = set()
    uses = 0  # a node reached again through another parent is an alias use
    stack: list[tuple[yaml.Node, int, bool]] = [(root, 1, False)]
    while stack:
        node, depth, done = stack.pop()
        key = id(node)
        if done:
            on_path.discard(key)
            kids = _children(node)
            size[key] = 1 + sum(size[id(k)] for k in kids)
            if size[key] > MAX_NODES:
                raise UnsafeYamlError(
                    f"aliases expand to more than {MAX_NODES:,} values (an alias bomb?)"
                )
            continue
        if key in on_path:
            raise UnsafeYamlError("a recursive alias (a node that contains itself)")
        if key in size:
            uses += 1
            if uses > MAX_ALIASES:
                raise UnsafeYamlError(f"more than {MAX_ALIASES:,} aliases")
            continue
        if depth > MAX_DEPTH:
            raise UnsafeYamlError(f"nesting deeper than {MAX_DEPTH} levels")
        on_path.add(key)
        stack.append((node, depth, True))
        stack.extend((kid, depth + 1, False) for kid in reversed(_children(node)))


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


class _BoundedLoader(_Base):  # type: ignore[misc, valid-type]
    def get_single_data(self) -> Any:
        node = self.get_single_node()
        if node is None:
            return None
        _measure(node)
        return self.construct_document(node)


def load(text: str) -> Any:
    """Parse one YAML document within the limits above; ``yaml.YAMLError`` for bad syntax."""
    if len(text) > MAX_BYTES or len(text.encode("utf-8", errors="replace")) > MAX_BYTES:
        raise UnsafeYamlError(f"larger than {MAX_BYTES:,} bytes")
    try:
        return yaml.load(text, Loader=_BoundedLoader)  # a SafeLoader subclass
    except yaml.constructor.ConstructorError as exc:
        tag = getattr(exc, "problem", "") or ""
        if "could not determine a constructor for the tag" in tag:
            name = tag.partition("'")[2].rstrip("'").replace("tag:yaml.org,2002:", "!!")
            raise UnsafeYamlError(
                f"a tag the safe loader does not build ({name[:80]}); scenarios hold plain data"
            ) from None
        raise
    except RecursionError:
        raise UnsafeYamlError(f"nesting deeper than {MAX_DEPTH} levels") from None

"""Odoo domains: the filter language of ``search``, ``filtered_domain`` and automation rules.

Concept: a domain is a list in Polish (prefix) notation of leaves ``(field_path, operator,
value)`` and the operators ``'&'`` (and), ``'|'`` (or), ``'!'`` (not); consecutive top-level
terms are implicitly and-ed. ``field_path`` may be dotted (``partner_id.name``) through
relational fields. Leaf operators: ``= != < <= > >= in not in like not like ilike not ilike
=like =ilike =?``. ``child_of`` / ``parent_of`` are not supported (an error says so).

Evaluation is in memory, as ``filtered_domain`` is in Odoo 17+ (the mock has no SQL), with its
relational semantics: a many2one compares by id, an x2many leaf matches if *any* related id
matches, ``= False`` matches an unset value or an empty x2many.

Units: values are compared as stored (floats, ints, strings, ``datetime``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

LEAF_OPERATORS = (
    "=",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "in",
    "not in",
    "like",
    "not like",
    "ilike",
    "not ilike",
    "=like",
    "=ilike",
    "=?",
)
PREFIX_OPERATORS = ("&", "|", "!")
TRUE_LEAF = (1, "=", 1)
FALSE_LEAF = (0, "=", 1)

#: getter(path) -> the list of raw values reached by the dotted path on one record
Getter = Callable[[str], list[Any]]
Predicate = Callable[[Getter], bool]


class DomainError(ValueError):
    """A domain that cannot be parsed (bad structure or unknown operator)."""


def _like_regex(pattern: str, wrap: bool, ignore_case: bool) -> re.Pattern[str]:
    if wrap:
        pattern = f"%{pattern}%"
    parts = []
    for char in pattern:
        if char == "%":
            parts.append(".*")
        elif char == "_":
            parts.append(".")
        else:
            parts.append(re.escape(char))
    return re.compile("^" + "".join(parts) + "$", (re.IGNORECASE if ignore_case else 0) | re.DOTALL)


def _is_unset(value: Any) -> bool:
    return value is False or value is None


def _compare(values: list[Any], op: str, ref: Any) -> bool:
    if op == "=?":
        return True if _is_unset(ref) else _compare(values, "=", ref)
    if op == "=":
        if _is_unset(ref):
            return not values or any(_is_unset(v) for v in values)
        if len(values) == 1:  # a column's value (the usual case): the ``any`` below, unrolled
            v = values[0]
            if v == ref and v is not False and v is not None:  # noqa: SIM103 (no bool() call)
                return True
            return False
        return any(v == ref and not _is_unset(v) for v in values)
    if op == "!=":
        return not _compare(values, "=", ref)
    if op in ("in", "not in"):
        refs = list(ref) if isinstance(ref, list | tuple | set | frozenset) else [ref]
        wants_unset = any(_is_unset(r) for r in refs)
        hit = any(v in refs for v in values if not _is_unset(v)) or (
            wants_unset and (not values or any(_is_unset(v) for v in values))
        )
        return hit if op == "in" else not hit
    if op in ("<", "<=", ">", ">="):
        if _is_unset(ref):
            return False
        checks = {
            "<": lambda v: v < ref,
            "<=": lambda v: v <= ref,
            ">": lambda v: v > ref,
            ">=": lambda v: v >= ref,
        }[op]
        return any(not _is_unset(v) and checks(v) for v in values)
    # like family
    negate = op.startswith("not ")
    base = op.removeprefix("not ")
    regex = _like_regex(str(ref), wrap=not base.startswith("="), ignore_case="ilike" in base)
    hit = any(not _is_unset(v) and regex.match(str(v)) for v in values)
    return not hit if negate else hit


def _leaf_predicate(leaf: Sequence[Any]) -> Predicate:
    path, op, value = leaf
    if tuple(leaf) == TRUE_LEAF:
        return lambda _get: True
    if tuple(leaf) == FALSE_LEAF:
        return lambda _get: False
    if op not in LEAF_OPERATORS:
        raise DomainError(f"Invalid domain operator {op!r} in leaf {tuple(leaf)!r}")
    if not isinstance(path, str) or not path:
        raise DomainError(f"Invalid field path in leaf {tuple(leaf)!r}")
    return lambda get: _compare(get(path), op, value)


def _parse(domain: Sequence[Any], i: int) -> tuple[Predicate, int]:
    if i >= len(domain):
        raise DomainError(f"Domain {list(domain)!r} is missing an operand")
    token = domain[i]
    if token == "!":
        inner, j = _parse(domain, i + 1)
        return (lambda get: not inner(get)), j
    if token in ("&", "|"):
        left, j = _parse(domain, i + 1)
        right, k = _parse(domain, j)
        if token == "&":
            return (lambda get: left(get) and right(get)), k
        return (lambda get: left(get) or right(get)), k
    if isinstance(token, list | tuple) and len(token) == 3:
        return _leaf_predicate(token), i + 1
    raise DomainError(f"Invalid domain term {token!r}")


def compile_domain(domain: Sequence[Any] | None) -> Predicate:
    """Compile a domain into a predicate over a record getter; raise DomainError if invalid."""
    if not domain:
        return lambda _get: True
    if not isinstance(domain, list | tuple):
        raise DomainError(f"A domain is a list, got {domain!r}")
    terms: list[Predicate] = []
    i = 0
    while i < len(domain):
        predicate, i = _parse(domain, i)
        terms.append(predicate)
    if len(terms) == 1:  # one term: itself (every predicate returns a bool, as ``all`` does)
        return terms[0]
    return lambda get: all(term(get) for term in terms)


def iter_leaves(domain: Sequence[Any] | None) -> list[tuple[int, Any]]:
    """(index, term) of every term that is not a prefix operator (for validation)."""
    return [(i, t) for i, t in enumerate(domain or []) if t not in PREFIX_OPERATORS]


def and_domains(*domains: Sequence[Any] | None) -> list[Any]:
    """The conjunction of several domains (implicit and of their terms, each kept whole)."""
    parts = [list(d) for d in domains if d]
    if not parts:
        return []
    result: list[Any] = parts[0]
    for part in parts[1:]:
        result = ["&", *_as_one_term(result), *_as_one_term(part)]
    return result


def _as_one_term(domain: list[Any]) -> list[Any]:
    """Rewrite an implicitly-and-ed domain as a single prefix expression."""
    count = 0
    i = 0
    while i < len(domain):
        i = _skip(domain, i)
        count += 1
    return ["&"] * (count - 1) + domain


def _skip(domain: list[Any], i: int) -> int:
    token = domain[i]
    if token == "!":
        return _skip(domain, i + 1)
    if token in ("&", "|"):
        return _skip(domain, _skip(domain, i + 1))
    return i + 1

"""Loading scenarios: YAML files or library names, dotted overrides, and complete error reports.

A bad scenario never produces a traceback: :class:`ScenarioError` carries *every* problem found,
each naming the file, the dotted path inside it, what was expected and what was found. Schema
problems (pydantic) and cross-field problems (:func:`scenarios.schema.semantic_problems`) are
reported together when the schema allows the second pass to run.

A scenario file may start from another: ``extends: baseline`` (a library name or a path relative
to the file) deep-merges the file over its base — mappings merge key by key, lists and scalars
replace — so a library scenario states only what differs from the retailer it builds on.

Overrides (``--set demand.promo_uplift=2.5``) are applied to the raw document before
validation, with the value parsed as YAML (so ``2.5`` is a float, ``true`` a bool, ``[1,2]`` a
list, ``2025-11-28`` a date). Dict keys and list indices (``faults.outages.0.intensity``) are
both addressable; a path that does not exist is an error, not a silent new key.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import itertools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from scenarios import datafiles, safeyaml
from scenarios.safeyaml import UnsafeYamlError
from scenarios.schema import Scenario, semantic_problems

LIBRARY_DIR = Path(__file__).parent / "library"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario document."""

    source: str
    path: str
    expected: str
    found: str

    def __str__(self) -> str:
        return (
            f"{self.source}: {self.path or '<root>'}: expected {self.expected}; found {self.found}"
        )


class ScenarioError(Exception):
    """A scenario that cannot be used, with every problem found in it."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        lines = [f"{len(problems)} problem(s) in scenario:"] + [f"  - {p}" for p in problems]
        super().__init__("\n".join(lines))


def _dotted(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def bounded_text(value: Any, limit: int = 80) -> str:
    """At most ``limit`` characters of JSON-like text for ``value``, whatever its size: the
    value is walked only as far as the text needs, so an error about a huge (or recursive)
    value costs no more than one about a small one."""
    parts: list[str] = []
    used = 0
    stack: list[Any] = [value]
    seen: set[int] = set()
    while stack and used <= limit:
        item = stack.pop()
        if isinstance(item, _Text):
            piece = item
        elif isinstance(item, dict | list | tuple):
            if id(item) in seen:
                piece = "..."
            else:
                seen.add(id(item))
                piece = _open(item, stack)
        else:
            try:
                piece = json.dumps(item, default=str)
            except (TypeError, ValueError):
                piece = repr(item)
            piece = piece[: limit + 1]
        parts.append(piece)
        used += len(piece)
    text = "".join(parts)
    return text if len(text) <= limit and not stack else text[: limit - 3] + "..."


class _Text(str):
    """Punctuation pushed by :func:`_open` (written as is, not serialised)."""


def _open(node: dict | list | tuple, stack: list[Any]) -> str:
    """Push the rest of a container's text onto ``stack`` (reversed); return its opening."""
    is_dict = isinstance(node, dict)
    items = list(itertools.islice(node.items() if is_dict else node, 41))  # <= 2 chars each
    stack.append(_Text("}" if is_dict else "]"))
    for i, item in reversed(list(enumerate(items))):
        if is_dict:
            key, val = item
            stack.append(val)
            stack.append(_Text(json.dumps(str(key)) + ": "))
        else:
            stack.append(item)
        if i:
            stack.append(_Text(", "))
    return "{" if is_dict else "["


_EXPECTED_BY_TYPE = {
    "extra_forbidden": "no such key (unknown field)",
    "missing": "a value (required field)",
}


def _expected_from_msg(msg: str) -> str:
    """pydantic says "Input should be a valid integer"; we say "a valid integer"."""
    for prefix in ("Input should be ", "Value should be ", "Value error, "):
        if msg.startswith(prefix):
            return msg[len(prefix) :]
    return msg


def _clean_loc(doc: Any, loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """The part of a pydantic error location that is a real path in the document.

    pydantic adds union-member tags (``object_write``, ``str``, ``int``), validator tags
    (``function-after[...]``) and a ``[key]`` marker for bad dict keys; none is a path.
    """
    node, out = doc, []
    for i, part in enumerate(loc):
        last = i == len(loc) - 1
        in_dict = isinstance(node, dict) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if in_dict or in_list:
            node = node[part]
            out.append(part)
        elif last and isinstance(node, dict) and isinstance(part, str) and part != "[key]":
            out.append(part)  # a required key that is missing
    return tuple(out)


def _pydantic_problems(source: str, err: ValidationError, doc: Any = None) -> list[Problem]:
    merged: dict[str, tuple[list[str], str]] = {}
    for e in err.errors(include_url=False):
        loc = _clean_loc(doc, tuple(e["loc"])) if doc is not None else tuple(e["loc"])
        path = _dotted(loc)
        expected = _EXPECTED_BY_TYPE.get(e["type"]) or _expected_from_msg(e["msg"])
        found = "nothing" if e["type"] == "missing" else bounded_text(e.get("input"))
        if path in merged:  # one field failing every member of a union: one problem
            if expected not in merged[path][0]:
                merged[path][0].append(expected)
        else:
            merged[path] = ([expected], found)
    return [Problem(source, path, " or ".join(exp), found) for path, (exp, found) in merged.items()]


def validate_document(doc: Any, source: str = "<scenario>") -> Scenario:
    """Validate a parsed document; raise :class:`ScenarioError` listing every problem."""
    if not isinstance(doc, dict):
        raise ScenarioError([Problem(source, "", "a mapping of scenario keys", bounded_text(doc))])
    try:
        scenario = Scenario.model_validate(doc)
    except ValidationError as err:
        raise ScenarioError(_pydantic_problems(source, err, doc)) from None
    problems = [Problem(source, p, e, f) for p, e, f in semantic_problems(scenario)]
    if not problems:  # a data file is read only once its scenario is consistent
        problems = [Problem(source, p, e, f) for p, e, f in datafiles.problems(scenario)]
    if problems:
        raise ScenarioError(problems)
    return scenario


def parse_override(text: str) -> tuple[list[str], Any]:
    """``"a.b.0.c=2.5"`` -> (["a", "b", "0", "c"], 2.5); the value is parsed as YAML."""
    if "=" not in text:
        raise ScenarioError([Problem("--set", text, "KEY=VALUE with a dotted KEY", text)])
    key, _, raw = text.partition("=")
    key = key.strip()
    if not key or any(not part for part in key.split(".")):
        raise ScenarioError(
            [Problem("--set", key, "a dotted key such as demand.promo_uplift", repr(text))]
        )
    try:
        value = safeyaml.load(raw) if raw.strip() else ""
    except (yaml.YAMLError, ValueError) as exc:  # ValueError: PyYAML on 2025-02-30, limits
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ScenarioError(
            [Problem("--set", key, "a YAML value", f"{raw!r} ({reason})")]
        ) from None
    return key.split("."), value


def apply_overrides(doc: dict[str, Any], overrides: list[str], source: str) -> dict[str, Any]:
    """Return a copy of ``doc`` with each dotted override applied; every bad path is reported."""
    doc, problems = _apply_overrides(doc, overrides, source)
    if problems:
        raise ScenarioError(problems)
    return doc


def _apply_overrides(
    doc: dict[str, Any], overrides: list[str], source: str
) -> tuple[dict[str, Any], list[Problem]]:
    """Apply what can be applied; return the document and the problems of the rest."""
    doc = copy.deepcopy(doc)
    problems: list[Problem] = []
    for text in overrides:
        try:
            parts, value = parse_override(text)
        except ScenarioError as exc:
            problems += exc.problems
            continue
        node: Any = doc
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            here = ".".join(parts[: i + 1])
            if isinstance(node, list):
                if not (part.isascii() and part.isdigit()) or int(part) >= len(node):
                    problems.append(Problem(source, here, f"a list index < {len(node)}", part))
                    break
                if last:
                    node[int(part)] = value
                else:
                    node = node[int(part)]
            elif isinstance(node, dict):
                if last:
                    node[part] = value  # unknown keys are caught by the schema (extra=forbid)
                else:
                    node = node.setdefault(part, {})
            else:
                problems.append(
                    Problem(source, here, "a mapping or list to descend into", bounded_text(node))
                )
                break
    return doc, problems


def library_names() -> list[str]:
    """Names of the shipped scenarios, sorted."""
    return sorted(p.stem for p in LIBRARY_DIR.glob("*.yaml"))


def resolve_path(name_or_path: str | Path) -> Path:
    """A library name (``baseline``) or a path to a YAML file."""
    p = Path(name_or_path)
    try:
        if p.suffix in {".yaml", ".yml"} or p.exists():
            return p
    except OSError:  # e.g. a name longer than the file system allows
        pass
    candidate = LIBRARY_DIR / f"{name_or_path}.yaml"
    try:
        if candidate.exists():
            return candidate
    except OSError:
        pass
    raise ScenarioError(
        [
            Problem(
                str(name_or_path),
                "",
                f"a YAML file path or a library scenario ({', '.join(library_names())})",
                "no such file or scenario",
            )
        ]
    )


def read_document(path: Path) -> dict[str, Any]:
    """The mapping in a scenario (or sweep) YAML file, within :mod:`scenarios.safeyaml`'s
    limits; every refusal is a :class:`ScenarioError` naming the file."""
    source = str(path)
    try:
        if path.stat().st_size > safeyaml.MAX_BYTES:
            raise ScenarioError(
                [
                    Problem(
                        source,
                        "",
                        f"a scenario file of at most {safeyaml.MAX_BYTES:,} bytes",
                        f"{path.stat().st_size:,} bytes",
                    )
                ]
            )
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ScenarioError(
            [Problem(source, "", "a readable file", exc.strerror or str(exc))]
        ) from None
    except UnicodeDecodeError as exc:
        raise ScenarioError(
            [Problem(source, "", "a readable UTF-8 file", f"an undecodable byte at {exc.start}")]
        ) from None
    try:
        doc = safeyaml.load(text)
    except UnsafeYamlError as exc:
        raise ScenarioError([Problem(source, "", "plain, bounded YAML data", str(exc))]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown position"
        raise ScenarioError(
            [Problem(source, "", "valid YAML", f"a syntax error at {where}")]
        ) from None
    except ValueError as exc:  # PyYAML's date constructor on 2025-02-30
        raise ScenarioError(
            [Problem(source, "", "valid YAML values (real calendar dates)", str(exc))]
        ) from None
    if doc is None:
        doc = {}
    if not isinstance(doc, dict):
        raise ScenarioError([Problem(source, "", "a mapping of scenario keys", bounded_text(doc))])
    return doc


MAX_EXTENDS_DEPTH = 8


def deep_merge(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    """``top`` over ``base``: mappings merge recursively, anything else replaces."""
    out = dict(base)
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def resolve_extends(doc: dict[str, Any], path: Path, depth: int = 0) -> dict[str, Any]:
    """Replace ``extends: BASE`` by the merged content of BASE (recursively)."""
    doc = datafiles.anchor(doc, path)
    if "extends" not in doc:
        return doc
    base_ref = doc["extends"]
    source = str(path)
    if not isinstance(base_ref, str) or not base_ref:
        raise ScenarioError(
            [Problem(source, "extends", "a scenario name or YAML path", bounded_text(base_ref))]
        )
    if depth >= MAX_EXTENDS_DEPTH:
        raise ScenarioError(
            [
                Problem(
                    source,
                    "extends",
                    f"at most {MAX_EXTENDS_DEPTH} levels",
                    "a cycle or a deeper chain",
                )
            ]
        )
    if Path(base_ref).suffix in {".yaml", ".yml"}:
        base_path = path.parent / base_ref  # a file path is relative to the extending file
        if not base_path.exists():
            raise ScenarioError(
                [Problem(source, "extends", "an existing YAML file next to this one", base_ref)]
            )
    else:
        try:
            base_path = resolve_path(base_ref)
        except ScenarioError:
            raise ScenarioError(
                [
                    Problem(
                        source,
                        "extends",
                        f"a library scenario ({', '.join(library_names())})",
                        base_ref,
                    )
                ]
            ) from None
    base = resolve_extends(read_document(base_path), base_path, depth + 1)
    top = {k: v for k, v in doc.items() if k != "extends"}
    return deep_merge(base, top)


def load_scenario(
    name_or_path: str | Path = "baseline", overrides: list[str] | None = None
) -> Scenario:
    """Load, override and validate a scenario; raise :class:`ScenarioError` on any problem."""
    path = resolve_path(name_or_path)
    doc = resolve_extends(read_document(path), path)
    if overrides:
        # Override the scenario as resolved, defaults included, so that setting one key of a
        # defaulted mapping (governance.escalation.deadline_h.medium) keeps its other keys.
        with contextlib.suppress(ValidationError):  # an invalid file is reported below
            doc = Scenario.model_validate(doc).model_dump()
    doc, override_problems = _apply_overrides(doc, overrides or [], str(path))
    try:
        scenario = validate_document(doc, str(path))
    except ScenarioError as exc:
        raise ScenarioError(override_problems + exc.problems) from None
    if override_problems:
        raise ScenarioError(override_problems)
    return scenario


def describe_library() -> list[tuple[str, str]]:
    """(name, one-line description) of every shipped scenario."""
    out = []
    for name in library_names():
        doc = read_document(LIBRARY_DIR / f"{name}.yaml")
        desc = str(doc.get("description", "")).strip().splitlines()
        out.append((name, desc[0] if desc else ""))
    return out


def scenario_to_document(s: Scenario) -> dict[str, Any]:
    """A JSON/YAML-ready document that validates back to an equal scenario."""
    return s.model_dump(mode="json")


def document_to_yaml(doc: dict[str, Any]) -> str:
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)


def resolved_to_yaml(doc: dict[str, Any]) -> str:
    """YAML of a resolved scenario document, with dates as YAML dates: the file loads back
    (strictly) as a scenario file, so ``retail-twin run RUN_DIR/scenario.yaml`` reruns the run."""
    return document_to_yaml(scenario_from_resolved(doc).model_dump(mode="python"))


def _iso(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def scenario_from_resolved(doc: dict[str, Any]) -> Scenario:
    """Rebuild a scenario from :func:`scenario_to_document` output (dates as ISO strings)."""
    # JSON mode turned dates into strings; strict validation wants dates, so use lax JSON parsing.
    try:
        return Scenario.model_validate_json(json.dumps(doc, default=_iso))
    except ValidationError as err:
        raise ScenarioError(_pydantic_problems("<resolved>", err, doc)) from None

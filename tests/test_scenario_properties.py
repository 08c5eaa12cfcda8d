"""Properties of the scenario loader over generated and mutated documents.

Whatever a scenario file contains, loading it either gives a scenario or raises a
:class:`ScenarioError` — never another exception — and every problem in the error names the file,
a dotted path (empty only when the whole document is wrong), what was expected and what was found.
Two families of documents are generated: arbitrary nestings of mappings, lists and scalars, and the
valid baseline with keys deleted, values of other types, unknown keys and out-of-range numbers.
The baseline's own locations are also checked exhaustively: every key, every number.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scenarios.loader import (
    LIBRARY_DIR,
    Problem,
    ScenarioError,
    load_scenario,
    read_document,
    validate_document,
)
from scenarios.schema import Scenario

BASELINE_DOC = read_document(LIBRARY_DIR / "baseline.yaml")
SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
#: Mappings whose keys are data (channel names, pool names, ...), not schema fields.
FREE_FORM_MAPPINGS = {"mix", "pools", "deadline_h", "values"}

Location = tuple[Any, ...]
#: libyaml's dumper when available: writing the generated files is not what is under test.
FAST_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def _field_names() -> list[str]:
    """Every field name of every model of the schema, so generated keys often hit real fields."""
    schema = Scenario.model_json_schema()
    names = set(schema["properties"])
    for definition in schema.get("$defs", {}).values():
        names |= set(definition.get("properties", {}))
    return sorted(names)


FIELD_NAMES = _field_names()

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12)
    | st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31))
    | st.sampled_from(["12", "0.5", "true", "2025-09-01", "pos", "manual", "carrier_api"])
)
KEYS = (
    st.sampled_from(FIELD_NAMES)
    | st.text(min_size=1, max_size=10)
    | st.integers(min_value=-3, max_value=3)
)
VALUES = st.recursive(
    SCALARS,
    lambda kids: st.lists(kids, max_size=4) | st.dictionaries(KEYS, kids, max_size=5),
    max_leaves=25,
)
DOCUMENTS = VALUES | st.dictionaries(st.sampled_from(FIELD_NAMES) | KEYS, VALUES, max_size=8)
OUT_OF_RANGE = st.sampled_from(
    [-1, -0.5, 0, 1.5, 25, 10_001, -1e9, 1e12, 2**63, -(2**63), float("inf"), float("nan")]
)


# --------------------------------------------------------------------------- helpers
def dotted(loc: Location) -> str:
    """The report's spelling of a location: ``demand.seasonality[0].end``."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + str(part)
    return out


def locations(node: Any, loc: Location = ()) -> list[Location]:
    """Every location below ``node`` (not the root), containers before their contents."""
    out: list[Location] = []
    if isinstance(node, dict):
        for key, value in node.items():
            out.append((*loc, key))
            out += locations(value, (*loc, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out.append((*loc, i))
            out += locations(value, (*loc, i))
    return out


def get(doc: Any, loc: Location) -> Any:
    for part in loc:
        doc = doc[part]
    return doc


def put(doc: Any, loc: Location, value: Any) -> None:
    get(doc, loc[:-1])[loc[-1]] = value


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def dump(tmp_dir: Path, doc: Any) -> Path:
    path = tmp_dir / "generated.yaml"
    text = yaml.dump(doc, Dumper=FAST_DUMPER, sort_keys=False, allow_unicode=True)
    path.write_text(text, encoding="utf-8")
    return path


def check_outcome(path: Path, whole_document_may_be_wrong: bool) -> Scenario | list[Problem]:
    """Load ``path``: a scenario, or a ScenarioError whose every problem is fully described."""
    try:
        return load_scenario(path)
    except ScenarioError as exc:
        problems = exc.problems
    assert problems, "a ScenarioError must carry at least one problem"
    for p in problems:
        assert isinstance(p, Problem)
        assert p.source == str(path), p
        assert isinstance(p.path, str), p
        assert isinstance(p.expected, str), p
        assert p.expected.strip(), p
        assert isinstance(p.found, str), p
        assert p.found.strip(), p
        if p.path == "":
            assert whole_document_may_be_wrong, f"only a whole-document problem has no path: {p}"
        assert str(p)
    return problems


@pytest.fixture(scope="module")
def work_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("generated")


# --------------------------------------------------------------------------- generated documents
@SETTINGS
@given(doc=DOCUMENTS)
def test_any_document_loads_or_is_fully_reported(work_dir: Path, doc: Any) -> None:
    """Arbitrary nestings of mappings, lists and scalars never crash the loader; a mapping's
    problems all have a path, and only a non-mapping is a whole-document problem."""
    path = dump(work_dir, doc)
    outcome = check_outcome(path, whole_document_may_be_wrong=not isinstance(doc, dict | None))
    assert isinstance(outcome, list), "a generated document is never a complete scenario"


@st.composite
def mutated_baselines(draw: st.DrawFn) -> tuple[dict[str, Any], list[tuple[str, Location]]]:
    """The baseline with one to four mutations: delete, retype, unknown key, out-of-range."""
    doc = copy.deepcopy(BASELINE_DOC)
    applied: list[tuple[str, Location]] = []
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        places = locations(doc)
        op = draw(st.sampled_from(["delete", "retype", "unknown_key", "out_of_range"]))
        if op == "delete":
            loc = draw(st.sampled_from(places))
            del get(doc, loc[:-1])[loc[-1]]
        elif op == "retype":
            loc = draw(st.sampled_from(places))
            put(doc, loc, draw(VALUES))
        elif op == "unknown_key":
            mappings = [()] + [loc for loc in places if isinstance(get(doc, loc), dict)]
            loc = draw(st.sampled_from(mappings))
            key = "zz_" + draw(st.text(alphabet="abcxyz_", min_size=1, max_size=8))
            get(doc, loc)[key] = draw(SCALARS)
            loc = (*loc, key)
        else:
            numbers = [loc for loc in places if is_number(get(doc, loc))]
            if not numbers:
                continue
            loc = draw(st.sampled_from(numbers))
            put(doc, loc, draw(OUT_OF_RANGE))
        applied.append((op, loc))
    return doc, applied


@SETTINGS
@given(case=mutated_baselines())
def test_a_mutated_baseline_loads_or_is_fully_reported(
    work_dir: Path, case: tuple[dict[str, Any], list[tuple[str, Location]]]
) -> None:
    """Deleting keys, changing types, adding unknown keys and out-of-range numbers in the valid
    baseline never crash the loader, and every problem is located inside the document. When the
    only mutations are invented keys, each of them is reported at its own path."""
    doc, applied = case
    outcome = check_outcome(dump(work_dir, doc), whole_document_may_be_wrong=False)
    if all(op == "unknown_key" for op, _ in applied):
        assert isinstance(outcome, list), f"invented keys {applied} were accepted"
        reported = {p.path for p in outcome}
        for _, loc in applied:
            if not set(loc[:-1]) & FREE_FORM_MAPPINGS:
                assert dotted(loc) in reported, (dotted(loc), outcome)


# --------------------------------------------------------------------------- every location
BASELINE_LOCATIONS = locations(BASELINE_DOC)
NUMBER_LOCATIONS = [loc for loc in BASELINE_LOCATIONS if is_number(get(BASELINE_DOC, loc))]
MAPPING_LOCATIONS = [()] + [
    loc
    for loc in BASELINE_LOCATIONS
    if isinstance(get(BASELINE_DOC, loc), dict)
    and not (loc and isinstance(loc[-1], str) and loc[-1] in FREE_FORM_MAPPINGS)
]


def problems_of(doc: dict[str, Any]) -> list[Problem]:
    try:
        validate_document(doc, "mutant")
    except ScenarioError as exc:
        return exc.problems
    return []


def test_the_baseline_has_many_numbers_and_mappings_to_mutate() -> None:
    """Guard for the exhaustive checks below: they really walk the baseline."""
    assert len(NUMBER_LOCATIONS) > 50
    assert len(MAPPING_LOCATIONS) > 20
    assert validate_document(copy.deepcopy(BASELINE_DOC), "baseline").name == "baseline"


def test_every_number_of_the_baseline_written_as_text_is_rejected_at_its_path() -> None:
    """No coercion anywhere: each number of the baseline, quoted, is an error at its location
    showing the quoted text."""
    wrong = []
    for loc in NUMBER_LOCATIONS:
        doc = copy.deepcopy(BASELINE_DOC)
        text = str(get(doc, loc))
        put(doc, loc, text)
        hits = [p for p in problems_of(doc) if p.path == dotted(loc)]
        if not hits or hits[0].found != json.dumps(text):
            wrong.append((dotted(loc), hits))
    assert not wrong


def test_every_number_of_the_baseline_made_hugely_negative_is_rejected_at_its_path() -> None:
    """Every number in the baseline is a count, duration, rate, size or amount that cannot be
    minus a billion: each such value is an error at its own location."""
    wrong = []
    for loc in NUMBER_LOCATIONS:
        doc = copy.deepcopy(BASELINE_DOC)
        put(doc, loc, -1e9)
        if dotted(loc) not in {p.path for p in problems_of(doc)}:
            wrong.append(dotted(loc))
    assert not wrong


def test_an_unknown_key_in_any_mapping_of_the_baseline_is_rejected_at_its_path() -> None:
    """Every section and every list item is strict: an invented key anywhere is reported at
    exactly its dotted path, and it is the only problem."""
    wrong = []
    for loc in MAPPING_LOCATIONS:
        doc = copy.deepcopy(BASELINE_DOC)
        get(doc, loc)["zz_invented"] = 1
        problems = problems_of(doc)
        if [(p.path, "unknown" in p.expected) for p in problems] != [
            (dotted((*loc, "zz_invented")), True)
        ]:
            wrong.append((dotted(loc), problems))
    assert not wrong


def test_deleting_any_key_of_the_baseline_is_accepted_or_reported_at_its_path() -> None:
    """A deleted key is either optional (its default applies) or reported as required at its
    own location — never somewhere else, never as a crash."""
    wrong = []
    for loc in BASELINE_LOCATIONS:
        if not isinstance(loc[-1], str):
            continue
        doc = copy.deepcopy(BASELINE_DOC)
        del get(doc, loc[:-1])[loc[-1]]
        missing = [p for p in problems_of(doc) if p.found == "nothing"]
        if any(p.path != dotted(loc) or "required" not in p.expected for p in missing):
            wrong.append((dotted(loc), missing))
    assert not wrong

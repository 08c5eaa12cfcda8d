"""Dotted overrides: ``--set demand.promo_uplift=2.5`` changes one value of a scenario.

The value is read as YAML (``2.5`` a float, ``true`` a boolean, ``[1, 3]`` a list, ``2025-11-28``
a date); mapping keys and list indices (``faults.outages.0.intensity``) are both addressable.
Overrides are applied before validation, so an override is exactly as strict as the file: a
misspelt key is an unknown key, a quoted number is not a number. Every bad override is reported,
not just the first.
"""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from scenarios.loader import (
    LIBRARY_DIR,
    Problem,
    ScenarioError,
    apply_overrides,
    load_scenario,
    parse_override,
    read_document,
)

BASELINE = LIBRARY_DIR / "baseline.yaml"
SOURCE = str(BASELINE)


def baseline_doc() -> dict[str, Any]:
    return copy.deepcopy(read_document(BASELINE))


def rejected(overrides: list[str], scenario: str | Path = "baseline") -> list[Problem]:
    with pytest.raises(ScenarioError) as info:
        load_scenario(scenario, overrides)
    return info.value.problems


def at(problems: list[Problem], path: str) -> Problem:
    hits = [p for p in problems if p.path == path]
    assert len(hits) == 1, f"expected one problem at {path!r}, got {problems}"
    return hits[0]


# --------------------------------------------------------------------------- parsing
@pytest.mark.parametrize(
    ("text", "parts", "value"),
    [
        pytest.param("demand.promo_uplift=2.5", ["demand", "promo_uplift"], 2.5, id="float"),
        pytest.param("horizon_days=30", ["horizon_days"], 30, id="int"),
        pytest.param(
            "network.suppliers.5.preferred=true",
            ["network", "suppliers", "5", "preferred"],
            True,
            id="bool-through-index",
        ),
        pytest.param(
            "network.store_delivery_weekdays=[1, 3]",
            ["network", "store_delivery_weekdays"],
            [1, 3],
            id="list",
        ),
        pytest.param("start_date=2025-11-28", ["start_date"], dt.date(2025, 11, 28), id="date"),
        pytest.param("name=black_friday", ["name"], "black_friday", id="text"),
        pytest.param("horizon_days='12'", ["horizon_days"], "12", id="quoted-number-is-text"),
        pytest.param("description=a=b", ["description"], "a=b", id="value-with-equals"),
        pytest.param(
            " demand.promo_uplift =2.5", ["demand", "promo_uplift"], 2.5, id="spaces-around-key"
        ),
        pytest.param("description=", ["description"], "", id="empty-value-is-empty-text"),
        pytest.param("faults.outages=[]", ["faults", "outages"], [], id="empty-list"),
        pytest.param(
            "demand.payments={abandon: 0.5}", ["demand", "payments"], {"abandon": 0.5}, id="mapping"
        ),
    ],
)
def test_an_override_is_a_dotted_key_and_a_yaml_value(
    text: str, parts: list[str], value: Any
) -> None:
    """KEY=VALUE splits at the first '=', the key at dots, and the value is read as YAML."""
    assert parse_override(text) == (parts, value)
    assert type(parse_override(text)[1]) is type(value)


@pytest.mark.parametrize(
    ("text", "path"),
    [
        pytest.param("demand.promo_uplift", "demand.promo_uplift", id="no-equals-sign"),
        pytest.param("=2.5", "", id="no-key"),
        pytest.param("demand..promo_uplift=2.5", "demand..promo_uplift", id="empty-segment"),
        pytest.param(".horizon_days=3", ".horizon_days", id="leading-dot"),
        pytest.param("horizon_days.=3", "horizon_days.", id="trailing-dot"),
        pytest.param("horizon_days=[1, 2", "horizon_days", id="broken-yaml-value"),
        pytest.param("name={a: 1", "name", id="broken-yaml-mapping"),
    ],
)
def test_a_malformed_override_is_a_problem_of_the_command_line(text: str, path: str) -> None:
    """A malformed --set is reported against ``--set`` with the key as written."""
    with pytest.raises(ScenarioError) as info:
        parse_override(text)
    [problem] = info.value.problems
    assert problem.source == "--set"
    assert problem.path == path
    assert problem.expected.strip()
    assert problem.found.strip()


# --------------------------------------------------------------------------- applying
def test_a_float_override_changes_the_scenario() -> None:
    """``demand.promo_uplift=2.5`` makes promotions lift demand 2.5x."""
    assert load_scenario("baseline", ["demand.promo_uplift=2.5"]).demand.promo_uplift == 2.5


def test_a_boolean_override_through_a_list_index() -> None:
    """``network.suppliers.5.preferred=true`` changes the sixth supplier only."""
    base = load_scenario("baseline")
    assert base.network.suppliers[5].preferred is False
    s = load_scenario("baseline", ["network.suppliers.5.preferred=true"])
    assert s.network.suppliers[5].preferred is True
    assert s.network.suppliers[5].name == base.network.suppliers[5].name
    assert [x.preferred for x in s.network.suppliers[:5]] == [
        x.preferred for x in base.network.suppliers[:5]
    ]


def test_a_list_override_replaces_the_whole_list() -> None:
    """``network.store_delivery_weekdays=[1, 3]`` delivers to stores on Tuesday and Thursday."""
    s = load_scenario("baseline", ["network.store_delivery_weekdays=[1, 3]"])
    assert s.network.store_delivery_weekdays == [1, 3]


def test_date_overrides_move_the_calendar() -> None:
    """Dates are YAML dates: the start and a season's end move to the given days."""
    s = load_scenario("baseline", ["start_date=2025-10-01", "demand.seasonality.0.end=2025-09-20"])
    assert s.start_date == dt.date(2025, 10, 1)
    assert s.demand.seasonality[0].end == dt.date(2025, 9, 20)
    assert s.demand.seasonality[1] == load_scenario("baseline").demand.seasonality[1]


def test_overrides_apply_in_order_so_a_new_list_can_then_be_indexed() -> None:
    """Add an outage, then tune it by index: ``faults.outages.0.intensity=0.25``."""
    s = load_scenario(
        "baseline",
        [
            "faults.outages=[{target: carrier_api, start_day: 3, duration_h: 12}]",
            "faults.outages.0.intensity=0.25",
        ],
    )
    [outage] = s.faults.outages
    assert (outage.target, outage.start_day, outage.duration_h) == ("carrier_api", 3, 12)
    assert outage.intensity == 0.25


def test_the_last_override_of_a_key_wins() -> None:
    """Two overrides of one key: the later one is what runs."""
    s = load_scenario("baseline", ["horizon_days=30", "horizon_days=45"])
    assert s.horizon_days == 45


def test_an_override_may_fill_a_section_the_file_left_to_defaults() -> None:
    """The baseline does not write ``demand.returns``; overriding one of its fields keeps the
    other defaults."""
    base = load_scenario("baseline")
    s = load_scenario("baseline", ["demand.returns.online_rate=0.25"])
    assert s.demand.returns.online_rate == 0.25
    assert s.demand.returns.store_rate == base.demand.returns.store_rate


def test_an_int_override_is_accepted_for_a_float_field() -> None:
    """``catalogue.price.p90=90`` is the number 90.0, as in a file."""
    assert load_scenario("baseline", ["catalogue.price.p90=90"]).catalogue.price.p90 == 90.0


def test_applying_overrides_leaves_the_original_document_untouched() -> None:
    """The loaded document is copied, so overriding one run cannot leak into the next."""
    doc = baseline_doc()
    before = copy.deepcopy(doc)
    changed = apply_overrides(
        doc, ["demand.seasonality.0.multiplier=2", "demand.returns.online_rate=0.3"], "x"
    )
    assert doc == before
    assert changed["demand"]["seasonality"][0]["multiplier"] == 2
    assert changed["demand"]["returns"] == {"online_rate": 0.3}


def test_overrides_of_a_file_are_reported_under_the_file_name(tmp_path: Path) -> None:
    """Problems caused by overrides name the scenario file they were applied to."""
    path = tmp_path / "shop.yaml"
    path.write_text(BASELINE.read_text(encoding="utf-8"), encoding="utf-8")
    problems = rejected(["demand.seasonality.4.end=2025-01-01"], path)
    assert [(p.source, p.path) for p in problems] == [(str(path), "demand.seasonality.4")]
    problems = rejected(["horizon_days=0"], path)
    assert [(p.source, p.path) for p in problems] == [(str(path), "horizon_days")]


# --------------------------------------------------------------------------- bad paths
@pytest.mark.parametrize(
    ("override", "path", "found"),
    [
        pytest.param(
            "demand.seasonality.2.multiplier=2", "demand.seasonality.2", "2", id="one-past-the-end"
        ),
        pytest.param("demand.seasonality.17=x", "demand.seasonality.17", "17", id="far-past"),
        pytest.param(
            "demand.seasonality.-1.multiplier=2", "demand.seasonality.-1", "-1", id="negative"
        ),
        pytest.param(
            "demand.seasonality.first.multiplier=2",
            "demand.seasonality.first",
            "first",
            id="a-name-in-a-list",
        ),
    ],
)
def test_a_bad_list_index_is_reported_with_the_list_length(
    override: str, path: str, found: str
) -> None:
    """Baseline has two seasons: index 2, -1 or ``first`` is not one of them."""
    [problem] = rejected([override])
    assert (problem.source, problem.path, problem.found) == (SOURCE, path, found)
    assert "< 2" in problem.expected


@pytest.mark.parametrize(
    ("override", "path", "found"),
    [
        pytest.param("horizon_days.value=3", "horizon_days.value", "90", id="through-an-int"),
        pytest.param("name.first=x", "name.first", '"baseline"', id="through-a-string"),
        pytest.param(
            "network.stores.count.0=3", "network.stores.count.0", "40", id="index-a-number"
        ),
        pytest.param(
            "network.store_delivery_weekdays.0.day=1",
            "network.store_delivery_weekdays.0.day",
            "0",
            id="through-a-list-item",
        ),
    ],
)
def test_a_path_through_a_plain_value_is_an_error(override: str, path: str, found: str) -> None:
    """One cannot descend into a number or a name: the override names where it got stuck."""
    problem = at(rejected([override]), path)
    assert "mapping or list" in problem.expected
    assert problem.found == found


def test_a_misspelt_key_is_an_unknown_key_not_a_new_setting() -> None:
    """``demand.promo_uplfit=2.5`` does not silently add a setting: the schema rejects it at
    its path, and it is the only problem."""
    [problem] = rejected(["demand.promo_uplfit=2.5"])
    assert problem.path == "demand.promo_uplfit"
    assert "unknown" in problem.expected
    assert problem.found == "2.5"


def test_an_override_inventing_a_section_is_rejected_at_the_section() -> None:
    """``demand.loyalty.points=3`` creates ``demand.loyalty``, which the schema does not know."""
    [problem] = rejected(["demand.loyalty.points=3"])
    assert problem.path == "demand.loyalty"
    assert "unknown" in problem.expected


def test_indexing_a_list_the_file_does_not_have_is_rejected() -> None:
    """Baseline has no outages: ``faults.outages.0.intensity`` cannot tune one."""
    problems = rejected(["faults.outages.0.intensity=0.5"])
    assert problems
    assert all(p.path.startswith("faults.outages") for p in problems)


@pytest.mark.parametrize(
    ("override", "path", "word"),
    [
        pytest.param("horizon_days='12'", "horizon_days", "integer", id="quoted-int"),
        pytest.param(
            "demand.promo_uplift='2.5'", "demand.promo_uplift", "number", id="quoted-float"
        ),
        pytest.param(
            "network.stores.count=40.0", "network.stores.count", "integer", id="float-int"
        ),
        pytest.param("start_date='2025-10-01'", "start_date", "date", id="quoted-date"),
        pytest.param(
            "network.warehouses.0.serves_online='no'",
            "network.warehouses[0].serves_online",
            "bool",
            id="quoted-bool",
        ),
        pytest.param("demand.promo_uplift=-1", "demand.promo_uplift", "0", id="negative-uplift"),
        pytest.param("horizon_days=", "horizon_days", "integer", id="empty-value"),
    ],
)
def test_an_override_is_as_strict_as_the_file(override: str, path: str, word: str) -> None:
    """Overridden values are validated like written ones: no coercion, bounds enforced."""
    [problem] = rejected([override])
    assert problem.path == path
    assert word in problem.expected.lower()


def test_an_override_breaking_a_cross_field_rule_is_reported() -> None:
    """``channels.mix.pos=0.5`` leaves a mix summing to 0.68: the mix is reported."""
    [problem] = rejected(["channels.mix.pos=0.5"])
    assert problem.path == "channels.mix"
    assert problem.found == "0.68"


# --------------------------------------------------------------------------- several at once
def test_several_bad_override_paths_are_reported_together() -> None:
    """Four broken overrides, four problems — malformed ones against ``--set``, bad paths
    against the scenario — in the order given."""
    problems = rejected(
        [
            "horizon_days.value=3",
            "no_equals_sign",
            "demand.seasonality.9.multiplier=2",
            "demand..promo_uplift=2",
        ]
    )
    assert [(p.source, p.path) for p in problems] == [
        (SOURCE, "horizon_days.value"),
        ("--set", "no_equals_sign"),
        (SOURCE, "demand.seasonality.9"),
        ("--set", "demand..promo_uplift"),
    ]


def test_several_invalid_override_values_are_reported_together() -> None:
    """A quoted horizon, a negative uplift and an invented store key: three schema problems."""
    problems = rejected(
        ["horizon_days='12'", "demand.promo_uplift=-1", "network.stores.colour=red"]
    )
    assert {p.path for p in problems} == {
        "horizon_days",
        "demand.promo_uplift",
        "network.stores.colour",
    }
    assert {p.source for p in problems} == {SOURCE}


def test_a_bad_path_and_a_bad_value_are_reported_together() -> None:
    """One run lists both a list index out of range and a quoted horizon."""
    problems = rejected(["demand.seasonality.9.multiplier=2", "horizon_days='12'"])
    assert {p.path for p in problems} == {"demand.seasonality.9", "horizon_days"}


# --------------------------------------------------------------------------- known defects
def test_a_superscript_digit_is_not_a_list_index() -> None:
    """``demand.seasonality.².multiplier=2`` is a bad index, not an unhandled ValueError."""
    problems = rejected(["demand.seasonality.\u00b2.multiplier=2"])
    assert [p.path for p in problems] == ["demand.seasonality.\u00b2"]


def test_an_impossible_date_override_is_a_problem() -> None:
    """``start_date=2025-02-30`` is reported against ``--set``, not raised as ValueError."""
    [problem] = rejected(["start_date=2025-02-30"])
    assert (problem.source, problem.path) == ("--set", "start_date")

"""The scenario schema and loader: strict validation and complete, located error reports.

A scenario file is strict data: an unknown key, a quoted number or an impossible value is an
error, never silently fixed. A bad file is reported in one go — every problem with the file it is
in, the dotted path inside the document (``network.stores.count``,
``demand.seasonality[0].end``), what was expected and what was found.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from scenarios.loader import (
    LIBRARY_DIR,
    Problem,
    ScenarioError,
    document_to_yaml,
    library_names,
    load_scenario,
    read_document,
    scenario_from_resolved,
    scenario_to_document,
    validate_document,
)
from scenarios.schema import Scenario

BASELINE = LIBRARY_DIR / "baseline.yaml"


# --------------------------------------------------------------------------- helpers
def baseline_doc() -> dict[str, Any]:
    """A fresh, mutable copy of the baseline retailer's raw document."""
    return copy.deepcopy(read_document(BASELINE))


def write_yaml(tmp_path: Path, doc: Any, name: str = "scenario.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


def write_text(tmp_path: Path, text: str, name: str = "scenario.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def rejected(path: Path, overrides: list[str] | None = None) -> list[Problem]:
    """Load ``path`` expecting a rejection; return its problems."""
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, overrides)
    return info.value.problems


def only(problems: list[Problem], path: str) -> Problem:
    """The single problem reported at ``path``."""
    hits = [p for p in problems if p.path == path]
    assert len(hits) == 1, f"expected one problem at {path!r}, got {problems}"
    return hits[0]


def dotted(parts: tuple[Any, ...]) -> str:
    """The report's spelling of a document location: ``demand.seasonality[0].end``."""
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + part
    return out


def assert_well_formed(problems: list[Problem], source: str) -> None:
    assert problems, "a rejection must carry at least one problem"
    for p in problems:
        assert p.source == source
        assert isinstance(p.path, str)
        assert p.expected.strip()
        assert p.found.strip()


# --------------------------------------------------------------------------- the library is valid
@pytest.mark.parametrize("name", library_names())
def test_every_library_scenario_loads(name: str) -> None:
    """Each shipped scenario, by name, passes both the schema and the cross-field rules."""
    scenario = load_scenario(name)
    assert isinstance(scenario, Scenario)
    assert scenario.name == name


def test_baseline_is_the_default_scenario() -> None:
    """Loading without a name gives the baseline retailer."""
    assert load_scenario().name == "baseline"


# --------------------------------------------------------------------------- many errors at once
def test_several_schema_errors_in_one_file_are_all_reported(tmp_path: Path) -> None:
    """An unknown key, a quoted integer, a negative horizon, a text date and a missing lead time:
    five problems, five located reports, each naming the file."""
    doc = baseline_doc()
    doc["network"]["stores"]["colour"] = "red"
    doc["network"]["stores"]["count"] = "40"
    doc["horizon_days"] = -5
    doc["demand"]["seasonality"][0]["end"] = "mid-September"
    del doc["network"]["suppliers"][3]["lead_time_days"]
    path = write_yaml(tmp_path, doc)

    problems = rejected(path)

    assert_well_formed(problems, str(path))
    assert {p.path for p in problems} == {
        "network.stores.colour",
        "network.stores.count",
        "horizon_days",
        "demand.seasonality[0].end",
        "network.suppliers[3].lead_time_days",
    }
    assert "unknown" in only(problems, "network.stores.colour").expected
    assert only(problems, "network.stores.colour").found == '"red"'
    assert "integer" in only(problems, "network.stores.count").expected
    assert only(problems, "network.stores.count").found == '"40"'
    assert "1" in only(problems, "horizon_days").expected
    assert only(problems, "horizon_days").found == "-5"
    assert "date" in only(problems, "demand.seasonality[0].end").expected
    assert "mid-September" in only(problems, "demand.seasonality[0].end").found
    missing = only(problems, "network.suppliers[3].lead_time_days")
    assert "required" in missing.expected
    assert missing.found == "nothing"


def test_several_cross_field_problems_in_one_file_are_all_reported(tmp_path: Path) -> None:
    """Schema-valid but inconsistent: a channel mix summing to 0.9, a supplier delay naming an
    unknown vendor, a season ending before it starts, stores closing before they open and a
    reorder policy ordering up to less than its reorder point — every one is reported."""
    doc = baseline_doc()
    doc["channels"]["mix"] = {"pos": 0.72, "ecommerce": 0.16, "marketplace": 0.02}
    doc["faults"] = {
        "supplier_delays": [
            {
                "suppliers": ["acme_home", "nobody_ltd"],
                "start": dt.date(2025, 9, 10),
                "end": dt.date(2025, 9, 20),
                "extra_days": 3,
            }
        ]
    }
    doc["demand"]["seasonality"][0]["end"] = dt.date(2025, 8, 1)
    doc["network"]["stores"]["close_h"] = 8
    doc["inventory"]["dc_policy"] = {"reorder_point_days": 18, "order_up_to_days": 12}
    path = write_yaml(tmp_path, doc)

    problems = rejected(path)

    assert_well_formed(problems, str(path))
    assert {p.path for p in problems} == {
        "channels.mix",
        "faults.supplier_delays[0].suppliers[1]",
        "demand.seasonality[0].end",
        "network.stores.close_h",
        "inventory.dc_policy.order_up_to_days",
    }
    mix = only(problems, "channels.mix")
    assert "1" in mix.expected
    assert mix.found == "0.9"
    supplier = only(problems, "faults.supplier_delays[0].suppliers[1]")
    assert supplier.found == "nobody_ltd"
    assert "acme_home" in supplier.expected
    assert only(problems, "demand.seasonality[0].end").found == "2025-08-01"
    assert only(problems, "network.stores.close_h").found == "8.0"
    assert only(problems, "inventory.dc_policy.order_up_to_days").found == "12.0"


@pytest.mark.parametrize(
    ("mutate", "path", "found"),
    [
        pytest.param(
            lambda d: d["network"]["warehouses"][0].update(serves_online=True),
            "network.warehouses",
            "['dc_north', 'fc_online']",
            id="two-online-fulfilment-centres",
        ),
        pytest.param(
            lambda d: d["network"]["warehouses"][1].update(name="dc_north"),
            "network.warehouses",
            "['dc_north', 'dc_north', 'fc_online']",
            id="duplicate-warehouse-names",
        ),
        pytest.param(
            lambda d: d["network"]["suppliers"][1].update(name="acme_home"),
            "network.suppliers",
            None,
            id="duplicate-supplier-names",
        ),
        pytest.param(
            lambda d: d.setdefault("demand", {}).update(
                payments={"retry_other_card": 0.5, "abandon": 0.5, "retry_after_notice": 0.5}
            ),
            "demand.payments",
            "1.5",
            id="decline-outcomes-not-summing-to-one",
        ),
        pytest.param(
            lambda d: d.update(policy={"refund": {"low_below": 500, "high_from": 100}}),
            "policy.refund.high_from",
            "100.0",
            id="inverted-risk-tiers",
        ),
        pytest.param(
            lambda d: d.update(
                approvals={
                    "pools": {"buyers": {"size": 3, "calendar": {"open_h": 17, "close_h": 9}}}
                }
            ),
            "approvals.pools.buyers.calendar.close_h",
            "9.0",
            id="desk-closing-before-it-opens",
        ),
        pytest.param(
            lambda d: d["demand"]["promotions"][0].update(end=dt.date(2025, 10, 1)),
            "demand.promotions[0].end",
            "2025-10-01",
            id="promotion-ending-before-it-starts",
        ),
        pytest.param(
            lambda d: d["channels"].update(mix={"pos": 0.9, "ecommerce": 0.1}),
            "channels.mix",
            "['ecommerce', 'pos']",
            id="channel-mix-missing-marketplace",
        ),
    ],
)
def test_each_cross_field_rule_is_reported_at_its_path(
    tmp_path: Path, mutate: Any, path: str, found: str | None
) -> None:
    """Every cross-field rule names the place in the document that breaks it."""
    doc = baseline_doc()
    mutate(doc)
    problems = rejected(write_yaml(tmp_path, doc))
    problem = only(problems, path)
    assert problem.expected.strip()
    if found is not None:
        assert problem.found == found


@pytest.mark.xfail(
    strict=True,
    reason="loader.validate_document runs semantic_problems only when the schema pass succeeds, "
    "so a file with both kinds of problem reports only its schema problems",
)
def test_schema_and_cross_field_problems_of_one_file_are_reported_together(
    tmp_path: Path,
) -> None:
    """One file, one report: a quoted store count and a channel mix summing to 0.9 are both
    listed, so the author does not fix the file in rounds."""
    doc = baseline_doc()
    doc["network"]["stores"]["count"] = "40"
    doc["channels"]["mix"]["pos"] = 0.72
    problems = rejected(write_yaml(tmp_path, doc))
    assert {"network.stores.count", "channels.mix"} <= {p.path for p in problems}


# --------------------------------------------------------------------------- strictness
@pytest.mark.parametrize(
    ("path", "value", "expected_word"),
    [
        pytest.param(("horizon_days",), "12", "integer", id="quoted-horizon"),
        pytest.param(("seed",), "7", "integer", id="quoted-seed"),
        pytest.param(("horizon_days",), True, "integer", id="bool-for-int"),
        pytest.param(("network", "stores", "count"), 40.0, "integer", id="float-for-int"),
        pytest.param(("demand", "promo_uplift"), "2.5", "number", id="quoted-float"),
        pytest.param(
            ("network", "warehouses", 0, "serves_online"), "true", "bool", id="quoted-bool"
        ),
        pytest.param(("start_date",), "2025-09-01", "date", id="quoted-date"),
        pytest.param(("name",), 42, "string", id="int-for-name"),
    ],
)
def test_values_are_never_coerced(
    tmp_path: Path, path: tuple[Any, ...], value: Any, expected_word: str
) -> None:
    """Strict schema: the string "12" is not an integer, 40.0 is not a store count, "true" is
    not a boolean — each is rejected at its path, showing the value as written."""
    doc = baseline_doc()
    node = doc
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    problems = rejected(write_yaml(tmp_path, doc))
    problem = only(problems, dotted(path))
    assert expected_word in problem.expected.lower()
    assert problem.found == json.dumps(value)
    assert len(problems) == 1


def test_the_string_twelve_is_not_a_horizon(tmp_path: Path) -> None:
    """``horizon_days: "12"`` in a file is rejected; ``horizon_days: 12`` is accepted."""
    text = BASELINE.read_text(encoding="utf-8")
    quoted = write_text(tmp_path, text.replace("horizon_days: 90", 'horizon_days: "12"'), "q.yaml")
    problem = only(rejected(quoted), "horizon_days")
    assert problem.found == '"12"'
    plain = write_text(tmp_path, text.replace("horizon_days: 90", "horizon_days: 12"), "p.yaml")
    assert load_scenario(plain).horizon_days == 12


def test_an_integer_is_accepted_where_a_float_is_expected(tmp_path: Path) -> None:
    """Like JSON, 90 is a perfectly good price percentile, uplift or opening hour."""
    doc = baseline_doc()
    doc["catalogue"]["price"] = {"median": 25, "p90": 90}
    doc["demand"]["promo_uplift"] = 2
    doc["network"]["stores"]["open_h"] = 8
    scenario = load_scenario(write_yaml(tmp_path, doc))
    assert scenario.catalogue.price.p90 == 90.0
    assert isinstance(scenario.catalogue.price.p90, float)
    assert scenario.demand.promo_uplift == 2.0
    assert scenario.network.stores.open_h == 8.0


@pytest.mark.parametrize(
    "where",
    [
        pytest.param((), id="top-level"),
        pytest.param(("network",), id="network"),
        pytest.param(("network", "stores"), id="stores"),
        pytest.param(("network", "suppliers", 2), id="third-supplier"),
        pytest.param(("network", "suppliers", 0, "lead_time_days"), id="lognormal-in-a-list"),
        pytest.param(("demand", "seasonality", 1), id="season-window"),
        pytest.param(("demand", "promotions", 0), id="promotion"),
        pytest.param(("inventory", "store_policy"), id="reorder-policy"),
        pytest.param(("orchestration",), id="orchestration"),
        pytest.param(("channels", "ecommerce"), id="online-channel"),
    ],
)
def test_an_unknown_key_at_any_depth_is_rejected_with_its_path(
    tmp_path: Path, where: tuple[Any, ...]
) -> None:
    """A misspelt or invented key never falls back to a default: it is an error at its path."""
    doc = baseline_doc()
    node = doc
    for part in where:
        node = node[part]
    node["colour"] = "red"
    problems = rejected(write_yaml(tmp_path, doc))
    problem = only(problems, dotted((*where, "colour")))
    assert "unknown" in problem.expected
    assert problem.found == '"red"'
    assert len(problems) == 1


def test_unknown_key_inside_an_omitted_section_is_rejected(tmp_path: Path) -> None:
    """A section the baseline leaves to its defaults is still strict when written."""
    doc = baseline_doc()
    doc["demand"]["returns"] = {"online_rate": 0.2, "onlien_rate": 0.3}
    problem = only(rejected(write_yaml(tmp_path, doc)), "demand.returns.onlien_rate")
    assert "unknown" in problem.expected


def test_missing_required_sections_are_each_reported(tmp_path: Path) -> None:
    """Leaving out the network and the catalogue reports both, as required fields."""
    doc = baseline_doc()
    del doc["network"]
    del doc["catalogue"]
    problems = rejected(write_yaml(tmp_path, doc))
    assert {p.path for p in problems} == {"network", "catalogue"}
    for p in problems:
        assert "required" in p.expected
        assert p.found == "nothing"


def test_an_empty_file_lists_every_required_field(tmp_path: Path) -> None:
    """An empty file is an empty scenario: name, seed, horizon, network, catalogue and demand
    are all reported missing."""
    path = write_text(tmp_path, "")
    problems = rejected(path)
    assert_well_formed(problems, str(path))
    assert {p.path for p in problems} == {
        "name",
        "seed",
        "horizon_days",
        "network",
        "catalogue",
        "demand",
    }


@pytest.mark.parametrize(
    ("text", "found"),
    [
        pytest.param("- baseline\n- tiny\n", '["baseline", "tiny"]', id="a-list"),
        pytest.param("just some words\n", '"just some words"', id="a-string"),
        pytest.param("42\n", "42", id="a-number"),
    ],
)
def test_a_document_that_is_not_a_mapping_is_one_whole_document_problem(
    tmp_path: Path, text: str, found: str
) -> None:
    """A file whose top level is not a mapping gets one problem at the root (empty path)."""
    path = write_text(tmp_path, text)
    problems = rejected(path)
    assert len(problems) == 1
    assert problems[0].path == ""
    assert problems[0].source == str(path)
    assert "mapping" in problems[0].expected
    assert problems[0].found == found


def test_validate_document_rejects_a_non_mapping_with_the_given_source() -> None:
    """Validating an already-parsed document names the source it is given."""
    with pytest.raises(ScenarioError) as info:
        validate_document([1, 2], source="inline")
    [problem] = info.value.problems
    assert (problem.source, problem.path) == ("inline", "")


def test_out_of_range_numbers_are_rejected_with_their_bounds(tmp_path: Path) -> None:
    """Probabilities above 1, zero-sized pools and negative lead times are out of range."""
    doc = baseline_doc()
    doc["network"]["suppliers"][0]["on_time_prob"] = 1.3
    doc["network"]["suppliers"][1]["lead_time_days"]["median"] = -4
    doc["approvals"] = {"pools": {"buyers": {"size": 0}}}
    doc["seed"] = 2**63
    problems = rejected(write_yaml(tmp_path, doc))
    assert {p.path for p in problems} == {
        "network.suppliers[0].on_time_prob",
        "network.suppliers[1].lead_time_days.median",
        "approvals.pools.buyers.size",
        "seed",
    }
    assert "1" in only(problems, "network.suppliers[0].on_time_prob").expected
    assert only(problems, "network.suppliers[0].on_time_prob").found == "1.3"
    assert only(problems, "network.suppliers[1].lead_time_days.median").found == "-4"
    assert only(problems, "approvals.pools.buyers.size").found == "0"


# --------------------------------------------------------------------------- YAML and files
@pytest.mark.parametrize(
    ("text", "line"),
    [
        pytest.param("name: x\nseed: 1\nhorizon_days: [1, 2\ncurrency: USD\n", 4, id="open-list"),
        pytest.param("name: x\n\tseed: 1\n", 2, id="tab-indent"),
        pytest.param("name: x\nseed: 1\nnetwork:\n  stores: {count: 3\n", 5, id="open-mapping"),
        pytest.param("name: x\nseed: 'unterminated\n", 3, id="open-quote"),
        pytest.param("name: x\n  seed: 1\n", 2, id="bad-indent"),
    ],
)
def test_a_yaml_syntax_error_names_the_line(tmp_path: Path, text: str, line: int) -> None:
    """Broken YAML is one problem naming the file and the line the parser stopped at."""
    path = write_text(tmp_path, text)
    problems = rejected(path)
    assert len(problems) == 1
    [problem] = problems
    assert problem.source == str(path)
    assert problem.path == ""
    assert "YAML" in problem.expected
    assert f"line {line}," in problem.found


def test_an_unknown_scenario_name_lists_the_library() -> None:
    """A name that is neither a file nor a library scenario lists what the library offers."""
    with pytest.raises(ScenarioError) as info:
        load_scenario("no_such_retailer")
    [problem] = info.value.problems
    assert problem.source == "no_such_retailer"
    for name in library_names():
        assert name in problem.expected


def test_a_missing_yaml_file_is_reported_not_raised(tmp_path: Path) -> None:
    """A path to a YAML file that does not exist is a problem naming that path."""
    path = tmp_path / "absent.yaml"
    [problem] = rejected(path)
    assert problem.source == str(path)
    assert "readable" in problem.expected


def test_a_directory_is_not_a_scenario(tmp_path: Path) -> None:
    """Pointing the loader at a folder reports an unreadable file."""
    [problem] = rejected(tmp_path)
    assert problem.source == str(tmp_path)
    assert "readable" in problem.expected


def test_a_file_extending_the_baseline_reports_its_own_problems(tmp_path: Path) -> None:
    """``extends: baseline`` merges the file over the baseline; a bad value in the file is
    reported at its path, under the extending file's name."""
    path = write_text(
        tmp_path,
        "extends: baseline\nname: variant\ndemand: {promo_uplift: '2.5'}\n"
        "network: {stores: {count: 12}}\n",
    )
    [problem] = rejected(path)
    assert (problem.source, problem.path, problem.found) == (
        str(path),
        "demand.promo_uplift",
        '"2.5"',
    )
    good = write_text(
        tmp_path, "extends: baseline\nname: variant\nnetwork: {stores: {count: 12}}\n", "ok.yaml"
    )
    scenario = load_scenario(good)
    assert scenario.network.stores.count == 12
    assert scenario.network.stores.close_h == load_scenario("baseline").network.stores.close_h


# --------------------------------------------------------------------------- the report's text
def test_a_problem_reads_as_file_path_expected_found() -> None:
    """The printed problem names the file, the path (``<root>`` when empty), expected, found."""
    located = Problem("shop.yaml", "network.stores.count", "a valid integer", '"40"')
    assert str(located) == 'shop.yaml: network.stores.count: expected a valid integer; found "40"'
    root = Problem("shop.yaml", "", "a mapping of scenario keys", "[]")
    assert str(root).startswith("shop.yaml: <root>: expected a mapping")


def test_the_error_message_lists_every_problem() -> None:
    """A ScenarioError's message counts its problems and prints each on its own line."""
    problems = [
        Problem("a.yaml", "horizon_days", "an integer", '"12"'),
        Problem("a.yaml", "channels.mix", "shares summing to 1", "0.9"),
    ]
    message = str(ScenarioError(problems))
    assert message.splitlines()[0].startswith("2 problem")
    for p in problems:
        assert f"  - {p}" in message.splitlines()


# --------------------------------------------------------------------------- resolved documents
@pytest.mark.parametrize("name", library_names())
def test_the_resolved_document_rebuilds_the_same_scenario(name: str) -> None:
    """What a run records beside its results (the resolved document) rebuilds the exact scenario,
    also after a trip through YAML and JSON, and is a fixed point of the round trip."""
    scenario = load_scenario(name)
    doc = scenario_to_document(scenario)
    assert scenario_from_resolved(doc) == scenario
    assert scenario_from_resolved(yaml.safe_load(document_to_yaml(doc))) == scenario
    assert scenario_from_resolved(json.loads(json.dumps(doc))) == scenario
    assert scenario_to_document(scenario_from_resolved(doc)) == doc


def test_a_resolved_document_spells_out_every_default() -> None:
    """The resolved document is complete: defaults the file left out are written in it."""
    doc = scenario_to_document(load_scenario("baseline"))
    assert doc["currency"] == "USD"
    assert doc["demand"]["returns"]["online_rate"] == pytest.approx(0.18)
    assert set(doc["approvals"]["pools"]) >= {"buyers", "finance"}
    assert doc["start_date"] == "2025-09-01"


def test_a_corrupted_resolved_document_is_a_scenario_error() -> None:
    """Rebuilding from a tampered record reports the tampered path, not a pydantic error."""
    doc = scenario_to_document(load_scenario("baseline"))
    doc["horizon_days"] = 0
    doc["network"]["stores"]["colour"] = "red"
    with pytest.raises(ScenarioError) as info:
        scenario_from_resolved(doc)
    assert {p.path for p in info.value.problems} == {"horizon_days", "network.stores.colour"}
    assert {p.source for p in info.value.problems} == {"<resolved>"}


# --------------------------------------------------------------------------- known defects
def test_an_impossible_calendar_date_is_a_located_problem(tmp_path: Path) -> None:
    """``start_date: 2025-02-30`` is a problem naming the file, not an unhandled ValueError."""
    text = BASELINE.read_text(encoding="utf-8").replace(
        "start_date: 2025-09-01", "start_date: 2025-02-30"
    )
    path = write_text(tmp_path, text)
    problems = rejected(path)
    assert_well_formed(problems, str(path))


def test_a_file_that_is_not_utf8_is_a_problem(tmp_path: Path) -> None:
    """A Latin-1 file is reported as unreadable text, not as a UnicodeDecodeError."""
    path = tmp_path / "latin1.yaml"
    path.write_bytes("name: caf\xe9\n".encode("latin-1"))
    assert_well_formed(rejected(path), str(path))


def test_an_overlong_scenario_name_is_a_problem() -> None:
    """A 300-character name is simply not a library scenario."""
    with pytest.raises(ScenarioError):
        load_scenario("x" * 300)


def test_extending_an_unknown_scenario_names_the_file_and_the_extends_key(
    tmp_path: Path,
) -> None:
    """``extends: no_such_base`` is reported in the file that says it, at ``extends``."""
    path = write_text(tmp_path, "extends: no_such_base\nname: variant\n")
    [problem] = rejected(path)
    assert (problem.source, problem.path) == (str(path), "extends")


def test_a_problem_inside_a_server_action_has_a_document_path(tmp_path: Path) -> None:
    """A server action missing its values is reported at ``...actions[0].values`` — a path that
    exists in the document — not with the union tag ``object_write`` inserted."""
    doc = baseline_doc()
    doc["automation"] = {
        "rules": [
            {
                "name": "r",
                "model": "sale.order",
                "trigger": "on_create",
                "actions": [{"state": "object_write"}],
            }
        ]
    }
    problems = rejected(write_yaml(tmp_path, doc))
    assert [p.path for p in problems] == ["automation.rules[0].actions[0].values"]


def test_a_value_matching_no_member_of_a_union_is_one_problem_at_its_path(
    tmp_path: Path,
) -> None:
    """A float ``trigger_value`` (text or integer expected) is one problem at its own path."""
    doc = baseline_doc()
    doc["automation"] = {
        "rules": [
            {"name": "r", "model": "sale.order", "trigger": "on_state_set", "trigger_value": 1.5}
        ]
    }
    problems = rejected(write_yaml(tmp_path, doc))
    assert [p.path for p in problems] == ["automation.rules[0].trigger_value"]


def test_an_unknown_channel_in_the_mix_is_reported_at_its_key(tmp_path: Path) -> None:
    """A channel that does not exist is reported at ``channels.mix.web``."""
    doc = baseline_doc()
    doc["channels"]["mix"]["web"] = 0.0
    problems = rejected(write_yaml(tmp_path, doc))
    assert [p.path for p in problems] == ["channels.mix.web"]


def test_an_infinite_number_is_out_of_range(tmp_path: Path) -> None:
    """``promo_uplift: .inf`` is not a usable uplift: it is rejected at its path."""
    doc = baseline_doc()
    doc["demand"]["promo_uplift"] = float("inf")
    problems = rejected(write_yaml(tmp_path, doc))
    assert [p.path for p in problems] == ["demand.promo_uplift"]

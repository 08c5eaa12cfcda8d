"""Declarative automation config (scenarios.automation + orchestration.odoo.config) and the
domain language."""

from __future__ import annotations

import pydantic
import pytest

from orchestration.odoo.config import AutomationConfigError, build_automation
from orchestration.odoo.domain import DomainError, compile_domain
from scenarios.automation import AutomationConfig


def _config(**data) -> AutomationConfig:
    return AutomationConfig.model_validate(data)


def test_a_declared_rule_and_job_work_like_hand_built_ones(env, customer, make_po):
    """A YAML-like config builds a working on_state_set rule with a multi action and a cron job."""
    seen: list = []
    config = _config(
        rules=[
            {
                "name": "big order to n8n",
                "model": "sale.order",
                "trigger": "on_state_set",
                "trigger_value": "sale",
                "filter_domain": [["partner_id.name", "ilike", "jane"]],
                "actions": [
                    {
                        "state": "multi",
                        "children": [
                            {"state": "object_write", "values": {"commitment_date": None}},
                            {"state": "webhook", "url": "http://n8n/so", "fields": ["state"]},
                            {"state": "code", "callable": "remember"},
                        ],
                    }
                ],
            }
        ],
        scheduled_actions=[
            {"name": "nightly", "callable": "tick", "interval_number": 1, "interval_type": "days"}
        ],
    )
    rules, jobs = build_automation(
        env,
        config,
        {"remember": lambda e, r: seen.append(r.id), "tick": lambda e: seen.append("tick")},
    )
    so = env["sale.order"].create({"partner_id": customer.id})
    env.execute("sale.order", "action_confirm", [so.id])
    assert seen == [so.id]
    assert env.webhooks.log[-1].payload["state"] == "sale"
    env.cron.run_pending()
    assert seen[-1] == "tick"
    assert (rules[0].trigger, jobs[0].interval_type) == ("on_state_set", "days")


def test_config_errors_list_every_problem_with_its_path(env):
    """Unknown model, field, trigger, operator, selection value and callable are all reported."""
    config = _config(
        rules=[
            {"name": "ok", "model": "sale.order", "trigger": "on_create"},
            {"name": "bad model", "model": "sale.ordr", "trigger": "on_create"},
            {
                "name": "bad bits",
                "model": "purchase.order",
                "trigger": "on_sav",
                "filter_domain": [
                    ["amount_totl", ">", 5],
                    ["state", "~", "x"],
                    ["state", "=", "approved"],
                ],
                "actions": [
                    {"state": "object_write", "values": {"colour": "red"}},
                    {"state": "code", "callable": "missing"},
                ],
            },
        ],
        scheduled_actions=[{"name": "j", "callable": "nope"}],
    )
    with pytest.raises(AutomationConfigError) as info:
        build_automation(env, config, {})
    found = {(p.path, p.found) for p in info.value.problems}
    assert found == {
        ("automation.rules[1].model", "'sale.ordr'"),
        ("automation.rules[2].trigger", "'on_sav'"),
        ("automation.rules[2].filter_domain[0]", "'amount_totl'"),
        ("automation.rules[2].filter_domain[1]", "'~'"),
        ("automation.rules[2].filter_domain[2]", "'approved'"),
        ("automation.rules[2].actions[0].values.colour", "'colour'"),
        ("automation.rules[2].actions[1].callable", "'missing'"),
        ("automation.scheduled_actions[0].callable", "'nope'"),
    }
    assert "expected a domain operator" in str(info.value)
    assert env.automation.rules == []


def test_state_trigger_value_must_be_a_selection_value(env):
    """on_state_set with a value the field does not have is a config error."""
    config = _config(
        rules=[
            {
                "name": "x",
                "model": "purchase.order",
                "trigger": "on_state_set",
                "trigger_value": "approved",
            }
        ]
    )
    with pytest.raises(AutomationConfigError) as info:
        build_automation(env, config)
    assert info.value.problems[0].path == "automation.rules[0].trigger_value"


def test_specs_are_strict_and_forbid_extra_keys():
    """Typos in keys and wrongly typed values are rejected by the schema."""
    with pytest.raises(pydantic.ValidationError):
        _config(rules=[{"name": "x", "model": "m", "trigger": "on_create", "filter_domian": []}])
    with pytest.raises(pydantic.ValidationError):
        _config(
            rules=[
                {
                    "name": "x",
                    "model": "m",
                    "trigger": "on_create",
                    "actions": [{"state": "send_email", "url": "x"}],
                }
            ]
        )
    with pytest.raises(pydantic.ValidationError):
        _config(scheduled_actions=[{"name": "j", "callable": "c", "interval_number": "5"}])


def _match(domain, record: dict) -> bool:
    def get(path):
        value = record.get(path, False)
        return list(value) if isinstance(value, list) else [value]

    return compile_domain(domain)(get)


@pytest.mark.parametrize(
    ("domain", "expected"),
    [
        ([("state", "=", "sale")], True),
        ([("state", "!=", "sale")], False),
        ([("amount", ">", 100)], True),
        ([("amount", "<=", 100)], False),
        ([("state", "in", ["draft", "sale"])], True),
        ([("state", "not in", ["draft", "sale"])], False),
        ([("name", "like", "Bean")], True),
        ([("name", "like", "bean")], False),
        ([("name", "ilike", "bean")], True),
        ([("name", "=like", "Espresso%")], True),
        ([("user_id", "=", False)], True),
        ([("tag_ids", "in", [3])], True),
        ([("tag_ids", "not in", [9])], True),
        (["|", ("state", "=", "draft"), ("amount", ">", 100)], True),
        (["!", ("state", "=", "sale")], False),
        (["&", ("state", "=", "sale"), ("amount", "<", 5)], False),
        ([("state", "=", "sale"), "|", ("amount", "<", 5), ("name", "ilike", "espresso")], True),
    ],
)
def test_domain_operators(domain, expected):
    """Odoo domain operators and prefix logic, with relational any-match semantics."""
    record = {
        "state": "sale",
        "amount": 150.0,
        "name": "Espresso Beans",
        "user_id": False,
        "tag_ids": [3, 4],
    }
    assert _match(domain, record) is expected


def test_unknown_domain_operator_is_a_clear_error():
    """An unknown operator names itself."""
    with pytest.raises(DomainError, match="'~='"):
        compile_domain([("state", "~=", "x")])
    with pytest.raises(DomainError, match="missing an operand"):
        compile_domain(["|", ("state", "=", "x")])


def test_search_hides_archived_records_unless_asked(env, vendor):
    """active_test: archived records disappear from search unless the domain mentions active."""
    vendor.write({"active": False})
    assert vendor not in env["res.partner"].search([("name", "=", "Acme Supplies")])
    assert (
        env["res.partner"].search([("name", "=", "Acme Supplies"), ("active", "=", False)])
        == vendor
    )

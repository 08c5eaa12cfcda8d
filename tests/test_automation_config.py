"""Automation rules declared in a scenario are checked against the mocked Odoo at load."""

from __future__ import annotations

from typer.testing import CliRunner

from cli.main import app
from orchestration.integration.erp import automation_problems
from scenarios.loader import load_scenario

BAD = """extends: tiny
name: bad_rules
automation:
  rules:
    - name: unknown model
      model: sale.orderz
      trigger: on_create
      actions: []
    - name: unknown field and operator
      model: purchase.order
      trigger: on_create_or_write
      filter_domain: [["amount_totl", "~~", 5]]
      actions: []
"""


def test_every_bad_rule_is_named_by_its_path(tmp_path):
    path = tmp_path / "bad_rules.yaml"
    path.write_text(BAD)
    problems = automation_problems(load_scenario(path))
    paths = {p for p, _, _ in problems}
    assert "automation.rules[0].model" in paths
    assert any(p.startswith("automation.rules[1].filter_domain") for p in paths)


def test_the_cli_refuses_a_bad_rule_before_running(tmp_path):
    path = tmp_path / "bad_rules.yaml"
    path.write_text(BAD)
    result = CliRunner().invoke(app, ["run", str(path)])
    assert result.exit_code == 2
    assert "automation.rules[0].model" in result.output
    assert "Traceback" not in result.output


def test_a_shipped_scenario_has_no_automation_problems():
    assert automation_problems(load_scenario("baseline")) == []

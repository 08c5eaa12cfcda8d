"""The classifier's accuracy is scenario data: a pilot's measured confusion matrix replaces the
preset's assumptions, and a malformed one is rejected at load with its path."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from cli.main import app
from experiments.runner import run_replication
from orchestration.triage.presets import INVOICES, REFUNDS, TICKETS
from scenarios.loader import ScenarioError, load_scenario
from scenarios.schema import TRIAGE_CLASSES

PERFECT_TICKETS = (
    "triage.tickets={confusion: [[1,0,0,0,0],[0,1,0,0,0],[0,0,1,0,0],[0,0,0,1,0],[0,0,0,0,1]]}"
)


def test_the_schema_knows_the_presets_classes():
    for preset in (TICKETS, REFUNDS, INVOICES):
        assert TRIAGE_CLASSES[preset.family] == preset.classes


WRONG_TICKETS = (
    "triage.tickets={confusion: [[0,1,0,0,0],[0,0,1,0,0],[0,0,0,1,0],[0,0,0,0,1],[1,0,0,0,0]]}"
)


def test_the_measured_matrix_decides_how_tickets_are_routed():
    """Same tickets; a perfect classifier misroutes none of those it routes, one that is always
    wrong misroutes every one."""
    base = ["horizon_days=14", "orchestration.model=exception_driven"]
    perfect = run_replication(load_scenario("tiny", [*base, PERFECT_TICKETS]), 0).kpis
    wrong = run_replication(load_scenario("tiny", [*base, WRONG_TICKETS]), 0).kpis
    assert perfect["triage_tickets_total"] == wrong["triage_tickets_total"] > 0
    assert perfect["triage_tickets_misroute_rate"] == 0.0
    assert wrong["triage_tickets_misroute_rate"] == 1.0


@pytest.mark.parametrize(
    ("override", "path"),
    [
        ("triage.refunds={confusion: [[1,0],[0,1]]}", "triage.refunds.confusion"),
        (
            "triage.refunds={confusion: [[0.5,0.2,0.2],[0,1,0],[0,0,1]]}",
            "triage.refunds.confusion[0]",
        ),
    ],
)
def test_a_malformed_matrix_is_rejected_at_load(override, path):
    with pytest.raises(ScenarioError) as err:
        load_scenario("tiny", [override])
    assert path in str(err.value)
    result = CliRunner().invoke(app, ["run", "tiny", "--set", override])
    assert result.exit_code == 2
    assert path in result.output

"""The fidelity page, driven by AppTest: scoring, the verdict, and a bad history."""

from __future__ import annotations

import pandas as pd

from dashboards import service

ROWS = pd.DataFrame(
    [
        {
            "kind": "kpi",
            "name": "store_units_per_store_day",
            "history": 60.0,
            "twin": 58.0,
            "twin_ci": (55.0, 61.0),
            "distance": 0.03,
            "threshold": 0.15,
            "verdict": "pass",
            "n_history": 1,
            "n_twin": 3,
        },
        {
            "kind": "distribution",
            "name": "lead_time[alpha]",
            "history": None,
            "twin": None,
            "twin_ci": None,
            "distance": 0.8,
            "threshold": 0.4,
            "verdict": "fail",
            "n_history": 12,
            "n_twin": 40,
        },
    ]
)


def _page(app):
    return app().run().switch_page("views/fidelity.py").run()


def test_scores_the_twin_and_shows_the_verdict(app, monkeypatch):
    calls = []

    def fake(scenario, history, replications):
        calls.append((scenario, history, replications))
        return ROWS

    monkeypatch.setattr(service, "fidelity", fake)
    at = _page(app)
    assert not at.exception
    assert "Give a scenario" in at.info[0].value
    at.text_input[1].set_value("/data/history.json").run()
    at.button[0].click().run()
    assert not at.exception
    assert calls == [("tiny", "/data/history.json", 3)]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Verdict"] == "fails"
    assert metrics["Rows failed"] == "1"
    assert len(at.dataframe) == 2
    assert "retail-twin fidelity tiny --history /data/history.json" in at.caption[0].value


def test_a_bad_history_is_an_error_on_the_page(app, monkeypatch):
    def fake(scenario, history, replications):
        raise service.FidelityInputError(f"{history}: no such file")

    monkeypatch.setattr(service, "fidelity", fake)
    at = _page(app)
    at.text_input[1].set_value("/nope.json").run()
    at.button[0].click().run()
    assert not at.exception
    assert "/nope.json: no such file" in at.error[0].value


def test_the_service_scores_a_real_run_against_its_own_export(tmp_path):
    from typer.testing import CliRunner

    from cli.main import app as cli
    from experiments.replicate import run_scenario
    from scenarios.loader import load_scenario

    run_scenario(load_scenario("tiny", ["seed=5", "horizon_days=7"]), 1, tmp_path / "run")
    res = CliRunner().invoke(
        cli,
        [
            "export",
            str(tmp_path / "run"),
            "--format",
            "ocel2-json",
            "--out",
            str(tmp_path / "h.json"),
        ],
    )
    assert res.exit_code == 0, res.output
    rows = service.fidelity(str(tmp_path / "run" / "scenario.yaml"), str(tmp_path / "h.json"), 1)
    assert {"kpi", "distribution"} == set(rows["kind"])
    assert (rows["verdict"] != "fail").all(), rows[rows["verdict"] == "fail"]

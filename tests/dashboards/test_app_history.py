"""Run history, driven by AppTest: listing, reopening and downloading past runs."""

from __future__ import annotations

import pandas as pd

from dashboards import service


def test_an_empty_results_directory_says_how_to_fill_it(app):
    at = app().run().switch_page("views/history.py").run()
    assert not at.exception
    assert "No runs yet" in at.info[0].value


def test_reopens_a_run_and_a_comparison(app, canned, monkeypatch, tmp_path):
    run_dir = tmp_path / "runs" / "r1"
    run_dir.mkdir(parents=True)
    (run_dir / "scenario.yaml").write_text("name: tiny\n", encoding="utf-8")
    run = canned.run("hybrid", 2, str(run_dir))
    runs = pd.DataFrame(
        [
            {
                "run_dir": str(run_dir),
                "scenario": "tiny",
                "model": "hybrid",
                "replications": 2,
                "horizon_days": 5,
                "seed": 7,
                "fill_rate": 0.97,
            }
        ]
    )
    sweeps = pd.DataFrame([{"sweep_dir": "runs/s1", "scenario": "tiny", "finished": True}])
    comp = service.Comparison(
        "tiny", ("manual", "hybrid"), 3, "runs/s1", "manual",
        canned.summary(("manual", "hybrid"), 3), pd.DataFrame(),
    )  # fmt: skip
    opened = []
    monkeypatch.setattr(service, "history", lambda root, skipped=None: (runs, sweeps))
    monkeypatch.setattr(service, "open_run", lambda d: opened.append(d) or run)
    monkeypatch.setattr(service, "open_sweep", lambda d: opened.append(d) or comp)
    at = app().run().switch_page("views/history.py").run()
    assert not at.exception
    assert opened == [str(run_dir), "runs/s1"]
    assert [m.label for m in at.metric][:2] == ["Fill rate", "Oversell rate"]
    assert any(c.value.startswith("95% CI") for c in at.caption)
    # orders vs fill and approvals of the run; the radar of the comparison
    assert len(at.get("plotly_chart")) == 3
    code = [c.value for c in at.code]
    assert code == [f"retail-twin run {run_dir / 'scenario.yaml'} --replications 2 --json"]
    assert any("**hybrid** vs manual" in m.value for m in at.markdown)


def test_downloads_offer_every_table_and_the_resolved_scenario(canned, tmp_path):
    run_dir = tmp_path / "r"
    run_dir.mkdir()
    (run_dir / "scenario.yaml").write_text("name: tiny\n", encoding="utf-8")
    items = service.run_downloads(canned.run("manual", 1, str(run_dir)))
    names = [d.file_name for d in items]
    assert names[:2] == ["scenario.yaml", "summary.json"]
    assert {"daily.csv", "daily.parquet", "approvals.csv", "replications.parquet"} <= set(names)
    daily = next(d for d in items if d.file_name == "daily.parquet")
    assert daily.data[:4] == b"PAR1"

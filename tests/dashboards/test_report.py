"""The executive report: built from a real comparison of ``tiny``, self-contained, and honest
about which differences are significant.

One comparison (3 models x 2 replications of ``tiny``, about 4 s) is shared by the module; the
evidence rules are tested on small hand-made frames. The browser test opens the report with
every network request refused and checks its sections and that its charts are drawn.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from cli.main import app
from dashboards.report import build_report, chromium, report_html
from dashboards.report.evidence import kpi_verdict, recommend
from dashboards.report.source import load_source
from experiments.compare import compare_models
from experiments.intervals import kpi_range

SECTIONS = (
    "question",
    "scenario",
    "recommendation",
    "tradeoffs",
    "resilience",
    "charts",
    "assumptions",
    "reproduce",
)
MODELS = ("manual", "event_driven", "hybrid")


@pytest.fixture(scope="module")
def comparison(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cmp") / "tiny_cmp"
    compare_models("tiny", MODELS, 2, ["horizon_days=7"], out_dir=out)
    return out


@pytest.fixture(scope="module")
def html(comparison: Path) -> str:
    return report_html(comparison)


def test_every_section_is_there_in_order(html: str):
    found = re.findall(r'<section id="([a-z]+)"', html)
    assert tuple(found) == SECTIONS


def test_the_page_references_nothing_outside_itself(html: str):
    """No script, stylesheet, image or font is loaded from anywhere: plotly is inlined."""
    assert re.search(r"<(script|link|img|iframe)[^>]+(src|href)=", html) is None
    assert "cdn.plot.ly" not in html.split("</head>")[1]
    assert html.count("Plotly.newPlot") >= 4


def test_the_question_names_the_models_and_the_reference(html: str):
    question = html.split('<section id="question">')[1].split("</section>")[0]
    for m in MODELS:
        assert m in question
    assert "<b>manual</b>" in question


def test_reproduce_gives_the_command_and_the_code_version(comparison: Path, html: str):
    repro = html.split('<section id="reproduce">')[1]
    assert "retail-twin compare tiny --models manual,event_driven,hybrid --replications 2" in repro
    assert "--set horizon_days=7" in repro
    code = json.loads((comparison / "sweep.json").read_text())["code"][0]
    assert code in repro


def test_tradeoff_intervals_stay_in_their_kpis_range(comparison: Path):
    src = load_source(comparison)
    s = src.summary.dropna(subset=["ci95_low"])
    assert not s.empty
    for row in s.itertuples():
        lo, hi = kpi_range(row.kpi)
        assert lo <= row.ci95_low <= row.mean <= row.ci95_high <= hi, row.kpi


def _results(values: dict[str, list[float]], name: str = "fill_rate") -> pd.DataFrame:
    rows = [
        {"model": m, "replication": r, "status": "ok", name: v}
        for m, vals in values.items()
        for r, v in enumerate(vals)
    ]
    return pd.DataFrame(rows)


def test_a_clear_paired_gap_makes_one_leader():
    res = _results({"manual": [0.90, 0.91, 0.89, 0.90], "hybrid": [0.95, 0.96, 0.94, 0.95]})
    v = kpi_verdict(res, ["manual", "hybrid"], "fill_rate", "Service")
    assert v.best == "hybrid"
    assert v.leaders == ("hybrid",)
    assert v.separates
    assert v.gaps["manual"].high < 0
    assert "behind the best: manual -5.0 pp" in v.sentence()


def test_a_noisy_gap_is_no_significant_difference():
    res = _results({"manual": [0.90, 0.99, 0.80, 0.95], "hybrid": [0.92, 0.90, 0.97, 0.91]})
    v = kpi_verdict(res, ["manual", "hybrid"], "fill_rate", "Service")
    assert v.leaders == ("manual", "hybrid")
    assert not v.separates
    assert "no significant difference" in v.sentence()


def test_lower_is_better_for_risk_and_the_recommendation_counts_gaps():
    rows = []
    for m, fill, oversell in (
        ("manual", [0.90, 0.91, 0.89], [0.05, 0.06, 0.05]),
        ("hybrid", [0.95, 0.96, 0.94], [0.01, 0.01, 0.02]),
        ("event_driven", [0.95, 0.97, 0.94], [0.09, 0.08, 0.09]),
    ):
        for r in range(3):
            rows.append(
                {
                    "model": m,
                    "replication": r,
                    "status": "ok",
                    "fill_rate": fill[r],
                    "oversell_rate": oversell[r],
                }
            )
    rec = recommend(pd.DataFrame(rows), ["manual", "hybrid", "event_driven"])
    by = {v.name: v for v in rec.verdicts}
    assert by["oversell_rate"].leaders == ("hybrid",)
    assert rec.model == "hybrid"
    assert [v.name for v in rec.behind("event_driven")] == ["oversell_rate"]
    assert {v.name for v in rec.behind("manual")} == {"fill_rate", "oversell_rate"}


def test_one_replication_calls_nothing_significant():
    res = _results({"manual": [0.5], "hybrid": [0.9]})
    v = kpi_verdict(res, ["manual", "hybrid"], "fill_rate", "Service")
    assert not v.separates


def test_the_cli_writes_a_report_of_a_run_directory(comparison: Path, tmp_path: Path):
    out = tmp_path / "run.html"
    res = CliRunner().invoke(
        app, ["report", str(comparison / "runs" / "p000_hybrid"), "--out", str(out)]
    )
    assert res.exit_code == 0, res.output
    text = out.read_text()
    assert "hybrid on tiny" in text
    assert "nothing to choose between" in text


def test_the_cli_refuses_a_folder_that_is_not_a_run(tmp_path: Path):
    res = CliRunner().invoke(app, ["report", str(tmp_path), "--out", str(tmp_path / "r.html")])
    assert res.exit_code == 2
    assert "neither a run directory" in res.output
    assert not (tmp_path / "r.html").exists()


def test_saved_service_levels_appear_under_resilience(comparison: Path, tmp_path: Path):
    saved = tmp_path / "with_check"
    import shutil

    shutil.copytree(comparison, saved)
    res = CliRunner().invoke(app, ["check", "slo_duplicates", "--save", str(saved / "check.json")])
    assert res.exit_code == 0, res.output
    html = report_html(saved)
    section = html.split('<section id="resilience">')[1].split("</section>")[0]
    assert "slo_duplicates" in section
    assert "duplicate_effects_total" in section
    assert "PASS" in section


@pytest.mark.slow
def test_the_report_opens_offline_in_chromium_and_prints(comparison: Path, tmp_path: Path):
    exe = chromium()
    if exe is None:
        pytest.skip("Chromium is not installed")
    from playwright.sync_api import sync_playwright

    out = build_report(comparison, tmp_path / "report.html", tmp_path / "report.pdf")
    assert (tmp_path / "report.pdf").read_bytes()[:5] == b"%PDF-"
    refused: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(exe), args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})

            def refuse(route):
                if not route.request.url.startswith("file://"):
                    refused.append(route.request.url)
                    route.abort()
                else:
                    route.continue_()

            page.route("**/*", refuse)
            page.goto(out.as_uri())
            page.wait_for_function(
                "document.querySelectorAll('.js-plotly-plot .main-svg').length >= 4",
                timeout=60_000,
            )
            ids = page.eval_on_selector_all("section", "els => els.map(e => e.id)")
            headings = page.locator("h2").all_inner_texts()
            recommended = page.locator("#recommendation .callout").inner_text()
            page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
        finally:
            browser.close()
    assert refused == []
    assert tuple(ids) == SECTIONS
    assert "Recommendation and its evidence" in headings
    assert recommended.startswith("Recommended: ")


def test_the_dashboard_offers_the_report_beside_the_tables(comparison: Path):
    from dashboards import service

    comp = service.read_sweep(comparison)
    downloads = service.sweep_downloads(comp)
    assert downloads[0].file_name == "report.html"
    assert downloads[0].mime == "text/html"
    assert b'<section id="recommendation">' in downloads[0].data
    run = service.read_run(comparison / "runs" / "p000_manual")
    names = [d.file_name for d in service.run_downloads(run)]
    assert "report.html" in names
    assert service.report_download(comparison / "nowhere") is None

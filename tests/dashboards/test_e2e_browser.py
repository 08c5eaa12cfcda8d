"""End to end: the real app under ``streamlit run``, driven by Playwright in Debian's Chromium.

The server runs headless on a free port of 127.0.0.1 with its working directory in a temporary
folder (so its ``runs/`` results land there) and is killed in a ``finally``. Every wait is
bounded. Screenshots of each page go to the test's temporary folder, and to
``docs/screenshots/`` when ``RETAILTWIN_SCREENSHOTS=1``.

Chromium is Debian's (``apt-get install chromium``; Playwright's own browser download does not
work here). ``chromium.launch`` starts it with a fresh, temporary user-data directory of its own
(Playwright refuses a ``--user-data-dir`` argument to ``launch``). Without ``/usr/bin/chromium``
the test is skipped, except in CI (``CI`` set), where it fails.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from dashboards import launch as cli

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS_ENV = "RETAILTWIN_SCREENSHOTS"
DOCS_SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
START_S = 90
RUN_MS = 180_000
SHOT_MAX_H = 2_600
METRIC = '[data-testid="stMetricValue"]'
CHART = '[data-testid="stPlotlyChart"] .main-svg'
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def _require_chromium() -> None:
    if CHROMIUM.exists():
        return
    if os.environ.get("CI"):
        pytest.fail(f"{CHROMIUM} is missing in CI: .ci/run must apt-get install chromium")
    pytest.skip(f"Debian's Chromium is not installed ({CHROMIUM}): apt-get install -y chromium")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_healthy(url: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"streamlit exited with {proc.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.25)
    raise AssertionError(f"streamlit did not answer within {START_S} s:\n{log.read_text()}")


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)  # the server's own process group (start_new_session)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=15)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app under ``streamlit run`` on 127.0.0.1:PORT; its URL."""
    _require_chromium()
    work = tmp_path_factory.mktemp("app")
    port = _free_port()
    cmd = [
        *cli.command(port, address="127.0.0.1", headless=True),
        "--server.fileWatcherType",
        "none",
        "--server.runOnSave",
        "false",
        "--client.toolbarMode",
        "minimal",
    ]
    log_path = work / "streamlit.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            cmd,
            cwd=work,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            start_new_session=True,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            _wait_healthy(url, proc, log_path)
            yield url
        finally:
            _stop(proc)


@pytest.fixture(scope="module")
def browser(server: str):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=FLAGS, timeout=60_000
        )
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    p = context.new_page()
    p.set_default_timeout(RUN_MS)
    try:
        yield p
    finally:
        context.close()


def _settle(page, metrics: int = 0, charts: int = 1) -> None:
    """Wait (bounded) until the script has finished and its cards and charts are drawn."""
    page.wait_for_selector(IDLE, timeout=RUN_MS)
    if metrics:
        page.wait_for_function(
            f"document.querySelectorAll('{METRIC}').length >= {metrics}", timeout=RUN_MS
        )
    if charts:
        page.wait_for_function(
            f"document.querySelectorAll('{CHART}').length >= {charts}", timeout=RUN_MS
        )
    page.wait_for_selector(IDLE, timeout=RUN_MS)
    assert page.locator('[data-testid="stException"]').count() == 0


def _shoot(page, tmp_path: Path, name: str) -> Path:
    """A screenshot of the whole page (the app scrolls inside its own container, so the
    viewport is stretched to the content, up to ``SHOT_MAX_H``)."""
    height = page.evaluate(
        "Math.max(...Array.from(document.querySelectorAll('section, div'))"
        ".map(e => e.scrollHeight))"
    )
    page.set_viewport_size({"width": 1440, "height": int(min(max(height, 1000), SHOT_MAX_H))})
    page.wait_for_timeout(1_500)  # let the layout and plotly settle
    out = tmp_path / f"{name}.png"
    page.screenshot(path=str(out))
    assert out.stat().st_size > 10_000
    if os.environ.get(SHOTS_ENV) == "1":
        DOCS_SHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(out, DOCS_SHOTS / out.name)
    return out


def test_explorer_runs_tiny_and_shows_cards_and_charts(server, page, tmp_path):
    page.goto(server, timeout=60_000)  # the explorer is the default page: no path
    _settle(page, metrics=8, charts=1)  # the app opens on a run of tiny
    horizon = page.get_by_role("spinbutton", name="Horizon (days)")
    horizon.fill("10")
    horizon.press("Enter")
    page.wait_for_selector("text=press Run to update", timeout=60_000)
    page.get_by_role("button", name="Run").click()
    page.wait_for_selector("text=10 days", timeout=RUN_MS)
    _settle(page, metrics=8, charts=5)
    labels = page.locator('[data-testid="stMetricLabel"]').all_inner_texts()
    assert "Fill rate" in labels
    assert "Oversell rate" in labels
    assert "vs manual" in page.locator('[data-testid="stMetricDelta"]').first.inner_text()
    _shoot(page, tmp_path, "explorer")


def test_every_other_page_renders(server, page, tmp_path):
    page.goto(f"{server}/comparison", timeout=60_000)
    _settle(page, charts=3)
    assert page.get_by_text("Verdict").count() >= 1
    _shoot(page, tmp_path, "comparison")

    page.goto(f"{server}/resilience", timeout=60_000)
    _settle(page, metrics=12, charts=1)
    assert page.get_by_text("Business drain").count() >= 1
    assert page.get_by_text("Event drain").count() >= 1
    _shoot(page, tmp_path, "resilience")

    page.goto(f"{server}/history", timeout=60_000)
    _settle(page, metrics=4, charts=2)
    assert page.get_by_text("Reopen a run").count() >= 1
    _shoot(page, tmp_path, "history")


TWO_ERRORS = "extends: tiny\nname: broken_shop\nhorizon_days: -3\ncatalogue: {skus: many}\n"
VALID = "extends: tiny\nname: my_shop\nhorizon_days: 4\n"


def _upload(page, path: Path) -> None:
    expander = page.locator('[data-testid="stSidebar"]').get_by_text("Open your own scenario")
    if not page.locator('[data-testid="stFileUploaderDropzone"]').is_visible():
        expander.click()
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
    page.wait_for_selector('[data-testid="stFileChip"]', timeout=30_000)
    page.wait_for_timeout(500)  # the upload's rerun starts
    page.wait_for_selector(IDLE, timeout=RUN_MS)
    page.get_by_role("button", name="Check and open").click()


def test_an_uploaded_scenario_is_validated_then_runs(server, page, tmp_path):
    """Two errors in an uploaded file are both shown and nothing runs; a valid file runs."""
    page.goto(server, timeout=60_000)
    _settle(page, metrics=8, charts=1)
    bad = tmp_path / "broken_shop.yaml"
    bad.write_text(TWO_ERRORS)
    _upload(page, bad)
    error = page.locator('[data-testid="stAlertContentError"]')
    error.wait_for(timeout=60_000)
    page.wait_for_selector(IDLE, timeout=RUN_MS)
    text = error.inner_text()
    assert "2 problem(s)" in text
    assert "horizon_days" in text
    assert "catalogue.skus" in text
    assert page.locator(METRIC).count() == 0  # the page stopped before running anything
    good = tmp_path / "my_shop.yaml"
    good.write_text(VALID)
    page.locator('[data-testid="stFileChipDeleteBtn"]').click()
    _upload(page, good)
    page.wait_for_selector("text=Your scenario:", timeout=60_000)
    _settle(page, metrics=8, charts=0)
    page.get_by_role("button", name="Run").click()
    page.wait_for_selector("text=hybrid on my_shop (your file) vs manual", timeout=RUN_MS)
    _settle(page, metrics=8, charts=5)
    caption = page.locator('[data-testid="stMain"] [data-testid="stCaptionContainer"]').first
    assert "4 days" in caption.inner_text()
    _shoot(page, tmp_path, "own_scenario")

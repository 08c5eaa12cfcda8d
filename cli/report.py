"""``retail-twin report RUN_OR_COMPARE_DIR --out report.html [--pdf report.pdf]``.

Writes the executive report (:mod:`dashboards.report`) of a run directory (``run --out``) or a
comparison directory (``compare --out``): one self-contained HTML file, and a PDF printed by
headless Chromium when ``--pdf`` is given. Exit codes: 0 written; 2 not a run or comparison
directory, or no Chromium for ``--pdf`` (the HTML is still written). Registered on the app of
:mod:`cli.app`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.app import app, fail, out
from dashboards.report import PdfError, ReportSourceError, build_report, print_pdf


@app.command()
def report(
    source: Annotated[
        Path, typer.Argument(help="a run directory (run --out) or comparison (compare --out)")
    ],
    out_file: Annotated[Path, typer.Option("--out", help="the HTML file to write")] = Path(
        "report.html"
    ),
    pdf: Annotated[
        Path | None, typer.Option("--pdf", help="also print a PDF here (needs Chromium)")
    ] = None,
) -> None:
    """Write the executive report: recommendation, evidence, trade-offs, charts, sources."""

    try:
        written = build_report(source, out_file)
    except ReportSourceError as exc:
        fail(str(exc))
    out.print(f"report written to {written}", highlight=False)
    if pdf is not None:
        try:
            print_pdf(written, pdf)
        except PdfError as exc:
            fail(f"{pdf}: {exc}")
        out.print(f"PDF written to {pdf}", highlight=False)

"""The executive report: one self-contained HTML document (and a PDF of it) for a run or a
comparison directory — the question, the scenario, the recommendation with its paired evidence,
service / speed / risk / cost side by side, resilience, daily charts, assumptions and how to
reproduce. :func:`build_report` is what ``retail-twin report`` and the dashboard call.
"""

from __future__ import annotations

from pathlib import Path

from dashboards.report.pdf import PdfError, chromium, print_pdf
from dashboards.report.render import render_html
from dashboards.report.source import ReportSourceError, load_source

__all__ = ["PdfError", "ReportSourceError", "build_report", "chromium", "print_pdf", "report_html"]


def report_html(source_dir: str | Path) -> str:
    """The report of a run or comparison directory, as HTML text."""
    return render_html(load_source(source_dir))


def build_report(source_dir: str | Path, out: str | Path, pdf: str | Path | None = None) -> Path:
    """Write the HTML report of ``source_dir`` to ``out`` (and its PDF to ``pdf``)."""
    html = report_html(source_dir)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(out)
    if pdf is not None:
        print_pdf(out, Path(pdf))
    return out

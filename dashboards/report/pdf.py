"""The report as PDF: headless Chromium prints the HTML file (no network, no profile kept).

Chromium is Debian's ``/usr/bin/chromium`` (or ``chromium`` on the PATH). It loads the file
with networking disabled, lets the page's scripts draw the charts (a virtual-time budget),
and prints with the page's print CSS. :class:`PdfError` says what went wrong, in words.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-pdf-header-footer",
    "--virtual-time-budget=15000",
)
TIMEOUT_S = 180


class PdfError(RuntimeError):
    """The PDF could not be printed (no Chromium, or Chromium failed)."""


def chromium() -> Path | None:
    """Chromium's path, or None when it is not installed."""
    if CHROMIUM.exists():
        return CHROMIUM
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    return Path(found) if found else None


def print_pdf(html: Path, pdf: Path) -> Path:
    """Print ``html`` to ``pdf`` with headless Chromium."""
    exe = chromium()
    if exe is None:
        raise PdfError("Chromium is not installed (apt-get install chromium): no PDF written")
    pdf = pdf.resolve()
    pdf.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="retailtwin-pdf-") as profile:
        cmd = [
            str(exe),
            *FLAGS,
            f"--user-data-dir={profile}",
            f"--print-to-pdf={pdf}",
            html.resolve().as_uri(),
        ]
        try:
            res = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT_S)
        except subprocess.TimeoutExpired:
            raise PdfError(f"Chromium did not print within {TIMEOUT_S} s") from None
    if res.returncode != 0 or not pdf.is_file() or pdf.stat().st_size == 0:
        tail = (res.stderr or "").strip().splitlines()[-3:]
        raise PdfError(f"Chromium failed (exit {res.returncode}): " + " | ".join(tail))
    return pdf

"""The results root: where the dashboard reads and writes runs, fixed when it starts.

``retail-twin dashboard --results DIR`` (default ``./runs``) resolves DIR once and hands it to the
Streamlit process in :data:`ENV`; the sidebar's text box then chooses a folder *inside* it only.
``../x``, ``/`` or a symbolic link that leads out are refused with a message, never followed:
the dashboard cannot write runs elsewhere, nor walk the whole file system looking for them.
Started without the variable (``streamlit run dashboards/app.py``), the root is ``./runs``.
"""

from __future__ import annotations

import os
from pathlib import Path

ENV = "RETAILTWIN_RESULTS_ROOT"
DEFAULT_ROOT = "runs"


class OutsideRootError(ValueError):
    """A folder typed in the sidebar that is not inside the results root."""


def root() -> Path:
    """The results root of this dashboard process (absolute, resolved)."""
    return Path(os.environ.get(ENV) or DEFAULT_ROOT).expanduser().resolve()


def inside(text: str, base: Path | None = None) -> Path:
    """The folder ``text`` names inside ``base`` (default :func:`root`), resolved; raise
    :class:`OutsideRootError` when it leads out of it. Empty text and ``.`` are the root."""
    base = root() if base is None else base
    raw = Path(text.strip() or ".").expanduser()
    target = (raw if raw.is_absolute() else base / raw).resolve()
    if target != base and base not in target.parents:
        raise OutsideRootError(
            f"`{text}` is outside the results root `{base}`: choose a folder inside it "
            "(restart with `retail-twin dashboard --results DIR` for another root)"
        )
    return target

"""Scenarios of the user's own: YAML files opened in the dashboard (uploaded or pasted) and kept
under ``RESULTS/scenarios/<digest>/``, where the scenario pickers list them.

A file is validated by the CLI's loader (:func:`scenarios.loader.load_scenario`) and must name
a registered model before it is kept: :class:`~scenarios.loader.ScenarioError` lists every
problem (file, dotted path, expected, found), and nothing is kept then. The digest is of the
text, so opening the same file twice keeps one copy. :mod:`dashboards.service` re-exports both
functions for the pages.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from orchestration.models import model_names
from scenarios.loader import Problem, ScenarioError, load_scenario

OWN = "scenarios"


def own_scenarios(results_dir: str | Path) -> list[str]:
    """Scenario files of the user's own under ``RESULTS/scenarios/`` (opened or copied there)."""
    root = Path(results_dir).expanduser() / OWN
    if not root.is_dir():
        return []
    return sorted(str(p) for p in root.rglob("*.y*ml") if p.suffix in {".yaml", ".yml"})


def open_own_scenario(text: str, file_name: str, results_dir: str | Path) -> str:
    """Validate a user's scenario YAML with the loader of the CLI and keep it under
    ``RESULTS/scenarios/<digest>/``; return its path (what the scenario pickers take).

    Raises :class:`ScenarioError` listing every problem (file, dotted path, expected, found);
    nothing is kept then.
    """
    stem = Path(file_name).stem or "scenario"
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in stem)[:60] or "scenario"
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    folder = Path(results_dir).expanduser() / OWN / digest
    path = folder / f"{safe}.yaml"
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    try:
        s = load_scenario(path)
        if s.orchestration.model not in model_names():
            expected = f"one of {', '.join(model_names())}"
            found = repr(s.orchestration.model)
            raise ScenarioError([Problem(str(path), "orchestration.model", expected, found)])
    except ScenarioError:
        path.unlink(missing_ok=True)
        if not any(folder.iterdir()):
            folder.rmdir()
        raise
    return str(path)

"""What an analyst takes away from a run or a comparison: files as bytes, and the CLI line.

A run gives its ``scenario.yaml``, ``summary.json`` and its daily, approvals and replications
tables as CSV and Parquet; a comparison its summary and results tables (and ``sweep.yaml``).
:func:`reproduce_command` is the ``retail-twin run`` line that re-runs a run from its resolved
scenario.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from dashboards.runs import Comparison, RunData


@dataclass(frozen=True)
class Download:
    label: str
    file_name: str
    data: bytes
    mime: str


def _parquet(df: pd.DataFrame) -> bytes:
    buf = io.BytesIO()
    df.to_parquet(buf, index=False)
    return buf.getvalue()


def _csv(df: pd.DataFrame) -> bytes:
    return df.to_csv(index=False).encode("utf-8")


def run_downloads(run: RunData) -> list[Download]:
    """The files of a run an analyst takes away (tables as CSV and Parquet)."""
    d = Path(run.run_dir)
    out = [
        Download("scenario.yaml", "scenario.yaml", (d / "scenario.yaml").read_bytes(), "text/yaml")
        if (d / "scenario.yaml").is_file()
        else None,
        Download(
            "summary.json",
            "summary.json",
            (json.dumps(run.summary, indent=2) + "\n").encode("utf-8"),
            "application/json",
        ),
    ]
    for label, df in (
        ("daily", run.daily),
        ("approvals", run.approvals),
        ("replications", run.replications),
    ):
        out.append(Download(f"{label}.csv", f"{label}.csv", _csv(df), "text/csv"))
        out.append(
            Download(
                f"{label}.parquet",
                f"{label}.parquet",
                _parquet(df),
                "application/vnd.apache.parquet",
            )
        )
    return [x for x in out if x is not None]


def sweep_downloads(comp: Comparison) -> list[Download]:
    out = []
    for label, df in (("summary", comp.summary), ("results", comp.results)):
        out.append(Download(f"{label}.csv", f"{label}.csv", _csv(df), "text/csv"))
        out.append(
            Download(
                f"{label}.parquet",
                f"{label}.parquet",
                _parquet(df),
                "application/vnd.apache.parquet",
            )
        )
    sweep_yaml = Path(comp.sweep_dir) / "sweep.yaml"
    if sweep_yaml.is_file():
        out.append(Download("sweep.yaml", "sweep.yaml", sweep_yaml.read_bytes(), "text/yaml"))
    return out


def reproduce_command(run: RunData) -> str:
    """The CLI line that re-runs this run from its resolved scenario."""
    return f"retail-twin run {Path(run.run_dir) / 'scenario.yaml'} --replications {run.n} --json"

"""``retail-twin audit verify RUN_DIR``: check the hash-chained audit trail of a run.

Exit codes: 0 every ``audit.jsonl`` under RUN_DIR verifies; 1 one was edited, cut or reordered;
2 no audit log found (the run was not written with ``--out``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.app import app, fail, out
from orchestration.approvals.audit import verify

audit_app = typer.Typer(help="The hash-chained audit trail of approval decisions.")
app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def audit_verify(
    run_dir: Annotated[Path, typer.Argument(help="a run directory written with --out")],
) -> None:
    """Verify every audit log under RUN_DIR; exit 1 if any was edited, cut or reordered."""
    logs = sorted(run_dir.rglob("audit.jsonl"))
    if not logs:
        fail(f"{run_dir}: no audit.jsonl found (was the run written with --out?)")
    bad = 0
    for path in logs:
        report = verify(path)
        status = "ok" if report.ok else f"TAMPERED ({report.problem} at seq {report.first_bad_seq})"
        out.print(f"{path}: {report.records:,} records, {status}", highlight=False)
        if not report.ok:
            bad += 1
            if report.detail:
                out.print(f"  {report.detail}", highlight=False)
    if bad:
        raise typer.Exit(code=1)

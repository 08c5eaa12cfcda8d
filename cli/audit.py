"""``retail-twin audit verify RUN_DIR``: check the hash-chained audit trail of a run.

Every run directory under RUN_DIR is checked by :func:`experiments.auditrun.verify_tree`: each
chain, its head and count against ``summary.json`` and ``replications.parquet``, the replication
count, and with ``--audit-key`` (or ``RETAILTWIN_AUDIT_KEY``) the HMAC of the audit block.
Exit codes: 0 all verified; 1 something was edited, cut, reordered, deleted or re-signed;
2 no run directory or audit log found.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.app import AuditKey, HelpGroup, app, fail, out
from experiments.auditrun import resolve_key, verify_tree

audit_app = typer.Typer(cls=HelpGroup, help="The hash-chained audit trail of approval decisions.")
app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def audit_verify(
    run_dir: Annotated[Path, typer.Argument(help="a run directory written with --out")],
    audit_key: AuditKey = None,
) -> None:
    """Verify every audit trail under RUN_DIR; exit 1 if any was edited, cut or cut loose."""
    if not run_dir.is_dir():
        fail(f"{run_dir}: no such directory")
    findings = verify_tree(run_dir, resolve_key(audit_key))
    if not findings:
        fail(f"{run_dir}: no audit trail found (was the run written with --out?)")
    bad = 0
    for f in findings:
        records = f"{f.records:,} records, " if f.path.endswith(".jsonl") else ""
        out.print(f"{f.path}: {records}{f.message}", highlight=False, soft_wrap=True)
        bad += not f.ok
    if bad:
        out.print(f"{bad} problem(s) found", highlight=False)
        raise typer.Exit(code=1)

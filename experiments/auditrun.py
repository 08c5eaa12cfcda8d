"""Auditing a run directory: every replication's hash chain against what the run vouches for.

One ``audit.jsonl`` with its ``audit.head.json`` only proves that the log agrees with its own
sidecar: cutting the tail and rewriting the sidecar, emptying both, or deleting a replication's
files leaves every remaining chain intact. So when a run directory is written, the head (final
hash) and record count of each replication are also recorded *outside* its folder:

- ``summary.json`` gets an ``"audit"`` block: ``{"replications": R, "heads": [{"replication",
  "records", "head"}, ...]}``, plus ``"hmac"`` (HMAC-SHA256 over the canonical JSON of that
  block) when a key is given (``--audit-key`` or :data:`KEY_ENV`);
- ``replications.parquet`` gets the columns ``audit_records`` and ``audit_head``.

:func:`verify_tree` checks, for every run directory under a root: each chain (with
:func:`orchestration.approvals.audit.verify`), that its head and count equal both records above,
that the block covers exactly the run's successful replications (``summary.json: replications``)
and that no listed replication's files are missing; with a key, that the HMAC matches. A log that
no ``summary.json`` vouches for is reported too.

Threat model: without a key, the checks catch a careless or partial edit (one file, one
replication); someone who rewrites every file of a run consistently (logs, sidecars, summary,
Parquet) is caught only by the HMAC, and only if the key was kept away from them (an
environment variable of the CI or of the operator, never a file in the run directory).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from orchestration.approvals.audit import head_path, verify

KEY_ENV = "RETAILTWIN_AUDIT_KEY"
AUDIT_COLUMNS = ("audit_records", "audit_head")


def resolve_key(key: str | None) -> bytes | None:
    """The HMAC key: the option's value, else the environment variable, else none."""
    text = key if key else os.environ.get(KEY_ENV) or None
    return text.encode("utf-8") if text else None


def _canonical(obj: Any) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def sign(block: dict[str, Any], key: bytes) -> str:
    body = {k: v for k, v in block.items() if k != "hmac"}
    return hmac.new(key, _canonical(body), hashlib.sha256).hexdigest()


def audit_block(engines: Sequence[tuple[int, dict[str, Any]]], key: bytes | None = None) -> dict:
    """The ``summary.json`` block for the successful replications ``(replication, engine)``."""
    heads = [
        {"replication": r, "records": int(e["audit_records"]), "head": str(e["audit_head"])}
        for r, e in sorted(engines, key=lambda x: x[0])
        if "audit_head" in e
    ]
    block: dict[str, Any] = {"replications": len(heads), "heads": heads}
    if key is not None:
        block["hmac"] = sign(block, key)
    return block


@dataclass(frozen=True)
class Finding:
    """One audit log or run directory and the verdict on it."""

    path: str
    ok: bool
    records: int
    message: str


def _heads_from_parquet(run_dir: Path) -> dict[int, tuple[int, str]] | str:
    f = run_dir / "replications.parquet"
    try:
        cols = pq.read_table(f).to_pydict()
    except (OSError, ValueError) as exc:
        return f"{f}: unreadable ({type(exc).__name__})"
    if not all(c in cols for c in (*AUDIT_COLUMNS, "replication", "status")):
        return f"{f}: no audit_records / audit_head columns"
    return {
        int(r): (int(n), str(h))
        for r, n, h, s in zip(
            cols["replication"],
            cols["audit_records"],
            cols["audit_head"],
            cols["status"],
            strict=True,
        )
        if s == "ok" and h is not None
    }


def _check_run(run_dir: Path, key: bytes | None) -> tuple[list[Finding], set[Path]]:
    """Findings for one run directory, and the logs it vouches for."""
    out: list[Finding] = []
    covered: set[Path] = set()
    where = str(run_dir)
    try:
        summary = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
        block = summary["audit"]
        heads = {int(h["replication"]): (int(h["records"]), str(h["head"])) for h in block["heads"]}
        reps = int(summary["replications"])
    except KeyError:
        msg = (
            "summary.json lists no audit heads: removed, or the run was written before they "
            "were recorded (its logs cannot be checked against the run; rerun it to get them)"
        )
        return [Finding(where, False, 0, msg)], set()
    except (OSError, ValueError, TypeError) as exc:
        msg = f"summary.json has no readable audit block ({type(exc).__name__})"
        return [Finding(where, False, 0, msg)], set()
    problems = []
    if key is not None:
        mac = block.get("hmac")
        if not isinstance(mac, str):
            problems.append("summary.json: audit block not signed (run without --audit-key?)")
        elif not hmac.compare_digest(mac, sign(block, key)):
            problems.append("summary.json: audit HMAC does not match (rewritten, or another key)")
    if reps != len(heads) or block.get("replications") != len(heads):
        problems.append(
            f"summary.json says {reps} replication(s); its audit block lists {len(heads)}"
        )
    table = _heads_from_parquet(run_dir)
    if isinstance(table, str):
        problems.append(table)
    elif table != heads:
        diff = sorted(set(table.items()) ^ set(heads.items()))
        problems.append(
            f"replications.parquet and summary.json disagree on replication(s) "
            f"{sorted({r for r, _ in diff})}"
        )
    for rep, (count, head) in sorted(heads.items()):
        log = run_dir / f"rep_{rep:03d}" / "audit.jsonl"
        covered.add(log.resolve())
        if not log.exists() or not head_path(log).exists():
            problems.append(f"rep_{rep:03d}: audit.jsonl or audit.head.json missing")
            continue
        report = verify(log)
        if not report.ok:
            out.append(
                Finding(
                    str(log),
                    False,
                    report.records,
                    f"TAMPERED ({report.problem} at seq {report.first_bad_seq}) {report.detail}",
                )
            )
            continue
        side = json.loads(head_path(log).read_text(encoding="ascii"))
        if (report.records, side.get("head")) != (count, head):
            out.append(
                Finding(
                    str(log),
                    False,
                    report.records,
                    f"TAMPERED (cut or rewritten: {report.records} records, summary.json "
                    f"vouches for {count})",
                )
            )
            continue
        out.append(Finding(str(log), True, report.records, "ok"))
    extra = sorted(p for p in run_dir.glob("rep_*/audit.jsonl") if p.resolve() not in covered)
    for p in extra:
        covered.add(p.resolve())
        problems.append(f"{p.parent.name}: an audit log the summary does not list")
    for msg in problems:
        out.append(Finding(where, False, 0, msg))
    if not problems and key is not None:
        out.append(Finding(where, True, 0, "audit block signature ok"))
    return out, covered


def verify_tree(root: Path, key: bytes | None = None) -> list[Finding]:
    """Every run directory and audit log under ``root`` (itself included), checked."""
    findings: list[Finding] = []
    covered: set[Path] = set()
    for summary in sorted(root.rglob("summary.json")):
        run_dir = summary.parent
        if not any(run_dir.glob("rep_*/audit.*")) and not _has_block(summary):
            continue  # a run written without outputs (--no-outputs): no trail to check
        found, cov = _check_run(run_dir, key)
        findings += found
        covered |= cov
    for log in sorted(root.rglob("audit.jsonl")):
        if log.resolve() in covered:
            continue
        report = verify(log)
        findings.append(
            Finding(str(log), False, report.records, "no summary.json vouches for this log")
        )
    return findings


def _has_block(summary: Path) -> bool:
    try:
        return "audit" in json.loads(summary.read_text(encoding="utf-8"))
    except (OSError, ValueError, TypeError):
        return True  # unreadable: let _check_run say so

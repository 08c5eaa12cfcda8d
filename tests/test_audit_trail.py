"""Approval decisions are sealed in a hash chain that `retail-twin audit verify` checks."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from cli.main import app
from experiments.replicate import run_scenario
from scenarios.loader import load_scenario


def test_a_run_keeps_a_verifiable_audit_trail_and_an_edit_is_detected(tmp_path):
    s = load_scenario("tiny", ["horizon_days=7", "orchestration.model=hybrid"])
    run_scenario(s, 1, tmp_path / "run", workers=1)
    log = tmp_path / "run" / "rep_000" / "audit.jsonl"
    lines = log.read_text().splitlines()
    records = [json.loads(x) for x in lines]
    assert {r["action"] for r in records} >= {"requested", "auto_approved"}
    runner = CliRunner()
    ok = runner.invoke(app, ["audit", "verify", str(tmp_path / "run")])
    assert ok.exit_code == 0, ok.output
    first = records[0]
    first["actor"] = "someone_else"  # rewrite who asked, keep the stored hash
    lines[0] = json.dumps(first, sort_keys=True, separators=(",", ":"))
    log.write_text("\n".join(lines) + "\n")
    bad = runner.invoke(app, ["audit", "verify", str(tmp_path / "run")])
    assert bad.exit_code == 1
    assert "TAMPERED" in bad.output

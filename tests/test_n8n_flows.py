"""The built-in flows shipped as an n8n export: imported, they give the golden KPIs exactly.

Every golden run of an automated model is re-run with ``orchestration.integration.
n8n_workflows=builtin`` — the n8n JSON of ``orchestration/integration/flows/builtin.json`` loaded by
the importer instead of the Python wiring — and compared to the committed golden KPIs.
"""

from __future__ import annotations

import json

import pytest

from experiments.runner import run_replication
from orchestration.integration.n8n_flows import BUILTIN, n8n_problems
from scenarios.loader import load_scenario
from tests.test_golden import CASES, GOLDEN, golden_diff

AUTOMATED = {k: v for k, v in CASES.items() if v[1] != "manual"}
IMPORTED = "orchestration.integration.n8n_workflows=builtin"


@pytest.mark.parametrize("case", sorted(AUTOMATED))
def test_imported_builtin_flows_give_the_golden_kpis(case):
    scenario, model = AUTOMATED[case]
    overrides = [IMPORTED] + ([] if model is None else [f"orchestration.model={model}"])
    s = load_scenario(scenario, overrides)
    assert s.orchestration.model != "manual"
    res = run_replication(s, 0)
    got = {
        "scenario": scenario,
        "model": s.orchestration.model,
        "seed": s.seed,
        "kpis": res.kpis,
        "by_approval_type": res.by_approval_type,
    }
    want = json.loads((GOLDEN / f"{case}.json").read_text(encoding="utf-8"))
    assert golden_diff(want, got) == []


def test_an_edited_export_changes_the_run(tmp_path):
    """Not a copy by construction: the same export with Retry On Fail switched off moves the
    KPIs of a faulty run (slo_peak_ops), so the comparison above depends on what the JSON says."""
    flows = json.loads(BUILTIN.read_text(encoding="utf-8"))
    for wf in flows:
        for node in wf["nodes"]:
            if node["type"] == "n8n-nodes-base.httpRequest":
                node["retryOnFail"] = False
    path = tmp_path / "no_retry.json"
    path.write_text(json.dumps(flows), encoding="utf-8")
    base = load_scenario("slo_peak_ops", [IMPORTED])
    edited = load_scenario("slo_peak_ops", [f"orchestration.integration.n8n_workflows={path}"])
    assert run_replication(base, 0).kpis != run_replication(edited, 0).kpis


def test_export_problems_are_reported_with_the_field(tmp_path):
    bad = tmp_path / "bad.json"
    nodes = [
        {"name": "Hook", "type": "n8n-nodes-base.webhook", "parameters": {"path": "po-confirmed"}},
        {"name": "AI", "type": "@n8n/n8n-nodes-langchain.agent", "parameters": {}},
    ]
    links = {"Hook": {"main": [[{"node": "AI", "type": "main", "index": 0}]]}}
    bad.write_text(json.dumps([{"id": "wf-po", "name": "x", "nodes": nodes, "connections": links}]))
    s = load_scenario("tiny", [
        "orchestration.model=hybrid", f"orchestration.integration.n8n_workflows={bad}",
        "orchestration.integration.retry_max_tries=5"])  # fmt: skip
    problems = n8n_problems(s)
    text = "\n".join(" | ".join(p) for p in problems)
    assert "orchestration.integration.retry_max_tries" in text
    assert "workflows with ids wf-po, wf-availability, wf-refund, wf-notify" in text
    assert "unknown node type(s): 'AI'" in text
    missing = load_scenario("tiny", ["orchestration.integration.n8n_workflows=/nope.json"])
    assert "a readable n8n export file" in n8n_problems(missing)[0][1]
    assert n8n_problems(load_scenario("tiny", [IMPORTED])) == []


def test_node_profiles_from_the_scenario_move_the_run():
    """A latency profile on the export's HTTP Request nodes (by type) delays every call the
    flows make: availability is published later, so the run's KPIs move; without an export the
    profiles are a problem, not ignored."""
    slow = [
        IMPORTED,
        "orchestration.model=event_driven",
        "orchestration.integration.n8n_node_profiles={httpRequest: "
        "{latency_s_median: 600, latency_s_p95: 1800}}",
    ]
    s = load_scenario("tiny", slow)
    assert n8n_problems(s) == []
    fast = load_scenario("tiny", [IMPORTED, "orchestration.model=event_driven"])
    assert run_replication(s, 0).kpis != run_replication(fast, 0).kpis
    alone = load_scenario("tiny", slow[2:])
    assert n8n_problems(alone)[0][0] == "orchestration.integration.n8n_node_profiles"


def test_a_code_node_runs_with_a_profile_from_the_scenario(tmp_path):
    flows = json.loads(BUILTIN.read_text(encoding="utf-8"))
    notify = next(wf for wf in flows if wf["id"] == "wf-notify")
    notify["nodes"].append({"name": "Pick template", "type": "n8n-nodes-base.code",
                            "parameters": {"jsCode": "return items;"}})  # fmt: skip
    trigger = "When called by the twin"
    notify["connections"][trigger] = {"main": [[{"node": "Pick template", "index": 0}]]}
    notify["connections"]["Pick template"] = {"main": [[{"node": "Customer message", "index": 0}]]}
    path = tmp_path / "with_code.json"
    path.write_text(json.dumps(flows), encoding="utf-8")
    base = [f"orchestration.integration.n8n_workflows={path}", "orchestration.model=event_driven"]
    missing = n8n_problems(load_scenario("tiny", base))
    assert "a Code node needs a declared latency and outcome mix" in missing[0][2]
    profiled = [*base, "orchestration.integration.n8n_node_profiles={code: {failure_rate: 1.0}}"]
    s = load_scenario("tiny", profiled)
    assert n8n_problems(s) == []
    failing = run_replication(s, 0).kpis
    passing = load_scenario(
        "tiny", [*base, "orchestration.integration.n8n_node_profiles={code: {}}"]
    )
    ok = run_replication(passing, 0).kpis
    golden = json.loads((GOLDEN / "tiny-event_driven.json").read_text(encoding="utf-8"))["kpis"]
    assert ok == golden  # an instant Code node that passes items on changes nothing
    assert failing["dead_letters_total"] > ok["dead_letters_total"]  # customer messages failed

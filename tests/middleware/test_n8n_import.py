"""n8n exports imported and run: retries and the error workflow as n8n documents, routing,
node settings, schedules, sub-workflows, the Odoo node, and every problem in one error."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from orchestration.middleware import ExecutionMode, ExecutionStatus, N8nInstance, WebhookRequest
from orchestration.middleware.n8n_import import (
    N8nImportError,
    NodeProfile,
    import_workflows,
    install,
    load_exports,
)
from orchestration.middleware.units import h_to_s

EXPORTS = Path(__file__).parent / "n8n_exports"


def _run(env, rng, docs, **kw):
    n8n = N8nInstance(env, rng, base_url="https://n8n.example")
    install(n8n, import_workflows(docs, **kw))
    return n8n


def test_retry_on_fail_clamps_and_the_error_workflow_gets_n8n_payload(env, rng):
    """maxTries 7 -> 5 tries, waitBetweenTries 0 -> 1000 ms (n8n's `||` default), fixed delay;
    the failed webhook execution starts settings.errorWorkflow at its Error Trigger."""
    attempts, pages = [], []

    def carrier(item):
        attempts.append(h_to_s(env.now))
        raise ConnectionError("carrier API 503")

    def pager(item):
        pages.append(item)
        return item

    handlers = {"Create label": carrier, "Page on-call": pager}
    n8n = _run(env, rng, load_exports(EXPORTS / "carrier_with_retries.json"), handlers=handlers)
    n8n.deliver_webhook(WebhookRequest("ship", "POST", body={"order": "SO-7"}))
    env.run(until=1.0)
    assert attempts == pytest.approx([0.0, 1.0, 2.0, 3.0, 4.0])
    failed = n8n.executions[1]
    assert failed.status is ExecutionStatus.ERROR
    assert failed.mode is ExecutionMode.WEBHOOK
    assert failed.last_node_executed == "Create label"
    assert n8n.metrics.counters("Kq3vWm0aBc12").retries == 4
    error_run = n8n.executions[2]
    assert (error_run.workflow_id, error_run.mode) == ("Zr8tYu5iOp34", ExecutionMode.ERROR)
    assert pages == [
        {
            "failed_node": "Create label",
            "message": "carrier API 503",
            "workflow": "Book carrier",
        }
    ]


def test_a_success_on_the_last_try_fires_no_error_workflow(env, rng):
    calls = []

    def flaky(item):
        calls.append(item)
        if len(calls) < 5:
            raise ConnectionError("timeout")
        return {"label": "L-1", **item}

    n8n = _run(env, rng, load_exports(EXPORTS / "carrier_with_retries.json"),
               handlers={"Create label": flaky})  # fmt: skip
    n8n.deliver_webhook(WebhookRequest("ship", "POST", body={"order": "SO-8"}))
    env.run(until=1.0)
    assert n8n.executions[1].status is ExecutionStatus.SUCCESS
    assert n8n.executions[1].output_item == [{"label": "SO-8"}]  # Set keeps only its field
    assert len(n8n.executions) == 1  # no error workflow


@pytest.mark.parametrize(
    ("body", "route"),
    [
        ({"amount": 5000, "channel": "web"}, "approval"),
        ({"amount": 20, "channel": "marketplace"}, "marketplace"),
        ({"amount": 20, "channel": "web"}, "auto"),  # Switch fallback output ("extra")
    ],
)
def test_if_switch_set_merge_wait_route_each_order(env, rng, body, route):
    recorded = []

    def record(item):
        recorded.append((h_to_s(env.now), item))
        return item

    n8n = _run(env, rng, [load_exports(EXPORTS / "order_router.json")[0]],
               handlers={"Record route": record})  # fmt: skip
    n8n.deliver_webhook(WebhookRequest("orders", "POST", body=body))
    env.run(until=1.0)
    assert recorded == [(pytest.approx(30.0), {**body, "route": route})]  # after the 30 s Wait
    assert n8n.executions[1].status is ExecutionStatus.SUCCESS


def _code_flow(**node_settings):
    return {
        "id": "code1",
        "name": "Score",
        "nodes": [
            {"name": "Every 15 min", "type": "n8n-nodes-base.scheduleTrigger",
             "parameters": {"rule": {"interval": [{"field": "minutes", "minutesInterval": 15}]}}},
            {"name": "Score order", "type": "n8n-nodes-base.code",
             "parameters": {"jsCode": "return items;"}, **node_settings},
            {"name": "Notify", "type": "n8n-nodes-base.httpRequest", "parameters": {}},
        ],
        "connections": {
            "Every 15 min": {"main": [[{"node": "Score order", "type": "main", "index": 0}]]},
            "Score order": {"main": [[{"node": "Notify", "type": "main", "index": 0}]]},
        },
        "settings": {},
    }  # fmt: skip


@pytest.mark.parametrize(("always", "notified"), [(False, 0), (True, 4)])
def test_code_node_outcome_mix_and_always_output_data(env, rng, always, notified):
    """A Code node that outputs nothing ends the branch, unless Always Output Data is on;
    the Schedule Trigger fires every 15 simulated minutes."""
    seen = []
    profiles = {"code": NodeProfile(latency_s_median=0.2, latency_s_p95=0.5, empty_rate=1.0)}
    n8n = _run(env, rng, [_code_flow(alwaysOutputData=always)], profiles=profiles,
               handlers={"Notify": lambda item: seen.append(item) or item})  # fmt: skip
    env.run(until=1.01)
    assert len(n8n.executions) == 4
    assert len(seen) == notified
    assert all(item == {} for item in seen)


def test_execute_once_and_failure_mix_of_a_code_node(env, rng):
    seen = []
    profiles = {"Score order": NodeProfile(failure_rate=1.0)}
    flow = _code_flow(executeOnce=True, onError="continueRegularOutput")
    n8n = _run(env, rng, [flow], profiles=profiles,
               handlers={"Notify": lambda item: seen.append(item) or item})  # fmt: skip
    env.run(until=0.25 + 1e-9)
    assert n8n.executions[1].status is ExecutionStatus.SUCCESS  # the error was continued
    assert seen == [{}]


def test_execute_workflow_runs_the_sub_workflow_and_its_failure_is_the_nodes_error(env, rng):
    sub = {
        "id": "sub1", "name": "Reserve stock",
        "nodes": [
            {"name": "Start", "type": "n8n-nodes-base.executeWorkflowTrigger", "parameters": {}},
            {"name": "Reserve", "type": "n8n-nodes-base.httpRequest", "parameters": {}},
        ],
        "connections": {"Start": {"main": [[{"node": "Reserve", "type": "main", "index": 0}]]}},
    }  # fmt: skip
    main = {
        "id": "main1", "name": "Order", "active": True,
        "nodes": [
            {"name": "Hook", "type": "n8n-nodes-base.webhook",
             "parameters": {"path": "o", "httpMethod": "POST"}},
            {"name": "Call reserve", "type": "n8n-nodes-base.executeWorkflow",
             "parameters": {"workflowId": {"__rl": True, "value": "sub1", "mode": "list"}},
             "retryOnFail": True, "maxTries": 2, "waitBetweenTries": 5000},
        ],
        "connections": {"Hook": {"main": [[{"node": "Call reserve", "type": "main", "index": 0}]]}},
    }  # fmt: skip
    calls = []

    def reserve(item):
        calls.append(h_to_s(env.now))
        raise RuntimeError("no stock")

    n8n = _run(env, rng, [main, sub], handlers={"Reserve": reserve})
    n8n.deliver_webhook(WebhookRequest("o", "POST", body={}))
    env.run(until=1.0)
    assert calls == pytest.approx([0.0, 5.0])  # the whole sub-workflow re-run after 5 s
    ex = n8n.executions[1]
    assert ex.status is ExecutionStatus.ERROR
    assert ex.error.node == "Call reserve"
    assert "no stock" in ex.error.message


class _EnvRpc:
    """An OdooRpc over the mocked Odoo (what /jsonrpc does, without HTTP)."""

    def __init__(self, odoo_env):
        self.odoo = odoo_env

    def login(self, db, user, password):
        return 2 if (db, user, password) == ("shop", "n8n", "secret-key") else False

    def execute(self, uid, model, method, *args):
        return self.odoo.execute(model, method, *args, user=uid)


def test_odoo_node_creates_and_reads_records_on_the_mocked_odoo(env, rng):
    from orchestration.odoo import Env

    odoo = Env()
    flow = {
        "id": "od1", "name": "Vendor sync", "active": True,
        "nodes": [
            {"name": "Hook", "type": "n8n-nodes-base.webhook",
             "parameters": {"path": "vendor", "httpMethod": "POST"}},
            {"name": "Create vendor", "type": "n8n-nodes-base.odoo",
             "parameters": {"resource": "contact", "operation": "create",
                            "fieldsToCreateOrUpdate": {"fields": [
                                {"fieldName": "name", "fieldValue": "={{ $json.body.name }}"}]}}},
            {"name": "Read back", "type": "n8n-nodes-base.odoo",
             "parameters": {"resource": "custom", "customResource": "res.partner",
                            "operation": "get", "customResourceId": "={{ $json.id }}"}},
        ],
        "connections": {
            "Hook": {"main": [[{"node": "Create vendor", "type": "main", "index": 0}]]},
            "Create vendor": {"main": [[{"node": "Read back", "type": "main", "index": 0}]]},
        },
    }  # fmt: skip
    n8n = _run(env, rng, [flow], odoo=_EnvRpc(odoo), odoo_login=("shop", "n8n", "secret-key"))
    n8n.deliver_webhook(WebhookRequest("vendor", "POST", body={"name": "Acme"}))
    env.run(until=1.0)
    ex = n8n.executions[1]
    assert ex.status is ExecutionStatus.SUCCESS
    assert ex.output_item[0]["name"] == "Acme"
    assert odoo["res.partner"].search_count([("name", "=", "Acme")]) == 1


def test_every_problem_is_reported_in_one_error():
    flow = copy.deepcopy(_code_flow())
    flow["nodes"][2]["type"] = "n8n-nodes-base.slack"
    flow["nodes"].append({"name": "AI", "type": "@n8n/n8n-nodes-langchain.agent"})
    bad_expr = copy.deepcopy(_code_flow())
    bad_expr["id"] = "code2"
    bad_expr["nodes"].append(
        {"name": "Calc", "type": "n8n-nodes-base.set", "parameters": {"assignments": {
            "assignments": [{"name": "x", "value": "={{ $json.a * 2 }}"}]}}}
    )  # fmt: skip
    bad_expr["connections"]["Notify"] = {"main": [[{"node": "Calc", "type": "main", "index": 0}]]}
    bad_expr["settings"] = {"errorWorkflow": "missing"}
    with pytest.raises(N8nImportError) as err:
        import_workflows([flow, bad_expr])
    text = str(err.value)
    assert "unknown node type(s): 'Notify' (n8n-nodes-base.slack), 'AI'" in text
    assert "node 'Score order': a Code node needs a declared latency and outcome mix" in text
    assert "node 'Calc': unsupported expression" in text
    assert "settings.errorWorkflow 'missing' not imported" in text
    assert len(err.value.problems) == 4


def test_loops_and_joined_fan_outs_are_refused():
    def node(name, kind="noOp"):
        return {"name": name, "type": f"n8n-nodes-base.{kind}", "parameters": {}}

    def link(*targets):
        return {"main": [[{"node": t, "type": "main", "index": 0} for t in targets]]}

    loop = {"id": "l", "name": "Loop", "nodes": [node("T", "manualTrigger"), node("A"), node("B")],
            "connections": {"T": link("A"), "A": link("B"), "B": link("A")}}  # fmt: skip
    fan = {"id": "f", "name": "Fan", "nodes": [node("T", "manualTrigger"), node("A"), node("B"),
                                               node("M", "merge")],
           "connections": {"T": link("A", "B"), "A": link("M"), "B": link("M")}}  # fmt: skip
    with pytest.raises(N8nImportError) as err:
        import_workflows([loop, fan])
    assert "loops are not supported" in str(err.value)
    assert "node 'M': joins parallel branches of a fan-out" in str(err.value)


def test_fan_out_runs_every_branch_in_order(env, rng):
    order = []
    flow = {
        "id": "fan", "name": "Fan",
        "nodes": [{"name": "T", "type": "n8n-nodes-base.manualTrigger", "parameters": {}},
                  {"name": "A", "type": "n8n-nodes-base.httpRequest", "parameters": {}},
                  {"name": "B", "type": "n8n-nodes-base.httpRequest", "parameters": {}}],
        "connections": {"T": {"main": [[{"node": "A", "type": "main", "index": 0},
                                        {"node": "B", "type": "main", "index": 0}]]}},
    }  # fmt: skip
    handlers = {"A": lambda i: order.append("A") or i, "B": lambda i: order.append("B") or i}
    n8n = _run(env, rng, [flow], handlers=handlers)
    n8n.start("fan", [{"n": 1}])
    env.run(until=1.0)
    assert order == ["A", "B"]

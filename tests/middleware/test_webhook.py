"""The Webhook entry: production vs test URLs, authentication codes, response modes, duplicates."""

from __future__ import annotations

import pytest

from orchestration.middleware import (
    Authentication,
    BasicAuthCredential,
    ExecutionMode,
    FunctionNode,
    HeaderAuthCredential,
    HopBehaviour,
    N8nInstance,
    RespondToWebhookNode,
    ResponseData,
    ResponseMode,
    WaitNode,
    WebhookRequest,
    WebhookTrigger,
    Workflow,
    basic_auth_header,
)


def _instance(env, rng, trigger, nodes=None, *, active=True):
    instance = N8nInstance(env, rng)
    nodes = nodes or (FunctionNode("Echo", lambda item: {"echo": item["body"]}),)
    instance.add_workflow(Workflow("wf", "Orders in", tuple(nodes), active=active, trigger=trigger))
    return instance


def _call(env, instance, request, hop=None):
    process = instance.deliver_webhook(request, hop or HopBehaviour())
    env.run()
    return process.value


def test_inactive_workflow_production_url_answers_404_and_starts_nothing(env, rng):
    instance = _instance(env, rng, WebhookTrigger("orders", "POST"), active=False)
    response = _call(env, instance, WebhookRequest("orders", "POST", body={"id": 1}))
    assert response.status == 404
    assert response.body["message"] == 'The requested webhook "POST orders" is not registered.'
    assert len(instance.executions) == 0


def test_wrong_method_answers_404_with_a_hint(env, rng):
    instance = _instance(env, rng, WebhookTrigger("orders", "POST"))
    response = _call(env, instance, WebhookRequest("orders", "GET"))
    assert response.status == 404
    assert response.body["message"] == (
        "This webhook is not registered for GET requests. Did you mean to make a POST request?"
    )


def test_test_url_works_once_while_listening_even_when_inactive(env, rng):
    """/webhook-test/ needs 'listen for test event'; it answers one call, in manual mode."""
    instance = _instance(env, rng, WebhookTrigger("orders", "POST"), active=False)
    request = WebhookRequest("orders", "POST", body={"id": 1}, test=True)
    assert _call(env, instance, request).status == 404
    instance.listen_test("wf")
    assert _call(env, instance, request).status == 200
    assert _call(env, instance, request).status == 404
    assert [ex.mode for ex in instance.executions] == [ExecutionMode.MANUAL]


@pytest.mark.parametrize(
    ("headers", "expected_status"),
    [
        ({"X-Api-Key": "s3cret"}, 200),
        ({"x-api-key": "s3cret"}, 200),
        ({"X-Api-Key": "wrong"}, 403),
        ({}, 403),
    ],
)
def test_header_auth_wrong_or_missing_header_answers_403(env, rng, headers, expected_status):
    """n8n's header auth has one branch for 'missing or wrong': both are 403 (ODOO.md §6.1)."""
    trigger = WebhookTrigger(
        "orders",
        "POST",
        authentication=Authentication.HEADER_AUTH,
        credential=HeaderAuthCredential("X-Api-Key", "s3cret"),
    )
    instance = _instance(env, rng, trigger)
    response = _call(env, instance, WebhookRequest("orders", "POST", headers=headers))
    assert response.status == expected_status
    assert len(instance.executions) == (1 if expected_status == 200 else 0)
    if expected_status == 403:
        assert response.body == {"message": "Authorization data is wrong!"}


@pytest.mark.parametrize(
    ("headers", "expected_status"),
    [
        (basic_auth_header("shop", "pw"), 200),
        (basic_auth_header("shop", "nope"), 403),
        ({}, 401),
        ({"Authorization": "Basic !!!not-base64"}, 401),
    ],
)
def test_basic_auth_missing_answers_401_and_wrong_answers_403(env, rng, headers, expected_status):
    trigger = WebhookTrigger(
        "orders",
        "POST",
        authentication=Authentication.BASIC_AUTH,
        credential=BasicAuthCredential("shop", "pw"),
    )
    instance = _instance(env, rng, trigger)
    response = _call(env, instance, WebhookRequest("orders", "POST", headers=headers))
    assert response.status == expected_status
    if expected_status == 401:
        assert "WWW-Authenticate" in response.headers


def test_auth_without_a_configured_credential_answers_500(env, rng):
    trigger = WebhookTrigger("orders", "POST", authentication=Authentication.HEADER_AUTH)
    instance = _instance(env, rng, trigger)
    response = _call(env, instance, WebhookRequest("orders", "POST"))
    assert response.status == 500
    assert response.body == {"message": "No authentication data defined on node!"}


def test_on_received_answers_workflow_was_started_before_the_workflow_ends(env, rng):
    """onReceived answers after the hop latency alone, even with a 30 s Wait in the workflow."""
    nodes = (WaitNode("Pause", 30.0), FunctionNode("Echo", lambda item: item))
    instance = _instance(env, rng, WebhookTrigger("orders", "POST"), nodes)
    hop = HopBehaviour(latency_s_median=0.05, latency_s_p95=0.05)
    response = _call(env, instance, WebhookRequest("orders", "POST"), hop)
    assert response.status == 200
    assert response.body == {"message": "Workflow was started"}
    assert response.latency_s == pytest.approx(0.05)
    assert response.execution_id == 1
    assert instance.metrics.execution_latency_s == [pytest.approx(30.0)]


def test_last_node_waits_for_the_result_and_answers_it(env, rng):
    nodes = (WaitNode("Pause", 30.0), FunctionNode("Echo", lambda item: {"echo": item["body"]}))
    trigger = WebhookTrigger("orders", "POST", response_mode=ResponseMode.LAST_NODE)
    instance = _instance(env, rng, trigger, nodes)
    response = _call(env, instance, WebhookRequest("orders", "POST", body={"id": 9}))
    assert response.status == 200
    assert response.body == {"echo": {"id": 9}}
    assert response.latency_s == pytest.approx(30.0)
    all_entries = WebhookTrigger(
        "orders",
        "POST",
        response_mode=ResponseMode.LAST_NODE,
        response_data=ResponseData.ALL_ENTRIES,
    )
    env2 = type(env)()
    instance2 = _instance(env2, rng, all_entries, nodes)
    assert _call(env2, instance2, WebhookRequest("orders", "POST", body={"id": 9})).body == [
        {"echo": {"id": 9}}
    ]


def test_last_node_failure_answers_500(env, rng):
    def boom(item):
        raise RuntimeError("ERP down")

    trigger = WebhookTrigger("orders", "POST", response_mode=ResponseMode.LAST_NODE)
    instance = _instance(env, rng, trigger, (FunctionNode("Post", boom),))
    response = _call(env, instance, WebhookRequest("orders", "POST"))
    assert response.status == 500
    assert response.body == {"message": "Error in workflow"}


def test_response_node_answers_when_the_respond_node_runs_not_at_the_end(env, rng):
    nodes = (
        RespondToWebhookNode("Ack", status=202, body_fn=lambda item: {"accepted": True}),
        WaitNode("Slow tail", 40.0),
    )
    trigger = WebhookTrigger("orders", "POST", response_mode=ResponseMode.RESPONSE_NODE)
    instance = _instance(env, rng, trigger, nodes)
    response = _call(env, instance, WebhookRequest("orders", "POST"))
    assert response.status == 202
    assert response.body == {"accepted": True}
    assert response.latency_s == pytest.approx(0.0)
    assert env.now == pytest.approx(40.0 / 3600)


def test_duplicated_delivery_runs_the_workflow_twice_with_the_same_delivery_id(env, rng):
    instance = _instance(env, rng, WebhookTrigger("orders", "POST"))
    hop = HopBehaviour(duplicate_rate=1.0)
    request = WebhookRequest("orders", "POST", body={"order": 5}, delivery_id="evt-77")
    response = _call(env, instance, request, hop)
    assert response.status == 200
    executions = list(instance.executions)
    assert [ex.delivery_id for ex in executions] == ["evt-77", "evt-77"]
    assert executions[0].input_item == executions[1].input_item
    assert instance.metrics.duplicate_deliveries == 1


def test_call_during_a_caller_hop_outage_gets_no_answer_and_starts_nothing(env, rng):
    instance = _instance(env, rng, WebhookTrigger("orders", "POST"))
    hop = HopBehaviour(outages=((0.0, 1.0),))
    response = _call(env, instance, WebhookRequest("orders", "POST"), hop)
    assert response.status == 0
    assert response.error == "ECONNREFUSED"
    assert len(instance.executions) == 0

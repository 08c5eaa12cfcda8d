"""On Error modes and error workflows: when they fire, with which payload, and the loop guard."""

from __future__ import annotations

from orchestration.middleware import (
    ErrorTriggerNode,
    ExecutionMode,
    ExecutionStatus,
    FunctionNode,
    HopBehaviour,
    N8nInstance,
    NodeSettings,
    OnError,
    WebhookRequest,
    WebhookTrigger,
    Workflow,
    WorkflowSettings,
)


def _boom(item):
    raise ValueError("carrier rejected the shipment")


def _recorder():
    seen: list[dict] = []

    def record(item):
        seen.append(item)
        return item

    return seen, record


def _build(env, rng, on_error=OnError.STOP_WORKFLOW, error_branch=()):
    instance = N8nInstance(env, rng, base_url="https://n8n.example")
    alerts, record_alert = _recorder()
    after, record_after = _recorder()
    instance.add_workflow(
        Workflow(
            "wf-alert",
            "Ops alert",
            (ErrorTriggerNode(), FunctionNode("Page on-call", record_alert)),
        )
    )
    failing = FunctionNode(
        "Book carrier",
        _boom,
        settings=NodeSettings(on_error=on_error),
        error_output=error_branch,
    )
    instance.add_workflow(
        Workflow(
            "wf-ship",
            "Ship order",
            (failing, FunctionNode("Notify customer", record_after)),
            active=True,
            trigger=WebhookTrigger("ship", http_method="POST"),
            settings=WorkflowSettings(error_workflow="wf-alert"),
        )
    )
    return instance, alerts, after


def test_continue_regular_output_goes_on_and_does_not_fire_the_error_workflow(env, rng):
    """The failing node's input reaches the next node; the execution succeeds; no alert."""
    instance, alerts, after = _build(env, rng, OnError.CONTINUE_REGULAR_OUTPUT)
    instance.deliver_webhook(WebhookRequest("ship", body={"order": 42}))
    env.run()
    (execution,) = [ex for ex in instance.executions if ex.workflow_id == "wf-ship"]
    assert execution.status is ExecutionStatus.SUCCESS
    assert execution.error is None
    assert after == [{"headers": {}, "params": {}, "query": {}, "body": {"order": 42}}]
    assert alerts == []
    assert instance.metrics.counters("wf-ship").error_workflow_runs == 0
    assert instance.metrics.counters("wf-alert").executions == 0


def test_continue_error_output_runs_the_error_branch_only(env, rng):
    """The error item goes down the error branch; the regular next node is skipped."""
    branch_seen, record_branch = _recorder()
    instance, alerts, after = _build(
        env,
        rng,
        OnError.CONTINUE_ERROR_OUTPUT,
        error_branch=(FunctionNode("Log failure", record_branch),),
    )
    instance.deliver_webhook(WebhookRequest("ship", body={"order": 42}))
    env.run()
    assert after == []
    assert alerts == []
    assert len(branch_seen) == 1
    assert branch_seen[0]["error"] == {
        "message": "carrier rejected the shipment",
        "node": "Book carrier",
    }
    assert instance.executions[1].status is ExecutionStatus.SUCCESS


def test_failing_production_execution_fires_the_error_workflow_with_n8n_payload(env, rng):
    """A webhook (production) execution that stops on error starts the error workflow."""
    instance, alerts, after = _build(env, rng)
    instance.deliver_webhook(WebhookRequest("ship", body={"order": 42}))
    env.run()
    failed = instance.executions[1]
    assert failed.status is ExecutionStatus.ERROR
    assert after == []
    assert alerts == [
        {
            "execution": {
                "id": "1",
                "url": "https://n8n.example/workflow/wf-ship/executions/1",
                "retryOf": None,
                "error": {
                    "message": "carrier rejected the shipment",
                    "stack": "ValueError: carrier rejected the shipment\n    at node Book carrier",
                },
                "lastNodeExecuted": "Book carrier",
                "mode": "webhook",
            },
            "workflow": {"id": "wf-ship", "name": "Ship order"},
        }
    ]
    error_run = instance.executions[2]
    assert error_run.mode is ExecutionMode.ERROR
    assert error_run.workflow_id == "wf-alert"
    assert instance.metrics.counters("wf-ship").error_workflow_runs == 1


def test_manual_test_url_execution_does_not_fire_the_error_workflow(env, rng):
    """The same failure through /webhook-test/ runs in manual mode: no error workflow."""
    instance, alerts, _ = _build(env, rng)
    instance.listen_test("wf-ship")
    instance.deliver_webhook(WebhookRequest("ship", body={"order": 42}, test=True))
    env.run()
    (execution,) = list(instance.executions)
    assert execution.mode is ExecutionMode.MANUAL
    assert execution.status is ExecutionStatus.ERROR
    assert alerts == []
    assert instance.metrics.counters("wf-ship").error_workflow_runs == 0


def test_retry_of_a_failed_execution_carries_retry_of_into_the_payload(env, rng):
    instance, alerts, _ = _build(env, rng)
    first = instance.start("wf-ship", {"order": 1})
    env.run()
    retried = instance.retry(first.id)
    env.run()
    assert retried.mode is ExecutionMode.RETRY
    assert retried.retry_of == first.id
    assert [alert["execution"]["retryOf"] for alert in alerts] == [None, str(first.id)]
    assert [alert["execution"]["mode"] for alert in alerts] == ["trigger", "retry"]


def test_an_error_workflow_that_fails_does_not_re_trigger_itself(env, rng):
    """Self-loop guard: an error workflow naming itself runs once per failure, not forever."""
    one_second = HopBehaviour(latency_s_median=1.0, latency_s_p95=1.0)
    instance = N8nInstance(env, rng)
    instance.add_workflow(
        Workflow(
            "wf-alert",
            "Broken alert",
            (ErrorTriggerNode(), FunctionNode("Page on-call", _boom, one_second)),
            settings=WorkflowSettings(error_workflow="wf-alert"),
        )
    )
    instance.add_workflow(
        Workflow(
            "wf-ship",
            "Ship order",
            (FunctionNode("Book carrier", _boom),),
            settings=WorkflowSettings(error_workflow="wf-alert"),
        )
    )
    instance.start("wf-ship", {"order": 1})
    env.run(until=1.0)  # bounded: without the guard the error workflow would loop forever
    statuses = [(ex.workflow_id, ex.mode, ex.status) for ex in instance.executions]
    assert statuses == [
        ("wf-ship", ExecutionMode.TRIGGER, ExecutionStatus.ERROR),
        ("wf-alert", ExecutionMode.ERROR, ExecutionStatus.ERROR),
    ]
    assert instance.metrics.counters("wf-alert").error_workflow_runs == 0


def test_a_workflow_with_its_own_error_trigger_handles_its_failures(env, rng):
    """No errorWorkflow set, but the workflow has an Error Trigger: it runs itself in error mode,
    and that run's own failure does not loop."""
    instance = N8nInstance(env, rng)
    instance.add_workflow(
        Workflow("wf", "Self-handling", (ErrorTriggerNode(), FunctionNode("Book", _boom)))
    )
    instance.start("wf", {})
    env.run()
    assert [ex.mode for ex in instance.executions] == [ExecutionMode.TRIGGER, ExecutionMode.ERROR]

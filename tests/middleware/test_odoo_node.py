"""The Odoo node: common.login first, one object.execute per record, business errors retried."""

from __future__ import annotations

from typing import Any, Literal

import pytest

from orchestration.middleware import (
    ErrorTriggerNode,
    ExecutionStatus,
    FunctionNode,
    HopBehaviour,
    N8nInstance,
    NodeSettings,
    OdooNode,
    OdooOperation,
    OdooRpc,
    OdooRpcError,
    Workflow,
    WorkflowSettings,
    h_to_s,
    raise_for_jsonrpc_error,
)


class FakeOdoo:
    """A tiny ERP: logs every call; `fail_executes` first execute calls raise a ValidationError."""

    def __init__(self, env, *, fail_executes: int = 0, password: str = "admin") -> None:
        self.env = env
        self.calls: list[tuple[Any, ...]] = []
        self.fail_executes = fail_executes
        self.password = password
        self._next_id = 100

    def login(self, db: str, user: str, password: str) -> int | Literal[False]:
        self.calls.append(("login", db, user, self.env.now))
        return 2 if password == self.password else False

    def execute(self, uid: int, model: str, method: str, *args: Any) -> Any:
        self.calls.append(("execute", uid, model, method, args, self.env.now))
        if self.fail_executes:
            self.fail_executes -= 1
            raise_for_jsonrpc_error(
                {
                    "jsonrpc": "2.0",
                    "id": 1,
                    "error": {
                        "code": 200,
                        "message": "Odoo Server Error",
                        "data": {
                            "name": "odoo.exceptions.ValidationError",
                            "message": "The vendor is archived",
                        },
                    },
                }
            )
        self._next_id += 1
        return self._next_id


def _run(env, rng, odoo, records, settings=None, operation=OdooOperation.CREATE):
    instance = N8nInstance(env, rng)
    node = OdooNode(
        "Create RFQ",
        odoo,
        "purchase.order",
        operation,
        db="retail",
        settings=settings or NodeSettings(),
    )
    alerts: list = []
    instance.add_workflow(
        Workflow("alert", "Alert", (ErrorTriggerNode(), FunctionNode("Log", alerts.append)))
    )
    instance.add_workflow(
        Workflow("wf", "Replenish", (node,), settings=WorkflowSettings(error_workflow="alert"))
    )
    execution = instance.start("wf", records)
    env.run()
    return instance, execution, alerts


def test_fake_satisfies_the_protocol(env):
    odoo: OdooRpc = FakeOdoo(env)
    assert odoo.login("retail", "admin", "admin") == 2


def test_logs_in_once_then_one_execute_call_per_record_with_positional_args(env, rng):
    odoo = FakeOdoo(env)
    records = [{"partner_id": 7}, {"partner_id": 8}, {"partner_id": 9}]
    _, execution, _ = _run(env, rng, odoo, records)
    kinds = [call[0] for call in odoo.calls]
    assert kinds == ["login", "execute", "execute", "execute"]
    assert odoo.calls[0][:3] == ("login", "retail", "admin")
    assert [call[1:5] for call in odoo.calls[1:]] == [
        (2, "purchase.order", "create", ({"partner_id": 7},)),
        (2, "purchase.order", "create", ({"partner_id": 8},)),
        (2, "purchase.order", "create", ({"partner_id": 9},)),
    ]
    assert execution.status is ExecutionStatus.SUCCESS
    assert execution.output_item == [{"id": 101}, {"id": 102}, {"id": 103}]


def test_update_and_delete_send_one_id_per_call(env, rng):
    odoo = FakeOdoo(env)
    _run(env, rng, odoo, [{"id": 5, "state": "sent"}], operation=OdooOperation.UPDATE)
    assert odoo.calls[1][3:5] == ("write", ([5], {"state": "sent"}))


def test_business_error_is_retried_per_node_settings_and_then_succeeds(env, rng):
    """HTTP 200 + error is a node error: the whole node re-runs (login included) after 2 s."""
    odoo = FakeOdoo(env, fail_executes=1)
    settings = NodeSettings(retry_on_fail=True, max_tries=3, wait_between_tries_ms=2000)
    instance, execution, alerts = _run(env, rng, odoo, [{"partner_id": 7}], settings)
    kinds = [call[0] for call in odoo.calls]
    assert kinds == ["login", "execute", "login", "execute"]
    assert h_to_s(odoo.calls[2][-1] - odoo.calls[1][-1]) == pytest.approx(2.0, abs=1e-9)
    assert execution.status is ExecutionStatus.SUCCESS
    assert instance.metrics.counters("wf").retries == 1
    assert alerts == []


def test_business_error_that_persists_exhausts_tries_and_fires_the_error_workflow(env, rng):
    odoo = FakeOdoo(env, fail_executes=99)
    settings = NodeSettings(retry_on_fail=True, max_tries=9)
    _instance, execution, alerts = _run(env, rng, odoo, [{"partner_id": 7}], settings)
    assert [call[0] for call in odoo.calls].count("execute") == 5
    assert execution.status is ExecutionStatus.ERROR
    assert execution.error.message == "The vendor is archived"
    assert alerts[0]["execution"]["error"]["message"] == "The vendor is archived"
    assert alerts[0]["execution"]["lastNodeExecuted"] == "Create RFQ"


def test_without_retry_a_business_error_fails_at_once(env, rng):
    odoo = FakeOdoo(env, fail_executes=1)
    _, execution, _ = _run(env, rng, odoo, [{"partner_id": 7}, {"partner_id": 8}])
    assert [call[0] for call in odoo.calls] == ["login", "execute"]
    assert execution.status is ExecutionStatus.ERROR


def test_wrong_credentials_fail_the_node_before_any_execute(env, rng):
    odoo = FakeOdoo(env, password="other")
    _, execution, _ = _run(env, rng, odoo, [{"partner_id": 7}])
    assert [call[0] for call in odoo.calls] == ["login"]
    assert "login failed" in execution.error.message


def test_each_odoo_call_crosses_the_hop_with_its_latency(env, rng):
    odoo = FakeOdoo(env)
    instance = N8nInstance(env, rng)
    node = OdooNode(
        "Create RFQ",
        odoo,
        "purchase.order",
        OdooOperation.CREATE,
        hop=HopBehaviour(latency_s_median=0.2, latency_s_p95=0.2),
    )
    instance.add_workflow(Workflow("wf", "Replenish", (node,)))
    execution = instance.start("wf", [{"a": 1}, {"a": 2}])
    env.run()
    assert h_to_s(execution.stopped_h) == pytest.approx(0.6)


def test_jsonrpc_envelope_helper_returns_result_or_raises_with_the_data_message():
    assert raise_for_jsonrpc_error({"jsonrpc": "2.0", "id": 1, "result": [3]}) == [3]
    with pytest.raises(OdooRpcError, match="Record does not exist") as info:
        raise_for_jsonrpc_error(
            {
                "error": {
                    "code": 200,
                    "message": "Odoo Server Error",
                    "data": {
                        "name": "odoo.exceptions.MissingError",
                        "message": "Record does not exist",
                    },
                }
            }
        )
    assert info.value.name == "odoo.exceptions.MissingError"

"""n8n-style middleware on the SimPy clock (simulated time in hours).

Build workflows from nodes (`FunctionNode`, `OdooNode`, `WaitNode`, `RespondToWebhookNode`,
`ErrorTriggerNode`) with n8n's node settings, register them on an `N8nInstance`, and drive it
with webhook calls (`deliver_webhook`) or triggers (`start`). Every hop between systems has a
`HopBehaviour` (latency in seconds, failures, duplicates, outage windows in hours) sampled from
an explicitly passed `numpy.random.Generator`. See each module's docstring for the n8n
behaviour it copies.
"""

from .error_workflows import error_payload, error_workflow_target
from .executions import (
    Execution,
    ExecutionError,
    ExecutionMode,
    ExecutionStatus,
    ExecutionStore,
)
from .hops import (
    HopBehaviour,
    HopConnectionError,
    HopDraw,
    HopError,
    HopFailure,
    HopOutcome,
    traverse,
)
from .instance import N8nInstance
from .metrics import MiddlewareMetrics, WorkflowCounters, p95
from .nodes import (
    ErrorTriggerNode,
    FunctionNode,
    Node,
    NodeSettings,
    OnError,
    RespondToWebhookNode,
    WaitNode,
    effective_max_tries,
    effective_wait_ms,
)
from .odoo import (
    NodeApiError,
    OdooNode,
    OdooOperation,
    OdooRpc,
    OdooRpcError,
    raise_for_jsonrpc_error,
)
from .resources import ExecutionSlots, QueueMode, RegularMode
from .runner import RunContext, RunResult, run_nodes
from .units import h_to_s, ms_to_h, s_to_h
from .wait_tracker import WaitTracker
from .webhook import (
    Authentication,
    BasicAuthCredential,
    HeaderAuthCredential,
    ResponseData,
    ResponseMode,
    WebhookRequest,
    WebhookResponse,
    WebhookTrigger,
    basic_auth_header,
    check_auth,
)
from .workflow import Workflow, WorkflowSettings

__all__ = [
    "Authentication",
    "BasicAuthCredential",
    "ErrorTriggerNode",
    "Execution",
    "ExecutionError",
    "ExecutionMode",
    "ExecutionSlots",
    "ExecutionStatus",
    "ExecutionStore",
    "FunctionNode",
    "HeaderAuthCredential",
    "HopBehaviour",
    "HopConnectionError",
    "HopDraw",
    "HopError",
    "HopFailure",
    "HopOutcome",
    "MiddlewareMetrics",
    "N8nInstance",
    "Node",
    "NodeApiError",
    "NodeSettings",
    "OdooNode",
    "OdooOperation",
    "OdooRpc",
    "OdooRpcError",
    "OnError",
    "QueueMode",
    "RegularMode",
    "RespondToWebhookNode",
    "ResponseData",
    "ResponseMode",
    "RunContext",
    "RunResult",
    "WaitNode",
    "WaitTracker",
    "WebhookRequest",
    "WebhookResponse",
    "WebhookTrigger",
    "Workflow",
    "WorkflowCounters",
    "WorkflowSettings",
    "basic_auth_header",
    "check_auth",
    "effective_max_tries",
    "effective_wait_ms",
    "error_payload",
    "error_workflow_target",
    "h_to_s",
    "ms_to_h",
    "p95",
    "raise_for_jsonrpc_error",
    "run_nodes",
    "s_to_h",
    "traverse",
]

"""Error workflows: when a failed execution starts one, which one, and with what payload.

n8n (`execute-error-workflow.ts`, ODOO.md §6.3):

* only a finished execution with `resultData.error` counts - a node in `continueRegularOutput`
  or `continueErrorOutput` mode leaves no error, so nothing fires;
* manual executions (editor, test webhook URL) never trigger error workflows;
* the target is `settings.errorWorkflow`, except when the failing execution is itself in mode
  `error` and names itself (the self-loop guard); with no `errorWorkflow`, a workflow that
  contains an Error Trigger runs itself, unless the failing execution is in mode `error`;
* the error workflow starts in mode `error` at its Error Trigger with the payload
  `{execution: {id, url, retryOf, error: {message, stack}, lastNodeExecuted, mode},
  workflow: {id, name}}` (ids as strings, as in n8n's JSON).
"""

from __future__ import annotations

from typing import Any

from .executions import Execution, ExecutionMode
from .workflow import Workflow


def error_workflow_target(workflow: Workflow, execution: Execution) -> str | None:
    """Id of the workflow to start for this finished execution, or None."""
    if execution.error is None or execution.mode is ExecutionMode.MANUAL:
        return None
    target = workflow.settings.error_workflow
    is_error_run = execution.mode is ExecutionMode.ERROR
    if target:
        return None if (is_error_run and target == workflow.id) else target
    if not is_error_run and workflow.has_error_trigger:
        return workflow.id
    return None


def execution_url(base_url: str, workflow_id: str, execution_id: int) -> str:
    return f"{base_url}/workflow/{workflow_id}/executions/{execution_id}"


def error_payload(workflow: Workflow, execution: Execution, base_url: str) -> dict[str, Any]:
    """The Error Trigger's input item for a failed execution."""
    assert execution.error is not None
    return {
        "execution": {
            "id": str(execution.id),
            "url": execution_url(base_url, workflow.id, execution.id),
            "retryOf": None if execution.retry_of is None else str(execution.retry_of),
            "error": {"message": execution.error.message, "stack": execution.error.stack},
            "lastNodeExecuted": execution.last_node_executed,
            "mode": str(execution.mode),
        },
        "workflow": {"id": workflow.id, "name": workflow.name},
    }

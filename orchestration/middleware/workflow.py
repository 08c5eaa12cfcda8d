"""A workflow: its identity, active flag, trigger, nodes in order and settings.

Settings follow n8n: `errorWorkflow` (id of the workflow started when an execution of this one
fails, see `error_workflows.py`) and `executionTimeout` in **seconds** - off by default (`-1`,
`EXECUTIONS_TIMEOUT=-1`), and when set capped at `EXECUTIONS_TIMEOUT_MAX` = 3600 s. The
workflow is linear: each node's output is the next node's input; a node in
`continueErrorOutput` mode has its own `error_output` branch.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .nodes import ErrorTriggerNode, Node
from .webhook import WebhookTrigger

EXECUTIONS_TIMEOUT_MAX_S = 3600.0


@dataclass(frozen=True, slots=True)
class WorkflowSettings:
    """Per-workflow settings: error workflow id and execution timeout (s, <= 0 means off)."""

    error_workflow: str | None = None
    execution_timeout_s: float = -1.0
    max_timeout_s: float = EXECUTIONS_TIMEOUT_MAX_S

    @property
    def effective_timeout_s(self) -> float | None:
        """`min(timeout, max)` when a timeout is set, else None (no timeout)."""
        if self.execution_timeout_s <= 0:
            return None
        return min(self.execution_timeout_s, self.max_timeout_s)


@dataclass(eq=False)
class Workflow:
    """A workflow definition; `active` gates its production webhook URL."""

    id: str
    name: str
    nodes: tuple[Node, ...]
    active: bool = False
    trigger: WebhookTrigger | None = None
    settings: WorkflowSettings = field(default_factory=WorkflowSettings)

    def __post_init__(self) -> None:
        self.nodes = tuple(self.nodes)
        names = [node.name for node in self.nodes]
        if len(names) != len(set(names)):
            raise ValueError(f"workflow {self.id!r}: node names must be unique")

    @property
    def has_error_trigger(self) -> bool:
        """True when the workflow starts with an Error Trigger (it can be an error workflow)."""
        return any(isinstance(node, ErrorTriggerNode) for node in self.nodes)

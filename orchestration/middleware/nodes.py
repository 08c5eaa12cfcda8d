"""Workflow nodes and n8n's per-node settings (Retry On Fail, On Error).

A node is a small object with a `name`, `NodeSettings` and a `run(ctx, item)` SimPy sub-process
that returns the item for the next node or raises (any exception is a node error).

Settings follow n8n (`NodeSettings.vue`, `workflow-execute.ts`):

* `retryOnFail` (default false). When true the engine clamps again:
  `maxTries = min(5, max(2, maxTries || 3))` and
  `waitBetweenTries = min(5000, max(0, waitBetweenTries || 1000))` **milliseconds** - so 0 or a
  missing wait becomes 1000 ms, a missing `maxTries` becomes 3. The wait is fixed (no backoff) and
  the whole node is re-run. Without `retryOnFail` a node is tried once.
* `onError`: `stopWorkflow` (default) fails the execution; `continueRegularOutput` passes the
  node's input on to the next node; `continueErrorOutput` sends `{"error": {...}, "json": item}`
  down the node's `error_output` branch instead of the regular one. The legacy boolean
  `continueOnFail` means `continueRegularOutput`.

Node kinds here: `FunctionNode` (a callable `fn(item) -> item` behind a hop, e.g. an HTTP Request
to an external API), `WaitNode` (seconds), `RespondToWebhookNode` and `ErrorTriggerNode`. The Odoo
node lives in `odoo.py`.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol

import simpy

from .hops import INSTANT, HopBehaviour, traverse

if TYPE_CHECKING:
    from .runner import RunContext

MAX_TRIES_MIN, MAX_TRIES_MAX, MAX_TRIES_DEFAULT = 2, 5, 3
WAIT_MS_MIN, WAIT_MS_MAX, WAIT_MS_DEFAULT = 0.0, 5000.0, 1000.0


class OnError(StrEnum):
    STOP_WORKFLOW = "stopWorkflow"
    CONTINUE_REGULAR_OUTPUT = "continueRegularOutput"
    CONTINUE_ERROR_OUTPUT = "continueErrorOutput"


def effective_max_tries(retry_on_fail: bool, max_tries: float | None) -> int:
    """Tries the engine makes: 1 without retry, else `min(5, max(2, maxTries || 3))`."""
    if not retry_on_fail:
        return 1
    return int(min(MAX_TRIES_MAX, max(MAX_TRIES_MIN, max_tries or MAX_TRIES_DEFAULT)))


def effective_wait_ms(wait_between_tries_ms: float | None) -> float:
    """Fixed wait between tries in ms: `min(5000, max(0, waitBetweenTries || 1000))`."""
    return float(min(WAIT_MS_MAX, max(WAIT_MS_MIN, wait_between_tries_ms or WAIT_MS_DEFAULT)))


@dataclass(frozen=True, slots=True)
class NodeSettings:
    """A node's Settings tab as stored in the workflow JSON (raw values, clamped on use)."""

    retry_on_fail: bool = False
    max_tries: float | None = None
    wait_between_tries_ms: float | None = None
    on_error: OnError = OnError.STOP_WORKFLOW

    @property
    def tries(self) -> int:
        return effective_max_tries(self.retry_on_fail, self.max_tries)

    @property
    def wait_ms(self) -> float:
        return effective_wait_ms(self.wait_between_tries_ms)

    @classmethod
    def from_n8n(cls, node_json: Mapping[str, Any]) -> NodeSettings:
        """Read n8n's camelCase keys (`retryOnFail`, `maxTries`, `waitBetweenTries`, `onError`,
        legacy `continueOnFail`)."""
        on_error = node_json.get("onError")
        if on_error is None:
            legacy = node_json.get("continueOnFail", False)
            on_error = OnError.CONTINUE_REGULAR_OUTPUT if legacy else OnError.STOP_WORKFLOW
        return cls(
            retry_on_fail=bool(node_json.get("retryOnFail", False)),
            max_tries=node_json.get("maxTries"),
            wait_between_tries_ms=node_json.get("waitBetweenTries"),
            on_error=OnError(on_error),
        )


class Node(Protocol):
    """What the runner needs from a node."""

    name: str
    settings: NodeSettings
    error_output: tuple[Node, ...]

    def run(self, ctx: RunContext, item: Any) -> Generator[simpy.Event, Any, Any]: ...


@dataclass(eq=False)
class FunctionNode:
    """A node whose work is `fn(item) -> item` on the far side of `hop` (may raise)."""

    name: str
    fn: Callable[[Any], Any]
    hop: HopBehaviour = INSTANT
    settings: NodeSettings = field(default_factory=NodeSettings)
    error_output: tuple[Node, ...] = ()

    def run(self, ctx: RunContext, item: Any) -> Generator[simpy.Event, Any, Any]:
        return (
            yield from traverse(ctx.env, self.hop, ctx.rng, lambda: self.fn(item), name=self.name)
        )


@dataclass(eq=False)
class WaitNode:
    """Wait `seconds` of simulated time (resume = `timeInterval`).

    Under 65 s the execution keeps its slot and stays `running`; from 65 s on it is parked as
    `waiting`, gives its slot back and is resumed by the wait tracker (see `wait_tracker.py`).
    """

    name: str
    seconds: float
    settings: NodeSettings = field(default_factory=NodeSettings)
    error_output: tuple[Node, ...] = ()

    def run(self, ctx: RunContext, item: Any) -> Generator[simpy.Event, Any, Any]:
        yield from ctx.wait(self.seconds)
        return item


@dataclass(eq=False)
class RespondToWebhookNode:
    """Answers a `responseNode` webhook with `status` and `body_fn(item)` (default: the item)."""

    name: str
    status: int = 200
    body_fn: Callable[[Any], Any] | None = None
    settings: NodeSettings = field(default_factory=NodeSettings)
    error_output: tuple[Node, ...] = ()

    def run(self, ctx: RunContext, item: Any) -> Generator[simpy.Event, Any, Any]:
        ctx.respond(self.status, item if self.body_fn is None else self.body_fn(item))
        yield from ()
        return item


@dataclass(eq=False)
class ErrorTriggerNode:
    """Start node of an error workflow: passes the error payload on unchanged."""

    name: str = "Error Trigger"
    settings: NodeSettings = field(default_factory=NodeSettings)
    error_output: tuple[Node, ...] = ()

    def run(self, ctx: RunContext, item: Any) -> Generator[simpy.Event, Any, Any]:
        yield from ()
        return item

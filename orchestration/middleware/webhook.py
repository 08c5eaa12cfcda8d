"""The Webhook trigger: how a call from outside reaches a workflow, and what it answers.

Follows n8n's Webhook node (ODOO.md §6.1):

* **URLs** - production `/webhook/<path>` answers only while the workflow is active; the test URL
  `/webhook-test/<path>` answers only while the editor is listening, for one call, and runs the
  workflow in `manual` mode. Unknown path (or inactive workflow) -> **404**
  `{"code": 404, "message": "The requested webhook \"POST <path>\" is not registered.", ...}`;
  known path, wrong method -> **404** "This webhook is not registered for GET requests...".
* **Authentication** - `none` (default), `basicAuth`, `headerAuth`. Basic auth: missing
  credentials **401** (with `WWW-Authenticate`), wrong ones **403**. Header auth: header missing
  *or* wrong -> **403** (n8n's `Webhook.node.ts` tests `!headers.hasOwnProperty(name) || value
  !== expected` in one branch). No credential configured on the node -> **500** "No
  authentication data defined on node!". An unauthorised call starts no execution.
* **Response modes** - `onReceived` answers `responseCode` (default 200) with
  `{"message": "Workflow was started"}` (or no body for `noData`) as soon as the execution is
  created; `lastNode` waits for the end and answers the last node's output (`firstEntryJson`
  default, `allEntries` as a list, `noData`); `responseNode` waits for a Respond to Webhook node.
  A failed `lastNode`/`responseNode` execution answers 500 `{"message": "Error in workflow"}`
  [M: from memory of n8n's webhook helpers, not re-read].

Responses are immutable `WebhookResponse` records; `latency_s` is seconds as seen by the caller
(hop latency + queueing + execution when the mode waits). `status == 0` means no HTTP answer at
all: the call died on the caller -> n8n hop (outage or lost request).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

WORKFLOW_STARTED = {"message": "Workflow was started"}
ERROR_IN_WORKFLOW = {"message": "Error in workflow"}


class Authentication(StrEnum):
    NONE = "none"
    BASIC_AUTH = "basicAuth"
    HEADER_AUTH = "headerAuth"


class ResponseMode(StrEnum):
    ON_RECEIVED = "onReceived"
    LAST_NODE = "lastNode"
    RESPONSE_NODE = "responseNode"


class ResponseData(StrEnum):
    ALL_ENTRIES = "allEntries"
    FIRST_ENTRY_JSON = "firstEntryJson"
    NO_DATA = "noData"


@dataclass(frozen=True, slots=True)
class BasicAuthCredential:
    user: str
    password: str


@dataclass(frozen=True, slots=True)
class HeaderAuthCredential:
    name: str
    value: str


@dataclass(frozen=True, slots=True)
class WebhookTrigger:
    """The Webhook node's parameters (the workflow's entry point)."""

    path: str
    http_method: str = "GET"
    authentication: Authentication = Authentication.NONE
    credential: BasicAuthCredential | HeaderAuthCredential | None = None
    response_mode: ResponseMode = ResponseMode.ON_RECEIVED
    response_code: int = 200
    response_data: ResponseData | None = None

    def __post_init__(self) -> None:
        if not 100 <= self.response_code <= 599:
            raise ValueError("response_code must be in [100, 599]")


@dataclass(frozen=True, slots=True)
class WebhookRequest:
    """One HTTP call to n8n. `test=True` targets `/webhook-test/<path>`."""

    path: str
    method: str = "POST"
    body: Any = None
    headers: Mapping[str, str] = field(default_factory=dict)
    query: Mapping[str, str] = field(default_factory=dict)
    delivery_id: str | None = None
    test: bool = False

    @property
    def url_path(self) -> str:
        return f"/{'webhook-test' if self.test else 'webhook'}/{self.path}"


@dataclass(frozen=True, slots=True)
class WebhookResponse:
    """What the caller got back: HTTP status (0 = no answer), body, latency in seconds."""

    status: int
    body: Any
    latency_s: float
    execution_id: int | None = None
    delivery_id: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Reply:
    """A response before the caller-side latency is known."""

    status: int
    body: Any
    headers: Mapping[str, str] = field(default_factory=dict)


def not_registered(method: str, path: str, *, test: bool) -> Reply:
    """404 for an unknown path, an inactive workflow, or a test URL nobody is listening on."""
    hint = (
        "Click the 'Execute workflow' button on the canvas, then try again."
        if test
        else "The workflow must be active for a production URL to run successfully."
    )
    message = f'The requested webhook "{method.upper()} {path}" is not registered.'
    return Reply(404, {"code": 404, "message": message, "hint": hint})


def wrong_method(method: str, expected: str) -> Reply:
    """404 for a registered path called with another HTTP method."""
    message = (
        f"This webhook is not registered for {method.upper()} requests. "
        f"Did you mean to make a {expected.upper()} request?"
    )
    return Reply(404, {"code": 404, "message": message})


def _auth_error(status: int, message: str | None = None) -> Reply:
    headers = {"WWW-Authenticate": 'Basic realm="Webhook"'} if status == 401 else {}
    default = "Authorization problem!" if status >= 500 else "Authorization data is wrong!"
    if status == 401:
        default = "Authorization is required!"
    return Reply(status, {"message": message or default}, headers)


def _basic_credentials(headers: Mapping[str, str]) -> tuple[str, str] | None:
    raw = headers.get("authorization", "")
    scheme, _, encoded = raw.partition(" ")
    if scheme.lower() != "basic" or not encoded:
        return None
    try:
        decoded = base64.b64decode(encoded, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    user, sep, password = decoded.partition(":")
    return (user, password) if sep else None


def check_auth(trigger: WebhookTrigger, headers: Mapping[str, str]) -> Reply | None:
    """The Webhook node's authentication check: `None` when the call may proceed."""
    lowered = {key.lower(): value for key, value in headers.items()}
    if trigger.authentication is Authentication.NONE:
        return None
    credential = trigger.credential
    if trigger.authentication is Authentication.BASIC_AUTH:
        if not isinstance(credential, BasicAuthCredential):
            return _auth_error(500, "No authentication data defined on node!")
        given = _basic_credentials(lowered)
        if given is None:
            return _auth_error(401)
        if given != (credential.user, credential.password):
            return _auth_error(403)
        return None
    if not isinstance(credential, HeaderAuthCredential) or not credential.value:
        return _auth_error(500, "No authentication data defined on node!")
    if lowered.get(credential.name.lower()) != credential.value:
        return _auth_error(403)
    return None


def basic_auth_header(user: str, password: str) -> dict[str, str]:
    """Build the `Authorization` header a caller sends for basic auth."""
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def webhook_item(request: WebhookRequest) -> dict[str, Any]:
    """The Webhook node's output item: `{headers, params, query, body}`."""
    return {
        "headers": {key.lower(): value for key, value in request.headers.items()},
        "params": {},
        "query": dict(request.query),
        "body": request.body,
    }


def last_node_reply(trigger: WebhookTrigger, output: Any) -> Reply:
    """`lastNode` answer for a successful execution, shaped by `responseData`."""
    data = trigger.response_data or ResponseData.FIRST_ENTRY_JSON
    if data is ResponseData.NO_DATA:
        return Reply(trigger.response_code, None)
    if data is ResponseData.ALL_ENTRIES:
        return Reply(trigger.response_code, output if isinstance(output, list) else [output])
    first = output[0] if isinstance(output, list) and output else output
    return Reply(trigger.response_code, first)


def on_received_reply(trigger: WebhookTrigger) -> Reply:
    """`onReceived` answer: `responseCode` with "Workflow was started" (or no body)."""
    if trigger.response_data is ResponseData.NO_DATA:
        return Reply(trigger.response_code, None)
    return Reply(trigger.response_code, dict(WORKFLOW_STARTED))

"""Server actions (``ir.actions.server``): what an automation rule or a scheduled action does.

Concept: a ``ServerAction`` is one step run on one record at a time (``active_id``), with
superuser rights while ``env.user`` stays the caller (ODOO.md §1.4, §1.6). Supported ``state``s:

- ``object_write`` "Update Record": write ``values`` on the record; a value may be a callable
  ``fn(record) -> value`` (Odoo's ``evaluation_type='equation'``).
- ``object_create`` "Create Record": create a ``crud_model`` record from ``values`` (callables
  get the active record); ``link_field`` on the active record links the new record to it.
- ``code`` "Execute Code": a Python callable ``fn(env, records)`` replaces ``safe_eval``'d code.
- ``webhook`` "Send Webhook Notification": the payload ``{_action, _id, _model, id, <fields>}``
  (m2o as a bare int, sorted keys, dates as strings) is POSTed only after commit, 1 s timeout,
  no retry (``webhooks.py``).
- ``multi`` "Execute Existing Actions": run ``children`` in sequence.

Not modelled: mail actions (``mail_post``, ``followers``, ``next_activity``), ``object_copy``
(18+), ``update_path`` dotted writes and m2m write operations, ``group_ids`` checks.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from orchestration.odoo.errors import UserError

if TYPE_CHECKING:
    from orchestration.odoo.env import Env
    from orchestration.odoo.models import Model

ACTION_STATES = ("object_write", "object_create", "code", "webhook", "multi")
#: ``json.dumps(vals, sort_keys=True, default=str)``'s encoder, made once (``dumps`` makes one
#: per call with these options; an encoder keeps no state between calls)
BODY_ENCODER = json.JSONEncoder(sort_keys=True, default=str)
#: the value types a JSON body gives back as they were (``json.loads(body)`` of them: equal)
JSON_SCALARS = frozenset({str, int, float, bool, type(None)})
CodeFn = Callable[["Env", "Model"], Any]


@dataclass(eq=False)
class ServerAction:
    """One ``ir.actions.server`` record (kept as a Python object, not a table row)."""

    name: str
    state: str
    model: str = ""
    values: dict[str, Any] = field(default_factory=dict)
    crud_model: str = ""
    link_field: str = ""
    code: CodeFn | None = None
    webhook_url: str = ""
    webhook_fields: tuple[str, ...] = ()
    children: list[ServerAction] = field(default_factory=list)
    sequence: int = 5
    id: int = 0

    def __post_init__(self) -> None:
        if self.state not in ACTION_STATES:
            raise ValueError(f"Unknown server action type {self.state!r}")

    def run(self, env: Env, records: Model) -> None:
        """Run on each record in turn (``_run_action_<state>`` per ``active_id``)."""
        for record in records:
            getattr(self, f"_run_{self.state}")(env, record)

    def _resolve(self, record: Model) -> dict[str, Any]:
        return {k: (v(record) if callable(v) else v) for k, v in self.values.items()}

    def _run_object_write(self, env: Env, record: Model) -> None:
        record.write(self._resolve(record))

    def _run_object_create(self, env: Env, record: Model) -> None:
        created = env[self.crud_model].create(self._resolve(record))
        if not self.link_field:
            return
        link = record._fields[self.link_field]
        if link.type == "many2one":
            record.write({self.link_field: created.id})
        elif link.type == "many2many":
            record.write({self.link_field: [(4, created.id)]})
        else:
            created.write({link.inverse: record.id})

    def _run_code(self, env: Env, record: Model) -> None:
        if self.code is None:
            raise UserError(f"Server action {self.name!r} has no code")
        self.code(env, record)

    def _run_multi(self, env: Env, record: Model) -> None:
        for child in sorted(self.children, key=lambda a: (a.sequence, a.id)):
            child.run(env, record)

    def _run_webhook(self, env: Env, record: Model) -> None:
        if not record.exists():
            return
        if not self.webhook_url:
            raise UserError(
                "I'll be happy to send a webhook for you, but you really need to give me a URL "
                "to reach out to..."
            )
        vals: dict[str, Any] = {
            "_model": record._name,
            "_id": record.id,
            "_action": f"{self.name}(#{self.id})",
        }
        if self.webhook_fields:
            vals.update(record.read(list(self.webhook_fields), load=None)[0])
        body = BODY_ENCODER.encode(vals)
        # a body of scalars is posted as its values in key order: ``json.loads(body)`` without
        # decoding it again (dates and x2many values take the general path)
        payload = (
            dict(sorted(vals.items())) if set(map(type, vals.values())) <= JSON_SCALARS else None
        )
        env.webhooks.send_after_commit(self.webhook_url, body, vals["_action"], record, payload)

"""Automation rules (``base.automation``): when a record changes, run server actions.

Concept: an ``AutomationRule`` watches one model for a trigger and runs its actions on the
records that pass its filters, INSIDE the triggering transaction (ODOO.md §1.2–1.5, §8 items 2-3):

- create triggers run after the create on records matching ``filter_domain``;
- write triggers snapshot ``filter_pre_domain`` matches and old values BEFORE the write, then keep
  ``pre ∩ filter_domain`` AFTER it, and, if ``trigger_fields`` is set, only records where one of
  those fields really changed (edge trigger);
- ``on_unlink`` runs before the delete on records matching ``filter_domain``;
- the "…is set" triggers compile to domains (§1.3) plus the trigger field;
- ``on_change`` is UI-only: stored, never fired from the API;
- message triggers apply only ``filter_pre_domain``;
- time triggers run from the automation cron: a record fires iff
  ``last_run <= date + delay < now``; the cron interval is ``_get_cron_interval``. Errors:
  17/18 log and swallow per record (no savepoint, so a failing action's earlier writes stay, as in
  the 17 source) and always advance ``last_run``; 19 rolls the rule's batch back, keeps
  ``last_run`` and re-raises so the cron run fails (``OdooOptions.time_rule_errors``);
- ``on_webhook`` runs from ``handle_webhook`` (inbound ``/web/hook/<uuid>``).

Recursion guard (``__action_done``): within one call chain (a top-level create/write/unlink and
everything its rules cascade into) a rule processes a record at most once; another rule still
can. Actions run per record, sequentially, in order. An action error propagates (tagged
``exception_class='base_automation'``) and the whole transaction rolls back.

Cost: rules are indexed by model (the index follows any change of ``engine.rules``), their
domains compiled once by ``add_rule``; a write of none of a rule's ``trigger_fields`` skips the
rule without evaluating it (it could not fire), so a write no rule watches costs nothing extra.

Units: ``trg_date_range`` in ``trg_date_range_type`` (minutes/hour/day/month); cron interval in
minutes. Simplifications: no working-day calendars, no ``date_automation_last``, no
``trg_date_range_mode='before'`` (use a negative range), rules are Python objects (not records).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from orchestration.odoo.actions import ServerAction
from orchestration.odoo.clock import add_months
from orchestration.odoo.domain import Predicate, and_domains, compile_domain
from orchestration.odoo.errors import OdooError, ValidationError

if TYPE_CHECKING:
    from orchestration.odoo.env import Env
    from orchestration.odoo.models import Model

TRIGGERS = (
    "on_stage_set",
    "on_user_set",
    "on_tag_set",
    "on_state_set",
    "on_priority_set",
    "on_archive",
    "on_unarchive",
    "on_create_or_write",
    "on_create",
    "on_write",
    "on_unlink",
    "on_change",
    "on_time",
    "on_time_created",
    "on_time_updated",
    "on_message_received",
    "on_message_sent",
    "on_webhook",
)
CREATE_TRIGGERS = (
    "on_create",
    "on_create_or_write",
    "on_priority_set",
    "on_stage_set",
    "on_state_set",
    "on_tag_set",
    "on_user_set",
)
WRITE_TRIGGERS = (
    "on_write",
    "on_archive",
    "on_unarchive",
    "on_create_or_write",
    "on_priority_set",
    "on_stage_set",
    "on_state_set",
    "on_tag_set",
    "on_user_set",
)
TIME_TRIGGERS = ("on_time", "on_time_created", "on_time_updated")
MAIL_TRIGGERS = ("on_message_received", "on_message_sent")
#: the field each "…is set" trigger watches (first existing one wins)
IS_SET_FIELDS = {
    "on_state_set": ("state", "x_studio_state"),
    "on_priority_set": ("priority", "x_studio_priority"),
    "on_stage_set": ("stage_id", "x_studio_stage_id"),
    "on_tag_set": ("tag_ids", "x_studio_tag_ids"),
    "on_user_set": ("user_id", "user_ids", "x_studio_user_id", "x_studio_user_ids"),
    "on_archive": ("active", "x_active"),
    "on_unarchive": ("active", "x_active"),
}
DATE_RANGE_MINUTES = {"minutes": 1, "hour": 60, "day": 1440, "month": 43200}
EPOCH = datetime(1970, 1, 1)
RecordGetter = Callable[["Env", dict[str, Any]], "Model"]


def _always(_get: Any) -> bool:
    return True


@dataclass(eq=False)
class AutomationRule:
    """One ``base.automation`` rule. ``trg_value`` is the selection value / stage id / tag id."""

    name: str
    model: str
    trigger: str
    actions: list[ServerAction] = field(default_factory=list)
    trigger_fields: tuple[str, ...] = ()
    filter_pre_domain: list[Any] = field(default_factory=list)
    filter_domain: list[Any] = field(default_factory=list)
    trg_value: Any = None
    trg_date_field: str = ""
    trg_date_range: int = 0
    trg_date_range_type: str = "hour"
    active: bool = True
    last_run: datetime | None = None
    record_getter: RecordGetter | None = None
    log_webhook_calls: bool = False
    webhook_uuid: str = ""
    id: int = 0
    # compiled by AutomationEngine.add_rule
    pre_domain: list[Any] = field(default_factory=list, repr=False)
    post_domain: list[Any] = field(default_factory=list, repr=False)
    watched_fields: tuple[str, ...] = field(default=(), repr=False)
    date_field: str = field(default="", repr=False)
    pre_predicate: Predicate = field(default=_always, repr=False)
    post_predicate: Predicate = field(default=_always, repr=False)

    @property
    def delay(self) -> int:
        """The delay in minutes (``_get_cron_interval``'s unit)."""
        return self.trg_date_range * DATE_RANGE_MINUTES[self.trg_date_range_type]

    def action_date(self, when: datetime) -> datetime:
        if self.trg_date_range_type == "month":
            return add_months(when, self.trg_date_range)
        return when + timedelta(minutes=self.delay)

    def trigger_fields_changed(self, record: Model, old_values: dict[int, dict[str, Any]] | None):
        """``_check_trigger_fields``: one watched field's value really differs from before."""
        if not self.watched_fields or old_values is None:
            return True
        old = old_values.get(record._ids[0], {})  # ``record.id`` of the singleton
        return any(name in old and record._raw(name) != old[name] for name in self.watched_fields)


class _Chain:
    """``with engine.chain():`` — the outermost block opens the call chain's ``__action_done``
    scope and closes it however it ends; inner blocks join it. One object per engine (its
    depth counts the open blocks): two calls a block, where a generator context manager costs
    eight."""

    __slots__ = ("depth", "engine")

    def __init__(self, engine: AutomationEngine) -> None:
        self.engine = engine
        self.depth = 0

    def __enter__(self) -> None:
        self.depth += 1
        if self.depth == 1:
            self.engine._action_done = {}

    def __exit__(self, _kind: Any, _exc: Any, _tb: Any) -> Literal[False]:
        self.depth -= 1
        if not self.depth:
            self.engine._action_done = None
        return False


class AutomationEngine:
    """The rules of one Env and the hooks the ORM calls around create/write/unlink."""

    def __init__(self, env: Env) -> None:
        self.env = env
        self._rules = _RuleList()
        self._action_done: dict[int, set[int]] | None = None
        self._chain = _Chain(self)
        self._ids = 0
        self._action_ids = 0
        #: model -> its rules in ``rules`` order, as of ``rules`` version ``_by_model_version``
        self._by_model: dict[str, list[AutomationRule]] = {}
        self._by_model_version = -1
        #: ``on_fire(rule, record)`` hears every rule run on a record (the twin traces it)
        self.on_fire: Callable[[AutomationRule, Model], None] | None = None

    # ------------------------------------------------------------------ rule management
    def add_rule(self, rule: AutomationRule) -> AutomationRule:
        self._compile(rule)
        self._ids += 1
        rule.id = self._ids
        for action in _walk(rule.actions):
            if not action.id:
                self._action_ids += 1
                action.id = self._action_ids
            action.model = action.model or rule.model
        if rule.trigger == "on_webhook" and not rule.webhook_uuid:
            rule.webhook_uuid = self._uuid(rule, 0)
        self.rules.append(rule)
        self._update_cron()
        return rule

    @property
    def rules(self) -> list[AutomationRule]:
        """The installed rules, in order (a list; changing it re-indexes the rules)."""
        return self._rules

    @rules.setter
    def rules(self, rules: list[AutomationRule]) -> None:
        self._rules = _RuleList(rules)
        self._by_model_version = -1

    def remove_rule(self, rule: AutomationRule) -> None:
        self.rules.remove(rule)
        self._update_cron()

    def set_active(self, rule: AutomationRule, active: bool) -> None:
        rule.active = active
        self._update_cron()

    def rotate_webhook_uuid(self, rule: AutomationRule) -> str:
        rule.webhook_uuid = self._uuid(rule, len(self.env.logs) + self._ids)
        return rule.webhook_uuid

    def webhook_url(self, rule: AutomationRule, base_url: str = "http://odoo.local") -> str:
        return f"{base_url}/web/hook/{rule.webhook_uuid}"

    @staticmethod
    def _uuid(rule: AutomationRule, salt: int) -> str:
        digest = hashlib.sha1(f"{rule.model}|{rule.name}|{rule.id}|{salt}".encode()).hexdigest()
        return f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}"

    def _compile(self, rule: AutomationRule) -> None:
        registry = self.env.registry
        if rule.model not in registry:
            raise ValidationError(f"Unknown model {rule.model!r} for rule {rule.name!r}")
        model = registry[rule.model]
        if rule.trigger not in TRIGGERS:
            raise ValidationError(f"Unknown trigger {rule.trigger!r} for rule {rule.name!r}")
        if rule.trigger in MAIL_TRIGGERS and not model._mail_thread:
            raise ValidationError(f"Model {rule.model!r} is not a mail.thread: {rule.trigger}")
        if rule.trigger == "on_change" and any(a.state != "code" for a in _walk(rule.actions)):
            raise ValidationError("'On UI change' rules can only run 'Execute Code' actions")
        for name in rule.trigger_fields:
            if name not in model._fields:
                raise ValidationError(f"No field {name!r} on model {rule.model!r}")
        pre, post, watched = (
            list(rule.filter_pre_domain),
            list(rule.filter_domain),
            rule.trigger_fields,
        )
        if rule.trigger in IS_SET_FIELDS:
            fname = next((f for f in IS_SET_FIELDS[rule.trigger] if f in model._fields), None)
            if fname is None:
                raise ValidationError(f"Model {rule.model!r} has no field for {rule.trigger}")
            pre_part, post_part = _is_set_domains(rule.trigger, fname, rule.trg_value)
            pre, post, watched = and_domains(pre_part, pre), and_domains(post_part, post), (fname,)
        rule.pre_domain, rule.post_domain, rule.watched_fields = pre, post, tuple(watched)
        # compiled once here, evaluated on every create/write the rule watches
        rule.pre_predicate = compile_domain(pre)
        rule.post_predicate = compile_domain(post)
        if rule.trigger in TIME_TRIGGERS:
            rule.date_field = {
                "on_time_created": "create_date",
                "on_time_updated": "write_date",
            }.get(rule.trigger, rule.trg_date_field)
            date_field = model._fields.get(rule.date_field)
            if date_field is None or date_field.type not in ("date", "datetime"):
                raise ValidationError(
                    f"Rule {rule.name!r}: {rule.date_field!r} is not a date field"
                )
            if rule.trg_date_range_type not in DATE_RANGE_MINUTES:
                raise ValidationError(f"Unknown delay unit {rule.trg_date_range_type!r}")

    def _rules_for(self, model: str, triggers: tuple[str, ...]) -> list[AutomationRule]:
        rules = self._rules
        if self._by_model_version != rules.version:
            self._by_model = {}
            for rule in rules:
                self._by_model.setdefault(rule.model, []).append(rule)
            self._by_model_version = rules.version
        of_model = self._by_model.get(model)
        if of_model is None:  # a model no rule is on (most): no comprehension to run
            return []
        return [r for r in of_model if r.active and r.trigger in triggers]

    # ------------------------------------------------------------------ call chain & process
    def chain(self) -> _Chain:
        """Open a ``__action_done`` scope unless one is already open (``with engine.chain():``)."""
        return self._chain

    def _process(self, rule: AutomationRule, records: Model) -> None:
        if not records._ids:  # nothing to run on (a rule whose filter kept no record)
            return
        with self.chain():
            done = self._action_done.setdefault(rule.id, set())  # type: ignore[union-attr]
            todo = records._new(tuple([i for i in records._ids if i not in done]))
            if not todo._ids:  # ``not todo``, without the call
                return
            done.update(todo._ids)
            for record in todo:
                if self.on_fire is not None:
                    self.on_fire(rule, record)
                for action in sorted(rule.actions, key=lambda a: (a.sequence, a.id)):
                    try:
                        action.run(self.env, record)
                    except OdooError as exc:
                        exc.context.setdefault("exception_class", "base_automation")
                        raise

    # ------------------------------------------------------------------ ORM hooks
    def after_create(self, records: Model) -> None:
        rules = self._rules_for(records._name, CREATE_TRIGGERS)
        if not rules:
            return
        with self.chain():
            for rule in rules:
                self._process(rule, records.exists()._filtered_predicate(rule.post_predicate))

    def watches(self, model: str, name: str) -> bool:
        """Whether a write of field ``name`` on ``model`` could fire an active rule (the rules
        ``around_write`` would evaluate for it)."""
        return any(
            not r.watched_fields or name in r.watched_fields
            for r in self._rules_for(model, WRITE_TRIGGERS)
        )

    def around_write(
        self, records: Model, vals: dict[str, Any], do_write: Callable[[dict[str, Any]], None]
    ) -> None:
        # a rule with trigger fields fires only if one of them really changed: a write of none
        # of them cannot fire it, so it costs nothing (Odoo's ``trigger_field_ids``)
        rules = [
            r
            for r in self._rules_for(records._name, WRITE_TRIGGERS)
            if not r.watched_fields or any(name in vals for name in r.watched_fields)
        ]
        if not rules:
            do_write(vals)
            return
        with self.chain():
            pre = {r.id: records._filtered_predicate(r.pre_predicate) for r in rules}
            # per record (a singleton: itself, no iteration) its id and the written fields'
            # values before the write
            fields = records._fields
            each = (records,) if len(records._ids) == 1 else records
            old_values = {
                rec._ids[0]: {n: rec._raw(n) for n in vals if n in fields} for rec in each
            }
            do_write(vals)
            for rule in rules:
                post = pre[rule.id].exists()._filtered_predicate(rule.post_predicate)
                post = post.filtered(lambda rec, r=rule: r.trigger_fields_changed(rec, old_values))
                self._process(rule, post)

    def before_unlink(self, records: Model) -> None:
        rules = self._rules_for(records._name, ("on_unlink",))
        with self.chain():
            for rule in rules:
                self._process(rule, records._filtered_predicate(rule.post_predicate))

    def on_message(self, records: Model, trigger: str) -> None:
        """``message_post`` patch: only ``filter_pre_domain`` applies."""
        with self.chain():
            for rule in self._rules_for(records._name, (trigger,)):
                self._process(rule, records._filtered_predicate(rule.pre_predicate))

    # ------------------------------------------------------------------ time rules
    def _time_rules(self) -> list[AutomationRule]:
        return [r for r in self.rules if r.active and r.trigger in TIME_TRIGGERS]

    def cron_interval_minutes(self) -> int:
        """``_get_cron_interval``: smallest delay / 10, clamped to 1..240 min; 0 -> 240."""
        delays = [r.delay for r in self._time_rules()]
        if self.env.options.version >= 18:
            delays = [abs(d) for d in delays]
        delay = min(delays, default=0)
        return min(max(1, delay // 10), 240) if delay else 240

    def _update_cron(self) -> None:
        job = self.env.cron.automation_job
        if job is None:
            return
        self.env.cron.write(
            job,
            active=bool(self._time_rules()),
            interval_type="minutes",
            interval_number=self.cron_interval_minutes(),
        )

    def _record_date(self, rule: AutomationRule, record: Model) -> datetime | None:
        value = record[rule.date_field]
        if not value:
            return None
        if isinstance(value, date) and not isinstance(value, datetime):
            return datetime(value.year, value.month, value.day)
        return value

    def check_time_rules(self) -> None:
        """The automation cron's body (17: ``_check``; 19: ``_cron_process_time_based_actions``)."""
        now = self.env.now()
        rollback_mode = self.env.options.time_rule_error_mode == "rollback"
        last_error: Exception | None = None
        for rule in self._time_rules():
            last_run = rule.last_run or EPOCH
            due = [
                rec
                for rec in self.env[rule.model].search(rule.post_domain)
                if (when := self._record_date(rule, rec)) is not None
                and last_run <= rule.action_date(when) < now
            ]
            if not rollback_mode:
                for rec in due:
                    try:
                        self._process(rule, rec)
                    except Exception as exc:
                        self.env.log("ERROR", "base.automation", f"{rule.name}: {exc!r}")
                self._set_last_run(rule, now)
                continue
            try:
                with self.env.savepoint():
                    for rec in due:
                        self._process(rule, rec)
            except Exception as exc:
                self.env.log("ERROR", "base.automation", f"{rule.name}: {exc!r}")
                last_error = exc
            else:
                self._set_last_run(rule, now)
        if last_error is not None:
            raise last_error

    def _set_last_run(self, rule: AutomationRule, now: datetime) -> None:
        previous = rule.last_run
        rule.last_run = now
        self.env.on_rollback(lambda: setattr(rule, "last_run", previous))

    # ------------------------------------------------------------------ inbound webhook
    def handle_webhook(
        self, uuid: str, payload: dict[str, Any] | None = None, query: dict[str, Any] | None = None
    ) -> tuple[int, dict[str, str]]:
        """``/web/hook/<uuid>`` (GET or POST, no auth): returns (HTTP status, JSON body)."""
        rule = next((r for r in self._rules_for_any("on_webhook") if r.webhook_uuid == uuid), None)
        if rule is None:
            return 404, {"status": "error"}
        data = payload if payload is not None else dict(query or {})
        try:
            with self.env.transaction():
                if rule.record_getter is not None:
                    record = rule.record_getter(self.env, data)
                else:
                    record = self.env[str(data.get("_model"))].browse(int(data.get("_id")))  # type: ignore[arg-type]
                if not record.exists():
                    raise ValidationError("No record to run the automation on was found.")
                self._process(rule, record)
        except Exception as exc:
            if rule.log_webhook_calls:
                self.env.log("ERROR", f"base_automation({rule.id})", f"Webhook failed: {exc!r}")
            return 500, {"status": "error"}
        if rule.log_webhook_calls:
            self.env.log("INFO", f"base_automation({rule.id})", f"Webhook received: {data!r}")
        return 200, {"status": "ok"}

    def _rules_for_any(self, trigger: str) -> list[AutomationRule]:
        return [r for r in self.rules if r.active and r.trigger == trigger]


class _RuleList(list):
    """The engine's rule list: counts its changes so the per-model index knows it is stale."""

    version = 0

    def _changed(self) -> None:
        self.version += 1


def _mutator(name: str) -> Callable[..., Any]:
    method = getattr(list, name)

    def changed(self: _RuleList, *args: Any) -> Any:
        result = method(self, *args)
        self._changed()
        return result

    changed.__name__ = name
    return changed


for _name in (
    "append", "extend", "insert", "pop", "remove", "clear", "sort", "reverse",
    "__setitem__", "__delitem__", "__iadd__", "__imul__",
):  # fmt: skip
    setattr(_RuleList, _name, _mutator(_name))


def _is_set_domains(trigger: str, fname: str, value: Any) -> tuple[list[Any], list[Any]]:
    """§1.3: (filter_pre_domain, filter_domain) of a "…is set" trigger."""
    if trigger in ("on_state_set", "on_priority_set", "on_stage_set"):
        return [], [(fname, "=", value)]
    if trigger == "on_tag_set":
        return [(fname, "not in", [value])], [(fname, "in", [value])]
    if trigger == "on_user_set":
        return [], [(fname, "!=", False)]
    return [], [(fname, "=", trigger == "on_unarchive")]


def _walk(actions: list[ServerAction]) -> Iterator[ServerAction]:
    for action in actions:
        yield action
        yield from _walk(action.children)

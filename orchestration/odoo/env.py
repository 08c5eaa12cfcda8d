"""The mocked Odoo database and its RPC entry point: one ``Env`` is one Odoo instance.

Concept: ``Env`` holds every record (one table per model), the current user, the clock, and the
transaction machinery. ``env.execute(model, method, *args, user=...)`` is the RPC call
(``execute_kw``): ONE transaction — the method, every automation rule it fires, and every cascade
run atomically; any exception undoes them all and reaches the caller; outbound webhooks queued
during the call are sent only after commit (ODOO.md §5.1, §8 item 1).

Transactions are an undo journal: every table mutation pushes its inverse; rollback replays them
backwards. ``savepoint()`` undoes only its own part (used by time rules and cron batches). As in
PostgreSQL, id sequences are not rolled back, and (as in Odoo) post-commit hooks queued inside a
rolled-back *savepoint* still run if the outer transaction commits.

Versions: ``OdooOptions.version`` (17, 18 or 19) switches the behaviours that differ (time-rule
errors, cron failure deactivation, purchase lock as state 'done' vs boolean ``locked``,
negative-delay cron clamp, inventory-apply manager gate). Units: datetimes are naive UTC.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from orchestration.odoo.addons.bootstrap import bootstrap
from orchestration.odoo.automation import AutomationEngine
from orchestration.odoo.clock import Clock, ManualClock
from orchestration.odoo.cron import CronEngine
from orchestration.odoo.errors import AccessDenied, AccessError
from orchestration.odoo.models import Model
from orchestration.odoo.registry import Registry, default_registry
from orchestration.odoo.webhooks import Transport, WebhookChannel

SUPERUSER_ID = 1
DEFAULT_START = datetime(2024, 1, 1)


@dataclass(frozen=True)
class OdooOptions:
    """Version switches; ``time_rule_errors`` follows the version (17/18 swallow, 19 rollback)."""

    version: Literal[17, 18, 19] = 18
    time_rule_errors: Literal["swallow", "rollback"] | None = None
    webhook_timeout_s: float = 1.0
    jsonrpc_error_code: int = 200

    @property
    def time_rule_error_mode(self) -> str:
        if self.time_rule_errors:
            return self.time_rule_errors
        return "rollback" if self.version >= 19 else "swallow"

    @property
    def cron_deactivates_on_failure(self) -> bool:
        return self.version >= 18


@dataclass(frozen=True)
class LogLine:
    """One server log line (Odoo's ``_logger`` / ``ir.logging``)."""

    at: datetime
    level: str
    source: str
    message: str


@dataclass
class _Txn:
    journal: list[Callable[[], None]] = field(default_factory=list)
    postcommit: list[Callable[[], None]] = field(default_factory=list)
    postrollback: list[Callable[[], None]] = field(default_factory=list)


_NO_VALUE = object()  # no stored value is this object


class _Transaction:
    """``with env.transaction():`` — the block runs atomically: on an exception the journal is
    undone in reverse and the post-rollback hooks run (the exception propagates), else the
    post-commit hooks run. Re-entrant: a block inside another joins it. One object per Env
    (its depth counts the open blocks): two calls a block, where a generator context manager
    costs eight."""

    __slots__ = ("depth", "env")

    def __init__(self, env: Env) -> None:
        self.env = env
        self.depth = 0

    def __enter__(self) -> None:
        self.depth += 1
        if self.depth == 1:
            self.env._txn = _Txn()

    def __exit__(self, kind: type[BaseException] | None, _exc: Any, _tb: Any) -> Literal[False]:
        self.depth -= 1
        if self.depth:
            return False  # an inner block: the outer one commits or rolls back
        env = self.env
        txn, env._txn = env._txn, None
        if kind is not None:
            for undo in reversed(txn.journal):  # type: ignore[union-attr]
                undo()
            for hook in txn.postrollback:  # type: ignore[union-attr]
                hook()
            return False
        for hook in txn.postcommit:  # type: ignore[union-attr]
            hook()
        return False


class Env:
    """One mocked Odoo instance (database + registry + clock + engines)."""

    def __init__(
        self,
        clock: Clock | None = None,
        options: OdooOptions | None = None,
        transport: Transport | None = None,
        registry: Registry | None = None,
    ) -> None:
        self.registry = registry or default_registry()
        self.clock: Clock = clock or ManualClock(DEFAULT_START)
        #: ``env.now()``: the clock's own ``now`` (the clock is the Env's for its whole life),
        #: bound once: the ORM reads the time on every create and write
        self.now: Callable[[], datetime] = self.clock.now
        self.options = options or OdooOptions()
        self._tables: dict[str, dict[int, dict[str, Any]]] = {m: {} for m in self.registry}
        self._indexes: dict[str, dict[str, dict[Any, set[int]]]] = {}
        self._sequences: dict[str, int] = dict.fromkeys(self.registry, 0)
        self._txn: _Txn | None = None
        self._transaction = _Transaction(self)
        self._xmlids: dict[str, tuple[str, int]] = {}
        self.uid = SUPERUSER_ID
        self.params: dict[str, str] = {}
        self.context: dict[str, Any] = {}
        self._seq_counters: dict[str, int] = {}
        self.logs: list[LogLine] = []
        self.automation = AutomationEngine(self)
        self.webhooks = WebhookChannel(self, transport)
        self.cron = CronEngine(self)
        bootstrap(self)

    # ------------------------------------------------------------------ basics
    def __getitem__(self, model: str) -> Model:
        return self.registry[model](self, ())

    def ref(self, xmlid: str) -> Model:
        model, rid = self._xmlids[xmlid]
        return self[model].browse(rid)

    def set_xmlid(self, xmlid: str, record: Model) -> None:
        self._xmlids[xmlid] = (record._name, record.id)

    @property
    def user(self) -> Model:
        return self["res.users"].browse(self.uid)

    @property
    def company(self) -> Model:
        return self.ref("base.main_company")

    @contextmanager
    def with_context(self, **values: Any) -> Iterator[None]:
        """Odoo's ``with_context`` for the duration of a block."""
        previous = self.context
        self.context = {**previous, **values}
        try:
            yield
        finally:
            self.context = previous

    def next_sequence(self, code: str, prefix: str, padding: int = 5) -> str:
        """``ir.sequence.next_by_code`` (a PostgreSQL sequence: not rolled back)."""
        self._seq_counters[code] = self._seq_counters.get(code, 0) + 1
        return f"{prefix}{self._seq_counters[code]:0{padding}d}"

    def log(self, level: str, source: str, message: str) -> None:
        self.logs.append(LogLine(self.now(), level, source, message))

    # ------------------------------------------------------------------ transactions
    @property
    def in_transaction(self) -> bool:
        return self._txn is not None

    def transaction(self) -> _Transaction:
        """Run the block atomically; re-entrant (an inner block joins the outer one)."""
        return self._transaction

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """Undo only this block on error (the error still propagates)."""
        if self._txn is None:
            with self.transaction():
                yield
            return
        txn = self._txn
        mark = len(txn.journal)
        try:
            yield
        except BaseException:
            undo_part = txn.journal[mark:]
            del txn.journal[mark:]
            for undo in reversed(undo_part):
                undo()
            raise

    def on_rollback(self, undo: Callable[[], None]) -> None:
        """Journal an undo step for state that lives outside the tables."""
        if self._txn is not None:
            self._txn.journal.append(undo)

    def postcommit(self, hook: Callable[[], None]) -> None:
        if self._txn is None:
            hook()
        else:
            self._txn.postcommit.append(hook)

    def postrollback(self, hook: Callable[[], None]) -> None:
        if self._txn is not None:
            self._txn.postrollback.append(hook)

    def _next_id(self, model: str) -> int:
        self._sequences[model] += 1
        return self._sequences[model]

    def _insert(self, model: str, rid: int, row: dict[str, Any]) -> None:
        table = self._tables[model]
        table[rid] = row
        self._index_add(model, rid, row)

        def undo() -> None:
            if table.pop(rid, None) is not None:
                self._index_remove(model, rid, row)

        self.on_rollback(undo)

    def _update(self, model: str, rid: int, name: str, value: Any) -> None:
        row = self._tables[model][rid]
        old = row[name]
        self._set(model, rid, row, name, value)
        self.on_rollback(lambda: self._set(model, rid, row, name, old))

    def _update_row(self, model: str, rid: int, changes: list[tuple[str, Any]]) -> None:
        """Set several values of one row, journalled as one undo step (``_update`` each)."""
        row = self._tables[model][rid]
        olds = [(name, row[name]) for name, _value in changes]
        for name, value in changes:
            self._set(model, rid, row, name, value)

        def undo() -> None:
            for name, old in reversed(olds):
                self._set(model, rid, row, name, old)

        self.on_rollback(undo)

    def _insert_rows(self, model: str, rows: list[tuple[int, dict[str, Any]]]) -> None:
        """Insert new rows (id, row) in order, journalled as one undo step (``_insert`` each)."""
        table = self._tables[model]
        indexes = self._indexes.get(model)
        table.update(rows)
        if indexes:
            # per index, the rows in order: each value's id set gets its ids in the order
            # ``index.setdefault(row.get(name), set()).add(rid)`` row by row gave them
            for name, index in indexes.items():
                last, last_ids = _NO_VALUE, None  # a batch's rows often share a value
                for rid, row in rows:
                    value = row[name] if name in row else None  # noqa: SIM401 (no call)
                    if value is last:
                        last_ids.add(rid)  # type: ignore[union-attr]
                        continue
                    ids = index.get(value)
                    if ids is None:
                        ids = index[value] = {rid}
                    else:
                        ids.add(rid)
                    last, last_ids = value, ids

        def undo() -> None:
            for rid, row in reversed(rows):
                if table.pop(rid, None) is not None:
                    self._index_remove(model, rid, row)

        self.on_rollback(undo)

    def _update_rows(
        self, model: str, updates: list[tuple[dict[str, Any], list[tuple[str, Any]]]]
    ) -> None:
        """Set values of several rows (row, [(name, value)...]) in order, journalled as one
        undo step (``_update_row`` each)."""
        if not updates:
            return
        indexes = self._indexes.get(model)
        olds = [[(name, row[name]) for name, _value in changes] for row, changes in updates]
        if not indexes:
            for row, changes in updates:
                for name, value in changes:
                    row[name] = value
        else:  # ``_set`` each, its index lookups made once per call
            for row, changes in updates:
                rid = row["id"]
                for name, value in changes:
                    if name in indexes:
                        index = indexes[name]
                        index.get(row[name], set()).discard(rid)
                        index.setdefault(value, set()).add(rid)
                    row[name] = value

        def undo() -> None:
            for (row, _changes), old in zip(reversed(updates), reversed(olds), strict=True):
                rid = row["id"]
                for name, value in reversed(old):
                    self._set(model, rid, row, name, value)

        self.on_rollback(undo)

    def _delete(self, model: str, rid: int) -> None:
        table = self._tables[model]
        row = table.pop(rid)
        self._index_remove(model, rid, row)

        def undo() -> None:
            table[rid] = row
            self._index_add(model, rid, row)

        self.on_rollback(undo)

    # ------------------------------------------------------------------ equality indexes
    # Not in Odoo (PostgreSQL has its own indexes): a search whose domain is a pure conjunction
    # with a ``(field, '=', value)`` term looks its candidates up here instead of scanning the
    # table, so reading a one2many or finding a record by name stays O(matches) as tables grow.
    def _set(self, model: str, rid: int, row: dict[str, Any], name: str, value: Any) -> None:
        index = self._indexes.get(model, {}).get(name)
        if index is not None:
            index.get(row[name], set()).discard(rid)
            index.setdefault(value, set()).add(rid)
        row[name] = value

    def _index_add(self, model: str, rid: int, row: dict[str, Any]) -> None:
        for name, index in self._indexes.get(model, {}).items():
            index.setdefault(row.get(name), set()).add(rid)

    def _index_remove(self, model: str, rid: int, row: dict[str, Any]) -> None:
        for name, index in self._indexes.get(model, {}).items():
            index.get(row.get(name), set()).discard(rid)

    def equality_index(self, model: str, name: str) -> dict[Any, set[int]]:
        """The index of ``model.name`` values to record ids (built on first use)."""
        try:
            return self._indexes[model][name]
        except KeyError:
            pass
        by_field = self._indexes.setdefault(model, {})
        index = by_field.get(name)
        if index is None:
            index = {}
            for rid, row in self._tables[model].items():
                index.setdefault(row.get(name), set()).add(rid)
            by_field[name] = index
        return index

    # ------------------------------------------------------------------ users & RPC
    def authenticate(self, login: str, password: str) -> int | bool:
        """``common.authenticate``: the uid, or ``False`` on bad credentials (not a fault)."""
        users = self["res.users"].search([("login", "=", login)])
        if not users or users.password != password:
            return False
        return users.id

    def _resolve_uid(self, user: int | str | Model | None) -> int:
        if user is None:
            return self.uid
        if isinstance(user, Model):
            return user.id
        if isinstance(user, int):
            if not self["res.users"].browse(user).exists():
                raise AccessDenied("Access Denied")
            return user
        found = self["res.users"].search([("login", "=", user)])
        if not found:
            raise AccessDenied("Access Denied")
        return found.id

    @contextmanager
    def as_user(self, user: int | str | Model | None) -> Iterator[None]:
        previous, self.uid = self.uid, self._resolve_uid(user)
        try:
            yield
        finally:
            self.uid = previous

    def execute(
        self,
        model: str,
        method: str,
        *args: Any,
        user: int | str | Model | None = None,
        **kwargs: Any,
    ) -> Any:
        """One RPC call (``object.execute_kw``), atomic, webhooks after commit.

        Methods decorated ``@api_model`` take no ids; others take the ids as first argument.
        Recordset results become ids (``create`` with one dict returns one id).
        """
        if method.startswith("_"):
            raise AccessError(
                f"Private methods (such as '{model}.{method}') cannot be called remotely."
            )
        records = self[model]
        func = getattr(type(records), method, None)
        if not callable(func):
            raise AttributeError(f"The method '{model}.{method}' does not exist")
        self.webhooks.begin_call()
        # ``with self.as_user(user), self.transaction():`` written out (a generator context
        # manager costs eight calls; the caller's own user needs no resolving)
        previous = self.uid
        if user is not None:
            self.uid = self._resolve_uid(user)
        try:
            with self.transaction():
                if getattr(func, "_api_model", False):
                    result = getattr(records, method)(*args, **kwargs)
                else:
                    ids, *rest = args
                    result = getattr(records.browse(ids), method)(*rest, **kwargs)
        finally:
            self.uid = previous
        if isinstance(result, Model):
            single = method == "create" and args and isinstance(args[0], dict)
            return result.id if single else result.ids
        return result

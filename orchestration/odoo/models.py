"""Recordsets: the mocked ORM's view of a model's records (Odoo's ``models.Model``).

Why one long module: Odoo's recordset API (browse, search, read, write, create, unlink, the
domain and field hooks) is one class whose methods call each other; it mirrors ``models.py``.

Concept: a ``Model`` instance is an ordered set of record ids of one model bound to an ``Env``,
exactly like an Odoo recordset. The class declares the model's ``_name`` and its ``Field``s; the
rows live in the ``Env`` (``env._tables``), so a recordset is a cheap view.

The public mutators ``create`` / ``write`` / ``unlink`` are the points Odoo's ``base.automation``
patches: each runs inside the Env's transaction (atomic; see ``env.py``) and calls the
automation engine around the model's own logic, which subclasses override in ``_create`` /
``_write`` / ``_unlink`` (so rules see the fully-written record, as Odoo's patch sits outermost).

Bulk paths (as Odoo's ORM): ``(0, 0, vals)`` commands are created in one ``create`` call per run
of consecutive commands (``@api.model_create_multi``: an ``on_create`` rule sees the batch);
a stored field of a singleton is read from its row without building recordsets (``Field``);
``_rows()`` gives bulk code the rows, ``_ids_where`` a column lookup on the equality index,
``_peek`` a related record's stored value. A create's rows and a write's rows are each one undo
step; ``_write_each`` writes per-record values in one column write when no rule watches them
(``_writes_unwatched``), else one ``write`` each, so a rule sees what it always saw.

Simplifications: no access rules (all calls are sudo-like, users matter only through groups),
no SQL (``search`` is an in-memory scan in id order or ``_order``), no translations, no
prefetch. Ids come from a per-model sequence that, like PostgreSQL's, is NOT rolled back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from orchestration.odoo.domain import and_domains, compile_domain
from orchestration.odoo.errors import MissingError, ValidationError
from orchestration.odoo.fields import Field

if TYPE_CHECKING:
    from orchestration.odoo.env import Env


#: per row shape: types stored as is, the same with selections as ``str``, the selections
_ShapePlan = tuple[
    tuple[type | None, ...], tuple[type | None, ...], list[tuple[str, frozenset[Any]]]
]
#: row shapes kept per model (a run's code creates in a handful; RPC clients may send any)
MAX_SHAPES = 256


def api_model(method: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a method as ``@api.model``: over RPC it is called without ids."""
    method._api_model = True  # type: ignore[attr-defined]
    return method


class Model:
    """Base of every mocked model; an instance is a recordset."""

    _name: ClassVar[str] = ""
    _description: ClassVar[str] = ""
    _order: ClassVar[str] = "id"
    _rec_name: ClassVar[str] = "name"
    _mail_thread: ClassVar[bool] = False
    _fields: ClassVar[dict[str, Field]] = {}
    #: fields recognise a recordset by this marker (they cannot import this module)
    _is_recordset: ClassVar[bool] = True
    _default_plan: ClassVar[list[tuple[str, Any, bool, Any]]] = []
    _required: ClassVar[list[str]] = []
    _writable: ClassVar[frozenset[str]] = frozenset()
    _as_is: ClassVar[dict[str, type]] = {}
    _selections: ClassVar[dict[str, frozenset[Any]]] = {}
    #: a create's row shapes (keys in order) -> how their values are stored (``_shape_plan``)
    _shapes: ClassVar[dict[tuple[str, ...], _ShapePlan]] = {}
    _default_row: ClassVar[dict[str, Any]] = {}
    _default_calls: ClassVar[list[tuple[str, Any, Any]]] = []
    _x2many: ClassVar[dict[str, str]] = {}

    id = Field("integer", readonly=True)
    create_date = Field("datetime", readonly=True)
    write_date = Field("datetime", readonly=True)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        fields: dict[str, Field] = {}
        for klass in reversed(cls.__mro__):
            for name, attr in vars(klass).items():
                if isinstance(attr, Field):
                    fields[name] = attr
        cls._fields = fields
        # decided once per model: a new row's defaults (value, or a callable of the env) in field
        # order, and the required fields to check
        cls._default_plan = [
            (name, field.default, callable(field.default), field.empty())
            for name, field in fields.items()
            if field.stored and name != "id"
        ]
        # the same plan split for a batch: the constant defaults as one row template copied per
        # new row (in field order; a callable's slot is filled per row, in plan order)
        cls._default_row = {
            name: None if call else (empty if default is None else default)
            for name, default, call, empty in cls._default_plan
        }
        cls._default_calls = [
            (name, default, empty) for name, default, call, empty in cls._default_plan if call
        ]
        cls._x2many = {
            name: field.type
            for name, field in fields.items()
            if field.type in ("one2many", "many2many")
        }
        cls._required = [name for name, field in fields.items() if field.required]
        for name in cls._required:  # a create reads them from the new row
            if name not in cls._default_row:
                raise TypeError(f"{cls._name}.{name}: a required field must be stored")
        cls._writable = frozenset(
            name
            for name, field in fields.items()
            if not field.compute and name not in ("id", "create_date", "write_date")
        )
        #: per field, the Python type a written value of which is stored as is
        cls._as_is = {
            name: _AS_IS[field.type] for name, field in fields.items() if field.type in _AS_IS
        }
        #: per selection field, its keys: a ``str`` value among them is stored as is
        cls._selections = {
            name: field._keys for name, field in fields.items() if field.type == "selection"
        }
        cls._shapes = {}

    def __init__(self, env: Env, ids: Iterable[int] = ()) -> None:
        self.env = env
        # a tuple is kept (``tuple(ids)`` returns it unchanged): no call for it
        self._ids: tuple[int, ...] = ids if ids.__class__ is tuple else tuple(ids)  # type: ignore[assignment]

    # ------------------------------------------------------------------ recordset protocol
    @property
    def ids(self) -> list[int]:
        return list(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def __bool__(self) -> bool:
        return bool(self._ids)

    def __iter__(self) -> Iterator[Model]:
        new = self._new
        for rid in self._ids:
            yield new((rid,))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Model) and other._name == self._name and other._ids == self._ids

    def __hash__(self) -> int:
        return hash((self._name, self._ids))

    def __or__(self, other: Model) -> Model:
        return self.browse(dict.fromkeys(self._ids + other._ids))

    __add__ = __or__

    def __sub__(self, other: Model) -> Model:
        drop = set(other._ids)
        return self.browse(i for i in self._ids if i not in drop)

    def __repr__(self) -> str:
        return f"{self._name}{self._ids!r}"

    def browse(self, ids: int | Iterable[int] = ()) -> Model:
        if isinstance(ids, int):
            return self._new((ids,))
        return self._new(tuple(ids))

    def _new(self, ids: tuple[int, ...]) -> Model:
        """A recordset of this model over ``ids`` (already a tuple): no argument checks."""
        records = object.__new__(type(self))
        records.env = self.env
        records._ids = ids
        return records

    def exists(self) -> Model:
        table = self.env._tables[self._name]  # ``_table``
        ids = self._ids
        if len(ids) == 1:  # one record (a rule's, a webhook's): no generator
            return self._new(ids if ids[0] in table else ())
        return self.browse(i for i in ids if i in table)

    def ensure_one(self) -> Model:
        if len(self._ids) != 1:
            raise ValueError(f"Expected singleton: {self!r}")
        return self

    def filtered(self, func: Callable[[Model], bool] | str) -> Model:
        if isinstance(func, str):
            name = func
            return self.browse(r.id for r in self if r[name])
        if len(self._ids) == 1:  # one record (an order, its picking): no iteration
            return self._new(self._ids if func(self) else ())
        return self.browse(r.id for r in self if func(r))

    def filtered_domain(self, domain: Sequence[Any] | None) -> Model:
        return self._filtered_predicate(compile_domain(domain))

    def _filtered_predicate(self, predicate: Callable[[Callable[[str], list[Any]]], bool]) -> Model:
        """``filtered_domain`` with the domain already compiled (automation rules compile theirs
        once, when the rule is added)."""
        ids = self._ids
        if len(ids) == 1:  # one record (a rule's usual case): no iteration
            return self._new(ids if predicate(self._path_values) else ())
        return self._new(tuple(r._ids[0] for r in self if predicate(r._path_values)))

    def mapped(self, name: str) -> Any:
        field = self._fields[name]
        if field.type in ("many2one", "one2many", "many2many"):
            result = self.env[field.comodel].browse([])  # type: ignore[index]
            for record in self:
                result = result | record[name]
            return result
        return [record[name] for record in self]

    def sorted(self, key: Callable[[Model], Any], reverse: bool = False) -> Model:
        return self.browse(r.id for r in sorted(self, key=key, reverse=reverse))

    def __getitem__(self, name: str | int) -> Any:
        if isinstance(name, int):
            return self.browse(self._ids[name])
        if name not in self._fields:
            raise KeyError(f"Invalid field {name!r} on model {self._name!r}")
        return self._get_value(name)

    # ------------------------------------------------------------------ values
    @property
    def _table(self) -> dict[int, dict[str, Any]]:
        return self.env._tables[self._name]

    def _row(self) -> dict[str, Any]:
        ids = self._ids
        if len(ids) != 1:
            self.ensure_one()  # raises
        rid = ids[0]
        try:
            return self.env._tables[self._name][rid]  # ``_table``, read without the property
        except KeyError:
            raise MissingError(
                f"Record does not exist or has been deleted.\n(Record: {self._name}({rid},), "
                f"User: {self.env.uid})"
            ) from None

    def _get_value(self, name: str) -> Any:
        field = self._fields[name]
        if not self._ids:
            if field.type in ("many2one", "one2many", "many2many"):
                return self.env[field.comodel].browse([])  # type: ignore[index]
            return False
        self.ensure_one()
        if name == "id":
            return self._ids[0]
        if field.compute:
            return getattr(self, field.compute)()
        if field.type == "one2many":
            return self._one2many(field)
        raw = self._row()[name]
        if field.type == "many2one":
            return self.env[field.comodel]._new((raw,) if raw else ())  # type: ignore[index]
        if field.type == "many2many":
            return self.env[field.comodel]._new(tuple(raw))  # type: ignore[index]
        return raw

    def _one2many(self, field: Field) -> Model:
        """The records whose inverse many2one is this record, in the comodel's order: exactly
        ``comodel.search([(inverse, '=', id)], active_test=False)``, read from the equality
        index without going through the domain machinery."""
        env, name = self.env, field.comodel
        # ``comodel._ids_where(inverse, id)`` and ``comodel._new(ids)`` without building the
        # empty ``env[comodel]`` first (a read of a one2many is the ORM's most frequent)
        index = env.equality_index(name, field.inverse)  # type: ignore[arg-type]
        ids = sorted(index.get(self._ids[0], ()))
        cls = env.registry[name]  # type: ignore[index]
        if cls._order != "id" and len(ids) > 1:
            found = list(env[name]._new(tuple(ids)))  # type: ignore[index]
            found.sort(key=found[0]._order_key())
            ids = [r._ids[0] for r in found]
        records = object.__new__(cls)
        records.env = env
        records._ids = tuple(ids)
        return records

    def _raw(self, name: str) -> Any:
        """The value as stored: many2one -> id or False, x2many -> list of ids."""
        field = self._fields[name]
        if field.stored and field.type != "one2many" and len(self._ids) == 1 and name != "id":
            # a column: the stored value itself (many2one id or False, many2many ids)
            raw = self._row()[name]
            if field.type == "many2one":
                return raw if raw else False
            return list(raw) if field.type == "many2many" else raw
        value = self._get_value(name)
        if field.type == "many2one":
            return value.id if value else False
        if field.type in ("one2many", "many2many"):
            return list(value.ids)
        if isinstance(value, Model):
            return value.ids
        return value

    def _rows(self) -> list[dict[str, Any]]:
        """The stored rows of these records, in order (column reads for bulk code; a missing
        record raises MissingError). Read-only: writes go through ``write``."""
        table = self.env._tables[self._name]  # ``_table``, without the property call
        rows = list(map(table.get, self._ids))
        if None in rows:
            self._new((self._ids[rows.index(None)],))._row()  # raises MissingError
        return rows  # type: ignore[return-value]

    def _peek(self, comodel: str, rid: Any, name: str) -> Any:
        """``comodel.browse(rid).<name>`` of a stored scalar, read from its row: what bulk code
        reads of a related record (no record: the field's empty value; a missing one raises
        MissingError, through the general path)."""
        if rid:
            row = self.env._tables[comodel].get(rid)
            if row is not None:
                return row[name]
        return getattr(self.env[comodel]._new((rid,) if rid else ()), name)

    def _ids_where(self, name: str, value: Any) -> list[int]:
        """Ids (ascending) of this model's records whose stored ``name`` equals ``value``, from
        the equality index: a column lookup, not a search (no domain, no ``active`` filter)."""
        return sorted(self.env.equality_index(self._name, name).get(value, ()))

    def _path_values(self, path: str) -> list[Any]:
        """Raw values reached by a dotted path from this record (domain evaluation)."""
        field = self._fields.get(path)
        if field is not None and field.stored and len(self._ids) == 1:
            # a column of this record: the raw value from the row (many2many: its ids)
            raw = self._row()[path]
            return list(raw) if field.type == "many2many" else [raw]
        names = path.split(".")
        records: Model = self
        for name in names[:-1]:
            field = records._fields.get(name)
            if field is None or field.type not in ("many2one", "one2many", "many2many"):
                raise ValueError(f"Invalid field path {path!r} on model {self._name!r}")
            records = records.mapped(name)
        last = names[-1]
        if last not in records._fields:
            raise ValueError(f"Invalid field {last!r} on model {records._name!r}")
        values: list[Any] = []
        for record in records:
            raw = record._raw(last)
            if isinstance(raw, list):
                values.extend(raw)
            else:
                values.append(raw)
        return values

    def display_name_of(self) -> str:
        if self._rec_name in self._fields and self._fields[self._rec_name].type == "char":
            return str(self[self._rec_name] or "")
        return f"{self._name},{self.id}"

    def read(self, fields: Sequence[str] | None = None, load: str | None = "_classic_read"):
        """Odoo's ``read``: m2o as ``[id, name]`` (a bare int with any other ``load``, e.g.
        ``None`` or the ``'_classic_write'`` RPC clients send)."""
        names = list(fields) if fields else [n for n in self._fields if n != "id"]
        result = []
        for record in self:
            row: dict[str, Any] = {"id": record.id}
            stored_row = None  # the record's row, read at its first stored column
            for name in names:
                field = self._fields[name]
                if field.type == "many2one" and load == "_classic_read":
                    value = record[name]
                    row[name] = [value.id, value.display_name_of()] if value else False
                elif field.compute is None and field.type != "one2many" and name != "id":
                    # ``_raw`` of a stored column: many2one id or False, many2many ids
                    if stored_row is None:
                        stored_row = record._row()
                    raw = stored_row[name]
                    if field.type == "many2one":
                        raw = raw if raw else False
                    elif field.type == "many2many":
                        raw = list(raw)
                    row[name] = raw
                else:
                    row[name] = record._raw(name)
            result.append(row)
        return result

    @api_model
    def fields_get(
        self, allfields: Sequence[str] | None = None, attributes: Sequence[str] | None = None
    ) -> dict[str, dict[str, Any]]:
        """Odoo's ``fields_get``: per field its ``type``, ``string``, ``required``,
        ``readonly``, ``relation`` (relational) and ``selection`` (selection fields)."""
        result: dict[str, dict[str, Any]] = {}
        for name, field in self._fields.items():
            if allfields and name not in allfields:
                continue
            desc: dict[str, Any] = {
                "type": field.type,
                "string": field.string or name.replace("_", " ").title(),
                "required": field.required,
                "readonly": field.readonly or bool(field.compute),
                "store": field.stored,
            }
            if field.comodel:
                desc["relation"] = field.comodel
            if field.selection:
                desc["selection"] = [list(pair) for pair in field.selection]
            if attributes:
                desc = {k: v for k, v in desc.items() if k in attributes}
            result[name] = desc
        return result

    @api_model
    def default_get(self, fields_list: Sequence[str]) -> dict[str, Any]:
        """Odoo's ``default_get``: the default of each named field that has one."""
        return {
            name: self._fields[name].default_value(self.env)
            for name in fields_list
            if name in self._fields and self._fields[name].default is not None
        }

    # ------------------------------------------------------------------ search
    def _order_key(self) -> Callable[[Model], Any]:
        keys = [part.strip().split() for part in self._order.split(",")]

        def key(record: Model) -> tuple[Any, ...]:
            values = []
            for parts in keys:
                value = record._raw(parts[0])
                value = (value is False, value if value is not False else 0)
                values.append(value)
            return tuple(values)

        return key

    def _sorted_by(self, found: list[Model], order: str) -> list[Model]:
        """An ``order`` spec (``"date_order desc, id"``): stable sorts, last key first."""
        for part in reversed([p.split() for p in order.split(",") if p.strip()]):
            name = part[0]
            direction = part[1].lower() if len(part) > 1 else "asc"
            if name not in self._fields or len(part) > 2 or direction not in ("asc", "desc"):
                raise ValueError(f"Invalid order {order!r} on model {self._name!r}")

            def key(record: Model, name: str = name) -> tuple[bool, Any]:
                value = record._raw(name)
                return (value is False, value if value is not False else 0)

            found.sort(key=key, reverse=direction == "desc")
        return found

    @api_model
    def search(
        self,
        domain: Sequence[Any] | None = None,
        limit: int | None = None,
        active_test: bool = True,
        *,
        offset: int = 0,
        order: str | None = None,
    ) -> Model:
        domain = list(domain or [])
        if active_test and "active" in self._fields and not _mentions(domain, "active"):
            domain = and_domains(domain, [("active", "=", True)])
        candidates = self._indexed_candidates(domain)
        if candidates is not None and len(domain) == 1:
            # one indexable ``=`` term: the index answers it exactly (a one2many read, a
            # lookup by reference), so no record needs the predicate
            found = list(self.browse(sorted(candidates)))
        else:
            predicate = compile_domain(domain)
            ids = self._table if candidates is None else sorted(candidates)
            found = [r for r in self.browse(ids) if predicate(r._path_values)]
        if order:
            found = self._sorted_by(found, order)
        elif self._order != "id":
            found.sort(key=self._order_key())
        found = found[offset:] if offset else found
        if limit is not None:
            found = found[:limit]
        return self.browse(r.id for r in found)

    def _indexed_candidates(self, domain: list[Any]) -> set[int] | None:
        """Ids that can match a pure conjunction with an indexable ``=`` term, else None."""
        if any(isinstance(t, str) and t in ("|", "!") for t in domain):
            return None
        for term in domain:
            if not (isinstance(term, list | tuple) and len(term) == 3 and term[1] == "="):
                continue
            name, _, value = term
            field = self._fields.get(name) if isinstance(name, str) else None
            if field is None or not field.stored or not _index_compatible(field.type, value):
                continue
            return set(self.env.equality_index(self._name, name).get(value, ()))
        return None

    @api_model
    def search_count(self, domain: Sequence[Any] | None = None) -> int:
        return len(self.search(domain))

    @api_model
    def search_read(
        self,
        domain: Sequence[Any] | None = None,
        fields: Sequence[str] | None = None,
        offset: int = 0,
        limit: int | None = None,
        order: str | None = None,
    ) -> list[dict[str, Any]]:
        records = self.search(domain, order=order)
        ids = records.ids[offset : None if limit is None else offset + limit]
        return self.browse(ids).read(fields)

    # ------------------------------------------------------------------ mutations
    @api_model
    def create(self, vals_list: dict[str, Any] | list[dict[str, Any]]) -> Model:
        if isinstance(vals_list, dict):
            vals_list = [vals_list]
        if self.env._txn is None:
            with self.env.transaction():
                return self._create_checked(vals_list)
        return self._create_checked(vals_list)  # inside a transaction already: join it

    def _create_checked(self, vals_list: list[dict[str, Any]]) -> Model:
        records = self._create([dict(v) for v in vals_list])
        if records.__class__._check_constraints is not Model._check_constraints:  # no no-op call
            records._check_constraints()
        self.env.automation.after_create(records)
        return records

    def write(self, vals: dict[str, Any]) -> bool:
        if not self._ids:  # ``not self``, without the call
            return True
        if self.env._txn is None:
            with self.env.transaction():
                self.env.automation.around_write(self, dict(vals), self._write_and_check)
        else:  # inside a transaction already: join it
            self.env.automation.around_write(self, dict(vals), self._write_and_check)
        return True

    def unlink(self) -> bool:
        if not self:
            return True
        with self.env.transaction():
            self.env.automation.before_unlink(self)
            self._unlink()
        return True

    def _write_and_check(self, vals: dict[str, Any]) -> None:
        self._write(vals)
        if self.__class__._check_constraints is not Model._check_constraints:  # no no-op call
            self._check_constraints()

    def _check_constraints(self) -> None:
        """Override to raise ValidationError (Odoo's ``@api.constrains``)."""

    def _check_vals(self, vals: dict[str, Any]) -> None:
        if vals.keys() <= self._writable:
            return
        for name in vals:
            field = self._fields.get(name)
            if field is None:
                raise ValueError(f"Invalid field {name!r} on model {self._name!r}")
            if field.compute or name in ("id", "create_date", "write_date"):
                raise ValueError(f"Field {self._name}.{name} is computed and cannot be written")

    def _create(self, vals_list: list[dict[str, Any]]) -> Model:
        """Insert one row per ``vals`` (Odoo's ``model_create_multi``): the constant defaults
        copied from the model's row template, callable defaults called per row in field order,
        and the batch's rows inserted together as one undo step. A row with one2many/many2many
        commands is inserted at once and its commands applied before the next row is built."""
        env, model, fields = self.env, self._name, self._fields
        template, calls, required = self._default_row, self._default_calls, self._required
        x2m, check = self._x2many, self._check_vals
        now = env.now()  # the clock cannot move during the call
        sequences = env._sequences
        created: list[tuple[int, dict[str, Any]]] = []  # (id, row), the rows from ``start`` on
        start = 0  # not inserted yet
        # the batch's usual shape: the same keys, each value of the type stored as is (a
        # line's product id, quantity, price...): such a row takes its values in one update
        # (a selection's value among its keys too); ``_check_vals`` depends on the keys alone:
        # checked once per shape
        keys: tuple[str, ...] | None = None
        types: tuple[type | None, ...] = ()
        fast: tuple[type | None, ...] = ()
        selected: list[tuple[str, frozenset[Any]]] = []
        for vals in vals_list:
            if (shape := tuple(vals)) != keys:  # the keys in order, as the values come
                plan = self._shapes.get(shape)
                if plan is None:
                    check(vals)
                    plan = self._shape_plan(shape)
                keys = shape
                types, fast, selected = plan
            x2many = None
            as_they_are = tuple(map(type, vals.values())) == fast
            if as_they_are and selected:
                for name, allowed in selected:
                    if vals[name] not in allowed:
                        as_they_are = False  # convert_to_raw raises for it
                        break
            if as_they_are and not calls:
                row = {**template, **vals}  # the template copied, then updated with the values
            else:
                row = template.copy()
                for name, default, empty in calls:
                    value = default(env)
                    row[name] = empty if value is None else value
            if as_they_are:
                if calls:
                    row.update(vals)  # what the loop below does for such values
            else:
                for name, value, kind in zip(keys, vals.values(), types, strict=True):
                    if type(value) is kind:
                        row[name] = value  # what convert_to_raw returns for it
                    elif name in x2m:
                        if x2m[name] == "one2many":
                            if x2many is None:
                                x2many = {}
                            x2many[name] = value
                        else:
                            row[name] = _m2m_commands(value, ())
                    else:
                        row[name] = fields[name].convert_to_raw(value, model)
            for name in required:
                if row[name] in (False, None, ""):
                    raise ValidationError(
                        f"The operation cannot be completed: missing required field {model}.{name}"
                    )
            sequences[model] += 1
            rid = sequences[model]
            row["id"], row["create_date"], row["write_date"] = rid, now, now
            created.append((rid, row))
            if x2many is None:
                continue
            if len(created) - 1 > start:  # the rows before it, then it alone
                env._insert_rows(model, created[start:-1])
            env._insert_rows(model, [(rid, row)])
            start = len(created)
            record = self._new((rid,))
            for name, commands in x2many.items():
                record._apply_o2m(name, commands)
        if start < len(created):
            env._insert_rows(model, created[start:])
        return self._new(tuple([rid for rid, _row in created]))

    @classmethod
    def _shape_plan(cls, keys: tuple[str, ...]) -> _ShapePlan:
        """How ``_create`` stores the values of a row with these (checked) keys in this order:
        per key the type stored as is, the same with ``str`` for a selection, and the
        selections whose value must be one of their keys; kept per model (a run's creates
        come in a few shapes)."""
        as_is, selections = cls._as_is, cls._selections
        types = tuple(as_is.get(name) for name in keys)
        fast = tuple(
            str if name in selections else kind for name, kind in zip(keys, types, strict=True)
        )
        plan = (types, fast, [(name, selections[name]) for name in keys if name in selections])
        if len(cls._shapes) < MAX_SHAPES:
            cls._shapes[keys] = plan
        return plan

    def _check_write(self, vals: dict[str, Any]) -> None:
        """Override to refuse a write of these values (before any is written)."""

    def _writes_unwatched(self, names: Iterable[str]) -> bool:
        """Whether writes of these fields on this model are plain column writes nothing else
        could see: no automation rule watches any of them, none is a one2many/many2many, and
        the model keeps the base ``_write`` and ``_check_constraints``."""
        cls, watches = type(self), self.env.automation.watches
        return (
            cls._write is Model._write
            and cls._check_constraints is Model._check_constraints
            and not any(name in cls._x2many or watches(cls._name, name) for name in names)
        )

    def _write_each(self, updates: list[tuple[int, dict[str, Any]]]) -> None:
        """``browse(rid).write(vals)`` for each (rid, vals), in order — done as one column
        write and one undo step when nothing could tell the difference: no automation rule
        watches a written field on this model, no value is a one2many/many2many, and the model
        keeps the base ``_write`` and ``_check_constraints`` (otherwise one write each)."""
        fields = self._fields
        if not self._writes_unwatched({name for _rid, vals in updates for name in vals}):
            for rid, vals in updates:
                self._new((rid,)).write(vals)
            return
        if self.env._txn is None:
            with self.env.transaction():
                self._write_each(updates)
            return
        env, model, table, as_is = self.env, self._name, self._table, self._as_is
        now = env.now()
        rows: list[tuple[dict[str, Any], list[tuple[str, Any]]]] = []
        # ``_check_vals`` depends on the keys alone: checked once per shape; the base
        # ``_check_write`` does nothing; a value of the type its field stores as is is what
        # ``convert_to_raw`` returns for it
        check_write = type(self)._check_write is not Model._check_write
        keys: tuple[str, ...] | None = None
        kinds: tuple[type | None, ...] = ()
        for rid, vals in updates:
            if check_write:
                self._check_write(vals)
            if (shape := tuple(vals)) != keys:
                self._check_vals(vals)
                keys = shape
                kinds = tuple(as_is.get(name) for name in keys)
            row = table.get(rid)
            if row is None:
                env._update_rows(model, rows)  # the rows before it are written, as before
                self._new((rid,))._row()  # raises MissingError
            changes = [
                (name, raw)
                for name, value, kind in zip(keys, vals.values(), kinds, strict=True)
                if row[name]  # type: ignore[index]
                != (
                    raw := value
                    if type(value) is kind
                    else fields[name].convert_to_raw(value, model)
                )
            ]
            if vals:
                changes.append(("write_date", now))
            rows.append((row, changes))  # type: ignore[arg-type]
        env._update_rows(model, rows)

    def _write(self, vals: dict[str, Any]) -> None:
        self._check_write(vals)
        self._check_vals(vals)
        now = self.env.now()
        if self._x2many.keys().isdisjoint(vals):
            self._write_columns(vals, now)
            return
        for record in self:
            row = record._row()
            changed = False
            for name, value in vals.items():
                field = self._fields[name]
                if field.type == "one2many":
                    record._apply_o2m(name, value)
                    continue
                if field.type == "many2many":
                    raw = _m2m_commands(value, row[name])
                else:
                    raw = field.convert_to_raw(value, self._name)
                if row[name] != raw:
                    self.env._update(self._name, record.id, name, raw)
                    changed = True
            if changed or vals:
                self.env._update(self._name, record.id, "write_date", now)

    def _write_columns(self, vals: dict[str, Any], now: Any) -> None:
        """``_write`` of scalar and many2one values: each converted once for the whole set
        (after the first record is found, so a missing record still fails first), the rows
        changed together as one undo step."""
        env, model = self.env, self._name
        table = self.env._tables[self._name]  # ``_table``, without the property call
        raws: list[tuple[str, Any]] | None = None
        updates: list[tuple[dict[str, Any], list[tuple[str, Any]]]] = []
        for rid in self._ids:
            row = table.get(rid)
            if row is None:
                env._update_rows(model, updates)  # the rows before it are written, as before
                self._new((rid,))._row()  # raises MissingError
            if raws is None:
                fields = self._fields
                raws = [(name, fields[name].convert_to_raw(v, model)) for name, v in vals.items()]
            changes = [(name, raw) for name, raw in raws if row[name] != raw]  # type: ignore[index]
            if vals:
                changes.append(("write_date", now))
            if changes:
                updates.append((row, changes))  # type: ignore[arg-type]
        env._update_rows(model, updates)

    def _unlink(self) -> None:
        for record in self:
            record._row()
            self.env._delete(self._name, record.id)

    def _apply_o2m(self, name: str, commands: Any) -> None:
        field = self._fields[name]
        comodel = self.env[field.comodel]  # type: ignore[index]
        rid = self._ids[0]
        commands = list(commands or [])
        if commands and {command[0] for command in commands} == {0}:
            # only creates (a new order's lines): one batch, as the loop below makes of them
            comodel.create([{**command[2], field.inverse: rid} for command in commands])
            return
        batch: list[dict[str, Any]] = []
        for command in commands:
            code = command[0]
            if code == 0:
                # consecutive creates go in one batch (``@api.model_create_multi``), as Odoo's
                # one2many field creates its new lines
                batch.append({**command[2], field.inverse: rid})
                continue
            if batch:
                comodel.create(batch)
                batch = []
            if code == 1:
                comodel.browse(command[1]).write(command[2])
            elif code == 2:
                comodel.browse(command[1]).unlink()
            elif code == 4:
                comodel.browse(command[1]).write({field.inverse: self.id})
            else:
                raise ValueError(f"Unsupported one2many command {command!r} on {name}")
        if batch:
            comodel.create(batch)


#: field type -> the value type ``Field.convert_to_raw`` stores unchanged
_AS_IS = {
    "many2one": int,
    "integer": int,
    "float": float,
    "monetary": float,
    "char": str,
    "text": str,
    "datetime": datetime,
    "date": date,  # exactly a date: a datetime is no date value
    "boolean": bool,
}


def _m2m_commands(value: Any, current: Sequence[int]) -> tuple[int, ...]:
    """Apply many2many commands ((4,id) (3,id) (6,0,ids) (5,)) or a plain list of ids."""
    if isinstance(value, Model):
        return tuple(value.ids)
    ids = list(current)
    items = list(value or [])
    if items and all(isinstance(v, int) for v in items):
        return tuple(items)
    for command in items:
        code = command[0]
        if code == 4 and command[1] not in ids:
            ids.append(command[1])
        elif code == 3 and command[1] in ids:
            ids.remove(command[1])
        elif code == 6:
            ids = list(command[2])
        elif code == 5:
            ids = []
    return tuple(ids)


def _mentions(domain: Sequence[Any], name: str) -> bool:
    return any(
        isinstance(t, list | tuple) and len(t) == 3 and str(t[0]).split(".")[0] == name
        for t in domain
    )


def _index_compatible(field_type: str, value: Any) -> bool:
    """Whether ``=`` on this field type can be answered by comparing stored raw values."""
    if field_type in ("many2one", "integer"):
        return isinstance(value, int) and not isinstance(value, bool)
    if field_type == "boolean":
        return isinstance(value, bool)
    if field_type in ("char", "selection"):
        return isinstance(value, str)
    return False

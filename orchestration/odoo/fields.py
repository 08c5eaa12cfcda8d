"""Field declarations of the mocked ORM: name, type, selection values, relation.

Concept: a ``Field`` describes one column of a model, as ``ir.model.fields`` does in Odoo. It is a
descriptor: ``record.state`` reads the value, ``record.state = 'sale'`` writes it through
``write`` (so automation rules fire). Types are Odoo's: char, text, integer, float, monetary,
boolean, selection, date, datetime, many2one, one2many, many2many, json.

Stored values are kept "raw" (as Odoo's cache keeps them): many2one as an int id or ``False``,
many2many as a tuple of ids; one2many is never stored, it is the inverse many2one read back.
A ``compute`` names a method of the model returning the value (not stored, not writable;
Odoo's stored computed fields that re-trigger rules are not modelled).
Dates and datetimes are ``datetime.date`` / ``datetime.datetime`` (naive, UTC, as Odoo's ORM).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from orchestration.odoo.models import Model

RELATIONAL = ("many2one", "one2many", "many2many")
FIELD_TYPES = (
    "char",
    "text",
    "integer",
    "float",
    "monetary",
    "boolean",
    "selection",
    "date",
    "datetime",
    "json",
    *RELATIONAL,
)


class Field:
    """One declared field; set on a model class as a class attribute."""

    def __init__(
        self,
        type: str,
        *,
        string: str = "",
        selection: list[tuple[str, str]] | None = None,
        comodel: str | None = None,
        inverse: str | None = None,
        default: Any = None,
        compute: str | None = None,
        required: bool = False,
        readonly: bool = False,
    ) -> None:
        if type not in FIELD_TYPES:
            raise ValueError(f"unknown field type {type!r}")
        if type in RELATIONAL and not comodel:
            raise ValueError(f"{type} field needs a comodel")
        if type == "one2many" and not inverse:
            raise ValueError("one2many field needs an inverse")
        if type == "selection" and not selection:
            raise ValueError("selection field needs selection values")
        self.type = type
        self.string = string
        self.selection = selection
        self.comodel = comodel
        self.inverse = inverse
        self.default = default
        self.compute = compute
        self.required = required
        self.readonly = readonly
        self.name = ""
        #: a stored scalar (not relational, not computed): read straight from the row
        self.plain = compute is None and type not in RELATIONAL
        #: a column of the row (not computed, not a one2many): set once, read on every raw read
        self.stored = compute is None and type != "one2many"
        #: a stored one2many: a singleton reads it as ``Model._one2many`` (``_get_value``'s way)
        self.o2m = compute is None and type == "one2many"
        #: the selection's keys, looked up on every write of the field
        self._keys = frozenset(key for key, _label in selection or [])

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, record: Model | None, owner: type) -> Any:
        if record is None:
            return self
        ids = record._ids
        if len(ids) == 1:
            if self.o2m:  # ``_get_value``'s path for it, without its checks
                return record._one2many(self)
            if self.plain or self.type == "many2one":
                # a column read (Odoo's cache hit): the stored value, or for a many2one the
                # related record built directly; a missing row or a non-singleton takes the
                # general path, which raises as Odoo does
                env = record.env
                table = env._tables[record._name]
                if ids[0] in table:
                    value = table[ids[0]][self.name]
                    if self.plain:
                        return value
                    related = object.__new__(env.registry[self.comodel])
                    related.env = env
                    related._ids = (value,) if value else ()
                    return related
        return record._get_value(self.name)

    def __set__(self, record: Model, value: Any) -> None:
        record.write({self.name: value})

    @property
    def selection_values(self) -> list[str]:
        return [key for key, _label in self.selection or []]

    def empty(self) -> Any:
        """Odoo's value for "not set": False, or an empty tuple for many2many."""
        if self.type == "many2many":
            return ()
        if self.type in ("integer", "float", "monetary"):
            return 0
        return False

    def default_value(self, env: Any) -> Any:
        default = self.default
        if callable(default):
            default = default(env)
        return self.empty() if default is None else default

    def convert_to_raw(self, value: Any, model_name: str) -> Any:
        """Validate and normalise a written value (recordsets become ids)."""
        # the common cases first, each exactly what the checks below return for it
        kind = type(value)
        if kind is int and self.type in ("many2one", "integer"):
            return value
        if kind is float and self.type in ("float", "monetary"):
            return value
        if kind is str and self.type in ("char", "text"):
            return value
        if self.type == "many2one":
            if _is_recordset(value):
                return value.id if value else False
            if value is False or value is None:
                return False
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"Wrong value for {model_name}.{self.name}: {value!r}")
            return value
        if self.type == "many2many":
            if _is_recordset(value):
                return tuple(value.ids)
            return tuple(value or ())
        if value is None:
            return self.empty()
        if self.type == "selection":
            try:
                known = value in self._keys
            except TypeError:  # unhashable: no key
                known = False
            if value is not False and not known:
                raise ValueError(f"Wrong value for {model_name}.{self.name}: {value!r}")
            return value
        if self.type in ("float", "monetary"):
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"Wrong value for {model_name}.{self.name}: {value!r}")
            return float(value)
        if self.type == "integer":
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"Wrong value for {model_name}.{self.name}: {value!r}")
            return value
        if self.type == "boolean":
            return bool(value)
        if self.type == "datetime" and value is not False and not isinstance(value, datetime):
            raise ValueError(f"Wrong value for {model_name}.{self.name}: {value!r}")
        if (
            self.type == "date"
            and value is not False
            and (not isinstance(value, date) or isinstance(value, datetime))
        ):
            raise ValueError(f"Wrong value for {model_name}.{self.name}: {value!r}")
        return value


def _is_recordset(value: Any) -> bool:
    """A recordset of :mod:`orchestration.odoo.models` (marked, so no import is needed)."""
    return getattr(type(value), "_is_recordset", False) is True

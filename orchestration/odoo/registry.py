"""The registry of mocked models: which model names exist and their declared fields.

Concept: Odoo's ``env.registry`` / ``ir.model`` + ``ir.model.fields``: a mapping from a model's
technical name (``purchase.order``) to its class, whose ``_fields`` give each field's name, type,
selection values and relation. The configuration layer validates rules and domains against it,
so a misspelt model, field or selection value is an error, not a silent no-op.
"""

from __future__ import annotations

from collections.abc import Iterable

from orchestration.odoo.addons import ALL_MODELS
from orchestration.odoo.fields import Field
from orchestration.odoo.models import Model


class Registry(dict[str, type[Model]]):
    """Model name -> model class: a dict, so ``registry[name]`` is one lookup in C on the ORM's
    hot paths (``env[name]``, a relational field's read); an unknown name raises ``KeyError``
    naming it (:meth:`__missing__`)."""

    def __init__(self, models: Iterable[type[Model]] = ()) -> None:
        super().__init__()
        for model in models:
            self.add(model)

    def add(self, model: type[Model]) -> None:
        if not model._name:
            raise ValueError(f"{model.__name__} has no _name")
        self[model._name] = model

    def __missing__(self, name: str) -> type[Model]:
        raise KeyError(f"Unknown model {name!r}")

    def field(self, model: str, name: str) -> Field | None:
        return self[model]._fields.get(name)

    def resolve_path(self, model: str, path: str) -> tuple[Field | None, str]:
        """The field a dotted path ends on, and a problem message ('' when valid)."""
        current = model
        field: Field | None = None
        parts = path.split(".")
        for i, name in enumerate(parts):
            field = self[current]._fields.get(name)
            if field is None:
                return None, f"no field {name!r} on model {current!r}"
            if i < len(parts) - 1:
                if field.type not in ("many2one", "one2many", "many2many"):
                    return None, f"field {current}.{name} is not relational"
                current = field.comodel  # type: ignore[assignment]
        return field, ""


def default_registry() -> Registry:
    """Every model the mock ships (see ``orchestration.odoo.addons``)."""
    return Registry(ALL_MODELS)

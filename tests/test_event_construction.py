"""Events and commands are built by a faster ``__init__`` (issue 17): same fields, still frozen."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from sim import events as ev

CLASSES = [
    c
    for c in vars(ev).values()
    if isinstance(c, type) and issubclass(c, ev.Event | ev.Command) and dataclasses.is_dataclass(c)
]


def _values(cls: type) -> dict:
    out = {}
    for i, f in enumerate(dataclasses.fields(cls)):
        out[f.name] = np.arange(i + 1) if f.type == "np.ndarray" else f"{f.name}-{i}"
    return out


def test_every_event_and_command_class_has_the_fast_init():
    assert len(CLASSES) > 30
    for cls in CLASSES:
        assert cls.__init__.__qualname__ == f"{cls.__qualname__}.__init__"
        names = cls.__init__.__code__.co_names  # the slot setters it calls
        assert {f"_set_{f.name}" for f in dataclasses.fields(cls)} == set(names)


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_positional_and_keyword_construction_give_the_same_frozen_instance(cls):
    values = _values(cls)
    by_name = cls(**values)
    by_position = cls(*values.values())
    for name, value in values.items():
        assert getattr(by_name, name) is value
        assert getattr(by_position, name) is value
    assert dataclasses.replace(by_name).__repr__() == by_name.__repr__()
    name = next(iter(values))
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(by_name, name, 1)
    with pytest.raises(TypeError):
        cls(*values.values(), "one too many")


def test_defaults_still_apply():
    cmd = ev.ExpediteShipment("k", "need", "po:1", 2.0)
    assert cmd.cost == 0.0
    assert ev.CancelOrder("k", "need", 7).reason == "cancelled"
    with pytest.raises(TypeError):
        ev.OrderDelivered(1, 0.0, "order:1", 5)  # a required field missing

"""``AutomatedModel``'s per-class dispatch tables decide a class's function once, on first sight."""

from __future__ import annotations

from orchestration.models.wiring import PerClass


def test_a_class_is_decided_once_and_its_function_kept():
    decided: list[type] = []

    def decide(cls: type):
        decided.append(cls)
        return lambda event: (cls.__name__, event)

    table = PerClass(decide)
    assert table[int](1) == ("int", 1)
    assert table[int](2) == ("int", 2)
    assert table[str]("x") == ("str", "x")
    assert decided == [int, str]
    assert set(table) == {int, str}

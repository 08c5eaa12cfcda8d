"""IdBits, the byte-per-id set of the integration accounting, behaves like a Python set."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from orchestration.resilience.accounting import IdBits

ids = st.sets(st.integers(min_value=0, max_value=5_000), max_size=300)


@given(ids, ids)
def test_idbits_agrees_with_python_sets(a: set[int], b: set[int]) -> None:
    x, y = IdBits(a), IdBits(b)
    assert len(x) == len(a)
    assert set(x) == a
    assert all(i in x for i in a)
    assert (x - y) == a - b
    assert (x & y) == a & b
    assert (x | y) == a | b
    assert (x | b) == a | b  # a plain set on the right
    assert (x - b) == a - b


def test_idbits_counts_each_id_once_and_rejects_what_it_never_held() -> None:
    x = IdBits()
    for i in (3, 3, 10_000, 0):
        x.add(i)
    assert len(x) == 3
    assert 10_000 in x
    assert 0 in x
    for absent in (4, -1, 10**9, "3"):
        assert absent not in x

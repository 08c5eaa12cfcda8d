"""The world's compact key memory (:mod:`sim.keyset`) and the return book behave as exact sets."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.keyset import KeySet, digest
from sim.orders import ReturnBook


@settings(max_examples=60, deadline=None)
@given(
    keys=st.lists(st.text(min_size=0, max_size=12), max_size=80),
    probes=st.lists(st.text(min_size=0, max_size=12), max_size=40),
    flush_at=st.integers(min_value=1, max_value=7),
)
def test_a_keyset_answers_like_a_set_across_merges(keys, probes, flush_at):
    ks, ref = KeySet(flush_at=flush_at), set()
    for k in keys:
        assert (k in ks) == (k in ref)
        assert ks.add(digest(k)) == (k not in ref)
        ref.add(k)
        assert k in ks
    assert len(ks) == len(ref)
    for p in probes:
        assert (p in ks) == (p in ref)


def test_merged_digests_are_kept_sorted_and_unique():
    ks = KeySet(flush_at=4)
    for i in range(10):
        ks.add(digest(f"RF-{i}"))
        ks.add(digest(f"RF-{i}"))  # a redelivery adds nothing
    assert len(ks) == 10
    assert ks.nbytes == 8 * 8  # two merges of four digests; two still recent


def test_merged_digests_are_found_exactly_at_the_top_of_the_range():
    # neighbours above 2**63 differ below float64's precision: a probe must compare them as
    # uint64 (the bisection takes a uint64 scalar), finding each and only each
    top = 2**64 - 1
    near = [top, top - 1, top - 2, 2**63 + 1, 2**63, 2**63 - 1, 0, 1]
    ks = KeySet(flush_at=1)  # every digest merged: each probe bisects
    for h in near[::2]:
        ks.insert(h)
    for i, h in enumerate(near):
        assert ks.has(h) == (i % 2 == 0)
        assert ks.add(h) == (i % 2 == 1)
    assert len(ks) == len(near)


def test_the_digest_is_the_same_in_another_process():
    code = "from sim.keyset import digest; print(digest('po:WH-1:2026-11-27'))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert int(out) == digest("po:WH-1:2026-11-27")


def test_flush_at_must_be_positive():
    with pytest.raises(ValueError, match="flush_at"):
        KeySet(flush_at=0)


def test_the_return_book_numbers_returns_from_one():
    book = ReturnBook()
    assert book.get(1) is None
    assert book.add(3.5, False) == 1
    assert book.add(7.25, True) == 2
    assert book.get(1) == (3.5, False)
    assert book.get(2) == (7.25, True)
    for never_issued in (0, 3, -1):
        assert book.get(never_issued) is None
    assert len(book) == 2

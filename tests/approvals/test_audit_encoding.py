"""The audit log's one-pass encoding equals the dict encoding it replaced, byte for byte.

:meth:`AuditLog.append` writes a record's canonical JSON from a template in the fixed key order
(issue 17) instead of encoding a dict twice with a sorted-keys ``json`` encoder. These tests
hold it to the old definition: for any text (unicode, quotes, backslashes, control characters,
lone surrogates), time and sequence number, the line is :func:`canonical_json` of the record's
dict and the hash is :func:`seal` of it; a log written the new way equals, byte for byte, one
written the old way (:class:`OldLog` below, the former ``append``) and verifies.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orchestration.approvals import ACTIONS, GENESIS, TIERS, AuditLog, head_path, seal, verify
from orchestration.approvals.audit import HEAD_FORMAT, RECORD_KINDS, AuditRecord, canonical_json

#: any code point, lone surrogates and control characters included
ANY_TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=24)
TIMES = st.one_of(
    st.floats(min_value=0.0, max_value=1e300, allow_nan=False, allow_infinity=False),
    st.integers(min_value=0, max_value=10**15),
    st.sampled_from([-0.0, 0.0, 0.1 + 0.2, 1e16, 1e-7, 5e-324, 123456789.125, 2.0**53 + 2]),
)
STEP = st.tuples(
    TIMES,
    ANY_TEXT,
    st.sampled_from(RECORD_KINDS),
    st.sampled_from(TIERS),
    ANY_TEXT,
    st.sampled_from(ACTIONS),
    ANY_TEXT,
)


class OldLog:
    """The former ``AuditLog.append`` (without its checks): a dict, sealed, an ``AuditRecord``,
    and the dict encoded again with its hash."""

    def __init__(self, records: int = 0, head: str = GENESIS):
        self.records, self.head, self.lines = records, head, []

    def append(self, t_h, request, kind, tier, actor, action, reason="") -> str:
        body = {
            "seq": self.records,
            "t_h": float(t_h),
            "request": str(request),
            "kind": kind,
            "tier": tier,
            "actor": str(actor),
            "action": action,
            "reason": str(reason),
            "prev_hash": self.head,
        }
        digest = seal(body)
        rec = AuditRecord(**body, hash=digest)  # built and returned, read by no caller
        self.lines.append(canonical_json({**body, "hash": digest}))
        self.records += 1
        self.head = rec.hash
        return rec.hash


@settings(max_examples=300, deadline=None)
@given(
    step=STEP,
    seq=st.integers(min_value=0, max_value=2**62),
    prev=st.binary(min_size=32, max_size=32).map(bytes.hex),
)
def test_one_record_is_the_canonical_json_of_its_dict(step: tuple, seq: int, prev: str) -> None:
    """Any text, time and sequence number: the line and the hash are the dict encoding's."""
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "audit.jsonl"
        log = AuditLog(path)
        log.records, log.head = seq, prev  # a record in the middle of a long chain
        digest = log.append(*step)
        log.close()
        line = path.read_text(encoding="ascii")
    old = OldLog(seq, prev)
    assert digest == old.append(*step)
    assert line == old.lines[0] + "\n"
    assert hashlib.sha256(line.replace(f',"hash":"{digest}"', "", 1)[:-1].encode()).hexdigest() == (
        digest
    )


@settings(max_examples=60, deadline=None)
@given(steps=st.lists(STEP, max_size=30), batch=st.integers(min_value=1, max_value=9))
def test_a_log_is_byte_for_byte_the_old_one_and_verifies(steps: list[tuple], batch: int) -> None:
    """A whole log, flushed in batches: same file and head sidecar as the old way; it verifies."""
    steps = sorted(steps, key=lambda s: float(s[0]))
    old = OldLog()
    for s in steps:
        old.append(*s)
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "audit.jsonl"
        with AuditLog(path, batch_records=batch) as log:
            for s in steps:
                log.append(*s)
        assert path.read_bytes() == "".join(line + "\n" for line in old.lines).encode("ascii")
        sidecar = {"format": HEAD_FORMAT, "records": old.records, "head": old.head}
        assert head_path(path).read_text(encoding="ascii") == canonical_json(sidecar) + "\n"
        assert verify(path).ok


def test_a_disabled_log_keeps_the_same_chain() -> None:
    """Without a path nothing is written, but the records and the head are the written log's."""
    steps = [
        (0.5, "refund-1", "refund", "low", "customer_service:0", "requested", ""),
        (0.5, "refund-1", "refund", "low", "policy", "auto_approved", ""),
        (2.25, 'po-"7"\\', "purchase", "high", "buyers:é", "escalated", "buyers->finance\n"),
        (9, "attack-0", "security", "medium", "n8n", "blocked", "tamper: hmac: bad"),
    ]
    silent, old = AuditLog(None), OldLog()
    for s in steps:
        assert silent.append(*s) == old.append(*s)
    assert (silent.records, silent.head) == (old.records, old.head) == (4, old.head)
    assert silent._lines == []


@pytest.mark.parametrize("bad", [["refund"], {"tier": 1}, None, 3])
def test_unhashable_or_foreign_words_are_unknown(bad: object) -> None:
    """A kind, tier or action outside the vocabulary is refused with the same error, whatever
    its type (unhashable values included)."""
    for i, error in enumerate(("unknown record kind", "unknown tier", "unknown audit action")):
        args = ["refund", "low", "requested"]
        args[i] = bad
        kind, tier, action = args
        with pytest.raises(ValueError, match=error):
            AuditLog(None).append(0.0, "REQ-1", kind, tier, "finance:0", action)


def test_records_at_the_same_instant_write_its_time_as_json_does(tmp_path: Path) -> None:
    """A record at the instant of the one before reuses its time's text, except across the two
    zeros (``-0.0 == 0.0`` but json writes them apart)."""
    times = [-0.0, -0.0, 0.0, 0.0, 1.5, 1.5, 1.5, 2, 2.0, 1e16, 1e16]
    steps = [
        (t, f"refund-{i}", "refund", "low", "policy", "requested", "") for i, t in enumerate(times)
    ]
    old = OldLog()
    with AuditLog(tmp_path / "audit.jsonl") as log:
        for s in steps:
            assert log.append(*s) == old.append(*s)
    written = (tmp_path / "audit.jsonl").read_text(encoding="ascii").splitlines()
    assert written == old.lines
    assert [line.split('"t_h":')[1].split(",")[0] for line in written][:4] == [
        "-0.0",
        "-0.0",
        "0.0",
        "0.0",
    ]

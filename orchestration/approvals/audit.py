"""The approval audit trail: an append-only log sealed by a SHA-256 hash chain.

Concept: every step of an approval request (requested, approved, refused, escalated,
delegated, reminded, auto-approved) is one :class:`AuditRecord`. A record carries the hash of
the record before it (``prev_hash``; the first one carries :data:`GENESIS`, 64 zeros) and its own
``hash`` = SHA-256 of the canonical JSON of every other field. So each record vouches for the
whole history before it, and any later change to the file shows:

- an **edit** breaks the record's own hash, or, if the editor recomputed it, the next record's
  ``prev_hash`` link (or, for the last record, the head sidecar);
- a **deletion**, an **insertion** or a **reordering** breaks ``seq`` continuity and the
  ``prev_hash`` links;
- a **truncation** of the tail leaves a consistent chain, so :meth:`AuditLog.close` also writes
  a small sidecar (``<stem>.head.json``: record count and final hash) that :func:`verify`
  compares with the log.

Threat model: the chain detects tampering with the log *file*. Someone who rewrites the whole
tail *and* the sidecar produces a consistent forgery; to rule that out, record the final hash
(:attr:`AuditLog.head`) somewhere else too, e.g. in the run's results.

Units and format: ``t_h`` is simulated hours (``env.now``). One JSON object per line, keys
sorted, no spaces, ASCII only, floats as Python's shortest round-trip ``repr``; the hash input is
the same canonical JSON without the ``hash`` key, so a run's log is byte-identical for the same
seed. Lines are buffered in a plain list, flushed every ``batch_records`` records to
``<name>.partial`` and renamed to the final name on close, like :mod:`sim.eventlog`; with no path
the chain is still computed (``head``, ``records``) but nothing is written.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from json.encoder import encode_basestring_ascii
from pathlib import Path
from typing import IO, Literal

from sim.kpis import APPROVAL_TYPES

__all__ = [
    "ACTIONS",
    "GENESIS",
    "KINDS",
    "RECORD_KINDS",
    "TIERS",
    "AuditLog",
    "AuditRecord",
    "TamperKind",
    "VerifyReport",
    "canonical_json",
    "head_path",
    "read",
    "seal",
    "verify",
]

GENESIS = "0" * 64
KINDS: tuple[str, ...] = APPROVAL_TYPES
#: what a record may be about: an approval type, or ``security``, an attempt the security
#: controls stopped (:mod:`orchestration.security.threats`; ``blocked``, ``denied`` for a scope)
RECORD_KINDS: tuple[str, ...] = (*KINDS, "security")
TIERS = ("low", "medium", "high")
ACTIONS = (
    "requested",
    "approved",
    "refused",
    "escalated",
    "delegated",
    "reminded",
    "auto_approved",
    "blocked",
    "denied",
)
FIELDS = ("seq", "t_h", "request", "kind", "tier", "actor", "action", "reason", "prev_hash")
_KEYS = frozenset({*FIELDS, "hash"})
_STR_KEYS = (*FIELDS[2:], "hash")
HEAD_FORMAT = "retailtwin-audit/1"

TamperKind = Literal["edited", "deleted", "inserted", "reordered", "truncated", "malformed"]


#: the canonical JSON of each vocabulary word, and the opening of a line for each action
_KIND_JSON = {k: encode_basestring_ascii(k) for k in RECORD_KINDS}
_TIER_JSON = {k: encode_basestring_ascii(k) for k in TIERS}
_ACTION_OPEN = {a: '{"action":' + encode_basestring_ascii(a) + ',"actor":' for a in ACTIONS}
_quote = encode_basestring_ascii  # what the encoder below does to a str (C, ensure_ascii)
_float_repr = float.__repr__  # what it does to a finite float
_INF = math.inf
_sha256 = hashlib.sha256

_ENCODER = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False
)


def _unknown(kind: object, tier: object, action: object) -> ValueError:
    """The error naming the first of ``kind``, ``tier``, ``action`` that is not in its list."""
    if kind not in RECORD_KINDS:
        return ValueError(f"unknown record kind {kind!r}; expected one of {RECORD_KINDS}")
    if tier not in TIERS:
        return ValueError(f"unknown tier {tier!r}; expected one of {TIERS}")
    return ValueError(f"unknown audit action {action!r}; expected one of {ACTIONS}")


def canonical_json(obj: dict) -> str:
    """The one serialisation that is hashed and written: sorted keys, no spaces, ASCII."""
    return _ENCODER.encode(obj)


def seal(body: dict) -> str:
    """SHA-256 (hex) of a record's canonical JSON without its ``hash`` key."""
    fields = {k: v for k, v in body.items() if k != "hash"}
    return hashlib.sha256(canonical_json(fields).encode("ascii")).hexdigest()


def head_path(path: Path) -> Path:
    """The sidecar of ``audit.jsonl``: ``audit.head.json`` beside it."""
    return path.with_name(path.stem + ".head.json")


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """One step of one approval request, chained to the step before it in the log."""

    seq: int
    t_h: float
    request: str
    kind: str
    tier: str
    actor: str
    action: str
    reason: str
    prev_hash: str
    hash: str

    def fields(self) -> dict:
        return {k: getattr(self, k) for k in (*FIELDS, "hash")}

    def to_json(self) -> str:
        return canonical_json(self.fields())


class AuditLog:
    """Append-only, hash-chained audit log of approval decisions, streamed to JSON lines."""

    def __init__(self, path: Path | None, batch_records: int = 4096):
        self.path = path
        self.enabled = path is not None
        self.batch_records = batch_records
        self.records = 0
        self.head = GENESIS
        self.last_t_h = -math.inf
        self._t_text = ""  # the canonical text of ``last_t_h``
        self._lines: list[str] = []
        self._file: IO[str] | None = None
        self._tmp = path.with_name(path.name + ".partial") if path else None
        self._closed = False

    def append(
        self,
        t_h: float,
        request: str,
        kind: str,
        tier: str,
        actor: str,
        action: str,
        reason: str = "",
    ) -> str:
        """Seal one step onto the chain and return its hash; time may not run backwards.

        The canonical JSON is built once, straight from the fixed key order (see
        :data:`_ACTION_OPEN`): the seal's text is the record without its ``hash`` entry, and the
        line is the same text with ``,"hash":"<digest>"`` put back after ``actor``, so both are
        byte for byte what :func:`canonical_json` gives (``tests/approvals/test_audit_encoding``
        checks it against the dict encoding).
        """
        if self._closed:
            raise ValueError("the audit log is closed")
        try:
            q_kind, q_tier, opening = _KIND_JSON[kind], _TIER_JSON[tier], _ACTION_OPEN[action]
        except (KeyError, TypeError):  # a word outside the vocabulary (or unhashable)
            raise _unknown(kind, tier, action) from None
        t = float(t_h)
        if not -_INF < t < _INF or t < self.last_t_h:
            raise ValueError(f"audit time {t_h!r} is not finite or runs backwards")
        if t == self.last_t_h and t:  # the same instant as the record before (and not -0.0)
            t_text = self._t_text
        else:  # float.__repr__ (shortest round trip): ~0.75 us, next to the SHA-256
            t_text = self._t_text = _float_repr(t)
        # keys in sorted order: action, actor, [hash], kind, prev_hash, reason, request, seq,
        # t_h, tier; strings escaped by json's own C escaper, numbers as json writes them
        head = opening + _quote(str(actor))
        tail = (
            f',"kind":{q_kind},"prev_hash":"{self.head}","reason":{_quote(str(reason))}'
            f',"request":{_quote(str(request))},"seq":{self.records:d}'
            f',"t_h":{t_text},"tier":{q_tier}}}'
        )
        digest = _sha256((head + tail).encode()).hexdigest()
        self.records += 1
        self.head = digest
        self.last_t_h = t
        if self.enabled:
            self._lines.append(f'{head},"hash":"{digest}"{tail}')
            if len(self._lines) >= self.batch_records:
                self._flush()
        return digest

    def _flush(self) -> None:
        if self._tmp is None:
            return
        if self._file is None:
            self._tmp.parent.mkdir(parents=True, exist_ok=True)
            self._file = open(self._tmp, "w", encoding="ascii", newline="\n")  # noqa: SIM115
        if self._lines:
            self._file.write("\n".join(self._lines) + "\n")
            self._file.flush()
            self._lines = []

    def close(self) -> None:
        """Flush, rename ``.partial`` to the final name, then write the head sidecar."""
        if self._closed:
            return
        self._closed = True
        if self.path is None or self._tmp is None:
            return
        self._flush()
        assert self._file is not None
        self._file.close()
        os.replace(self._tmp, self.path)
        head = head_path(self.path)
        tmp = head.with_name(head.name + ".partial")
        tmp.write_text(
            canonical_json({"format": HEAD_FORMAT, "records": self.records, "head": self.head})
            + "\n",
            encoding="ascii",
        )
        os.replace(tmp, head)

    def abort(self) -> None:
        """Drop a partial log (the run failed or was interrupted)."""
        self._closed = True
        if self._file is not None:
            self._file.close()
        if self._tmp is not None and self._tmp.exists():
            self._tmp.unlink()

    def __enter__(self) -> AuditLog:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()


# --------------------------------------------------------------------------- reading
def _fields(line: str) -> dict | None:
    """The fields on one line, or None when the line is not shaped like an audit record."""
    try:
        obj = json.loads(line)
    except ValueError:
        return None
    if not isinstance(obj, dict) or obj.keys() != _KEYS:
        return None
    seq, t_h = obj["seq"], obj["t_h"]
    if type(seq) is not int or type(t_h) not in (int, float):
        return None
    for k in _STR_KEYS:
        if type(obj[k]) is not str:
            return None
    return obj


def read(path: Path) -> Iterator[AuditRecord]:
    """The records of a log, in file order (no verification: see :func:`verify`)."""
    with open(path, encoding="ascii") as f:
        for line in f:
            obj = _fields(line)
            if obj is None:
                raise ValueError(f"{path}: malformed audit record {line[:80]!r}")
            yield AuditRecord(**obj)


# --------------------------------------------------------------------------- verification
@dataclass(frozen=True, slots=True)
class VerifyReport:
    """The verdict on one log: intact (``ok``) or the first sign of tampering.

    ``records`` counts the leading records that form an intact chain. ``first_bad_seq`` is the
    sequence number where the log stops being trustworthy: the edited record (for an edit whose
    hash was recomputed, the record its successor no longer vouches for), the first deleted
    record, the inserted record, the first displaced position, or the first missing record of a
    truncation. ``detail`` says it in words.
    """

    ok: bool
    records: int
    first_bad_seq: int | None = None
    problem: TamperKind | None = None
    detail: str = ""


def _bad(records: int, seq: int, problem: TamperKind, detail: str) -> VerifyReport:
    seq = max(seq, 0)
    return VerifyReport(False, min(records, seq), seq, problem, detail)


def _sealed(line: str, digest: str) -> bool:
    """Does ``line`` hash to ``digest``? Checked on the bytes as written, without re-encoding.

    Keys are sorted and ``hash`` is never the first, so the canonical text of the record without
    its hash is the line minus ``,"hash":"<digest>"`` (inside a JSON string every quote is
    escaped, so that text cannot occur in a value). A line that is not in canonical form fails.
    """
    entry = ',"hash":"' + digest + '"'
    at = line.find(entry)
    if at < 0:
        return False
    body = line[:at] + line[at + len(entry) :]
    return hashlib.sha256(body.encode("ascii")).hexdigest() == digest


def _read_head(path: Path) -> tuple[int, str] | None:
    try:
        obj = json.loads(path.read_text(encoding="ascii"))
    except (OSError, ValueError):
        return None
    if (
        not isinstance(obj, dict)
        or obj.get("format") != HEAD_FORMAT
        or not isinstance(obj.get("records"), int)
        or not isinstance(obj.get("head"), str)
    ):
        return None
    return obj["records"], obj["head"]


def verify(path: Path, head: Path | None = None) -> VerifyReport:
    """Check a closed log against its hash chain and its head sidecar.

    The file is read once; the intact part in constant memory, and after the chain breaks the
    rest is scanned (sequence numbers and hashes only) to say what kind of tampering it was.
    """
    path = Path(path)
    sidecar = _read_head(head if head is not None else head_path(path))
    if sidecar is None:
        return _bad(0, 0, "malformed", "head sidecar missing or unreadable")
    expected_count, expected_head = sidecar
    if not path.exists():
        return _bad(0, 0, "truncated", "log file missing")
    e, prev, prev2 = 0, GENESIS, ""
    with open(path, "rb") as f:
        for raw in f:
            if not raw.endswith(b"\n"):
                return _bad(e, e, "truncated", f"record {e} cut off mid-line")
            try:
                line = raw[:-1].decode("ascii")
            except UnicodeDecodeError:
                return _bad(e, e, "malformed", f"line {e} is not ASCII")
            obj = _fields(line)
            if obj is None:
                return _bad(e, e, "malformed", f"line {e} is not an audit record")
            if not _sealed(line, obj["hash"]):
                if canonical_json(obj) != line:
                    return _bad(e, e, "malformed", f"line {e} is not in canonical form")
                return _bad(e, e, "edited", f"line {e} does not match its own hash")
            vocab = obj["kind"] in RECORD_KINDS and obj["tier"] in TIERS
            if not vocab or obj["action"] not in ACTIONS:
                return _bad(e, e, "malformed", f"line {e} uses an unknown kind, tier or action")
            if obj["seq"] == e and obj["prev_hash"] == prev:
                prev2, prev = prev, obj["hash"]
                e += 1
                continue
            return _classify(f, e, AuditRecord(**obj), prev, prev2, expected_count)
    if e < expected_count:
        return _bad(e, e, "truncated", f"{e} records, the head says {expected_count}")
    if e > expected_count:
        return _bad(e, expected_count, "inserted", f"{e} records, the head says {expected_count}")
    if prev != expected_head:
        return _bad(e, e - 1, "edited", "the last record is not the one the head vouches for")
    return VerifyReport(True, e)


def _classify(
    rest: Iterable[bytes],
    e: int,
    rec: AuditRecord,
    prev: str,
    prev2: str,
    expected_count: int,
) -> VerifyReport:
    """Name the tampering whose first sign is line ``e`` holding ``rec``.

    ``rest`` are the lines after it, ``prev`` is the hash of line ``e - 1`` (what line ``e``
    should link to), ``prev2`` the hash of line ``e - 2``. Lines before ``e`` hold seq 0 to
    ``e - 1`` in order, so a repeat of one of them shows as a seq below ``e`` in ``rest``.
    """
    seqs: list[int] = [rec.seq]
    hashes: list[str] = [rec.hash]
    for raw in rest:
        r = _fields(raw.decode("ascii", errors="replace"))
        if r is not None:
            seqs.append(r["seq"])
            hashes.append(r["hash"])
    duplicated = (
        len(set(seqs)) != len(seqs)
        or len(set(hashes)) != len(hashes)
        or any(0 <= s < e for s in seqs)
    )
    extra = e + len(seqs) > expected_count
    e_later = e in seqs[1:]
    if rec.seq == e:  # right number, wrong link
        if e_later:
            return _bad(e, e, "inserted", f"a record claiming seq {e} was spliced in at line {e}")
        return _bad(
            e, e - 1, "edited", f"record {e} does not link to record {e - 1} (one was rewritten)"
        )
    if rec.prev_hash == prev and not e_later:  # right link, wrong number
        return _bad(e, e, "edited", f"record {e} had its seq rewritten to {rec.seq}")
    if rec.seq < e:
        if e >= 1 and rec.prev_hash == prev2:
            return _bad(e, e - 1, "inserted", f"line {e - 1} is not linked to by its successor")
        return _bad(e, e, "inserted", f"line {e} repeats seq {rec.seq}")
    if e_later:
        if duplicated or extra:
            return _bad(e, e, "inserted", f"line {e} holds seq {rec.seq}; seq {e} comes later")
        return _bad(e, e, "reordered", f"line {e} holds seq {rec.seq}; seq {e} comes later")
    return _bad(e, e, "deleted", f"seq {e} to {rec.seq - 1} are missing")

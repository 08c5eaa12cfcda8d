"""The approval audit trail: a hash-chained, append-only log that betrays any tampering."""

from __future__ import annotations

import dataclasses
import itertools
import json
import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orchestration.approvals import (
    ACTIONS,
    GENESIS,
    KINDS,
    TIERS,
    AuditLog,
    head_path,
    read,
    seal,
    verify,
)

N_RECORDS = 300
STRING_FIELDS = ("request", "actor", "reason")


def write_log(path: Path, n: int = N_RECORDS, seed: int = 7, batch: int = 64) -> list[str]:
    """A log of ``n`` plausible approval steps; returns its lines (without newlines)."""
    gen = np.random.default_rng(seed)
    t = 0.0
    with AuditLog(path, batch_records=batch) as log:
        for i in range(n):
            t += float(gen.exponential(0.7))
            log.append(
                t,
                f"REQ-{i // 3}",
                KINDS[int(gen.integers(len(KINDS)))],
                TIERS[int(gen.integers(len(TIERS)))],
                f"finance:{int(gen.integers(4))}",
                ACTIONS[int(gen.integers(len(ACTIONS)))],
                reason=["", "over budget", "margin below floor"][int(gen.integers(3))],
            )
    return path.read_text(encoding="ascii").splitlines()


def write_lines(path: Path, lines: list[str], *, final_newline: bool = True) -> None:
    text = "\n".join(lines) + ("\n" if final_newline and lines else "")
    path.write_text(text, encoding="ascii")


# --------------------------------------------------------------------------- writing
def test_records_form_a_chain_from_genesis(tmp_path: Path) -> None:
    """Seq counts from 0, the first record links to 64 zeros, each next one to its predecessor."""
    path = tmp_path / "audit.jsonl"
    write_log(path, n=20)
    records = list(read(path))
    assert [r.seq for r in records] == list(range(20))
    assert records[0].prev_hash == GENESIS == "0" * 64
    for before, after in itertools.pairwise(records):
        assert after.prev_hash == before.hash
    for r in records:
        assert r.hash == seal(dataclasses.asdict(r))
    assert all(0 < a.t_h <= b.t_h for a, b in itertools.pairwise(records))


def test_an_untouched_log_verifies(tmp_path: Path) -> None:
    """A log as written verifies, whatever its size, and its head sidecar names the last hash."""
    for n in (0, 1, 2, N_RECORDS):
        path = tmp_path / f"audit{n}.jsonl"
        lines = write_log(path, n=n)
        report = verify(path)
        assert report.ok, report
        assert report.records == n
        assert report.problem is None
        head = json.loads(head_path(path).read_text())
        assert head["records"] == n
        assert head["head"] == (json.loads(lines[-1])["hash"] if lines else GENESIS)


def test_same_run_same_bytes(tmp_path: Path) -> None:
    """The log is deterministic: the same steps give byte-identical files and the same head."""
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    write_log(a, seed=3)
    write_log(b, seed=3)
    assert a.read_bytes() == b.read_bytes()
    assert head_path(a).read_bytes() == head_path(b).read_bytes()


def test_lines_are_canonical_json(tmp_path: Path) -> None:
    """Each line is sorted-key, space-free JSON; floats keep their exact value."""
    path = tmp_path / "audit.jsonl"
    with AuditLog(path) as log:
        digest = log.append(0.1 + 0.2, "REQ-1", "refund", "high", "customer_service:0", "approved")
    line = path.read_text(encoding="ascii").strip()
    assert line == json.dumps(json.loads(line), sort_keys=True, separators=(",", ":"))
    assert json.loads(line)["t_h"] == 0.30000000000000004
    assert json.loads(line)["hash"] == digest == log.head


def test_without_a_path_the_chain_is_kept_but_nothing_written(tmp_path: Path) -> None:
    """A disabled log still seals records, so its head equals the written log's head."""
    written = AuditLog(tmp_path / "audit.jsonl")
    silent = AuditLog(None)
    for log in (written, silent):
        log.append(1.0, "REQ-1", "purchase", "high", "buyers:0", "approved")
        log.append(2.0, "REQ-1", "purchase", "high", "finance:1", "approved")
        log.close()
    assert not silent.enabled
    assert silent.head == written.head != GENESIS
    assert silent.records == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["audit.head.json", "audit.jsonl"]


def test_written_under_a_partial_name_until_closed(tmp_path: Path) -> None:
    """Batches go to ``.partial``; only close renames the log and writes the head."""
    path = tmp_path / "audit.jsonl"
    log = AuditLog(path, batch_records=2)
    for i in range(5):
        log.append(float(i), f"REQ-{i}", "discount", "low", "store_managers:0", "requested")
    partial = tmp_path / "audit.jsonl.partial"
    assert len(partial.read_text().splitlines()) == 4
    assert not path.exists()
    assert not head_path(path).exists()
    log.close()
    assert not partial.exists()
    assert len(path.read_text().splitlines()) == 5
    assert verify(path).ok


def test_an_interrupted_run_leaves_no_log(tmp_path: Path) -> None:
    """An exception inside the ``with`` block aborts: no partial file, no log, no head."""

    def interrupted_run(path: Path) -> None:
        with AuditLog(path, batch_records=1) as log:
            log.append(0.0, "REQ-1", "refund", "low", "customer_service:0", "requested")
            raise RuntimeError("run interrupted")

    with pytest.raises(RuntimeError, match="interrupted"):
        interrupted_run(tmp_path / "audit.jsonl")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("kind", "tier", "action"),
    [("payroll", "low", "approved"), ("refund", "urgent", "approved"), ("refund", "low", "ok")],
)
def test_unknown_vocabulary_is_refused(kind: str, tier: str, action: str) -> None:
    """Only the five approval kinds, three tiers and seven actions can be recorded."""
    with pytest.raises(ValueError, match="unknown"):
        AuditLog(None).append(0.0, "REQ-1", kind, tier, "finance:0", action)


def test_time_cannot_run_backwards_and_closed_logs_refuse_appends() -> None:
    """Records are appended in simulated-time order; a closed log takes no more records."""
    log = AuditLog(None)
    log.append(5.0, "REQ-1", "refund", "low", "customer_service:0", "requested")
    with pytest.raises(ValueError, match="backwards"):
        log.append(4.0, "REQ-1", "refund", "low", "customer_service:0", "approved")
    with pytest.raises(ValueError, match="backwards"):
        log.append(float("nan"), "REQ-1", "refund", "low", "customer_service:0", "approved")
    log.close()
    with pytest.raises(ValueError, match="closed"):
        log.append(6.0, "REQ-1", "refund", "low", "customer_service:0", "approved")


@settings(max_examples=60, deadline=None)
@given(
    steps=st.lists(
        st.tuples(
            st.floats(min_value=0.0, max_value=1e9, allow_nan=False),
            st.text(max_size=12),
            st.sampled_from(KINDS),
            st.sampled_from(TIERS),
            st.text(max_size=12),
            st.sampled_from(ACTIONS),
            st.text(max_size=30),
        ),
        max_size=25,
    )
)
def test_any_content_round_trips_and_verifies(steps: list[tuple]) -> None:
    """Whatever the text (quotes, newlines, non-ASCII) and times, a written log verifies."""
    steps = sorted(steps, key=lambda s: s[0])
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "audit.jsonl"
        with AuditLog(path, batch_records=7) as log:
            sealed = [log.append(*s) for s in steps]
        assert verify(path).ok
        records = list(read(path))
        assert [r.hash for r in records] == sealed
        assert [
            (r.t_h, r.request, r.kind, r.tier, r.actor, r.action, r.reason) for r in records
        ] == [(float(s[0]), *s[1:]) for s in steps]


# --------------------------------------------------------------------------- verification
def test_a_missing_head_sidecar_is_not_trusted(tmp_path: Path) -> None:
    """Without its head the tail of a log cannot be vouched for, so it does not verify."""
    path = tmp_path / "audit.jsonl"
    write_log(path, n=10)
    head_path(path).unlink()
    report = verify(path)
    assert not report.ok
    assert report.problem == "malformed"


def test_a_missing_log_is_a_truncation(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    write_log(path, n=10)
    path.unlink()
    assert verify(path).problem == "truncated"


def _reseal(line: str, **changes: object) -> str:
    obj = json.loads(line) | changes
    obj["hash"] = seal(obj)
    return json.dumps(obj, sort_keys=True, separators=(",", ":"))


def _edit(line: str, **changes: object) -> str:
    return json.dumps(json.loads(line) | changes, sort_keys=True, separators=(",", ":"))


Tamper = Callable[[list[str]], list[str]]

EXAMPLES: dict[str, tuple[Tamper, str, int]] = {
    "edit an actor": (
        lambda ls: [*ls[:40], _edit(ls[40], actor="finance:9"), *ls[41:]],
        "edited",
        40,
    ),
    "edit an actor and reseal": (
        lambda ls: [*ls[:40], _reseal(ls[40], actor="finance:9"), *ls[41:]],
        "edited",
        40,
    ),
    "turn a refusal into an approval on the last record and reseal": (
        lambda ls: [*ls[:-1], _reseal(ls[-1], action="approved", reason="ok")],
        "edited",
        N_RECORDS - 1,
    ),
    "renumber a record and reseal": (
        lambda ls: [*ls[:40], _reseal(ls[40], seq=41), *ls[41:]],
        "edited",
        40,
    ),
    "reformat a line without changing its content": (
        lambda ls: [*ls[:40], json.dumps(json.loads(ls[40])), *ls[41:]],
        "malformed",
        40,
    ),
    "garble a line": (lambda ls: [*ls[:40], "{not json", *ls[41:]], "malformed", 40),
    "delete the first record": (lambda ls: ls[1:], "deleted", 0),
    "delete a record": (lambda ls: [*ls[:40], *ls[41:]], "deleted", 40),
    "delete a run of records": (lambda ls: [*ls[:40], *ls[45:]], "deleted", 40),
    "repeat a record": (lambda ls: [*ls[:40], ls[10], *ls[40:]], "inserted", 40),
    "repeat a later record": (lambda ls: [*ls[:40], ls[90], *ls[40:]], "inserted", 40),
    "splice in a forged record that links to its predecessor": (
        lambda ls: [*ls[:40], _reseal(ls[40], actor="buyers:0", reason="forged"), *ls[40:]],
        "inserted",
        40,
    ),
    "append a forged record that links to the last one": (
        lambda ls: [
            *ls,
            _reseal(ls[-1], seq=N_RECORDS, prev_hash=json.loads(ls[-1])["hash"]),
        ],
        "inserted",
        N_RECORDS,
    ),
    "swap two neighbours": (lambda ls: [*ls[:40], ls[41], ls[40], *ls[42:]], "reordered", 40),
    "swap two distant records": (
        lambda ls: [*ls[:40], ls[200], *ls[41:200], ls[40], *ls[201:]],
        "reordered",
        40,
    ),
    "drop the tail": (lambda ls: ls[:250], "truncated", 250),
    "drop the last record": (lambda ls: ls[:-1], "truncated", N_RECORDS - 1),
    "drop everything": (lambda ls: [], "truncated", 0),
}


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_each_kind_of_tampering_is_named(tmp_path: Path, name: str) -> None:
    """The verifier says what happened and where the log stops being trustworthy."""
    tamper, problem, first_bad = EXAMPLES[name]
    path = tmp_path / "audit.jsonl"
    lines = write_log(path)
    write_lines(path, tamper(lines))
    report = verify(path)
    assert not report.ok
    assert (report.problem, report.first_bad_seq) == (problem, first_bad), report.detail
    assert report.records <= first_bad


def test_a_line_cut_off_mid_way_is_a_truncation(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    lines = write_log(path)
    write_lines(path, [*lines[:-1], lines[-1][:50]], final_newline=False)
    report = verify(path)
    assert (report.ok, report.problem, report.first_bad_seq) == (False, "truncated", N_RECORDS - 1)


# --------------------------------------------------------------------------- random tampering
EDITABLE = ("seq", "t_h", "request", "kind", "tier", "actor", "action", "reason", "prev_hash")


def _changed(obj: dict, field: str, gen: np.random.Generator) -> object:
    """A value for ``field`` that differs from the current one (valid vocabulary for enums)."""
    old = obj[field]
    if field == "seq":
        return old + int(gen.choice([-3, -1, 1, 2, 1000]))
    if field == "t_h":
        return old + float(gen.choice([-1.0, 1e-9, 0.5, 24.0]))
    if field in ("prev_hash", "hash"):
        return "".join(gen.choice(list("0123456789abcdef"), size=64))
    vocab = {"kind": KINDS, "tier": TIERS, "action": ACTIONS}.get(field)
    if vocab is not None:
        return str(gen.choice([v for v in vocab if v != old]))
    return old + str(gen.choice(["x", " ", "0", "approved"]))


def random_tampering(
    lines: list[str], gen: np.random.Generator
) -> tuple[list[str], str, set[str], set[int]]:
    """One random tampering: (new lines, what was done, acceptable problems, acceptable seqs)."""
    n = len(lines)
    what = str(gen.choice(["edit", "edit+reseal", "delete", "insert", "forge", "swap", "cut"]))
    k = int(gen.integers(n))
    if what in ("edit", "edit+reseal"):
        obj = json.loads(lines[k])
        fields = EDITABLE if what == "edit+reseal" else (*EDITABLE, "hash")
        field = str(gen.choice(fields))
        obj[field] = _changed(obj, field, gen)
        if what == "edit+reseal":
            obj["hash"] = seal(obj)
        new = json.dumps(obj, sort_keys=True, separators=(",", ":"))
        return [*lines[:k], new, *lines[k + 1 :]], f"{what} {field}@{k}", {"edited"}, {k - 1, k}
    if what == "delete":
        problem = "truncated" if k == n - 1 else "deleted"
        return [*lines[:k], *lines[k + 1 :]], f"delete@{k}", {problem}, {k}
    if what == "insert":  # a copy of an existing record, anywhere (also at the end)
        p, j = int(gen.integers(n + 1)), k
        return [*lines[:p], lines[j], *lines[p:]], f"copy {j}@{p}", {"inserted"}, {p - 1, p}
    if what == "forge":  # a new record, correctly sealed and linked to its predecessor
        p = int(gen.integers(n + 1))
        obj = json.loads(lines[k])
        obj |= {
            "seq": p,
            "prev_hash": json.loads(lines[p - 1])["hash"] if p else GENESIS,
            "actor": f"buyers:{int(gen.integers(9))}",
            "reason": "forged",
        }
        obj["hash"] = seal(obj)
        forged = json.dumps(obj, sort_keys=True, separators=(",", ":"))
        return [*lines[:p], forged, *lines[p:]], f"forge@{p}", {"inserted"}, {p}
    if what == "swap":
        a, b = sorted(int(x) for x in gen.choice(n, size=2, replace=False))
        out = list(lines)
        out[a], out[b] = out[b], out[a]
        return out, f"swap {a}<->{b}", {"reordered"}, {a}
    m = int(gen.integers(n))
    return lines[:m], f"cut@{m}", {"truncated"}, {m}


def test_every_random_tampering_is_detected(tmp_path: Path) -> None:
    """2,100 random tamperings of 250-record logs: every one fails verification, named right.

    Edits (of any field, with or without a recomputed hash), deletions, copied or forged
    insertions, swaps and truncations are drawn at random; an untouched log verifies.
    """
    gen = np.random.default_rng(20250604)
    logs = []
    for seed in range(4):
        original = tmp_path / f"original{seed}.jsonl"
        logs.append((original, write_log(original, n=250, seed=seed)))
        assert verify(original).ok
    seen: Counter[str] = Counter()
    for case in range(2_100):
        original, lines = logs[int(gen.integers(len(logs)))]
        tampered, what, problems, seqs = random_tampering(lines, gen)
        target = tmp_path / f"case{case}.jsonl"  # a fresh file: rewriting one in place is slow
        write_lines(target, tampered)
        report = verify(target, head=head_path(original))
        target.unlink()
        assert not report.ok, what
        assert report.problem in problems, (what, report)
        assert report.first_bad_seq in {max(s, 0) for s in seqs}, (what, report)
        seen[what.split()[0].split("@")[0]] += 1
    assert min(seen.values()) > 200, seen  # every kind of tampering was tried many times

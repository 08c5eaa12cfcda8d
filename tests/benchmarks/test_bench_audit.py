"""What sealing one approval step on the audit trail costs (issue 17, ``AuditLog.append``).

Measured: ``pytest tests/benchmarks/test_bench_audit.py --benchmark-enable -s``: 100,000
plausible approval steps appended to an enabled log in a temporary directory (lines buffered and
flushed every 4,096 records, as in a run), and, beside it, the same steps the way ``append``
did it until 3 Dec 2026 (a dict encoded twice by a sorted-keys ``json`` encoder plus an
``AuditRecord``; :class:`OldLog` of ``tests/approvals/test_audit_encoding.py``). Each case
reports, in ``extra_info``, microseconds per record (CPU time, best of 3) and the generation-0
collections of the cyclic garbage collector the appends set off: none either way, as the old
way's dicts and records died at once (CPython counts a young object's death against its birth)
and the buffered lines are strings, which the collector does not track. The default run
(``--benchmark-disable``) appends 2,000 steps and asserts only that both ways write the same
bytes.
"""

from __future__ import annotations

import gc
import time
from pathlib import Path

from orchestration.approvals import ACTIONS, KINDS, TIERS, AuditLog
from tests.approvals.test_audit_encoding import OldLog


def _steps(n: int) -> list[tuple]:
    """``n`` approval steps shaped like a run's: a few steps per request, recurring actors."""
    return [
        (
            0.01 * i,
            f"{KINDS[i // 3 % len(KINDS)]}-{i // 3}",
            KINDS[i // 3 % len(KINDS)],
            TIERS[i % len(TIERS)],
            ("policy", "system", f"finance:{i % 4}", f"buyers:{i % 7}")[i % 4],
            ACTIONS[i % 3],
            "" if i % 5 else "store_managers->finance",
        )
        for i in range(n)
    ]


def _cost(append, steps: list[tuple]) -> tuple[float, int]:
    """CPU microseconds per append and the gen-0 collections the appends set off."""
    before = gc.get_stats()[0]["collections"]
    t0 = time.process_time()
    for s in steps:
        append(*s)
    us = 1e6 * (time.process_time() - t0) / len(steps)
    return us, gc.get_stats()[0]["collections"] - before


def _new(path: Path, steps: list[tuple]) -> tuple[float, int]:
    with AuditLog(path) as log:
        return _cost(log.append, steps)


def _old(path: Path, steps: list[tuple]) -> tuple[float, int]:
    old = OldLog()
    cost = _cost(old.append, steps)
    path.write_text("".join(line + "\n" for line in old.lines), encoding="ascii")
    return cost


def test_audit_append_cost(benchmark, tmp_path: Path):
    n = 2_000 if benchmark.disabled else 100_000
    steps = _steps(n)
    new_path, old_path = tmp_path / "new.jsonl", tmp_path / "old.jsonl"
    rounds = [benchmark.pedantic(lambda: _new(new_path, steps), rounds=1, iterations=1)]
    assert new_path.read_bytes()
    _old(old_path, steps)
    assert new_path.read_bytes() == old_path.read_bytes()
    if benchmark.disabled:
        return
    rounds += [_new(new_path, steps) for _ in range(2)]
    old_rounds = [_old(old_path, steps) for _ in range(3)]
    new_us, new_gc0 = min(rounds)
    old_us, old_gc0 = min(old_rounds)
    benchmark.extra_info.update(
        records=n,
        us_per_record=round(new_us, 2),
        us_per_record_old=round(old_us, 2),
        gen0_collections=new_gc0,
        gen0_collections_old=old_gc0,
    )
    print(
        f"\nAuditLog.append, {n:,} records: {new_us:.2f} us per record ({new_gc0} gen-0 "
        f"collections); the old way {old_us:.2f} us ({old_gc0})"
    )

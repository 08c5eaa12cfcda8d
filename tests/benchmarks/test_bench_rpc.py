"""RPC load on a served twin: p50/p99 latency of JSON-RPC calls, exactly-once under retries.

Measured: ``pytest tests/benchmarks/test_bench_rpc.py --benchmark-enable`` sends 10,000 calls;
in the default run (``--benchmark-disable``) a single shot of 1,000. Every 50th answer is held
0.3 s after the call was applied, past the client's 0.1 s timeout, so the client retries calls
the server already executed: each create must still exist exactly once.
"""

from __future__ import annotations

from experiments.serve import ServerThread
from experiments.serve.load import SlowAnswers, run_load, verify
from tests.serve.conftest import DB, KEY, make_server


def test_rpc_load_p50_p99_and_exactly_once(benchmark):
    calls = 1_000 if benchmark.disabled else 10_000
    server = make_server("event_driven")
    slow = SlowAnswers(server.app, every=50, delay_s=0.3)
    with ServerThread(slow) as url:
        result = benchmark.pedantic(
            lambda: run_load(url, calls, db=DB, login="admin", key=KEY), rounds=1, iterations=1
        )
        check = verify(url, result, db=DB, login="admin", key=KEY)
    summary = result.summary()
    benchmark.extra_info.update(summary)
    benchmark.extra_info["answers_held"] = slow.held
    print(f"\nRPC load: {summary}, answers held back: {slow.held}")
    assert result.failures == 0
    assert len(result.latencies_ms) == calls
    assert slow.held >= calls // 50 - 1
    assert result.retries >= slow.held  # each held answer made the client retry
    assert check == {"created": calls // 5, "distinct": calls // 5, "expected": calls // 5}
    assert server.idempotency.duplicates_suppressed_total >= slow.held

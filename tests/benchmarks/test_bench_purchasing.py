"""What one purchase-order line costs over its whole life in the mocked Odoo, as a run pays it.

A PO goes the automated models' way (``OdooErp.create_po`` -> ``confirm_po``, whose webhook rule
posts it to the middleware; ``OdooThreeWayMatch.received`` validates the receipt with the
counted quantities; ``OdooThreeWayMatch.released`` enters, matches and posts the bill) on the
ERP of a real ``baseline`` world, whose records accumulate as a run's do. Measured per PO line:
Python calls (cProfile: deterministic) and CPU (``time.process_time``), as the slope between
POs of 4 and of 24 lines, so the per-PO part (the PO, picking and bill headers, the webhook)
drops out.

    pytest tests/benchmarks/test_bench_purchasing.py --benchmark-enable -s

prices 150 POs of each size; the default run (``--benchmark-disable``) prices 10 as a smoke
test and checks what each PO's life left in Odoo.
"""

from __future__ import annotations

import cProfile
import pstats
import time
from types import SimpleNamespace

import numpy as np

from orchestration.integration.erp import OdooErp
from orchestration.integration.odoo_match import OdooThreeWayMatch
from scenarios.loader import load_scenario
from sim.world import World

SIZES = (4, 24)


def _erp() -> tuple[OdooErp, OdooThreeWayMatch]:
    world = World(load_scenario("baseline", ["horizon_days=1"]))
    posts: list[dict] = []
    erp = OdooErp(
        world,
        lambda _url, payload: posts.append(payload),
        np.random.default_rng(0),
        double_validation_amount=None,
    )
    erp.posts = posts  # type: ignore[attr-defined]
    return erp, OdooThreeWayMatch(erp, {})


def po_lives(erp: OdooErp, match: OdooThreeWayMatch, n: int, lines: int, seed: int) -> int:
    """``n`` POs of ``lines`` lines through create, confirm, receipt and bill; returns the
    number of bills released to pay (one line in ten is received short: not released)."""
    gen = np.random.default_rng(seed)
    n_skus = len(erp.product_ids)
    released = 0
    for k in range(n):
        skus = np.sort(gen.choice(n_skus, size=lines, replace=False)).astype(np.int64)
        qty = gen.integers(1, 40, size=lines).astype(np.int64) * 6
        cost = np.round(gen.uniform(1.0, 80.0, size=lines), 2)
        po_id, name = erp.create_po(k % 3, skus, qty, cost, f"REQ-{seed}-{k}")
        erp.confirm_po(po_id)
        counted = qty.copy()
        counted[k % lines] -= 1 if k % 10 == 0 else 0
        match.received(name, skus, counted)
        bill = SimpleNamespace(
            po_key=name, invoice_id=seed * 100_000 + k, skus=skus, qty=qty, unit_price=cost
        )
        released += bool(match.released(bill))
    return released


def per_line(n: int) -> dict[str, float]:
    """Calls and CPU microseconds per PO line (slope between the two sizes), and per PO."""
    erp, match = _erp()
    po_lives(erp, match, 5, 8, seed=99)  # warm-up: first-use indexes, caches
    calls, cpu = {}, {}
    for lines in SIZES:
        pr = cProfile.Profile()
        pr.enable()
        po_lives(erp, match, n, lines, seed=lines)
        pr.disable()
        calls[lines] = pstats.Stats(pr).total_calls / n
        t0 = time.process_time()
        po_lives(erp, match, n, lines, seed=lines + 1)
        cpu[lines] = (time.process_time() - t0) * 1e6 / n
    a, b = SIZES
    return {
        "pos": n,
        "calls_per_line": round((calls[b] - calls[a]) / (b - a), 1),
        "calls_per_po_of_4": round(calls[a], 1),
        "us_per_line": round((cpu[b] - cpu[a]) / (b - a), 2),
        "us_per_po_of_4": round(cpu[a], 1),
    }


def test_a_po_life_in_odoo_leaves_its_records(benchmark):
    n = 10 if benchmark.disabled else 150
    costs = benchmark.pedantic(lambda: per_line(n), rounds=1, iterations=1)
    benchmark.extra_info.update(costs)
    print(f"\na PO line's life in the mocked Odoo: {costs}")
    assert costs["calls_per_line"] > 0
    erp, match = _erp()
    released = po_lives(erp, match, 20, 6, seed=7)
    assert released == 18  # POs 0 and 10 were received one unit short
    env = erp.env
    assert len(erp.posts) == 20  # one webhook per confirmed PO
    assert len(env["purchase.order.line"].search([])) == 120
    pos = env["purchase.order"].search([])
    assert set(pos.mapped("state")) == {"purchase"}
    assert {p.receipt_status for p in pos} == {"full"}
    assert {p.invoice_status for p in pos} == {"invoiced"}
    assert set(env["account.move"].search([]).mapped("state")) == {"posted"}

"""What going through the mocked Odoo costs, per business document (CPU milliseconds).

Concept: the automated models claim Odoo does some work — real-time RFQs from reorder rules,
the 3-way match of vendor bills, helpdesk assignment. In a run today only the purchase order
goes through the mock (``OdooErp.create_po`` + ``confirm_po``); the rest is done by the twin's
own code (``backoffice/replenishment.py``, ``payables.py``, ``tickets.py``). This module prices
each path in the mock, on one ``Env`` that accumulates its records as a run's would (each
operation searches a growing store), so the figure is what a run would pay per document. Times
are this process's CPU time (``time.process_time``), which other processes' load on a shared
machine hardly moves:

- ``rfq_ms``: one PO of ``lines`` lines, ``create`` + ``button_confirm`` (the receipt picking
  and its moves are created and reserved) — what runs pay today;
- ``orderpoint_rfq_ms``: the same PO raised from ``lines`` reorder rules
  (``stock.warehouse.orderpoint._procure_orderpoint_confirm``: forecast, RFQ merge) and
  confirmed;
- ``receipt_ms``: the receipt validated with the counted quantities (``button_validate``), which
  the 3-way match needs;
- ``bill_ms``: the vendor bill created with one line per PO line, ``release_to_pay`` read (the
  3-way match) and ``action_post``;
- ``ticket_ms``: a helpdesk ticket created and assigned to an agent (``user_id``), then moved
  to a closing stage;
- ``twin_match_us``: the twin's own 3-way match (``Payables.three_way_match`` on numpy arrays),
  in microseconds, for comparison.
"""

from __future__ import annotations

import time
from datetime import datetime
from types import SimpleNamespace

import numpy as np

from orchestration.backoffice.payables import Payables
from orchestration.odoo import Env, ManualClock
from sim.kpis import KpiCollector

START = datetime(2025, 9, 1, 8, 0, 0)


def _setup(n_products: int) -> tuple[Env, object, list[int], object]:
    env = Env(clock=ManualClock(START))
    vendor = env["res.partner"].create({"name": "Vendor", "supplier_rank": 1})
    products = env["product.product"]
    ids = []
    for i in range(n_products):
        p = products.create({"name": f"SKU {i:05d}", "list_price": 20.0, "standard_price": 10.0})
        env["product.supplierinfo"].create(
            {"partner_id": vendor.id, "product_id": p.id, "price": 10.0}
        )
        ids.append(p.id)
    stock = env.ref("stock.stock_location_stock")
    return env, vendor, ids, stock


def _ms(t0: float, n: int) -> float:
    return (time.process_time() - t0) * 1_000.0 / n


def odoo_path_costs(n: int = 100, lines: int = 8, n_products: int = 400) -> dict[str, float]:
    """Mean wall milliseconds per document over ``n`` documents of each kind (see module)."""
    env, vendor, ids, stock = _setup(n_products)
    gen = np.random.default_rng(0)
    picks = [gen.choice(len(ids), size=lines, replace=False).tolist() for _ in range(n)]

    # --- purchase orders as runs send them today: create + confirm
    pos = []
    t0 = time.process_time()
    for k in range(n):
        order_line = [
            (0, 0, {"product_id": ids[j], "product_qty": 12.0, "price_unit": 10.0})
            for j in picks[k]
        ]
        po_id = env.execute(
            "purchase.order",
            "create",
            {"partner_id": vendor.id, "order_line": order_line, "origin": f"need-{k}"},
        )
        env.execute("purchase.order", "button_confirm", [po_id])
        pos.append(po_id)
    rfq_ms = _ms(t0, n)

    # --- receipts validated with the counted quantities (one short line in ten)
    t0 = time.process_time()
    for k, po_id in enumerate(pos):
        picking = env["purchase.order"].browse(po_id).picking_ids
        for i, move in enumerate(picking.move_ids):
            move.write({"quantity": 11.0 if (k + i) % 10 == 0 else 12.0})
        env.execute("stock.picking", "button_validate", picking.ids, create_backorder=False)
    receipt_ms = _ms(t0, n)

    # --- vendor bills: created, 3-way matched (release_to_pay), posted
    released = 0
    t0 = time.process_time()
    for po_id in pos:
        po = env["purchase.order"].browse(po_id)
        bill_lines = [
            (
                0,
                0,
                {
                    "product_id": line.product_id.id,
                    "purchase_line_id": line.id,
                    "quantity": 12.0,
                    "price_unit": line.price_unit,
                },
            )
            for line in po.order_line
        ]
        bill_id = env.execute(
            "account.move",
            "create",
            {
                "move_type": "in_invoice",
                "partner_id": vendor.id,
                "purchase_id": po_id,
                "invoice_date": env.now().date(),
                "invoice_line_ids": bill_lines,
            },
        )
        bill = env["account.move"].browse(bill_id)
        released += bill.release_to_pay == "yes"
        env.execute("account.move", "action_post", [bill_id])
    bill_ms = _ms(t0, n)

    # --- RFQs from reorder rules: one orderpoint per product of the PO, forecast below min
    ops = env["stock.warehouse.orderpoint"]
    rules = {
        pid: ops.create(
            {
                "product_id": pid,
                "location_id": stock.id,
                "product_min_qty": 10_000.0,
                "product_max_qty": 10_012.0,
                "trigger": "manual",
            }
        )
        for pid in ids
    }
    t0 = time.process_time()
    for k in range(n):
        chosen = ops.browse([rules[ids[j]].id for j in picks[k]])
        rfqs = chosen._procure_orderpoint_confirm()
        env.execute("purchase.order", "button_confirm", rfqs.ids)
    orderpoint_rfq_ms = _ms(t0, n)

    # --- helpdesk: a ticket created, assigned to an agent, closed
    agent = env["res.users"].create({"name": "Agent", "login": "agent"})
    stages = env["helpdesk.stage"]
    new = stages.create({"name": "New", "sequence": 1})
    done = stages.create({"name": "Solved", "sequence": 9, "fold": True})
    team = env["helpdesk.team"].create({"name": "Customer care"})
    t0 = time.process_time()
    for k in range(n):
        ticket = env["helpdesk.ticket"].create(
            {"name": f"Where is my order {k}?", "team_id": team.id, "stage_id": new.id}
        )
        ticket.write({"user_id": agent.id})
        ticket.write({"stage_id": done.id})
    ticket_ms = _ms(t0, n)

    # --- the twin's own 3-way match on numpy arrays, for comparison
    pay = Payables.__new__(Payables)
    pay.kpi, pay._po_lines, pay._receipts, pay.erp = KpiCollector(), {}, {}, None
    skus = np.arange(lines)
    qty = np.full(lines, 12, dtype=np.int64)
    cost = np.full(lines, 10.0)
    t0 = time.process_time()
    for k in range(n):
        key = f"po-{k}"
        pay.purchase_ordered(key, skus, qty, cost)
        pay.received(key, qty)
        pay.three_way_match(SimpleNamespace(po_key=key, unit_price=cost, qty=qty))
    twin_match_us = _ms(t0, n) * 1_000.0

    return {
        "documents": n,
        "lines": lines,
        "rfq_ms": round(rfq_ms, 3),
        "orderpoint_rfq_ms": round(orderpoint_rfq_ms, 3),
        "receipt_ms": round(receipt_ms, 3),
        "bill_ms": round(bill_ms, 3),
        "bills_released": released,
        "ticket_ms": round(ticket_ms, 3),
        "twin_match_us": round(twin_match_us, 3),
    }

"""Payables: vendor bills matched 3-way, paid, or held while a supplier's bank details change.

A bill is checked against its PO's prices and the recorded receipt (``three_way_match``) —
by the ERP when the model has one that matches bills (``erp``: the automated models' mocked
Odoo, :mod:`orchestration.integration.odoo_match`), else by equality of prices and quantities;
a bill approved for payment is paid at once (``PayInvoice``) unless a change of the supplier's
bank details is pending, in which case it is held (dual control) and paid into the confirmed
account on release. A bank-detail change (vendor master, high risk) is an approval request of
type ``supplier_change`` whose steps the model's policy names. Amounts in the scenario's currency.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from orchestration.approvals.sod import BankChangeGuard, HeldPayments
from orchestration.backoffice.requests import Request
from scenarios.schema import LogNormal
from sim.events import DecideBankChange, Event, InvoiceReceived, PayInvoice

if TYPE_CHECKING:
    from orchestration.backoffice.office import Backoffice
    from orchestration.integration.odoo_match import OdooThreeWayMatch


class Payables:
    def __init__(self, bo: Backoffice):
        self.bo = bo
        self.w = bo.w
        self.env = bo.env
        self.kpi = bo.kpi
        self._po_lines: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self._receipts: dict[str, np.ndarray] = {}
        #: what the last bill checked should have been (received qty x PO price), or None
        self.last_payable: float | None = None
        #: supplier bank changes: the dual-control guard and the payments it holds
        self.bank = BankChangeGuard()
        self.held = HeldPayments()
        #: the ERP that matches bills itself (the automated models' mocked Odoo), or None
        self.erp: OdooThreeWayMatch | None = None

    # ------------------------------------------------------------------ 3-way match
    def purchase_ordered(self, key: str, skus: np.ndarray, qty: np.ndarray, cost: np.ndarray):
        """Remember a PO's lines for the 3-way match of its bill."""
        self._po_lines[key] = (skus, qty, cost)

    def received(self, key: str, qty: np.ndarray) -> None:
        """The receipt of PO ``key`` as booked (counted) quantities."""
        if key in self._po_lines:
            self._receipts[key] = qty
            if self.erp is not None:
                self.erp.received(key, self._po_lines[key][0], qty)

    def three_way_match(self, e: InvoiceReceived) -> bool:
        """Bill vs PO (price) vs receipt (quantity): True when the bill can be paid as is."""
        po = self._po_lines.pop(e.po_key, None)
        received = self._receipts.pop(e.po_key, None)
        self.last_payable = None if po is None or received is None else float(received @ po[2])
        verdict = None if self.erp is None else self.erp.released(e)
        if verdict is not None:  # the ERP matched it (Odoo: released to pay)
            matched = verdict
        else:
            matched = (
                po is not None
                and received is not None
                and bool(np.array_equal(e.unit_price, po[2]) and np.array_equal(e.qty, received))
            )
        self.kpi.invoice_checked(matched=matched)
        return matched

    # ------------------------------------------------------------------ payments
    def supplier_name(self, supplier: int) -> str:
        return self.bo.s.network.suppliers[supplier].name

    def pay_invoice(self, e: InvoiceReceived) -> None:
        """Pay a bill approved for payment — or hold it while the supplier's bank details are
        being changed (dual control): it is paid, into the confirmed account, on release."""
        name = self.supplier_name(e.supplier)
        if self.bank.payments_blocked(name):
            self.held.hold(name, e, self.env.now)
            self.kpi.payment_held()
            self.w.trace("payment.held", e.correlation, f"bank change of {name} pending")
            return
        self._pay(e)

    def _pay(self, e: InvoiceReceived) -> None:
        self.bo.submit(
            PayInvoice(
                key=f"pay:{e.invoice_id}",
                need=f"invoice:{e.invoice_id}",
                invoice_id=e.invoice_id,
                supplier=e.supplier,
                amount=e.amount,
            )
        )

    # ------------------------------------------------------------------ bank-detail changes
    def bank_change(
        self,
        e: Event,
        steps: tuple[str, ...],
        approve: bool,
        pickup: LogNormal | None = None,
        *,
        hold: bool = True,
        rule: str = "",
        settle: Callable[[Event], None] | None = None,
    ) -> None:
        """A supplier bank-detail change (vendor master, high risk) through its approval steps.

        With ``hold`` (dual control) payments to the supplier wait from the request until a
        person other than the requester confirms it, or until it is rejected; then the vendor
        master is updated (``DecideBankChange``) and the held payments go out — into the new
        account. ``approve`` is what the people on the steps will decide (their checks, drawn by
        the model). Without ``hold`` (e-mail) payments keep flowing to the old account meanwhile.
        """
        name, cid = self.supplier_name(e.supplier), str(e.change_id)
        requester = f"supplier:{name}"
        if hold:
            self.bank.request(name, by=requester, t_h=self.env.now, change=cid)

        def decided(approved: bool) -> None:
            self.bo.submit(
                DecideBankChange(
                    key=f"bankchange:{cid}",
                    need=f"bankchange:{cid}",
                    change_id=e.change_id,
                    approved=approved,
                )
            )
            if hold:
                if approved:
                    confirmer = req.approvers[-1] if req.approvers else "policy"
                    self.bank.confirm(name, by=confirmer, change=cid)
                else:
                    self.bank.reject(name, change=cid)
                if not self.bank.payments_blocked(name):
                    for bill, held_h in self.held.release(name, self.env.now):
                        self.kpi.payment_released(held_h)
                        self._pay(bill)
            (settle or self.w.ack)(e)

        req = Request(
            "supplier_change",
            "high",
            self.env.now,
            requester,
            steps,
            decided,
            approve=approve,
            subject=e.correlation,
            rule=rule or "vendor master change: high risk",
            own_stream=True,
        )
        self.bo.approvals.request(req, pickup=pickup)

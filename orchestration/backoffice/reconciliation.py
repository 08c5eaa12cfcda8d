"""The reconciliation scan: a scheduled check of paid bills against what was received.

Concept: a bill that failed the 3-way match but was posted and paid *as billed* by a rule (an
AI triage that read the mismatch as a clean match) is an unmatched invoice nobody looked at.
Each bill paid unchecked is remembered with what was payable for it (received quantity x PO
price, when the receipt was booked by then). The scan — the scenario's scheduled action
``reconciliation_scan``, run by the mocked Odoo's ``ir.cron`` on the simulation clock — takes
every bill remembered since its last run: one paid above its payable is a *finding*, an
exception for ``finance`` (``TEAM``); when finance works it the overpayment (amount - payable)
is claimed back from the supplier (a debit note) and counted as recovered. A bill the scan has
seen is never raised twice. Without the scheduled action nothing is scanned and overpayments
stay unrecovered. Amounts in the scenario's currency.

KPIs: ``reconciliation_findings_total`` (bills the scan raised), ``invoice_overpaid_recovered``
(what finance claimed back; at most ``invoice_overpaid``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sim.events import InvoiceReceived

if TYPE_CHECKING:
    from orchestration.backoffice.office import Backoffice

#: the team whose queue gets a finding (it must be an approver pool of the scenario)
TEAM = "finance"
#: a bill more than this above its payable is a finding (rounding of cents is not)
TOLERANCE = 0.005


class ReconciliationScan:
    def __init__(self, bo: Backoffice):
        self.bo = bo
        self.kpi = bo.kpi
        #: bills paid unchecked since the last scan, with what was payable (None: unknown)
        self.unchecked: list[tuple[InvoiceReceived, float | None]] = []

    def paid_unchecked(self, e: InvoiceReceived, payable: float | None) -> None:
        """A bill that failed the match was paid as billed, by rule."""
        self.unchecked.append((e, payable))

    def run(self, env: Any = None) -> int:
        """The scheduled action (``fn(env)``; the records live in the back office, not in the
        Odoo ``env``): raise an exception for every bill paid above its payable; the number of
        findings."""
        seen, self.unchecked = self.unchecked, []
        found = 0
        for e, payable in seen:
            if payable is None or e.amount - payable <= TOLERANCE:
                continue
            found += 1
            self.kpi.reconciliation_finding()
            over = e.amount - payable
            self.bo.exceptions.open(
                TEAM,
                None,
                lambda over=over: self.kpi.overpayment_recovered(over),
                reason=f"reconciliation: bill {e.invoice_id} paid {over:.2f} over its receipt",
            )
        return found

"""The ``exception_driven`` model: straight-through by default, anomalies to people.

The shared automated wiring with rules that decide the standard cases and send only anomalies
to team queues, plus scheduled checks for what events miss:

- **price overrides** — approved by rule when the margin floor holds, refused by rule when not;
- **refunds** — AI-assisted triage (the ``refunds`` preset) routes each return: a case
  classified *standard* with confidence at or above ``refund_triage_threshold`` is refunded at
  once; below the threshold, a fraud signal above ``fraud_signal_threshold`` (a hard rule), an
  amount over the high-risk bound, or another class sends it to customer service, decided when
  the parcel is back and inspected. A fraud the classifier reads as standard with confidence is
  paid: that is what misroutes cost;
- **inventory adjustments** — variances over tolerance are anomalies for inventory control,
  booked once reviewed;
- **invoices** — a price variance within ``invoice_price_tolerance`` is accepted by rule; larger
  mismatches are AI-triaged (the ``invoices`` preset, ``invoice_triage_threshold``) to finance
  (price, duplicates, manual review) or inventory control (quantity/receiving);
- **tickets** — AI-triaged (``ticket_triage_threshold``): a confident WISMO is answered by the
  tracking rule, other confident tickets go straight to their queue, the rest to manual review;
- **supplier bank changes** — an anomaly for finance (one call-back); payments wait;
- **scheduled checks** — a PO watchdog re-sends confirmed orders that never reached the
  supplier after ``po_watchdog_h`` (a lost ERP webhook), and a nightly full availability sync
  repairs feeds that a lost push left stale.
"""

from __future__ import annotations

from orchestration.models.registry import register
from orchestration.models.wiring import AutomatedModel
from orchestration.policies import PolicyTable
from orchestration.policies.availability import PushOnChange
from orchestration.policies.bank_change import FinanceCallback
from orchestration.policies.discount import MarginFloorRule
from orchestration.policies.invoice import InvoiceTriage
from orchestration.policies.late_supplier import NoFlow
from orchestration.policies.purchase import StraightThrough
from orchestration.policies.refund import InspectOnReceipt, RefundTriage, TriagedRefund
from orchestration.policies.tickets import TriagedTickets
from orchestration.policies.variance import VarianceException
from scenarios.schema import ExceptionDrivenParams, Scenario

NIGHTLY_SYNC_HOUR = 2.0


def table(s: Scenario, p: ExceptionDrivenParams) -> PolicyTable:
    triage = RefundTriage(p.refund_triage_threshold, p.fraud_signal_threshold)
    return PolicyTable(
        purchase=StraightThrough(),
        discount=MarginFloorRule(),
        refund=TriagedRefund(triage, InspectOnReceipt(finance_when_high=False)),
        variance=VarianceException(),
        invoice=InvoiceTriage(p.invoice_price_tolerance, p.invoice_triage_threshold),
        bank_change=FinanceCallback(),
        tickets=TriagedTickets(p.ticket_triage_threshold),
        availability=PushOnChange(
            s.orchestration.integration.availability_push_interval_min, NIGHTLY_SYNC_HOUR
        ),
        late_supplier=NoFlow(),
        po_watchdog_h=p.po_watchdog_h,
    )


@register(
    "exception_driven",
    "Straight-through by default: rules decide standard cases, anomalies go to team queues; "
    "scheduled checks re-send lost POs and re-sync availability nightly.",
    params=ExceptionDrivenParams,
)
def build(scenario: Scenario, params: ExceptionDrivenParams, audit=None) -> AutomatedModel:
    return AutomatedModel("exception_driven", table(scenario, params), scenario, audit)

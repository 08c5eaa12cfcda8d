"""Late-supplier policies: what a model does when a supplier is late.

Two signals reach a model: ``SupplierConfirmationLate`` (no confirmation within 48 h) and a
missed promise (the supplier's ``promised_h``, from ``SupplierConfirmed``, passes with no
receipt). A :class:`LateSupplierCase` is one of them for one PO; ``decide`` answers a
:class:`~orchestration.policies.route.Route` for the late confirmation (an exception for a team,
or nothing). A policy with a *response* (:class:`Respond`) also watches promises and says what
follows a missed one: an exception to procurement, an expedite (by rule or by a buyer) priced as
a share of the PO's value, proactive notices to the backordered customers waiting for the PO's
SKUs — also at the backorder itself when the next promised receipt is after the customer's
promise — and a note to finance of the changed payable.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from orchestration.policies.route import Route


@dataclass(frozen=True, slots=True)
class LateSupplierCase:
    po_key: str
    supplier: int


class NoFlow:
    """No flow reacts to a late confirmation: the event is recorded and nothing else."""

    watches_promises = False

    def decide(self, case: LateSupplierCase) -> Route:
        return Route(rule="late supplier: no flow")


@dataclass(frozen=True)
class ExceptionFor:
    """An exception for ``team`` (the manual spreadsheet logs it for the buyers); with
    ``review_hour`` it is worked after the spreadsheet's next daily review at that hour."""

    team: str = "buyers"
    review_hour: float | None = None
    watches_promises = False

    def decide(self, case: LateSupplierCase) -> Route:
        return Route(team=self.team, rule="late supplier: exception")


@dataclass(frozen=True)
class Respond:
    """Watch the supplier's promises and respond to a missed one.

    ``team``: the procurement queue that gets the exception (a late confirmation too), or ""
    for none; ``expedite``: ``never``, ``rule`` (at once, touchless) or ``team`` (when the
    procurement exception is worked); ``notify``: proactive notices to waiting customers.
    """

    team: str = "buyers"
    expedite: Literal["never", "rule", "team"] = "rule"
    notify: bool = True
    watches_promises = True

    def decide(self, case: LateSupplierCase) -> Route:
        if self.team:
            return Route(team=self.team, rule="late supplier: exception to procurement")
        return Route(rule="late supplier: watched (promise timer)")

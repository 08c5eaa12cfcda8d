"""Supplier bank-change policies: who checks a change of a supplier's bank details.

A change of the vendor master's bank account is high risk (payment diversion fraud). A
:class:`BankChangeCase` names the supplier and the change; a policy answers the checking steps
(pools, in order): the first person calls the supplier back on the number on file, each further
person reviews the evidence independently. No steps: the vendor portal applies it by rule.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class BankChangeCase:
    change_id: int
    supplier: int


class AppliedByRule:
    """Nobody checks: the vendor portal applies the change (event-driven)."""

    def steps(self, case: BankChangeCase) -> tuple[str, ...]:
        return ()


class DualControl:
    """A buyer calls the supplier back, finance confirms (a different person)."""

    def steps(self, case: BankChangeCase) -> tuple[str, ...]:
        return ("buyers", "finance")


class EmailClerk:
    """Manual: the change arrives by e-mail and one finance clerk keys it after answering the
    thread (``governance.bank_change_checks.email_detection``); payments are not held."""

    by_email = True

    def steps(self, case: BankChangeCase) -> tuple[str, ...]:
        return ("finance",)


class FinanceCallback:
    """An anomaly for finance: one person calls the supplier back."""

    def steps(self, case: BankChangeCase) -> tuple[str, ...]:
        return ("finance",)

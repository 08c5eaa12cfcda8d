"""Late-supplier policies: what happens when a supplier has not confirmed a PO by its promise.

A :class:`LateSupplierCase` is the late confirmation of one PO. A policy answers a
:class:`~orchestration.policies.route.Route`: an exception for a team (``team``), or nothing
(the event is informational for the model: no flow handles it).
"""

from __future__ import annotations

from dataclasses import dataclass

from orchestration.policies.route import Route


@dataclass(frozen=True, slots=True)
class LateSupplierCase:
    po_key: str
    supplier: int


class NoFlow:
    """No flow reacts to a late confirmation: the event is recorded and nothing else."""

    def decide(self, case: LateSupplierCase) -> Route:
        return Route(rule="late supplier: no flow")


@dataclass(frozen=True)
class ExceptionFor:
    """An exception for ``team`` (the manual spreadsheet logs it for the buyers)."""

    team: str = "buyers"

    def decide(self, case: LateSupplierCase) -> Route:
        return Route(team=self.team, rule="late supplier: exception")

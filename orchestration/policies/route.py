"""A policy's answer: who must act on a request, and what the decision is.

Every process-area policy (:mod:`orchestration.policies`) decides over plain data and returns a
:class:`Route`: the approval ``steps`` (pools, in order; none means decided by policy, touchless),
the decision the policy — or the people on the steps — will take (``approve``), or instead an
exception ``team`` whose queue works the case. :func:`tier` is the risk tier of a value against
the scenario's bounds; tiers are ``low`` < ``medium`` < ``high``.
"""

from __future__ import annotations

from dataclasses import dataclass

from scenarios.schema import TierBounds

NOBODY: tuple[str, ...] = ()


def tier(value: float, bounds: TierBounds) -> str:
    """Risk tier of a request by value: low below ``low_below``, high from ``high_from``."""
    if value < bounds.low_below:
        return "low"
    return "high" if value >= bounds.high_from else "medium"


@dataclass(frozen=True, slots=True)
class Route:
    """A policy decision: approval steps (or an exception team) and the verdict."""

    steps: tuple[str, ...] = NOBODY
    approve: bool = True
    #: an exception queue instead of an approval request ("" = none)
    team: str = ""
    #: the rule that decided (traced as ``<model>.<rule>``)
    rule: str = ""

    @property
    def touchless(self) -> bool:
        return not self.steps and not self.team

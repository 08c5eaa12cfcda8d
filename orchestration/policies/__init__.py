"""Policies: one small decision object per process area, and the table that makes a model.

Each policy answers one question over plain data (a frozen *case*), like Ciw's routing objects;
the few that triage with the simulated classifier are handed their context once
(``initialise``). One concept per module:

* ``route``: ``Route`` (approval steps or an exception team, and the verdict) and ``tier``.
* ``purchase``: who approves a purchase order (``steps``).
* ``discount``: who decides a price override at the till, and the verdict (``decide``).
* ``refund``: pay at initiation, or decide on receipt after inspection (``decide``).
* ``variance``: book, approve or review a count variance over tolerance (``decide``).
* ``invoice``: a bill that failed the 3-way match: paid by rule or a team's exception (``route``).
* ``bank_change``: who checks a supplier's bank-detail change (``steps``).
* ``tickets``: how a customer ticket is routed, and how much work it takes (``route``).
* ``availability``: when the channels' availability is refreshed, and what is published.
* ``late_supplier``: what a late supplier confirmation leads to (``decide``).
* ``context``: ``PolicyContext``, what a triaging policy may see beyond its case.
* ``table``: ``PolicyTable``, one policy per area plus the approval channel and scheduled checks.
"""

from orchestration.policies.route import Route, tier
from orchestration.policies.table import PolicyTable

__all__ = ["PolicyTable", "Route", "tier"]

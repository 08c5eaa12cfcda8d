"""Upper bounds of scenario numbers: every numeric field of a scenario has one.

A scenario is data a user types; a number without a ceiling (``store_units_per_day: 1e12``,
``attacks_per_day: {replay: 1e8}``) turns into a ``MemoryError`` or a run that never ends.
Every numeric field is therefore bounded, by the tightest of:

- a field's own documented ceiling (``le=`` at its declaration, e.g. ``stores.count <= 5000``);
- the rate ceilings below, for the fields that *create work* per simulated day;
- :data:`MAX_QUANTITY` for every other quantity (money in currency units, durations in hours or
  days, counts): far above any real retailer, low enough that arithmetic stays finite.

Within the bounds a scenario can still be too big for the machine as a whole (5,000 stores x
100,000 SKUs); :mod:`experiments.estimate` refuses that before a run starts. Imports nothing.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

#: any quantity without a tighter bound of its own (currency units, hours, days, counts)
MAX_QUANTITY = 1e9
#: ``demand.store_units_per_day``: units a store of average size sells per day
MAX_STORE_UNITS_PER_DAY = 100_000.0
#: ``demand.discount_requests_per_store_day``
MAX_DISCOUNT_REQUESTS_PER_STORE_DAY = 1_000.0
#: ``security.attacks_per_day.*``: attack attempts per day, per attack kind (one every ~9 s)
MAX_ATTACKS_PER_DAY = 10_000.0
#: ``network.bank_changes.per_month``: supplier bank-detail change requests per month
MAX_BANK_CHANGES_PER_MONTH = 1_000.0
#: integer counts and signed integer settings (units of stock, Odoo delay numbers, priorities)
MAX_INT = 1_000_000
#: ``slo.bounds``: a KPI bound or ratio, in the KPI's own units
MAX_SLO_VALUE = 1e15

Positive = Annotated[float, Field(gt=0.0, le=MAX_QUANTITY)]
NonNegative = Annotated[float, Field(ge=0.0, le=MAX_QUANTITY)]
Count = Annotated[int, Field(ge=0, le=MAX_INT)]
SignedInt = Annotated[int, Field(ge=-MAX_INT, le=MAX_INT)]
Finite = Annotated[float, Field(ge=-MAX_SLO_VALUE, le=MAX_SLO_VALUE)]


def rate(ceiling: float) -> type:
    """A non-negative per-day (or per-month) rate of at most ``ceiling``."""
    return Annotated[float, Field(ge=0.0, le=ceiling)]  # type: ignore[return-value]

"""The pre-run estimate: will this run fit the machine? Answered before anything starts.

A scenario within every field's bound (:mod:`scenarios.bounds`) can still be too large as a
whole: 5,000 stores x 100,000 SKUs asks for ~150 GiB. :func:`estimate` predicts, from the
scenario alone, one replication's peak memory and CPU time; :func:`refusal` compares them with
this machine (memory available now, the replications that run at once) and says which fields
drive the size. ``retail-twin run|compare|sweep`` exit 2 with that message unless ``--force``.

The model (measured, docs/benchmarks.md and README "Performance"; one replication, no event log):

- **cells** = ``network.stores.count x catalogue.skus`` (store stock positions, per-cell arrays);
- **orders per day** = ``1.25 x stores x demand.store_units_per_day / demand.pos_units_per_basket``
  (POS baskets plus the online orders; baseline: 7.5 k baskets, 9.4 k orders measured);
- peak RSS = 150 MiB + 0.3 KiB per cell + 11 KiB per daily order (baseline 251 MiB measured,
  260 predicted; peak_season_xl 1.82 GiB measured, 2.2 GiB predicted);
- CPU seconds = (orders + attack attempts) over the horizon / rate, rate = 25,000 orders/s
  slowed by the cell count, ``25,000 / (1 + cells / 800,000)`` (baseline 24.4 k/s measured,
  peak_season_xl 6.7 k/s measured, 6.1 k/s predicted).

It errs by tens of percent, which is all it needs: what it refuses is off by orders of magnitude.
Units: bytes and seconds.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from scenarios.schema import Scenario

BASE_BYTES = 150 * 2**20
BYTES_PER_CELL = 0.3 * 2**10
BYTES_PER_DAILY_ORDER = 11 * 2**10
ORDERS_PER_S = 25_000.0
CELLS_HALF_SPEED = 800_000
ONLINE_FACTOR = 1.25
#: a run expected to take longer than this (wall time on this machine's workers) is refused
MAX_WALL_S = 24 * 3600.0
#: the share of the memory available now that the runs running at once may use
MEMORY_SHARE = 0.8


@dataclass(frozen=True)
class Estimate:
    """One replication of a scenario: its size drivers, peak memory and CPU time."""

    cells: int
    orders_per_day: float
    attacks_per_day: float
    horizon_days: int
    peak_bytes: float
    cpu_s: float

    def drivers(self) -> str:
        return (
            f"network.stores.count x catalogue.skus = {self.cells:,} cells; "
            f"~{self.orders_per_day:,.0f} orders/day (network.stores.count, "
            f"demand.store_units_per_day, demand.pos_units_per_basket)"
            + (
                f"; {self.attacks_per_day:,.0f} attacks/day (security.attacks_per_day)"
                if self.attacks_per_day
                else ""
            )
            + f"; horizon_days = {self.horizon_days}"
        )


def estimate(s: Scenario) -> Estimate:
    stores = s.network.stores.count
    cells = stores * s.catalogue.skus
    orders = ONLINE_FACTOR * stores * s.demand.store_units_per_day / s.demand.pos_units_per_basket
    attacks = float(sum(s.security.attacks_per_day.values()))
    peak = BASE_BYTES + BYTES_PER_CELL * cells + BYTES_PER_DAILY_ORDER * orders
    rate = ORDERS_PER_S / (1.0 + cells / CELLS_HALF_SPEED)
    cpu = (orders + attacks) * s.horizon_days / rate
    return Estimate(cells, orders, attacks, s.horizon_days, peak, cpu)


def available_bytes() -> float:
    """Memory available to new processes now (``MemAvailable``), else physical memory."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return float(line.split()[1]) * 1024
    except OSError:  # pragma: no cover - not Linux
        pass
    return float(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))


def _size(n: float) -> str:
    return f"{n / 2**30:,.1f} GiB" if n >= 2**30 else f"{n / 2**20:,.0f} MiB"


def _duration(s: float) -> str:
    return f"{s / 3600:,.1f} h" if s >= 3600 else f"{s / 60:,.1f} min"


def refusal(estimates: list[Estimate], parallel: int, memory: float | None = None) -> str | None:
    """Why these runs cannot fit this machine (None if they can).

    ``estimates``: one per replication to run; ``parallel``: how many run at once (workers).
    """
    if not estimates:
        return None
    memory = available_bytes() if memory is None else memory
    parallel = max(1, min(parallel, len(estimates)))
    worst = max(estimates, key=lambda e: e.peak_bytes)
    need = worst.peak_bytes * parallel
    wall = sum(e.cpu_s for e in estimates) / parallel
    if need > MEMORY_SHARE * memory:
        return (
            f"the run needs ~{_size(need)} of memory ({parallel} at once x "
            f"{_size(worst.peak_bytes)}), this machine has {_size(memory)} available; "
            f"driven by {worst.drivers()}. Make the scenario smaller, or pass --force"
        )
    if wall > MAX_WALL_S:
        biggest = max(estimates, key=lambda e: e.cpu_s)
        return (
            f"the run would take ~{_duration(wall)} (limit {_duration(MAX_WALL_S)}); "
            f"driven by {biggest.drivers()}. Make the scenario smaller or shorter, "
            "or pass --force"
        )
    return None

"""Customers' demand: expected rates and their daily, vectorised draws.

Expected units per day are the product of:
- a base rate: ``store_units_per_day`` x store size x SKU popularity for walk-ins (POS), and the
  online channels' share of the network's total, from ``channels.mix``;
- the weekday factor (``weekly_profile``, normalised to mean 1);
- every seasonal window covering the date (per channel if the window says so);
- promotions: SKUs on promotion sell ``uplift`` times more at ``1 - discount`` of the price.
A day-level noise factor (gamma, mean 1, CV ``day_noise_cv``, one per channel per day, shared by
all SKUs and locations) makes busy and quiet days correlated across the network, as weather and
paydays do. Units are then Poisson around the expected rate, drawn in one numpy call per day.

Online orders are built from units: order count ~ Poisson(units / mean units per order); each
order has ``1 + Poisson(lines-1)`` lines of ``1 + Poisson(units_per_line-1)`` units, SKUs drawn by
(promotion-adjusted) popularity, arrival times spread over the day with an evening-heavy profile.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scenarios.schema import Scenario
from sim.clock import day_index
from sim.network import Network
from sim.rng import Streams

ONLINE_CHANNELS = ("ecommerce", "marketplace")
#: relative online order intensity per hour of day (evening-heavy), normalised below.
_HOURLY = np.array(
    [
        0.3,
        0.2,
        0.15,
        0.1,
        0.1,
        0.2,
        0.5,
        0.8,
        1.0,
        1.1,
        1.2,
        1.3,
        1.4,
        1.3,
        1.2,
        1.2,
        1.3,
        1.5,
        1.7,
        1.9,
        2.0,
        1.8,
        1.2,
        0.6,
    ]
)
_HOURLY_CDF = np.cumsum(_HOURLY) / _HOURLY.sum()


@dataclass(frozen=True, slots=True)
class OnlineDay:
    """One day of online orders for one channel, sorted by arrival time (hours)."""

    channel: str
    t: np.ndarray  # (n_orders,) arrival time, sim hours
    start: np.ndarray  # (n_orders + 1,) offsets into the line arrays
    skus: np.ndarray  # (n_lines,)
    qty: np.ndarray  # (n_lines,)


class DemandModel:
    """Expected demand and its daily draws, from the ``demand.*`` streams."""

    def __init__(self, s: Scenario, net: Network, streams: Streams):
        self.s = s
        self.net = net
        d = s.demand
        wk = np.asarray(d.weekly_profile, dtype=float)
        self.weekly = wk / wk.mean()
        self.start_weekday = s.start_date.weekday()
        mix = s.channels.mix
        total_units = d.store_units_per_day * net.n_stores / max(mix["pos"], 1e-12)
        self.online_units = {c: total_units * mix[c] for c in ONLINE_CHANNELS}
        #: (n_stores, n_skus) expected walk-in units per day before day factors
        self.store_rate = (d.store_units_per_day * net.store_size)[:, None] * net.popularity[
            None, :
        ]
        self.units_per_order = d.lines_per_online_order_mean * d.units_per_line_mean
        self.gen_pos = streams.get("demand.pos")
        self.gen_noise = streams.get("demand.noise")
        self.gen_online = {c: streams.get(f"demand.{c}") for c in ONLINE_CHANNELS}
        self._promo = [
            (day_index(s.start_date, p.start), day_index(s.start_date, p.end), p)
            for p in d.promotions
        ]
        promo_gen = Streams(streams.seed, 0).get("demand.promotions")  # part of the scenario
        self._promo_skus = [promo_gen.random(net.n_skus) < p.sku_share for _, _, p in self._promo]

    # ------------------------------------------------------------------ factors
    def season_factor(self, day: int, channel: str) -> float:
        f = 1.0
        date = self.s.start_date.toordinal() + day
        for w in self.s.demand.seasonality:
            if w.start.toordinal() <= date <= w.end.toordinal() and (
                w.channels is None or channel in w.channels
            ):
                f *= w.multiplier
        return f

    def day_factor(self, day: int, channel: str) -> float:
        """Weekday x season, without noise or promotions."""
        return self.weekly[(self.start_weekday + day) % 7] * self.season_factor(day, channel)

    def promo(self, day: int) -> tuple[np.ndarray, np.ndarray]:
        """(uplift, price factor) per SKU for ``day``."""
        uplift = np.ones(self.net.n_skus)
        price_f = np.ones(self.net.n_skus)
        for (a, b, p), mask in zip(self._promo, self._promo_skus, strict=True):
            if a <= day <= b:
                up = p.uplift if p.uplift is not None else self.s.demand.promo_uplift
                uplift[mask] *= up
                price_f[mask] *= 1.0 - p.discount
        return uplift, price_f

    def _noise(self) -> float:
        cv = self.s.demand.day_noise_cv
        if cv <= 0:
            return 1.0
        k = 1.0 / (cv * cv)
        return float(self.gen_noise.gamma(k, 1.0 / k))

    def expected_store_rate(self, day: int) -> np.ndarray:
        """(n_stores, n_skus) expected walk-in units for ``day`` (no noise)."""
        uplift, _ = self.promo(day)
        return self.store_rate * (self.day_factor(day, "pos") * uplift)[None, :]

    # ------------------------------------------------------------------ draws
    def draw_pos(self, day: int, uplift: np.ndarray) -> np.ndarray:
        """(n_stores, n_skus) walk-in units demanded on ``day``."""
        lam = self.store_rate * (self.day_factor(day, "pos") * self._noise() * uplift)[None, :]
        return self.gen_pos.poisson(lam)

    def draw_online(self, day: int, channel: str, uplift: np.ndarray) -> OnlineDay:
        gen = self.gen_online[channel]
        units = self.online_units[channel] * self.day_factor(day, channel) * self._noise()
        weights = self.net.popularity * uplift
        units *= weights.sum()  # promotions raise total units too
        n = int(gen.poisson(units / self.units_per_order))
        d = self.s.demand
        lines = 1 + gen.poisson(d.lines_per_online_order_mean - 1.0, n)
        start = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(lines, out=start[1:])
        n_lines = int(start[-1])
        cdf = np.cumsum(weights)
        cdf /= cdf[-1]
        skus = np.searchsorted(cdf, gen.random(n_lines), side="right").astype(np.int64)
        skus = np.minimum(skus, self.net.n_skus - 1)
        qty = 1 + gen.poisson(d.units_per_line_mean - 1.0, n_lines)
        hours = np.searchsorted(_HOURLY_CDF, gen.random(n), side="right")
        t = np.sort(day * 24.0 + np.minimum(hours, 23) + gen.random(n))
        return OnlineDay(channel, t, start, skus, qty.astype(np.int64))

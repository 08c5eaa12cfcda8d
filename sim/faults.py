"""The fault plan: every declared fault window of a scenario, and what it does at a time ``t``.

A scenario's ``faults`` section (docs/faults.md) declares windows, each with a start, a duration
and an intensity: outages of an integration target (``outages``), supplier delay waves
(``supplier_delays``), inbound-webhook delivery faults (``deliveries``: drop, duplicate, reorder,
crash after the effect), 429 rate limits on a channel's availability API (``rate_limits``),
approver absence waves (``approver_absences``) and late scheduled jobs (``cron_lags``), plus the
background ``integration`` rates that hold for the whole run. Queries are pure functions of
time; the randomness of "does this call fail" is drawn by the caller from its own stream, so
faults stay paired across models.

:func:`fault_windows` lists every window in hours for a dashboard to shade;
:meth:`FaultPlan.record_timeline` writes ``record="fault"`` rows (``kind`` = fault type,
``key`` = target, ``detail`` = ``start``/``end`` with the intensity) into the event log.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from scenarios.schema import Scenario
from sim.clock import HOURS_PER_DAY, day_index

DELIVERY_KINDS = ("drop", "duplicate", "reorder", "crash_after_effect")
_BACKGROUND = {
    "drop": "drop_rate",
    "duplicate": "duplicate_rate",
    "reorder": "reorder_rate",
    "crash_after_effect": "crash_after_effect_rate",
}


@dataclass(frozen=True, slots=True)
class Window:
    target: str
    start_h: float
    end_h: float
    intensity: float


class FaultWindow(NamedTuple):
    """One fault on the run's timeline (hours since the start of the run)."""

    type: str  # outage, supplier_delay, delivery.<kind>, rate_limit, approver_absence, cron_lag
    target: str
    start_h: float
    end_h: float
    intensity: float


def span(w) -> tuple[float, float]:
    """(start_h, end_h) of a declared window (``start_day``, ``duration_h``)."""
    start = w.start_day * HOURS_PER_DAY
    return start, start + w.duration_h


def fault_windows(s: Scenario) -> list[FaultWindow]:
    """Every declared fault window of ``s``, ordered by start (for timelines and shading)."""
    f, out = s.faults, []
    for o in f.outages:
        out.append(FaultWindow("outage", o.target, *span(o), o.intensity))
    for d in f.supplier_delays:
        a = day_index(s.start_date, d.start) * HOURS_PER_DAY
        b = (day_index(s.start_date, d.end) + 1) * HOURS_PER_DAY
        who = ",".join(d.suppliers) or "all"
        out.append(FaultWindow("supplier_delay", who, a, b, d.extra_days))
    for d in f.deliveries:
        out.append(FaultWindow(f"delivery.{d.kind}", "erp_api", *span(d), d.intensity))
    for r in f.rate_limits:
        out.append(FaultWindow("rate_limit", r.channel, *span(r), r.intensity))
    for a in f.approver_absences:
        out.append(FaultWindow("approver_absence", a.pool, *span(a), a.intensity))
    for c in f.cron_lags:
        out.append(FaultWindow("cron_lag", c.job, *span(c), c.lag_h))
    out.sort(key=lambda w: (w.start_h, w.end_h, w.type, w.target))
    return out


class FaultPlan:
    def __init__(self, s: Scenario, supplier_names: tuple[str, ...]):
        self.windows = tuple(Window(o.target, *span(o), o.intensity) for o in s.faults.outages)
        #: the outage windows per target (``failure_prob`` is asked on every order's path)
        self._outages: dict[str, tuple[Window, ...]] = {}
        for w in self.windows:
            self._outages[w.target] = (*self._outages.get(w.target, ()), w)
        self._delays = [
            (
                day_index(s.start_date, d.start),
                day_index(s.start_date, d.end),
                {supplier_names.index(n) for n in d.suppliers} or set(range(len(supplier_names))),
                d.extra_days,
            )
            for d in s.faults.supplier_delays
        ]
        self.integration = s.faults.integration
        self.timeline = fault_windows(s)
        f = s.faults
        #: per delivery-fault kind: (background rate, windows (start_h, end_h, intensity))
        self._delivery: dict[str, tuple[float, tuple[tuple[float, float, float], ...]]] = {}
        for kind in DELIVERY_KINDS:
            spans = tuple((*span(d), d.intensity) for d in f.deliveries if d.kind == kind)
            self._delivery[kind] = (getattr(f.integration, _BACKGROUND[kind]), spans)
        self._rate_limits = tuple(
            (r.channel, *span(r), r.intensity, r.retry_after_s / 3600.0) for r in f.rate_limits
        )
        self._absences = tuple((a.pool, *span(a), a.intensity) for a in f.approver_absences)
        self._cron_lags = tuple((c.job, *span(c), c.lag_h) for c in f.cron_lags)

    # ------------------------------------------------------------------ outages
    def failure_prob(self, target: str, t: float) -> float:
        """Probability that a call to ``target`` at time ``t`` fails because of an outage."""
        p = 0.0
        for w in self._outages.get(target, ()):
            if w.start_h <= t < w.end_h:
                p = max(p, w.intensity)
        return p

    def outage_end(self, target: str, t: float) -> float | None:
        """End of the full-intensity outage of ``target`` covering ``t``, else None."""
        ends = [
            w.end_h
            for w in self.windows
            if w.target == target and w.start_h <= t < w.end_h and w.intensity >= 1.0
        ]
        return max(ends) if ends else None

    def supplier_extra_days(self, supplier: int, due_day: int) -> float:
        extra = 0.0
        for a, b, who, days in self._delays:
            if a <= due_day <= b and supplier in who:
                extra = max(extra, days)
        return extra

    # ------------------------------------------------------------------ deliveries
    def has_delivery_fault(self, kind: str) -> bool:
        """Whether ``kind`` can happen at all in this run (so callers draw nothing otherwise)."""
        rate, spans = self._delivery[kind]
        return rate > 0 or bool(spans)

    def delivery_prob(self, kind: str, t: float) -> float:
        """Probability that an inbound delivery at ``t`` suffers ``kind`` (background or window)."""
        p, spans = self._delivery[kind]
        for a, b, x in spans:
            if a <= t < b and x > p:
                p = x
        return p

    # ------------------------------------------------------------------ rate limits
    def rate_limit(self, channel: str, t: float) -> tuple[float, float]:
        """(share of calls answered 429, Retry-After in hours) for ``channel`` at ``t``."""
        p, after = 0.0, 0.0
        for ch, a, b, x, ra in self._rate_limits:
            if ch == channel and a <= t < b and x >= p:
                p, after = x, max(after, ra)
        return p, after

    # ------------------------------------------------------------------ people and jobs
    def absent_share(self, pool: str, t: float) -> float:
        """Share of approval pool ``pool`` away at ``t`` because of an absence wave."""
        share = 0.0
        for p, a, b, x in self._absences:
            if p == pool and a <= t < b:
                share = max(share, x)
        return share

    @property
    def has_absences(self) -> bool:
        return bool(self._absences)

    def absence_changes(self) -> list[float]:
        """Times (hours) at which some pool's absent share may change."""
        return sorted({t for _, a, b, _ in self._absences for t in (a, b)})

    def cron_lag(self, job: str, t: float) -> float:
        """Hours a scheduled ``job`` due at ``t`` starts late (0 outside every cron-lag window)."""
        lag = 0.0
        for j, a, b, h in self._cron_lags:
            if (j == job or j == "all") and a <= t < b:
                lag = max(lag, h)
        return lag

    def start_late(self, job: str, env):
        """``yield from plan.start_late(job, env)`` in a scheduled job's loop, at its due time:
        waits the cron lag of a window covering now (nothing at all outside every window)."""
        lag = self.cron_lag(job, env.now)
        if lag > 0:
            yield env.timeout(lag)

    # ------------------------------------------------------------------ timeline
    def record_timeline(self, env, log):
        """SimPy process: write a ``fault`` row into ``log`` at each window's start and end."""
        marks = []
        for w in self.timeline:
            marks.append((w.start_h, 1, w, "start"))
            marks.append((w.end_h, 0, w, "end"))
        marks.sort(key=lambda m: (m[0], m[1]))
        for t, _, w, what in marks:
            if t > env.now:
                yield env.timeout(t - env.now)
            log.append(
                env.now,
                "fault",
                w.type,
                -1,
                w.target,
                -1,
                -1,
                0,
                w.intensity,
                f"{what} intensity={w.intensity:g}",
            )

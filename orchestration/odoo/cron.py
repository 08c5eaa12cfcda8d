"""Scheduled actions (``ir.cron``): jobs run every N units by a polling cron worker.

Concept (ODOO.md §3, §8 item 10): a ``ScheduledAction`` runs its callback ``fn(env)`` in its own
transaction when it is *ready*: ``active and (nextcall <= now or a trigger's call_at <= now)``.
Ready jobs run ordered by ``(failure_count, priority, id)`` (priority 0 highest, default 5); a
running job is never started again (Odoo's ``SKIP LOCKED``). After a run, ``nextcall`` moves
forward by the interval until it is in the future: missed runs are SKIPPED, not replayed, and
``lastcall = now``. ``trigger(job, at)`` queues an immediate or later run (minute precision); a
trigger due now wakes the worker on commit (``NOTIFY cron_trigger``).

Failures (18+): the run is rolled back, ``failure_count`` grows, ``first_failure_date`` is kept;
the job is deactivated when ``failure_count >= 5`` AND ``first_failure_date + 7 days < now``
(``_notify_admin`` only logs). A success resets both. 17 counts but never deactivates.

Units: ``interval_type`` in minutes/hours/days/weeks/months; datetimes naive UTC. Jobs take no
simulated time. Not modelled: ``numbercall``/``doall`` (17), the 120 s runtime kill, 19's
progress/partial-done batching, the user's timezone for day+ intervals.

Fault library (``faults.cron_lags``, job ``odoo_cron``): ``CronEngine.lag(due)`` is how late a
job due at ``due`` becomes ready (an overloaded or stalled cron worker); None = on time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from orchestration.odoo.clock import add_months
from orchestration.odoo.errors import ValidationError

if TYPE_CHECKING:
    from orchestration.odoo.env import Env

INTERVAL_TYPES = ("minutes", "hours", "days", "weeks", "months")
MIN_FAILURE_COUNT_BEFORE_DEACTIVATION = 5
MIN_DELTA_BEFORE_DEACTIVATION = timedelta(days=7)
CronCallback = Callable[["Env"], Any]


def add_interval(when: datetime, number: int, interval_type: str) -> datetime:
    if interval_type == "months":
        return add_months(when, number)
    return when + timedelta(**{interval_type: number})


@dataclass(eq=False)
class ScheduledAction:
    """One ``ir.cron`` job (a Python object; its callback replaces the server action)."""

    name: str
    callback: CronCallback
    interval_number: int = 1
    interval_type: str = "months"
    nextcall: datetime | None = None
    priority: int = 5
    active: bool = True
    user_id: int = 1
    lastcall: datetime | None = None
    failure_count: int = 0
    first_failure_date: datetime | None = None
    running: bool = False
    id: int = 0


@dataclass(frozen=True)
class CronRun:
    """The record of one job execution."""

    cron_id: int
    name: str
    at: datetime
    ok: bool
    error: str = ""


class CronEngine:
    """The ``ir.cron`` table of one Env plus the worker's "process ready jobs" step."""

    def __init__(self, env: Env) -> None:
        self.env = env
        self.jobs: list[ScheduledAction] = []
        self.triggers: list[tuple[datetime, int]] = []
        self.runs: list[CronRun] = []
        self.automation_job: ScheduledAction | None = None
        #: set by a cron worker (runner.py) to be woken on NOTIFY / job changes
        self.wakeup: Callable[[], None] | None = None
        #: the fault plan's cron lag: how late a job due at a moment actually becomes ready
        self.lag: Callable[[datetime], timedelta] | None = None

    def _due(self, when: datetime) -> datetime:
        return when if self.lag is None else when + self.lag(when)

    def create(self, job: ScheduledAction) -> ScheduledAction:
        self._validate(job.interval_number, job.interval_type)
        job.id = len(self.jobs) + 1
        if job.nextcall is None:
            job.nextcall = self.env.now()
        self.jobs.append(job)
        self._notify()
        return job

    def write(self, job: ScheduledAction, **values: Any) -> None:
        self._validate(
            values.get("interval_number", job.interval_number),
            values.get("interval_type", job.interval_type),
        )
        for name, value in values.items():
            if not hasattr(job, name):
                raise ValueError(f"Invalid field {name!r} on model 'ir.cron'")
            setattr(job, name, value)
        self._notify()

    @staticmethod
    def _validate(number: int, interval_type: str) -> None:
        if number <= 0:
            raise ValidationError("The interval number must be a strictly positive number.")
        if interval_type not in INTERVAL_TYPES:
            raise ValidationError(f"Wrong value for ir.cron.interval_type: {interval_type!r}")

    def by_name(self, name: str) -> ScheduledAction:
        return next(j for j in self.jobs if j.name == name)

    def trigger(self, job: ScheduledAction, at: datetime | list[datetime] | None = None) -> None:
        """``_trigger``: run ``job`` at ``at`` (default now), to the minute."""
        now = self.env.now()
        moments = at if isinstance(at, list) else [at or now]
        for moment in moments:
            self.triggers.append((moment.replace(second=0, microsecond=0), job.id))
        if any(m <= now for m in moments):
            self.env.postcommit(self._notify)
        else:
            self._notify()

    def _notify(self) -> None:
        if self.wakeup is not None:
            self.wakeup()

    # ------------------------------------------------------------------ worker side
    def ready_jobs(self, now: datetime | None = None) -> list[ScheduledAction]:
        now = now or self.env.now()
        triggered = {jid for at, jid in self.triggers if at <= now}
        ready = [
            j
            for j in self.jobs
            if j.active and not j.running and (self._due(j.nextcall) <= now or j.id in triggered)  # type: ignore[arg-type]
        ]
        return sorted(ready, key=lambda j: (j.failure_count, j.priority, j.id))

    def next_due(self) -> datetime | None:
        """The earliest moment a job becomes ready (for a worker's sleep)."""
        moments = [self._due(j.nextcall) for j in self.jobs if j.active and j.nextcall is not None]
        active_ids = {j.id for j in self.jobs if j.active}
        moments += [at for at, jid in self.triggers if jid in active_ids]
        return min(moments, default=None)

    def run_pending(self) -> list[CronRun]:
        """One worker pass: run every ready job once, in order."""
        done: list[CronRun] = []
        for job in self.ready_jobs():
            if job.active and not job.running:
                done.append(self.run_job(job))
        return done

    def run_job(self, job: ScheduledAction) -> CronRun:
        now = self.env.now()
        job.running = True
        error = ""
        try:
            with self.env.as_user(job.user_id), self.env.transaction():
                job.callback(self.env)
        except Exception as exc:
            error = repr(exc)
            self.env.log("ERROR", "ir.cron", f"Call of {job.name!r} failed: {exc!r}")
        finally:
            job.running = False
        self._reschedule_later(job, now)
        self.triggers = [
            (at, jid) for at, jid in self.triggers if not (jid == job.id and at <= now)
        ]
        if error:
            self._record_failure(job, now)
        else:
            job.failure_count, job.first_failure_date = 0, None
        run = CronRun(job.id, job.name, now, not error, error)
        self.runs.append(run)
        return run

    def _reschedule_later(self, job: ScheduledAction, now: datetime) -> None:
        while job.nextcall <= now:  # type: ignore[operator]
            job.nextcall = add_interval(job.nextcall, job.interval_number, job.interval_type)  # type: ignore[arg-type]
        job.lastcall = now

    def _record_failure(self, job: ScheduledAction, now: datetime) -> None:
        job.failure_count += 1
        job.first_failure_date = job.first_failure_date or now
        if (
            self.env.options.cron_deactivates_on_failure
            and job.failure_count >= MIN_FAILURE_COUNT_BEFORE_DEACTIVATION
            and job.first_failure_date + MIN_DELTA_BEFORE_DEACTIVATION < now
        ):
            job.active = False
            self.env.log(
                "WARNING", "ir.cron", f"Cron {job.name!r} deactivated after repeated failures"
            )

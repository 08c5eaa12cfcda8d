"""Channel availability of the automated models: pushes of changed SKUs, and a nightly repair.

A record change at the fulfilment centre marks its SKUs; every ``push_every_min`` minutes the
n8n "Push availability" workflow publishes the marked SKUs on both channels (the records'
available units less the channel's safety stock). A push that still fails after Retry On Fail
leaves its SKUs marked for the next one; a channel that answers 429 is held until its
Retry-After. With a nightly repair (``nightly_repair_hour``) every SKU is marked once a night,
which repairs feeds that a lost push left stale.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from orchestration.models.flow import Flow
from sim.clock import HOURS_PER_DAY
from sim.events import UpdateChannelAvailability
from sim.world import CommandResult

if TYPE_CHECKING:
    from orchestration.models.wiring import AutomatedModel
    from orchestration.policies.availability import NightlyFile

ONLINE = ("ecommerce", "marketplace")


class AvailabilityFlow(Flow):
    def __init__(self, model: AutomatedModel):
        super().__init__(model)
        self.policy = model.table.availability
        self.dirty = np.zeros(self.w.net.n_skus, dtype=bool)
        #: per online channel: (channel, key prefix, need, safety stock units), fixed per run
        self._channels = tuple(
            (ch, f"AV-{ch}", f"availability:{ch}", getattr(self.s.channels, ch).safety_stock_units)
            for ch in ONLINE
        )

    def touched(self, skus: np.ndarray) -> None:
        """The FC's records of ``skus`` changed: publish them at the next push. (An online
        order's booking, ``AutomatedModel._placing``, marks its lines in ``dirty`` itself.)"""
        self.dirty[skus] = True

    def pusher(self):
        env, stack = self.env, self.m.stack
        step = self.policy.push_every_min / 60.0
        dirty = self.dirty  # never rebound: marked in place by everyone
        while True:
            yield env.timeout(step)
            # the marked SKUs (``np.flatnonzero`` of a 1-D array, without its wrappers); none
            # and nothing held for a channel: no push
            skus = dirty.nonzero()[0]
            if not len(skus) and not stack.gate.held:
                continue
            dirty[skus] = False

            def done(ok: bool, skus=skus) -> None:
                if not ok:
                    self.dirty[skus] = True  # the watermark did not move: push them again

            stack.run("wf-availability", skus, done)

    def push(self, skus: np.ndarray) -> np.ndarray:
        """n8n node: publish the ERP's availability of ``skus`` on both channels (the records'
        available units of the pushed SKUs only: the push reads no other SKU)."""
        stack = self.m.stack
        on_hand, now = self.rec.on_hand[self.w.net.fc], self.env.now
        # the records' available units (``StockRecords.available``) of the pushed SKUs, read
        # once for every channel that takes them as they are (no channel's push writes records)
        available = np.maximum(on_hand[skus], 0)
        for ch, prefix, need, safety in self._channels:
            ch_skus = stack.gate.admit(ch, skus, now)
            if ch_skus is None:  # cooling down after a 429: held for a later push
                continue
            res = stack.command(
                UpdateChannelAvailability(
                    key=self.bo.key(prefix),
                    need=need,
                    channel=ch,
                    skus=ch_skus,
                    qty=self.policy.published(
                        available if ch_skus is skus else np.maximum(on_hand[ch_skus], 0), safety
                    ),
                )
            )
            if res == CommandResult.RATE_LIMITED:
                retry_after = self.w.retry_after(ch) - now
                self.w.trace("rate_limited", f"availability:{ch}", f"retry_after={retry_after:g}h")
                stack.gate.limited(ch, ch_skus, now, retry_after)
        return skus

    def nightly_file(self):
        """Scheduled job (a rollout's manual area): the manual model's nightly file."""
        yield from nightly_file(self, self.policy)

    def nightly_repair(self, hour: float):
        """Scheduled action: a full availability file every night catches lost pushes."""
        env = self.env
        t = hour
        while t < self.w.horizon_h:
            yield env.timeout(max(t - env.now, 0.0))
            yield from self.w.faults.start_late("channel_sync", env)  # fault library: cron lag
            self.dirty[:] = True
            t += HOURS_PER_DAY


def nightly_file(owner, policy: NightlyFile):
    """The ERP's full availability file on both online channels at ``policy.sync_hour`` and
    every ``policy.interval_h`` after, straight from the ERP's records (no middleware); a failed
    file is not retried: the feed stays stale until the next one. ``owner`` is the model or flow
    running it (its ``env``, world ``w``, scenario ``s``, records ``rec``, back office ``bo``
    and KPI collector ``kpi``): the ``manual`` model and a rollout's manual availability area."""
    env, w = owner.env, owner.w
    skus = np.arange(w.net.n_skus)
    t = policy.sync_hour
    while t < w.horizon_h:
        if t > env.now:
            yield env.timeout(t - env.now)
        yield from w.faults.start_late("channel_sync", env)  # fault library: cron lag
        avail = owner.rec.available(w.net.fc)
        for ch in ONLINE:
            safety = getattr(owner.s.channels, ch).safety_stock_units
            res = owner.bo.submit(
                UpdateChannelAvailability(
                    key=owner.bo.key(f"SYNC-{ch}"),
                    need=f"sync:{ch}",
                    channel=ch,
                    skus=skus,
                    qty=policy.published(avail, safety),
                )
            )
            failed = res in (CommandResult.FAILED, CommandResult.RATE_LIMITED)
            owner.kpi.integration_call(dead_lettered=failed)
        t += policy.interval_h

"""The availability push reads the records once per push and finds its SKUs in one call.

``AvailabilityFlow.pusher`` takes the marked SKUs with ``ndarray.nonzero`` (``np.flatnonzero``
without its wrappers, no ``any`` first) and ``AvailabilityFlow.push`` reads the pushed SKUs'
available units once for every channel that takes them as they are. A run under a 429 (a
channel's held SKUs merged into a later push: the per-channel read) must submit the same
commands as the general form: ``any``, ``flatnonzero`` and one read per channel.
"""

from __future__ import annotations

import numpy as np

from orchestration.models import build
from orchestration.models.availability import AvailabilityFlow
from scenarios.loader import load_scenario
from sim.events import UpdateChannelAvailability
from sim.world import CommandResult, World

RATE_LIMIT = (
    "faults.rate_limits=[{channel: ecommerce, start_day: 1, duration_h: 48, intensity: 0.9, "
    "retry_after_s: 600}]"
)


def general_pusher(self):
    env, stack = self.env, self.m.stack
    step = self.policy.push_every_min / 60.0
    while True:
        yield env.timeout(step)
        if not self.dirty.any() and not stack.gate.held:
            continue
        skus = np.flatnonzero(self.dirty)
        self.dirty[skus] = False

        def done(ok: bool, skus=skus) -> None:
            if not ok:
                self.dirty[skus] = True

        stack.run("wf-availability", skus, done)


def general_push(self, skus):
    stack = self.m.stack
    on_hand, now = self.rec.on_hand[self.w.net.fc], self.env.now
    for ch, prefix, need, safety in self._channels:
        ch_skus = stack.gate.admit(ch, skus, now)
        if ch_skus is None:
            continue
        res = stack.command(
            UpdateChannelAvailability(
                key=self.bo.key(prefix),
                need=need,
                channel=ch,
                skus=ch_skus,
                qty=self.policy.published(np.maximum(on_hand[ch_skus], 0), safety),
            )
        )
        if res == CommandResult.RATE_LIMITED:
            stack.gate.limited(ch, ch_skus, now, self.w.retry_after(ch) - now)
    return skus


def _pushes(monkeypatch, general: bool):
    if general:
        monkeypatch.setattr(AvailabilityFlow, "pusher", general_pusher)
        monkeypatch.setattr(AvailabilityFlow, "push", general_push)
    s = load_scenario(
        "baseline", ["orchestration.model=event_driven", "horizon_days=3", RATE_LIMIT]
    )
    m = build("event_driven", s)
    w = World(s)
    w.attach(m)
    sent: list[tuple[float, str, list[int], list[int]]] = []
    submit = w.submit

    def recording(cmd):
        if isinstance(cmd, UpdateChannelAvailability):
            sent.append((w.env.now, cmd.channel, cmd.skus.tolist(), cmd.qty.tolist()))
        return submit(cmd)

    w.submit = recording
    w.run()
    monkeypatch.undo()
    return sent, w.kpi.kpis(w.ledger.totals()), m.stack.gate


def test_the_push_sends_what_the_per_channel_general_form_sends(monkeypatch):
    fast, fast_kpis, gate = _pushes(monkeypatch, general=False)
    slow, slow_kpis, _ = _pushes(monkeypatch, general=True)
    assert fast == slow
    assert fast_kpis == slow_kpis
    # the run exercised both reads: channels given the push's own SKUs and held ones merged
    assert gate.limited_total > 0
    by_time: dict[float, list[list[int]]] = {}
    for t, _ch, skus, _qty in fast:
        by_time.setdefault(t, []).append(skus)
    assert any(len(v) == 2 and v[0] != v[1] for v in by_time.values())
    assert len(fast) > 500

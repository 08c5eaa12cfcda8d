"""The work desk's people pool and its callback tasks keep a SimPy ``FilterStore``'s order.

Tasks with exclusions (segregation of duties), reminders and withdrawals, finishing at the
instants others are submitted, on a desk whose people go absent in waves: the pool
(`orchestration.backoffice.workdesk._People`) must hand the same people to the same tasks at
the same places in the event order as a ``FilterStore`` with the same early stop (it fails
when a put offers its person at once instead of at its event).
"""

from __future__ import annotations

import numpy as np
import simpy

from orchestration.backoffice.workdesk import WorkDesk, _People
from sim.clock import WorkCalendar


class _StorePeople(simpy.FilterStore):
    """The reference: SimPy's FilterStore with the desk's early stop (nobody present free)."""

    def __init__(self, env, absent):
        super().__init__(env, capacity=100)
        self._absent = absent

    def _do_get(self, event) -> bool:  # type: ignore[override]
        super()._do_get(event)
        absent = self._absent()
        return any(p not in absent for p in self.items)

    def offer(self) -> None:
        self._trigger_get(None)

    def put(self, item):  # type: ignore[override]
        return super().put(item)


def _run(pool_class) -> list[tuple]:
    env = simpy.Environment()
    desk = WorkDesk(env, "d", 4, WorkCalendar.always(), 0.0, 0.8, np.random.default_rng(2))
    desk.store = pool_class(env, lambda: desk.absent)
    desk.store.items.extend(desk.people)
    trace: list[tuple] = []
    rng = np.random.default_rng(9)

    def source():
        tasks = []
        for i in range(300):
            banned = f"d:{i % 4}" if i % 2 else None
            tasks.append(
                desk.submit(
                    lambda p, t, i=i: trace.append((t, "done", i, p)),
                    pickup_h=0.25 if i % 3 == 0 else 0.0,
                    handling_h=0.125 * (1 + i % 3),
                    exclude=banned,
                    note=lambda what, who, i=i: trace.append((env.now, what, i, who)),
                )
            )
            trace.append((env.now, "tick", i))
            if i % 7 == 0:
                tasks[i // 2].remind()
            if i % 11 == 0:
                trace.append((env.now, "cancel", i, tasks[i - 1].cancel()))
            if i % 40 == 0:
                desk.set_absent_wave({"d:1", "d:2"} if i % 80 == 0 else set())
            yield env.timeout(float(rng.choice([0.0, 0.0, 0.125, 0.25])))

    env.process(source())
    env.run()
    return [*trace, (desk.completed, desk.in_system)]


def test_the_people_pool_serves_tasks_like_a_filter_store() -> None:
    expected = _run(_StorePeople)
    assert any(t[1] == "cancel" and t[3] for t in expected[:-1])  # some withdrawals took
    assert expected[-1][1] == 0
    assert _run(_People) == expected

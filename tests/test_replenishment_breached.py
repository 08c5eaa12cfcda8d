"""SKUs below their reorder point join their vendor's draft RFQ (issue 17, s20): grouped by
vendor in Python instead of ``np.unique`` and a mask per vendor — the same drafts, and the
new drafts' merge timers scheduled in the same (ascending vendor) order."""

from __future__ import annotations

import numpy as np

from orchestration.models.registry import build
from scenarios.loader import load_scenario
from sim.world import World


def _flow():
    s = load_scenario("baseline", ["horizon_days=1", "orchestration.model=hybrid"])
    world = World(s)
    model = build("hybrid", s)
    world.attach(model)
    return world, model.replenishment


def _by_np_unique(flow, location: int, below: np.ndarray) -> None:
    """The grouping as it was."""
    sup = flow.w.net.sku_supplier[below]
    for supplier in np.unique(sup).tolist():
        key = (supplier, location)
        draft = flow.drafts.get(key)
        if draft is None:
            draft = flow.drafts[key] = set()
            ev = flow.env.timeout(flow._merge_h())
            ev.callbacks.append(lambda _e, k=key: flow._confirm_rfq(k))
        draft.update(below[sup == supplier].tolist())


def _timers(world) -> list[tuple[int, int]]:
    """The draft keys of the merge timers on the heap, in the order they fire."""
    queue = sorted(world.env._queue, key=lambda item: item[:3])
    keys = []
    for *_, ev in queue:
        for callback in ev.callbacks or ():
            defaults = getattr(callback, "__defaults__", None)
            if defaults and isinstance(defaults[0], tuple):  # ``lambda _e, k=key: ...``
                keys.append(defaults[0])
    return keys


def test_breaches_join_the_same_drafts_with_timers_in_the_same_order():
    gen = np.random.default_rng(5)
    new_world, new = _flow()
    old_world, old = _flow()
    n_skus = new_world.net.n_skus
    assert len(set(new_world.net.sku_supplier.tolist())) > 2
    for k in range(60):
        size = 1 if k % 3 == 0 else int(gen.integers(2, 30))
        below = gen.integers(0, n_skus, size=size).astype(np.int64)  # duplicates too
        location = int(gen.integers(0, new_world.net.n_locations))
        new.breached(location, below)
        _by_np_unique(old, location, below)
    assert new.drafts == old.drafts
    assert list(new.drafts) == list(old.drafts)  # opened in the same order
    assert all(type(s) is int for key in new.drafts for s in (*key, *new.drafts[key]))
    assert _timers(new_world) == _timers(old_world)
    assert len(_timers(new_world)) == len(new.drafts)

"""The online orders' draws: the ticket draws served by a C-level iterator
(``sim.orders.uniforms``) are the numbers :class:`sim.rng.Buffered` served before, call for
call; a day's per-order draws in columns (:class:`sim.order_draws.DayDraws`) are the numbers
the per-order tuples held before, bit for bit."""

import gc
from types import SimpleNamespace

import numpy as np
import pytest

from sim.order_draws import DayDraws
from sim.orders import uniforms
from sim.rng import Buffered


def test_uniforms_are_buffered_uniforms():
    fast = uniforms(np.random.default_rng(11), 16)
    ref = Buffered(np.random.default_rng(11), block=16)
    got = [fast() for _ in range(100)]
    assert got == [ref.uniform() for _ in range(100)]
    assert len(set(got)) == 100


def _tuples(o, n):
    """The per-order 7-tuples ``OnlineOrders._draw_day`` built until 3 Dec 2026 (reference)."""
    gp, gs, gr = o.gen_pay, o.gen_ship, o.gen_ret
    pay = gp.random((n, 3))
    handling = np.exp(o._handling[0] + o._handling[1] * gs.standard_normal(n))
    carrier = np.minimum(
        np.searchsorted(o._carrier_cdf, gs.random(n), side="right"), len(o.carriers) - 1
    )
    tr, lt = o._transit[carrier], o._late[carrier]
    transit = np.exp(tr[:, 0] + tr[:, 1] * gs.standard_normal(n))
    late = gs.random(n) >= lt[:, 2]
    transit += late * np.exp(lt[:, 0] + lt[:, 1] * gs.standard_normal(n))
    label_u = gs.random(n)
    ret = gr.random((n, 3))
    ret_days = np.exp(o._ret_days[0] + o._ret_days[1] * gr.standard_normal(n))
    inspect_h = np.exp(o._inspect[0] + o._inspect[1] * gr.standard_normal(n)) * 24.0
    ret = np.column_stack([ret, inspect_h])
    cols = (pay, handling, carrier, transit, label_u, ret, ret_days)
    return list(zip(*(c.tolist() for c in cols), strict=True))


def _orders(seed):
    """What ``DayDraws`` reads of an ``OnlineOrders``: three streams, three carriers."""
    return SimpleNamespace(
        gen_pay=np.random.default_rng(seed),
        gen_ship=np.random.default_rng(seed + 1),
        gen_ret=np.random.default_rng(seed + 2),
        _handling=(1.2, 0.4),
        carriers=[0, 1, 2],
        _carrier_cdf=np.cumsum([0.5, 0.3, 0.2]),
        _transit=np.array([(0.7, 0.3), (1.1, 0.2), (0.4, 0.5)]),
        _late=np.array([(0.5, 0.4, 0.9), (0.8, 0.3, 0.7), (0.2, 0.6, 0.95)]),
        _ret_days=(2.0, 0.5),
        _inspect=(-0.5, 0.6),
    )


@pytest.mark.parametrize("n", [1, 7, 5000])
def test_day_draws_are_the_old_tuples(n):
    """The day's columns hold the numbers the per-order tuples held, bit for bit and of the
    same Python types, and leave every stream where the tuples left it."""
    ref_o, new_o = _orders(n), _orders(n)
    ref = _tuples(ref_o, n)
    d = DayDraws(new_o, n)
    got = [
        (
            [d.u_decline[j], d.u_path[j], d.u_retry[j]],
            d.handling_h[j],
            d.carrier[j],
            d.transit_d[j],
            d.label_u[j],
            [d.u_ret[j], d.u_fraud[j], d.u_sig[j], d.inspect_h[j]],
            d.ret_days[j],
        )
        for j in range(n)
    ]
    assert got == ref
    assert [type(x) for x in got[0]] == [type(x) for x in ref[0]]
    if n > 100:  # every carrier drawn: the lookup by carrier is exercised
        assert len({r[2] for r in ref}) == 3
    for g in ("gen_pay", "gen_ship", "gen_ret"):  # the streams advanced alike
        assert getattr(new_o, g).random() == getattr(ref_o, g).random()


def test_day_draws_hold_no_container_per_order():
    """The point of the columns: a day of 5,000 orders is thirteen GC-tracked objects, not
    four containers an order."""
    d = DayDraws(_orders(3), 5000)
    cols = [getattr(d, name) for name in DayDraws.__slots__]
    assert all(len(c) == 5000 for c in cols)
    assert not any(gc.is_tracked(x) for c in cols for x in c[:10])
    assert sum(1 for o in [d, *cols] if gc.is_tracked(o)) <= 13

"""An online day's pre-drawn randomness: one flat column per quantity, an order is an index.

Every random number an online order of the day may need (payment, pick, carrier, transit,
label, return) is drawn in bulk when the day starts, per order *position*, so the streams stay
paired across orchestration models (common random numbers) whatever each order then does.

:class:`DayDraws` holds them as one ``array.array`` per quantity (8 bytes a number): an order
keeps the day object and its own index and reads a number when its stage needs it. No container
is built per order: the day's ~24,000 orders at XL size (alive until delivered or returned,
weeks) add twelve arrays for the cyclic garbage collector, whose numbers it never visits.
(Until 3 Dec 2026 each order held a 7-tuple with two nested lists:
four GC-tracked containers an order, 96,000 a day at XL, the bulk of the young objects every
generation-0 collection walked.) The numbers are those of the tuples, bit for bit
(``tests/test_order_draws.py``): the same draws, in the same order, from the same streams.
Units: hours for ``handling_h`` and ``inspect_h``, days for ``transit_d`` and ``ret_days``;
the ``u_*`` columns are uniforms on [0, 1); ``carrier`` is an index into the carriers.
"""

from __future__ import annotations

from array import array
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sim.orders import OnlineOrders


def _col(x: np.ndarray, code: str) -> array:
    """``x`` (float64 or int64) as a flat array of the same values."""
    out = array(code)
    out.frombytes(x.tobytes())
    return out


class DayDraws:
    """The day's draws, one column per quantity; order ``j`` of the day reads ``column[j]``."""

    __slots__ = (
        "carrier",
        "handling_h",
        "inspect_h",
        "label_u",
        "ret_days",
        "transit_d",
        "u_decline",
        "u_fraud",
        "u_path",
        "u_ret",
        "u_retry",
        "u_sig",
    )

    def __init__(self, orders: OnlineOrders, n: int) -> None:
        """Draw for ``n`` orders, in this order: from ``payments`` ``(n, 3)`` uniforms; from
        ``fulfilment`` handling normals, carrier uniforms, transit normals, on-time uniforms,
        late-extra normals, label uniforms; from ``returns`` ``(n, 3)`` uniforms, return-day
        normals, inspection normals. ``orders`` gives the streams and the distributions."""
        gen_pay, gen_ship, gen_ret = orders.gen_pay, orders.gen_ship, orders.gen_ret
        pay = gen_pay.random((n, 3))
        mu, sigma = orders._handling
        handling = np.exp(mu + sigma * gen_ship.standard_normal(n))
        carrier = np.minimum(
            np.searchsorted(orders._carrier_cdf, gen_ship.random(n), side="right"),
            len(orders.carriers) - 1,
        )
        tr, lt = orders._transit[carrier], orders._late[carrier]
        transit = np.exp(tr[:, 0] + tr[:, 1] * gen_ship.standard_normal(n))
        late = gen_ship.random(n) >= lt[:, 2]
        transit += late * np.exp(lt[:, 0] + lt[:, 1] * gen_ship.standard_normal(n))
        label_u = gen_ship.random(n)
        ret = gen_ret.random((n, 3))
        mu, sigma = orders._ret_days
        ret_days = np.exp(mu + sigma * gen_ret.standard_normal(n))
        mu, sigma = orders._inspect
        inspect_h = np.exp(mu + sigma * gen_ret.standard_normal(n)) * 24.0
        # columns of a C-ordered (n, 3) block are strided: ``tobytes`` copies them out
        self.u_decline, self.u_path, self.u_retry = (_col(pay[:, k], "d") for k in range(3))
        self.handling_h = _col(handling, "d")
        self.carrier = _col(carrier.astype(np.int64, copy=False), "q")
        self.transit_d = _col(transit, "d")
        self.label_u = _col(label_u, "d")
        self.u_ret, self.u_fraud, self.u_sig = (_col(ret[:, k], "d") for k in range(3))
        self.ret_days = _col(ret_days, "d")
        self.inspect_h = _col(inspect_h, "d")

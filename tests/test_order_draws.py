"""The online orders' ticket draws served by a C-level iterator (``sim.orders.uniforms``) are
the numbers :class:`sim.rng.Buffered` served before, call for call."""

import numpy as np

from sim.orders import uniforms
from sim.rng import Buffered


def test_uniforms_are_buffered_uniforms():
    fast = uniforms(np.random.default_rng(11), 16)
    ref = Buffered(np.random.default_rng(11), block=16)
    got = [fast() for _ in range(100)]
    assert got == [ref.uniform() for _ in range(100)]
    assert len(set(got)) == 100

"""Random streams: one independent numpy Generator per named source of randomness.

A run's randomness is a tree of :class:`numpy.random.SeedSequence`: the scenario seed at the
root, the replication index below it, and one child per *named* source below that
(``"demand.pos"``, ``"supplier.lead_time"``, ...). A stream is addressed by name, not by the
order in which it was created, so adding a new source never shifts the numbers of the others,
and the same replication index gives the same demand, lead-time and fault streams under every
orchestration model (common random numbers: model comparisons are paired).

The name is turned into integers with a stable hash (CRC-32 of its UTF-8 bytes), never Python's
``hash`` (which changes with PYTHONHASHSEED).
"""

from __future__ import annotations

import math
import zlib

import numpy as np


def name_key(name: str) -> int:
    """Stable integer key for a stream name (independent of PYTHONHASHSEED)."""
    return zlib.crc32(name.encode("utf-8"))


class Streams:
    """Factory of named, independent random generators for one (seed, replication)."""

    def __init__(self, seed: int, replication: int = 0):
        if seed < 0 or replication < 0:
            raise ValueError("seed and replication must be non-negative")
        self.seed = seed
        self.replication = replication
        self._cache: dict[str, np.random.Generator] = {}

    def sequence(self, name: str) -> np.random.SeedSequence:
        return np.random.SeedSequence(
            entropy=self.seed, spawn_key=(self.replication, name_key(name))
        )

    def get(self, name: str) -> np.random.Generator:
        """The generator of source ``name`` (created once, then shared by its users)."""
        gen = self._cache.get(name)
        if gen is None:
            gen = np.random.Generator(np.random.PCG64(self.sequence(name)))
            self._cache[name] = gen
        return gen

    def fresh(self, name: str) -> np.random.Generator:
        """A new generator for ``name`` at its start (for tests and re-draws)."""
        return np.random.Generator(np.random.PCG64(self.sequence(name)))


def lognormal(gen: np.random.Generator, mu: float, sigma: float, size=None):
    """Lognormal draws given log-space mu and sigma (sigma 0 gives the median exactly)."""
    if sigma <= 0.0:
        return np.full(size, np.exp(mu)) if size is not None else float(np.exp(mu))
    return gen.lognormal(mu, sigma, size)


class Buffered:
    """Scalar draws served from blocks of one numpy call: same numbers, far less overhead.

    ``uniform()`` and ``normal()`` each consume their own block, drawn from the generator
    in the order the blocks are needed, so a stream stays deterministic for a given sequence
    of calls (a per-call ``gen.random()`` costs about a microsecond of Python overhead).

    ``lognormal(mu, sigma)`` is ``exp(mu + sigma * normal())``: numpy's ``gen.lognormal(mu,
    sigma)`` computes exactly that from one standard normal, so a stream whose only draws are
    lognormals (of any parameters) gives the same numbers call by call as :func:`lognormal`
    (``tests/test_rng_blocks.py`` compares them bit for bit).
    """

    __slots__ = ("_gen", "_n", "_norm", "_norm_i", "_unif", "_unif_i")

    def __init__(self, gen: np.random.Generator, block: int = 4096):
        self._gen = gen
        self._n = block
        self._unif: list[float] = []
        self._unif_i = 0
        self._norm: list[float] = []
        self._norm_i = 0

    def uniform(self) -> float:
        i = self._unif_i
        if i >= len(self._unif):
            self._unif = self._gen.random(self._n).tolist()
            i = 0
        self._unif_i = i + 1
        return self._unif[i]

    def normal(self) -> float:
        i = self._norm_i
        if i >= len(self._norm):
            self._norm = self._gen.standard_normal(self._n).tolist()
            i = 0
        self._norm_i = i + 1
        return self._norm[i]

    def lognormal(self, mu: float, sigma: float) -> float:
        """One lognormal draw given log-space mu and sigma; sigma 0 gives the median exactly
        and takes no draw, as :func:`lognormal` does."""
        if sigma <= 0.0:
            return float(np.exp(mu))
        return math.exp(mu + sigma * self.normal())

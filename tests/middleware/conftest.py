"""Shared fixtures for the middleware tests: a fresh clock and a seeded random stream."""

from __future__ import annotations

import numpy as np
import pytest
import simpy


@pytest.fixture
def env() -> simpy.Environment:
    return simpy.Environment()


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20240601)

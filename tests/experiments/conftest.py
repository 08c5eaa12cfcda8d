"""Fixtures of the experiment tests: the test-only models (as a plugin) and short scenarios."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest

from experiments.plugins import load_plugin

#: shipped to every worker by path, so process-pool and Dask workers register the same models
PLUGIN = str(Path(__file__).with_name("models_for_tests.py"))


@pytest.fixture(scope="session")
def test_models() -> ModuleType:
    """The test-only models, registered in this process (and named for the workers)."""
    return load_plugin(PLUGIN)


@pytest.fixture(scope="session")
def fast(test_models: ModuleType) -> str:
    return test_models.FAST_SYNC


@pytest.fixture(scope="session")
def flaky(test_models: ModuleType) -> str:
    return test_models.FLAKY

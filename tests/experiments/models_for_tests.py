"""Test-only orchestration models, loaded as a *plugin* so that pool and Dask workers have them.

- ``test_manual_fast_sync``: the manual model with hourly-ish channel syncs and a higher PO
  auto-approval threshold — a genuinely different design on the same world.
- ``test_manual_flaky``: the manual model, except that it raises when the scenario's promotion
  uplift is :data:`FAIL_UPLIFT` — a grid point that fails, for the failure-recording tests.
"""

from __future__ import annotations

from orchestration.models import model_names, register
from orchestration.models.manual import ManualModel
from scenarios.schema import Scenario

FAST_SYNC = "test_manual_fast_sync"
FLAKY = "test_manual_flaky"
FAIL_UPLIFT = 3.0


class FastSyncModel(ManualModel):
    name = FAST_SYNC

    def __init__(self, scenario: Scenario, params=None, audit=None):
        fast = scenario.orchestration.manual.model_copy(
            update={"channel_sync_interval_h": 4.0, "po_auto_approve_below": 5_000.0}
        )
        super().__init__(scenario, fast, audit)


class FlakyModel(ManualModel):
    name = FLAKY

    def __init__(self, scenario: Scenario, params=None, audit=None):
        if scenario.demand.promo_uplift == FAIL_UPLIFT:
            raise RuntimeError(f"simulated model failure at promo_uplift={FAIL_UPLIFT}")
        super().__init__(scenario, params, audit)


if FAST_SYNC not in model_names():
    register(FAST_SYNC, "test only: manual with 4-hourly channel syncs")(FastSyncModel)
if FLAKY not in model_names():
    register(FLAKY, "test only: manual that fails at one promo uplift")(FlakyModel)

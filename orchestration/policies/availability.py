"""Availability policies: how the channels' published availability follows the ERP's records.

The channels sell from a feed; a policy says when it is refreshed — changed SKUs pushed every
``push_every_min`` minutes (event-driven), a nightly full file that repairs what a lost push
left stale (``nightly_repair_hour``) — and what is published for a SKU: the records' available
units less the channel's safety stock, never below zero.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class PushOnChange:
    """Changed SKUs pushed to both channels every ``push_every_min`` minutes by an n8n flow (a
    failed push keeps them marked); with ``nightly_repair_hour``, a full file every night too."""

    push_every_min: float
    nightly_repair_hour: float | None = None
    pushes = True

    def published(self, available: np.ndarray, safety_units: int) -> np.ndarray:
        return np.maximum(available - safety_units, 0)


@dataclass(frozen=True)
class NightlyFile:
    """Manual: the ERP's full availability file re-published on both channels at
    ``sync_hour`` and every ``interval_h`` after, straight from the ERP (no middleware); a
    failed file is not retried — the feed stays stale until the next one."""

    sync_hour: float
    interval_h: float
    pushes = False
    nightly_repair_hour = None

    def published(self, available: np.ndarray, safety_units: int) -> np.ndarray:
        return np.maximum(available - safety_units, 0)

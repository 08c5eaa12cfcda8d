"""Time units of the middleware: the one place where seconds, milliseconds and hours meet.

The shared SimPy clock counts **hours** (`env.now` is hours since the start of the run). n8n's own
settings are in milliseconds (`waitBetweenTries`) or seconds (timeouts, Wait node, polls) and hop
latencies are in seconds. Every conversion in this package goes through these helpers, so a unit
slip can only happen here.
"""

from __future__ import annotations

SECONDS_PER_HOUR = 3600.0
MS_PER_SECOND = 1000.0


def s_to_h(seconds: float) -> float:
    """Seconds -> simulated hours."""
    return seconds / SECONDS_PER_HOUR


def h_to_s(hours: float) -> float:
    """Simulated hours -> seconds."""
    return hours * SECONDS_PER_HOUR


def ms_to_h(milliseconds: float) -> float:
    """Milliseconds -> simulated hours."""
    return milliseconds / (MS_PER_SECOND * SECONDS_PER_HOUR)

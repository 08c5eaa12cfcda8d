"""Circuit breakers and the dead-letter queue on the automated models' outbound path, in runs.

A two-day payment-gateway outage on the tiny retailer under ``event_driven`` (refunds paid at
initiation, returns made frequent): without configuration nothing changes (no breaker; failed
refund payments parked and dead-lettered at once); a breaker on the payment gateway trips and
rejects calls without making them; a redriven dead-letter queue pays the parked refunds once the
gateway is back and settles their events instead of dead-lettering them.
"""

from __future__ import annotations

import pytest

from experiments.runner import run_replication
from scenarios.loader import ScenarioError, load_scenario

OUTAGE = [
    "orchestration.model=event_driven",
    "horizon_days=21",
    # many quick returns, so refunds are being paid while the gateway is down
    "demand.returns.online_rate=0.6",
    "demand.returns.online_return_days={median: 3, p90: 6}",
    "faults.outages=[{target: payment_gateway, start_day: 8, duration_h: 48, intensity: 1.0}]",
]
BREAKER = (
    "orchestration.integration.breakers={payment_gateway: {window_size: 4, minimum_calls: 4, "
    "open_duration_s: 1800, half_open_probes: 1}}"
)


def _kpis(*extra: str) -> dict:
    return run_replication(load_scenario("tiny", [*OUTAGE, *extra]), 0).kpis


@pytest.fixture(scope="module")
def plain() -> dict:
    return _kpis()


def test_failed_work_is_parked_and_dead_lettered_by_default(plain):
    assert plain["dead_letter_queue_parked_total"] > 0
    assert plain["events_dead_lettered_total"] >= plain["dead_letter_queue_parked_total"]
    assert plain["dead_letter_queue_depth_at_end"] == plain["dead_letter_queue_parked_total"]
    assert plain["dead_letter_queue_redriven_total"] == 0
    assert plain["circuit_breaker_opened_total"] == 0
    assert plain["circuit_breaker_rejected_calls_total"] == 0


def test_an_outage_trips_the_breaker_which_rejects_calls(plain):
    k = _kpis(BREAKER)
    assert k["circuit_breaker_opened_total"] >= 1
    assert k["circuit_breaker_rejected_calls_total"] > 0  # calls the gateway never saw
    # the breaker only fails fast: what fails and what is paid does not change here
    assert k["dead_letter_queue_parked_total"] == plain["dead_letter_queue_parked_total"]


def test_a_redriven_queue_pays_the_parked_refunds_after_the_outage(plain):
    k = _kpis("orchestration.integration.dead_letters={redrive_every_h: 6, max_redrives: 20}")
    assert k["dead_letter_queue_parked_total"] > 0
    assert k["dead_letter_queue_redriven_total"] > 0
    assert k["refunds_paid"] > plain["refunds_paid"]
    assert k["events_dead_lettered_total"] < plain["events_dead_lettered_total"]
    # every letter is redriven, expired or still waiting
    assert k["dead_letter_queue_parked_total"] == (
        k["dead_letter_queue_redriven_total"]
        + k["dead_letter_queue_expired_total"]
        + k["dead_letter_queue_depth_at_end"]
    )


def test_a_breaker_whose_minimum_exceeds_its_window_is_rejected_at_load():
    with pytest.raises(ScenarioError, match="minimum_calls"):
        load_scenario(
            "tiny",
            [
                "orchestration.integration.breakers={payment_gateway: {window_size: 4, "
                "minimum_calls: 9}}"
            ],
        )

"""The attack library: abuse attempts against the twin's integrations, as data and generators.

An *attack* is one attempt to make the ERP move money it should not: a frozen :class:`Attack`
with its ``kind``, its arrival time ``t_h`` (SIMULATED HOURS, like ``env.now``), the ``amount``
lost if it gets through (currency units, EUR) and the :class:`Request` the ERP boundary sees —
the action, the integration credential presented, the raw webhook delivery (headers and body
bytes) if it came as a webhook, and the people involved. Nothing in a request says "attack":
the controls of :mod:`orchestration.security.controls` must tell from the bytes and the facts.

The six classes (:class:`AttackKind`), each built on a *genuine* request of the twin:

* ``forged_refund`` — a ``refund.created`` webhook "from the payment gateway", signed with a
  secret the attacker made up (so the signature is wrong);
* ``replayed_webhook`` — a genuine, validly signed refund webhook captured and posted again
  1-290 s later, inside the 300 s timestamp tolerance (same ``webhook-id``);
* ``tampered_payload`` — a genuine refund webhook whose body was changed in transit (the amount
  inflated 5-50x) after signing, headers untouched; the loss is the inflation;
* ``self_approval`` — a store manager approves the refund they requested themselves;
* ``bank_change_fraud`` — an accounts-payable clerk changes a supplier's bank account,
  "confirms" the change themselves, and a payment to that supplier is then approved (by an
  honest finance manager who cannot see the account changed) and sent to the new account;
* ``scope_misuse`` — the carrier's integration key, leaked, used to issue a refund.

:func:`generate` draws one class as a Poisson process of ``rate_per_day`` attempts per simulated
day over ``horizon_days``, from an explicit :class:`numpy.random.Generator`; :func:`generate_mix`
draws several classes, one spawned stream per class. Webhook timestamps are integer SIMULATED
SECONDS (``floor(t_h * 3600)``), the time base of :func:`orchestration.resilience.sim_clock_s`.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

import numpy as np

from orchestration.resilience.clock import SECONDS_PER_HOUR
from orchestration.security.credentials import CARRIER, PAYMENT_GATEWAY
from orchestration.security.signatures import (
    WebhookDelivery,
    encode_secret,
    generate_secret,
    sign_delivery,
)

__all__ = [
    "ATTACKS",
    "SIMULATION_SECRET",
    "Attack",
    "AttackKind",
    "AttackSpec",
    "BankChange",
    "Request",
    "generate",
    "generate_mix",
    "refund_request",
]

#: The webhook secret the twin's simulated senders sign with (deterministic; simulation only).
SIMULATION_SECRET = encode_secret(hashlib.sha256(b"retail-twin simulated webhook secret").digest())


class AttackKind(StrEnum):
    FORGED_REFUND = "forged_refund"
    REPLAYED_WEBHOOK = "replayed_webhook"
    TAMPERED_PAYLOAD = "tampered_payload"
    SELF_APPROVAL = "self_approval"
    BANK_CHANGE_FRAUD = "bank_change_fraud"
    SCOPE_MISUSE = "scope_misuse"


@dataclass(frozen=True, slots=True)
class BankChange:
    """A change of a supplier's bank account: who requested it and who confirmed it."""

    supplier: str
    requested_by: str
    confirmed_by: str | None


@dataclass(frozen=True, slots=True)
class Request:
    """What the ERP boundary sees of one attempt.

    ``integration`` names the credential presented (None: a person in the ERP's own UI);
    ``delivery`` is the raw webhook (None: an API call or a UI action); ``requested_by`` /
    ``approved_by`` are people ``"<pool>:<i>"``; ``bank_change`` is a change of the payee's
    bank account made just before this payment.
    """

    action: str
    integration: str | None = None
    delivery: WebhookDelivery | None = None
    requested_by: str | None = None
    approved_by: str | None = None
    bank_change: BankChange | None = None


@dataclass(frozen=True, slots=True)
class Attack:
    """One attempt: its class, arrival (simulated h), loss if it gets through (EUR), request.

    ``captured`` (replays only) is the genuine request the attacker copied; it reached the ERP
    just before the copy and is legitimate traffic, not an attempt.
    """

    kind: AttackKind
    t_h: float
    amount: float
    request: Request
    captured: Request | None = None

    @property
    def payload(self) -> bytes | None:
        """The raw webhook body the attack delivers, or None if it is not a webhook."""
        return None if self.request.delivery is None else self.request.delivery.body


@dataclass(frozen=True, slots=True)
class AttackSpec:
    """The data of one attack class: what it is and its amount (lognormal, EUR)."""

    kind: AttackKind
    description: str
    amount_median: float
    amount_sigma: float


ATTACKS: Mapping[AttackKind, AttackSpec] = MappingProxyType(
    {
        spec.kind: spec
        for spec in (
            AttackSpec(AttackKind.FORGED_REFUND, "refund webhook with a forged signature", 90, 0.8),
            AttackSpec(AttackKind.REPLAYED_WEBHOOK, "signed refund webhook sent twice", 90, 0.8),
            AttackSpec(AttackKind.TAMPERED_PAYLOAD, "refund amount changed after signing", 40, 0.6),
            AttackSpec(AttackKind.SELF_APPROVAL, "refund approved by its requester", 250, 0.7),
            AttackSpec(
                AttackKind.BANK_CHANGE_FRAUD,
                "supplier bank change self-confirmed, then paid",
                12_000,
                0.6,
            ),
            AttackSpec(AttackKind.SCOPE_MISUSE, "carrier key used to issue a refund", 300, 0.8),
        )
    }
)


# --------------------------------------------------------------------------- genuine traffic
def _refund_body(order: int, amount: float, timestamp_s: int) -> bytes:
    event = {
        "type": "refund.created",
        "timestamp": timestamp_s,
        "data": {"order": f"SO{order:06d}", "amount": f"{amount:.2f}", "currency": "EUR"},
    }
    return json.dumps(event, separators=(",", ":")).encode()


def _msg_id(rng: np.random.Generator) -> str:
    return "msg_" + rng.bytes(12).hex()


def refund_request(
    amount: float,
    timestamp_s: int,
    rng: np.random.Generator,
    secret: str = SIMULATION_SECRET,
    order: int | None = None,
) -> Request:
    """A genuine ``refund.created`` webhook from the payment gateway, signed with ``secret``."""
    order = int(rng.integers(1_000_000)) if order is None else order
    return Request(
        "refunds.write", PAYMENT_GATEWAY, _signed_refund(order, amount, timestamp_s, rng, secret)
    )


def _signed_refund(
    order: int, amount: float, timestamp_s: int, rng: np.random.Generator, secret: str
) -> WebhookDelivery:
    body = _refund_body(order, amount, timestamp_s)
    return sign_delivery(secret, _msg_id(rng), timestamp_s, body)


# --------------------------------------------------------------------------- builders
def _amount(rng: np.random.Generator, kind: AttackKind) -> float:
    spec = ATTACKS[kind]
    return max(
        0.01, round(float(rng.lognormal(math.log(spec.amount_median), spec.amount_sigma)), 2)
    )


def _person(rng: np.random.Generator, pool: str, size: int) -> str:
    return f"{pool}:{int(rng.integers(size))}"


def _forged_refund(t_h: float, rng: np.random.Generator, secret: str) -> Attack:
    amount, ts = _amount(rng, AttackKind.FORGED_REFUND), math.floor(t_h * SECONDS_PER_HOUR)
    body = _refund_body(int(rng.integers(1_000_000)), amount, ts)
    delivery = sign_delivery(generate_secret(rng), _msg_id(rng), ts, body)  # attacker's guess
    request = Request("refunds.write", PAYMENT_GATEWAY, delivery)
    return Attack(AttackKind.FORGED_REFUND, t_h, amount, request)


def _replayed_webhook(t_h: float, rng: np.random.Generator, secret: str) -> Attack:
    amount = _amount(rng, AttackKind.REPLAYED_WEBHOOK)
    lag_s = float(rng.uniform(1.0, 290.0))
    ts = max(0, math.floor(t_h * SECONDS_PER_HOUR - lag_s))
    genuine = refund_request(amount, ts, rng, secret)
    return Attack(AttackKind.REPLAYED_WEBHOOK, t_h, amount, genuine, captured=genuine)


def _tampered_payload(t_h: float, rng: np.random.Generator, secret: str) -> Attack:
    genuine_amount = _amount(rng, AttackKind.TAMPERED_PAYLOAD)
    inflated = round(genuine_amount * float(rng.uniform(5.0, 50.0)), 2)
    ts = max(0, math.floor(t_h * SECONDS_PER_HOUR - float(rng.uniform(0.0, 2.0))))
    order = int(rng.integers(1_000_000))
    headers = _signed_refund(order, genuine_amount, ts, rng, secret).headers
    tampered = WebhookDelivery(headers, _refund_body(order, inflated, ts))
    request = Request("refunds.write", PAYMENT_GATEWAY, tampered)
    return Attack(AttackKind.TAMPERED_PAYLOAD, t_h, round(inflated - genuine_amount, 2), request)


def _self_approval(t_h: float, rng: np.random.Generator, secret: str) -> Attack:
    manager = _person(rng, "store_manager", 12)
    request = Request("refunds.approve", requested_by=manager, approved_by=manager)
    return Attack(AttackKind.SELF_APPROVAL, t_h, _amount(rng, AttackKind.SELF_APPROVAL), request)


def _bank_change_fraud(t_h: float, rng: np.random.Generator, secret: str) -> Attack:
    clerk = _person(rng, "ap_clerk", 6)
    change = BankChange(f"supplier:{int(rng.integers(200))}", clerk, confirmed_by=clerk)
    approver = _person(rng, "finance_manager", 3)
    request = Request("payments.write", None, None, clerk, approver, change)
    amount = _amount(rng, AttackKind.BANK_CHANGE_FRAUD)
    return Attack(AttackKind.BANK_CHANGE_FRAUD, t_h, amount, request)


def _scope_misuse(t_h: float, rng: np.random.Generator, secret: str) -> Attack:
    request = Request("refunds.write", CARRIER)  # an API call with the leaked carrier key
    return Attack(AttackKind.SCOPE_MISUSE, t_h, _amount(rng, AttackKind.SCOPE_MISUSE), request)


_BUILDERS: Mapping[AttackKind, Callable[[float, np.random.Generator, str], Attack]] = {
    AttackKind.FORGED_REFUND: _forged_refund,
    AttackKind.REPLAYED_WEBHOOK: _replayed_webhook,
    AttackKind.TAMPERED_PAYLOAD: _tampered_payload,
    AttackKind.SELF_APPROVAL: _self_approval,
    AttackKind.BANK_CHANGE_FRAUD: _bank_change_fraud,
    AttackKind.SCOPE_MISUSE: _scope_misuse,
}


# --------------------------------------------------------------------------- generators
def generate(
    kind: AttackKind | str,
    rate_per_day: float,
    horizon_days: float,
    rng: np.random.Generator,
    *,
    secret: str = SIMULATION_SECRET,
) -> list[Attack]:
    """Attempts of one class as a Poisson process, in arrival order.

    ``rate_per_day`` attempts per simulated day on average over ``horizon_days``; ``secret`` is
    the genuine senders' webhook secret (what replays and tampered payloads were signed with).
    """
    kind = AttackKind(kind)
    if rate_per_day < 0 or not math.isfinite(rate_per_day):
        raise ValueError(f"rate_per_day must be a finite number >= 0, got {rate_per_day}")
    if horizon_days <= 0:
        raise ValueError(f"horizon_days must be > 0, got {horizon_days}")
    n = int(rng.poisson(rate_per_day * horizon_days))
    times_h = np.sort(rng.uniform(0.0, horizon_days * 24.0, n))
    build = _BUILDERS[kind]
    return [build(float(t), rng, secret) for t in times_h]


def generate_mix(
    rates_per_day: Mapping[AttackKind | str, float],
    horizon_days: float,
    rng: np.random.Generator,
    *,
    secret: str = SIMULATION_SECRET,
) -> list[Attack]:
    """Attempts of several classes, merged in arrival order; one spawned stream per class.

    Each class always draws from the same child stream (its position in :class:`AttackKind`),
    so adding a class to ``rates_per_day`` leaves the draws of the others unchanged.
    """
    rates = {AttackKind(k): v for k, v in rates_per_day.items()}
    streams = dict(zip(AttackKind, rng.spawn(len(AttackKind)), strict=True))
    attacks = [
        a
        for kind in AttackKind
        if kind in rates
        for a in generate(kind, rates[kind], horizon_days, streams[kind], secret=secret)
    ]
    return sorted(attacks, key=lambda a: a.t_h)

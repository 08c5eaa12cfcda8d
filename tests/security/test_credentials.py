"""Least-privilege integration credentials: a key may do its own job and nothing else."""

from __future__ import annotations

import dataclasses

import pytest

from orchestration.security import (
    ACTIONS,
    CARRIER,
    DEFAULT_SCOPES,
    ECOMMERCE_CONNECTOR,
    N8N_ODOO,
    PAYMENT_GATEWAY,
    Credential,
    ScopeDenied,
    ScopeGuard,
    default_credentials,
)


@pytest.mark.parametrize("integration", sorted(DEFAULT_SCOPES))
def test_each_default_credential_is_denied_every_action_outside_its_scopes(integration):
    """Every known action a default key was not granted raises ScopeDenied; granted ones pass."""
    credential = default_credentials()[integration]
    guard = ScopeGuard()
    outside = sorted(ACTIONS - credential.scopes)
    assert outside, "a least-privilege key must not hold every action"
    for action in outside:
        with pytest.raises(ScopeDenied) as info:
            guard.check(credential, action)
        assert (info.value.integration, info.value.action) == (integration, action)
    for action in sorted(credential.scopes):
        guard.check(credential, action)
    assert guard.denied_total == len(outside)
    assert guard.checks_total == len(outside) + len(credential.scopes)


def test_a_carrier_key_cannot_issue_a_refund():
    """The article's example: a leaked carrier key is useless for moving money."""
    carrier = default_credentials()[CARRIER]
    with pytest.raises(ScopeDenied, match=r"carrier credential may not 'refunds\.write'"):
        ScopeGuard().check(carrier, "refunds.write")


def test_the_default_grants_match_the_twins_integrations():
    """Connector writes orders, carrier writes shipments, PSP refunds, n8n raises purchases."""
    creds = default_credentials()
    assert creds[ECOMMERCE_CONNECTOR].scopes == {"orders.write", "orders.read"}
    assert creds[CARRIER].scopes == {"shipments.write"}
    assert creds[PAYMENT_GATEWAY].scopes == {"refunds.write", "payments.read"}
    assert {"purchase.write", "stock.read"} <= creds[N8N_ODOO].scopes
    assert all(c.scopes <= ACTIONS for c in creds.values())


def test_no_integration_may_pay_suppliers_or_change_their_bank_details():
    """Supplier payments and master data stay with people, under segregation of duties."""
    for credential in default_credentials().values():
        assert not credential.scopes & {"payments.write", "vendors.write"}


def test_credentials_are_immutable_and_validate_scope_names():
    """Scopes are frozen to a frozenset; a malformed scope name is refused."""
    credential = Credential("pos", {"orders.read"})  # a set is frozen on the way in
    assert isinstance(credential.scopes, frozenset)
    with pytest.raises(dataclasses.FrozenInstanceError):
        credential.scopes = frozenset({"refunds.write"})  # type: ignore[misc]
    with pytest.raises(ValueError, match="scopes"):
        Credential("pos", frozenset({"*"}))
    with pytest.raises(ValueError, match="integration"):
        Credential("", frozenset())
    with pytest.raises(ValueError, match="action"):
        ScopeGuard().check(credential, "refund everything")


def test_the_guard_counts_denials_per_integration_and_action():
    guard = ScopeGuard()
    carrier = default_credentials()[CARRIER]
    for _ in range(3):
        with pytest.raises(ScopeDenied):
            guard.check(carrier, "refunds.write")
    assert guard.denied[CARRIER, "refunds.write"] == 3

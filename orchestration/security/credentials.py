"""Least-privilege integration credentials: each integration key may do only its own job.

A *credential* is the API key one integration of the twin presents to the ERP (the e-commerce
connector, the carrier, the payment gateway, the returns portal, n8n calling Odoo). It carries a
set of *scopes*, ``"<resource>.<verb>"`` strings such as ``"orders.write"``; an *action* the
integration attempts is named the same way. :class:`ScopeGuard` refuses an action outside the
credential's scopes (:class:`ScopeDenied`), so a leaked carrier key cannot issue a refund and a
leaked connector key cannot pay a supplier: the damage of a leak is limited to the scopes of the
key that leaked. There are no wildcards; every scope is granted by name.

:data:`DEFAULT_SCOPES` is the twin's least-privilege grant table, one row per integration. No
integration holds ``vendors.write`` (supplier master and bank details) or ``payments.write``
(supplier payments): those stay with people, under segregation of duties
(:mod:`orchestration.approvals.sod`). No units; nothing here reads a clock or draws numbers.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

__all__ = [
    "ACTIONS",
    "CARRIER",
    "DEFAULT_SCOPES",
    "ECOMMERCE_CONNECTOR",
    "N8N_ODOO",
    "PAYMENT_GATEWAY",
    "RETURNS_PORTAL",
    "Credential",
    "ScopeDenied",
    "ScopeGuard",
    "default_credentials",
]

ECOMMERCE_CONNECTOR = "ecommerce_connector"
CARRIER = "carrier"
PAYMENT_GATEWAY = "payment_gateway"
RETURNS_PORTAL = "returns_portal"
N8N_ODOO = "n8n_odoo"

#: Every action the twin's ERP boundary knows, as "<resource>.<verb>".
ACTIONS: frozenset[str] = frozenset(
    {
        "orders.read",
        "orders.write",
        "shipments.read",
        "shipments.write",
        "payments.read",
        "payments.write",  # pay a supplier
        "refunds.write",  # refund a customer
        "refunds.approve",
        "returns.write",
        "purchase.write",
        "purchase.approve",
        "stock.read",
        "stock.write",
        "vendors.write",  # supplier master data, bank details included
    }
)

#: The least-privilege grant of each integration of the twin.
DEFAULT_SCOPES: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        ECOMMERCE_CONNECTOR: frozenset({"orders.write", "orders.read"}),
        CARRIER: frozenset({"shipments.write"}),
        PAYMENT_GATEWAY: frozenset({"refunds.write", "payments.read"}),
        RETURNS_PORTAL: frozenset({"returns.write", "orders.read"}),
        N8N_ODOO: frozenset({"purchase.write", "stock.read", "orders.read"}),
    }
)

_SCOPE = re.compile(r"[a-z][a-z_]*\.[a-z][a-z_]*")


class ScopeDenied(PermissionError):
    """An integration attempted an action its credential was not granted."""

    def __init__(self, integration: str, action: str, scopes: frozenset[str]) -> None:
        self.integration, self.action, self.scopes = integration, action, scopes
        super().__init__(
            f"{integration} credential may not {action!r}; its scopes are {sorted(scopes)}"
        )


@dataclass(frozen=True, slots=True)
class Credential:
    """One integration's API key as the ERP sees it: who it is and what it may do."""

    integration: str
    scopes: frozenset[str]

    def __post_init__(self) -> None:
        if not self.integration:
            raise ValueError("a credential names its integration")
        scopes = frozenset(self.scopes)
        bad = sorted(s for s in scopes if not _SCOPE.fullmatch(s))
        if bad:
            raise ValueError(f"scopes are '<resource>.<verb>' names, got {bad}")
        object.__setattr__(self, "scopes", scopes)

    def allows(self, action: str) -> bool:
        return action in self.scopes


def default_credentials(
    grants: Mapping[str, Iterable[str]] = DEFAULT_SCOPES,
) -> dict[str, Credential]:
    """One credential per integration, keyed by integration name, from a grant table."""
    return {name: Credential(name, frozenset(scopes)) for name, scopes in grants.items()}


class ScopeGuard:
    """Checks each attempted action against the presenting credential's scopes, and counts."""

    def __init__(self) -> None:
        self.checks_total = 0
        self.denied_total = 0
        self.denied: Counter[tuple[str, str]] = Counter()  # (integration, action) -> denials

    def check(self, credential: Credential, action: str) -> None:
        """Let the action through, or raise ScopeDenied if it is outside the scopes."""
        if not _SCOPE.fullmatch(action):
            raise ValueError(f"an action is a '<resource>.<verb>' name, got {action!r}")
        self.checks_total += 1
        if not credential.allows(action):
            self.denied_total += 1
            self.denied[credential.integration, action] += 1
            raise ScopeDenied(credential.integration, action, credential.scopes)

"""Approval governance: the audit trail and the segregation-of-duties controls.

One concept per module; times are SIMULATED HOURS (``env.now``):

* ``audit``: ``AuditLog``, an append-only JSON-lines log of every approval step sealed by a
  SHA-256 hash chain plus a head sidecar, and ``verify``, which finds any edit, deletion,
  insertion, reordering or truncation of it.
* ``sod``: segregation of duties, preventive: ``check_roles`` (no role holds both sides of a
  conflicting permission pair), ``pick_approver`` / ``assign`` (never the requester, never one
  person on two steps of a request), ``BankChangeGuard`` (a supplier bank-detail change blocks
  payments until somebody else confirms it).
* ``matrix``: ``ApprovalMatrix``, the steps a request walks: the scenario's declared cells over
  each model's proposed steps (its default matrix), roles that route work, the dual-control tier.

The data these controls read (roles, matrix, dual approval tier, vacations, escalation) is
``scenarios.governance.Governance``.
"""

from orchestration.approvals.audit import (
    ACTIONS,
    GENESIS,
    KINDS,
    TIERS,
    AuditLog,
    AuditRecord,
    TamperKind,
    VerifyReport,
    canonical_json,
    head_path,
    read,
    seal,
    verify,
)
from orchestration.approvals.sod import (
    APPROVE_PERMISSION,
    CONFLICTS,
    CUSTOMER_CREATE,
    DISCOUNT_APPROVE,
    INVENTORY_ADJUST,
    ITEM_MAINTAIN,
    PERMISSIONS,
    PO_APPROVE,
    PO_CREATE,
    REFUND_APPROVE,
    VENDOR_CONFIRM,
    VENDOR_CREATE,
    VENDOR_PAY,
    Assignment,
    BankChangeGuard,
    Parties,
    PendingBankChange,
    Problem,
    assign,
    can_approve,
    check_escalation,
    check_governance,
    check_roles,
    eligible,
    pick_approver,
    required_approvers,
)

__all__ = [
    "ACTIONS",
    "APPROVE_PERMISSION",
    "CONFLICTS",
    "CUSTOMER_CREATE",
    "DISCOUNT_APPROVE",
    "GENESIS",
    "INVENTORY_ADJUST",
    "ITEM_MAINTAIN",
    "KINDS",
    "PERMISSIONS",
    "PO_APPROVE",
    "PO_CREATE",
    "REFUND_APPROVE",
    "TIERS",
    "VENDOR_CONFIRM",
    "VENDOR_CREATE",
    "VENDOR_PAY",
    "Assignment",
    "AuditLog",
    "AuditRecord",
    "BankChangeGuard",
    "Parties",
    "PendingBankChange",
    "Problem",
    "TamperKind",
    "VerifyReport",
    "assign",
    "can_approve",
    "canonical_json",
    "check_escalation",
    "check_governance",
    "check_roles",
    "eligible",
    "head_path",
    "pick_approver",
    "read",
    "required_approvers",
    "seal",
    "verify",
]

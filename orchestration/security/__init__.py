"""Security controls at the ERP boundary, as measurable designs.

The article's "Scalability, governance, and security" recommendations (webhook validation,
secret rotation, least-privilege integration access, segregation of duties on refunds and
supplier bank changes) as small building blocks, plus an attack library that measures them.
One concept per module; times are SIMULATED SECONDS unless a name ends in ``_h`` (hours, the
SimPy unit); amounts are EUR:

* ``signatures``: Standard Webhooks signing and verification (``webhook-id``,
  ``webhook-timestamp``, ``webhook-signature: v1,<base64>``; ``whsec_`` secrets; 300 s
  tolerance either way; rotation) and GitHub's ``X-Hub-Signature-256``.
* ``replay``: ``ReplayGuard``, each delivery id accepted once within the tolerance window.
* ``credentials``: ``Credential`` (integration + scopes), ``ScopeGuard``, the least-privilege
  ``DEFAULT_SCOPES`` of the twin's integrations.
* ``attacks``: the attack library — forged, replayed and tampered refund webhooks,
  self-approval, supplier bank-change fraud, a key used outside its scope — and Poisson
  generators over an explicit numpy Generator.
* ``controls``: ``ControlBoard``, which screens attempts through the controls switched on and
  counts, per control, attempts, blocks and the losses that got through.
"""

from orchestration.security.attacks import (
    ATTACKS,
    SIMULATION_SECRET,
    Attack,
    AttackKind,
    AttackSpec,
    BankChange,
    Request,
    generate,
    generate_mix,
    refund_request,
)
from orchestration.security.controls import (
    ALL_CONTROLS,
    GUARDS,
    PIPELINE,
    Control,
    ControlBoard,
    ControlStats,
    Outcome,
)
from orchestration.security.credentials import (
    ACTIONS,
    CARRIER,
    DEFAULT_SCOPES,
    ECOMMERCE_CONNECTOR,
    N8N_ODOO,
    PAYMENT_GATEWAY,
    RETURNS_PORTAL,
    Credential,
    ScopeDenied,
    ScopeGuard,
    default_credentials,
)
from orchestration.security.replay import ReplayedDelivery, ReplayGuard, ReplayStoreFull
from orchestration.security.signatures import (
    DEFAULT_TOLERANCE_S,
    GITHUB_HEADER,
    HEADER_ID,
    HEADER_SIGNATURE,
    HEADER_TIMESTAMP,
    SECRET_PREFIX,
    SIGNATURE_VERSION,
    MalformedHeader,
    NoMatchingSignature,
    SignatureError,
    TimestampOutOfTolerance,
    Verified,
    WebhookDelivery,
    WebhookVerifier,
    decode_secret,
    encode_secret,
    generate_secret,
    github_signature,
    sign,
    sign_delivery,
    signed_content,
    verify_github_signature,
)

__all__ = [
    "ACTIONS",
    "ALL_CONTROLS",
    "ATTACKS",
    "CARRIER",
    "DEFAULT_SCOPES",
    "DEFAULT_TOLERANCE_S",
    "ECOMMERCE_CONNECTOR",
    "GITHUB_HEADER",
    "GUARDS",
    "HEADER_ID",
    "HEADER_SIGNATURE",
    "HEADER_TIMESTAMP",
    "N8N_ODOO",
    "PAYMENT_GATEWAY",
    "PIPELINE",
    "RETURNS_PORTAL",
    "SECRET_PREFIX",
    "SIGNATURE_VERSION",
    "SIMULATION_SECRET",
    "Attack",
    "AttackKind",
    "AttackSpec",
    "BankChange",
    "Control",
    "ControlBoard",
    "ControlStats",
    "Credential",
    "MalformedHeader",
    "NoMatchingSignature",
    "Outcome",
    "ReplayGuard",
    "ReplayStoreFull",
    "ReplayedDelivery",
    "Request",
    "ScopeDenied",
    "ScopeGuard",
    "SignatureError",
    "TimestampOutOfTolerance",
    "Verified",
    "WebhookDelivery",
    "WebhookVerifier",
    "decode_secret",
    "default_credentials",
    "encode_secret",
    "generate",
    "generate_mix",
    "generate_secret",
    "github_signature",
    "refund_request",
    "sign",
    "sign_delivery",
    "signed_content",
    "verify_github_signature",
]

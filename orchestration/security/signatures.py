"""Webhook signatures: did this delivery come from the holder of the secret, unchanged, just now?

A webhook is an HTTP POST from outside; anyone who knows the URL can send one (Odoo's inbound
``/web/hook/<uuid>`` has no authentication but the secret uuid, ODOO.md §2.1). A *signature*
binds the delivery to a shared secret. Two schemes are implemented, both HMAC-SHA256 over the
**raw body bytes** as received — never over a parsed and re-serialised body, whose bytes differ
(key order, whitespace) and must fail:

**Standard Webhooks 1.0** (https://www.standardwebhooks.com, ``spec/standard-webhooks.md``):

* headers ``webhook-id`` (the delivery id, same on every retry; the replay key, see
  :mod:`orchestration.security.replay`), ``webhook-timestamp`` (integer seconds) and
  ``webhook-signature``: a space-separated list of ``<version>,<base64 signature>`` entries, one
  per active secret, so a secret can be rotated with no downtime; ``v1`` is HMAC-SHA256;
* signed content ``"{webhook-id}.{webhook-timestamp}.{raw body}"``;
* secrets serialised as ``whsec_<base64>`` (24 to 64 random bytes);
* the receiver rejects a timestamp more than ``tolerance_s`` (300 s) away from its clock, in
  either direction, and compares signatures in constant time (:func:`hmac.compare_digest`).
  The comparison is on the canonical base64 text, so a non-canonical spelling of the right MAC
  (base64's unused low bits flipped in the last character) is rejected as well.

**GitHub** ``X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>``, checked against
GitHub's published test vector. It signs no timestamp and no id: it proves origin and integrity,
not freshness, so replays must be stopped by other means.

Time: the verifier reads an injected clock in SIMULATED SECONDS (``Clock`` of
:mod:`orchestration.resilience.clock`); the timestamps it compares are in the same seconds. It
never reads the wall clock. Failures raise :class:`SignatureError` subclasses:
:class:`MalformedHeader`, :class:`TimestampOutOfTolerance`, :class:`NoMatchingSignature`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from orchestration.resilience.clock import Clock

__all__ = [
    "DEFAULT_TOLERANCE_S",
    "GITHUB_HEADER",
    "HEADER_ID",
    "HEADER_SIGNATURE",
    "HEADER_TIMESTAMP",
    "SECRET_PREFIX",
    "SIGNATURE_VERSION",
    "MalformedHeader",
    "NoMatchingSignature",
    "SignatureError",
    "TimestampOutOfTolerance",
    "Verified",
    "WebhookDelivery",
    "WebhookVerifier",
    "decode_secret",
    "encode_secret",
    "generate_secret",
    "github_signature",
    "sign",
    "sign_delivery",
    "signed_content",
    "verify_github_signature",
]

HEADER_ID = "webhook-id"
HEADER_TIMESTAMP = "webhook-timestamp"
HEADER_SIGNATURE = "webhook-signature"
GITHUB_HEADER = "X-Hub-Signature-256"
SECRET_PREFIX = "whsec_"
SIGNATURE_VERSION = "v1"  # symmetric HMAC-SHA256 (``v1a`` would be ed25519, not supported here)
#: How far a delivery's timestamp may be from the receiver's clock, either way (simulated s).
DEFAULT_TOLERANCE_S = 300.0
#: The spec's bounds for a symmetric secret, in bytes.
MIN_SECRET_BYTES, MAX_SECRET_BYTES = 24, 64

_TIMESTAMP = re.compile(r"[0-9]{1,15}")  # ASCII digits only: int() would also take " 12" or "١٢"
_DELIVERY_ID = re.compile(r"[!-~]{1,256}")  # printable ASCII, no space; '.' is refused apart
_GITHUB_PREFIX = "sha256="


class SignatureError(Exception):
    """A delivery failed signature verification; the receiver must not act on it."""


class MalformedHeader(SignatureError):
    """A signature header is missing, empty, or not in the documented format."""


class TimestampOutOfTolerance(SignatureError):
    """The delivery's timestamp is more than the tolerance away from the receiver's clock."""

    def __init__(self, timestamp_s: int, now_s: float, tolerance_s: float) -> None:
        self.timestamp_s, self.now_s, self.tolerance_s = timestamp_s, now_s, tolerance_s
        side = "old" if timestamp_s < now_s else "new"
        super().__init__(
            f"timestamp {timestamp_s} s is too {side}: {abs(now_s - timestamp_s):g} s from the "
            f"clock ({now_s:g} s), tolerance {tolerance_s:g} s"
        )


class NoMatchingSignature(SignatureError):
    """No signature in the header matches the body under any active secret."""


# --------------------------------------------------------------------------- secrets
def decode_secret(secret: str) -> bytes:
    """The HMAC key of a ``whsec_<base64>`` secret (unpadded base64 accepted).

    Raises ValueError (a configuration error, not a SignatureError) for a missing prefix, bad
    base64, or a key outside the spec's 24-64 bytes.
    """
    if not secret.startswith(SECRET_PREFIX):
        raise ValueError(f"a webhook secret starts with {SECRET_PREFIX!r}")
    text = secret[len(SECRET_PREFIX) :]
    try:
        key = base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except binascii.Error as exc:
        raise ValueError(f"a webhook secret is {SECRET_PREFIX}<base64>: {exc}") from None
    if not MIN_SECRET_BYTES <= len(key) <= MAX_SECRET_BYTES:
        raise ValueError(
            f"a webhook secret holds {MIN_SECRET_BYTES}-{MAX_SECRET_BYTES} bytes, got {len(key)}"
        )
    return key


def encode_secret(key: bytes) -> str:
    """The ``whsec_<base64>`` serialisation of a raw key."""
    return SECRET_PREFIX + base64.b64encode(key).decode("ascii")


def generate_secret(rng: np.random.Generator, n_bytes: int = 32) -> str:
    """A fresh ``whsec_`` secret drawn from ``rng`` (simulation only: not a CSPRNG)."""
    return encode_secret(rng.bytes(n_bytes))


# --------------------------------------------------------------------------- signing
def signed_content(msg_id: str, timestamp: int | str, body: bytes) -> bytes:
    """The bytes a Standard Webhooks signature covers: ``{id}.{timestamp}.{raw body}``."""
    return f"{msg_id}.{timestamp}.".encode() + bytes(body)


def _mac_b64(key: bytes, content: bytes) -> bytes:
    return base64.b64encode(hmac.new(key, content, hashlib.sha256).digest())


def sign(secret: str, msg_id: str, timestamp_s: int, body: bytes) -> str:
    """One ``v1,<base64>`` signature entry of a delivery under ``secret``."""
    mac = _mac_b64(decode_secret(secret), signed_content(msg_id, timestamp_s, body))
    return f"{SIGNATURE_VERSION},{mac.decode('ascii')}"


@dataclass(frozen=True, slots=True)
class WebhookDelivery:
    """One HTTP delivery as the receiver gets it: header (name, value) pairs and the raw body."""

    headers: tuple[tuple[str, str], ...]
    body: bytes

    @classmethod
    def of(cls, headers: Mapping[str, str], body: bytes) -> WebhookDelivery:
        return cls(tuple(headers.items()), bytes(body))

    @property
    def header_map(self) -> dict[str, str]:
        """The headers with lower-cased names (HTTP header names are case-insensitive)."""
        return {k.lower(): v for k, v in self.headers}


def sign_delivery(
    secrets: str | Sequence[str], msg_id: str, timestamp_s: int, body: bytes
) -> WebhookDelivery:
    """The sender's side: a delivery with the three headers, signed once per active secret."""
    keys = [secrets] if isinstance(secrets, str) else list(secrets)
    if not keys:
        raise ValueError("sign_delivery needs at least one secret")
    signature = " ".join(sign(s, msg_id, timestamp_s, body) for s in keys)
    headers = {HEADER_ID: msg_id, HEADER_TIMESTAMP: str(timestamp_s), HEADER_SIGNATURE: signature}
    return WebhookDelivery.of(headers, body)


# --------------------------------------------------------------------------- verifying
@dataclass(frozen=True, slots=True)
class Verified:
    """A delivery that passed: its id and timestamp (s), and which active secret matched."""

    msg_id: str
    timestamp_s: int
    secret_index: int


class WebhookVerifier:
    """The receiver's side of Standard Webhooks, over one endpoint's active secrets.

    ``secrets`` are all secrets currently accepted, newest first: during a rotation both the new
    and the old one; a retired secret is simply left out. ``clock`` returns simulated seconds.
    """

    def __init__(
        self,
        secrets: Sequence[str],
        clock: Clock,
        tolerance_s: float = DEFAULT_TOLERANCE_S,
    ) -> None:
        if isinstance(secrets, str) or not secrets:
            raise ValueError("WebhookVerifier needs a non-empty sequence of secrets")
        if tolerance_s < 0:
            raise ValueError(f"tolerance_s must be >= 0, got {tolerance_s}")
        self._keys = tuple(decode_secret(s) for s in secrets)
        self.clock = clock
        self.tolerance_s = float(tolerance_s)

    def verify_delivery(self, delivery: WebhookDelivery) -> Verified:
        return self.verify(delivery.body, delivery.header_map)

    def verify(self, body: bytes, headers: Mapping[str, str]) -> Verified:
        """Check a delivery's headers against its raw ``body``; raise a SignatureError if bad.

        Order: all three headers present and well-formed, then the timestamp within the
        tolerance of the clock, then at least one ``v1`` entry equal (constant-time) to the HMAC
        of the signed content under at least one active secret.
        """
        if not isinstance(body, bytes | bytearray | memoryview):
            raise TypeError("verify the raw body bytes as received, not a decoded or parsed body")
        lower = {k.lower(): v for k, v in headers.items()}
        msg_id = _required(lower, HEADER_ID)
        timestamp = _required(lower, HEADER_TIMESTAMP)
        signature = _required(lower, HEADER_SIGNATURE)
        if not _DELIVERY_ID.fullmatch(msg_id) or "." in msg_id:
            raise MalformedHeader(f"{HEADER_ID} must be printable ASCII without spaces or '.'")
        if not _TIMESTAMP.fullmatch(timestamp):
            raise MalformedHeader(f"{HEADER_TIMESTAMP} must be integer seconds, got {timestamp!r}")
        timestamp_s = int(timestamp)
        now_s = self.clock()
        if not now_s - self.tolerance_s <= timestamp_s <= now_s + self.tolerance_s:
            raise TimestampOutOfTolerance(timestamp_s, now_s, self.tolerance_s)

        candidates = [_split_entry(e) for e in signature.split(" ") if e]
        if not candidates or any(c is None for c in candidates):
            raise MalformedHeader(
                f"{HEADER_SIGNATURE} is a space-separated list of '<version>,<base64>' entries"
            )
        offered = [sig for version, sig in filter(None, candidates) if version == SIGNATURE_VERSION]
        content = signed_content(msg_id, timestamp, body)
        for index, key in enumerate(self._keys):
            expected = _mac_b64(key, content)
            for sig in offered:
                if hmac.compare_digest(expected, sig):
                    return Verified(msg_id, timestamp_s, index)
        raise NoMatchingSignature(
            f"none of {len(offered)} {SIGNATURE_VERSION} signature(s) matches "
            f"any of {len(self._keys)} active secret(s)"
        )


def _required(headers: Mapping[str, str], name: str) -> str:
    value = headers.get(name)
    if not value:
        raise MalformedHeader(f"missing header {name!r}")
    return value


def _split_entry(entry: str) -> tuple[str, bytes] | None:
    version, comma, sig = entry.partition(",")
    if not comma or not version or not sig:
        return None
    return version, sig.encode("utf-8", "surrogateescape")


# --------------------------------------------------------------------------- GitHub
def _github_key(secret: str | bytes) -> bytes:
    return secret.encode("utf-8") if isinstance(secret, str) else bytes(secret)


def github_signature(secret: str | bytes, body: bytes) -> str:
    """The ``X-Hub-Signature-256`` value GitHub sends: ``sha256=<hex HMAC-SHA256 of body>``."""
    return _GITHUB_PREFIX + hmac.new(_github_key(secret), bytes(body), hashlib.sha256).hexdigest()


def verify_github_signature(secret: str | bytes, body: bytes, header_value: str | None) -> None:
    """Check an ``X-Hub-Signature-256`` header against the raw ``body``; raise if it fails."""
    if not header_value or not header_value.startswith(_GITHUB_PREFIX):
        raise MalformedHeader(f"{GITHUB_HEADER} must be '{_GITHUB_PREFIX}<hex digest>'")
    expected = github_signature(secret, body).encode("ascii")
    if not hmac.compare_digest(expected, header_value.encode("utf-8", "surrogateescape")):
        raise NoMatchingSignature(f"{GITHUB_HEADER} does not match the body")

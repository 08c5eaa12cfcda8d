"""Webhook signatures: published test vectors, the tolerance window, tampering, rotation."""

from __future__ import annotations

import base64
import json

import numpy as np
import pytest

from orchestration.resilience import ManualClock
from orchestration.security import (
    HEADER_ID,
    HEADER_SIGNATURE,
    HEADER_TIMESTAMP,
    MalformedHeader,
    NoMatchingSignature,
    SignatureError,
    TimestampOutOfTolerance,
    WebhookVerifier,
    decode_secret,
    generate_secret,
    github_signature,
    sign,
    sign_delivery,
    verify_github_signature,
)

NOW_S = 1_000_000
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
BODY = b'{"type":"refund.created","timestamp":1000000,"data":{"order":"SO000042","amount":"84.20"}}'


def _verifier(*secrets: str, now_s: float = NOW_S) -> WebhookVerifier:
    return WebhookVerifier(secrets or (SECRET,), ManualClock(now_s))


def _headers(secrets: str | list[str] = SECRET, ts: int = NOW_S, body: bytes = BODY):
    return sign_delivery(secrets, "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", ts, body).header_map


# --------------------------------------------------------------------------- test vectors
def test_github_published_test_vector_verifies():
    """GitHub's documented example: secret, payload and X-Hub-Signature-256 value agree."""
    secret, payload = "It's a Secret to Everybody", b"Hello, World!"
    expected = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
    assert github_signature(secret, payload) == expected
    verify_github_signature(secret, payload, expected)


def test_github_signature_rejects_a_changed_payload_or_a_malformed_header():
    """A GitHub signature is bound to the exact payload and must carry the sha256= prefix."""
    secret, header = (
        "It's a Secret to Everybody",
        github_signature("It's a Secret to Everybody", b"x"),
    )
    with pytest.raises(NoMatchingSignature):
        verify_github_signature(secret, b"y", header)
    with pytest.raises(NoMatchingSignature):
        verify_github_signature("another secret", b"x", header)
    for bad in (None, "", header.removeprefix("sha256="), "sha1=" + header[7:]):
        with pytest.raises(MalformedHeader):
            verify_github_signature(secret, b"x", bad)


def test_standard_webhooks_reference_vector_signs_and_verifies():
    """The Standard Webhooks reference library's sign() vector is reproduced and verifies."""
    msg_id, ts, payload = "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, b'{"test": 2432232314}'
    expected = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    assert sign(SECRET, msg_id, ts, payload) == expected
    headers = {HEADER_ID: msg_id, HEADER_TIMESTAMP: str(ts), HEADER_SIGNATURE: expected}
    verified = _verifier(now_s=ts).verify(payload, headers)
    assert (verified.msg_id, verified.timestamp_s, verified.secret_index) == (msg_id, ts, 0)
    # the reference suite's "invalid signature": one base64 character off
    headers[HEADER_SIGNATURE] = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OA="
    with pytest.raises(NoMatchingSignature):
        _verifier(now_s=ts).verify(payload, headers)


def test_a_signed_message_carries_the_documented_headers_and_verifies():
    """webhook-id, integer-second webhook-timestamp, webhook-signature 'v1,<base64 of 32 B>'."""
    headers = _headers()
    assert set(headers) == {HEADER_ID, HEADER_TIMESTAMP, HEADER_SIGNATURE}
    assert headers[HEADER_TIMESTAMP] == str(NOW_S)
    version, mac = headers[HEADER_SIGNATURE].split(",")
    assert version == "v1"
    assert len(base64.b64decode(mac, validate=True)) == 32
    assert _verifier().verify(BODY, headers).msg_id == headers[HEADER_ID]


def test_header_names_are_case_insensitive():
    """HTTP header names are case-insensitive; 'Webhook-Id' is 'webhook-id'."""
    headers = {k.title(): v for k, v in _headers().items()}
    assert _verifier().verify(BODY, headers).timestamp_s == NOW_S


# --------------------------------------------------------------------------- tolerance
@pytest.mark.parametrize(
    ("offset_s", "accepted"),
    [(-301, False), (-300, True), (0, True), (300, True), (301, False)],
)
def test_timestamp_tolerance_is_300_seconds_either_way(offset_s, accepted):
    """A delivery 300 s old or 300 s ahead of the clock passes; 301 s either way is refused."""
    headers = _headers(ts=NOW_S + offset_s)
    if accepted:
        _verifier().verify(BODY, headers)
    else:
        with pytest.raises(TimestampOutOfTolerance) as info:
            _verifier().verify(BODY, headers)
        assert ("old" if offset_s < 0 else "new") in str(info.value)


def test_the_verifier_reads_the_injected_clock_not_the_wall_clock():
    """Moving the simulated clock 301 s past a delivery makes it stale; nothing else does."""
    clock = ManualClock(NOW_S)
    verifier = WebhookVerifier([SECRET], clock)
    verifier.verify(BODY, _headers())
    clock.advance(301)
    with pytest.raises(TimestampOutOfTolerance):
        verifier.verify(BODY, _headers())


# --------------------------------------------------------------------------- tampering
def test_ten_thousand_single_byte_tamperings_are_all_rejected():
    """Changing any one byte of the body, the id, the timestamp or the signature is caught."""
    rng = np.random.default_rng(20240508)
    verifier = _verifier()
    headers = _headers()
    fields = [BODY, *(headers[h].encode("latin-1") for h in (HEADER_ID, HEADER_TIMESTAMP))]
    fields.append(headers[HEADER_SIGNATURE].encode("latin-1"))
    n = 10_000
    which = rng.integers(0, 4, n)
    where = rng.random(n)
    shift = rng.integers(1, 256, n)  # never 0: the byte really changes
    rejected = dict.fromkeys(range(4), 0)
    for w, u, s in zip(which.tolist(), where.tolist(), shift.tolist(), strict=True):
        original = fields[w]
        pos = int(u * len(original))
        tampered = bytearray(original)
        tampered[pos] = (tampered[pos] + s) % 256
        parts = list(fields)
        parts[w] = bytes(tampered)
        body = parts[0]
        forged = {
            HEADER_ID: parts[1].decode("latin-1"),
            HEADER_TIMESTAMP: parts[2].decode("latin-1"),
            HEADER_SIGNATURE: parts[3].decode("latin-1"),
        }
        with pytest.raises(SignatureError):
            verifier.verify(body, forged)
        rejected[w] += 1
    assert sum(rejected.values()) == n
    assert min(rejected.values()) > 2_000  # every field was tampered with, many times
    verifier.verify(BODY, headers)  # and the untouched message still verifies


def test_a_non_canonical_base64_spelling_of_the_right_mac_is_rejected():
    """Flipping base64's unused low bits decodes to the same MAC bytes, yet is refused."""
    headers = _headers()
    sig = headers[HEADER_SIGNATURE]
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    last = sig[-2]  # 32 bytes -> 43 base64 characters and one '=': 2 unused bits at the end
    twin = alphabet[alphabet.index(last) ^ 1]
    aliased = sig[:-2] + twin + "="
    assert base64.b64decode(aliased[3:]) == base64.b64decode(sig[3:])
    with pytest.raises(NoMatchingSignature):
        _verifier().verify(BODY, {**headers, HEADER_SIGNATURE: aliased})


def test_a_reserialised_json_body_fails_verification():
    """Same data, different bytes (key order, whitespace): the signature covers the raw bytes."""
    headers = _headers()
    data = json.loads(BODY)
    for reserialised in (
        json.dumps(data).encode(),
        json.dumps(data, sort_keys=True, separators=(",", ":")).encode(),
        json.dumps(data, indent=2).encode(),
    ):
        assert json.loads(reserialised) == data
        assert reserialised != BODY
        with pytest.raises(NoMatchingSignature):
            _verifier().verify(reserialised, headers)


@pytest.mark.parametrize("mangle", [b"\n", b" ", b"\r\n"])
def test_whitespace_added_around_the_body_in_transit_fails_verification(mangle):
    """A proxy appending a newline or prefixing a space changes the bytes: refused."""
    headers = _headers()
    for body in (BODY + mangle, mangle + BODY):
        with pytest.raises(NoMatchingSignature):
            _verifier().verify(body, headers)


def test_the_body_must_be_raw_bytes():
    """A decoded str body is refused outright: only the bytes as received can be verified."""
    with pytest.raises(TypeError):
        _verifier().verify(BODY.decode(), _headers())


# --------------------------------------------------------------------------- rotation
def test_rotation_accepts_either_active_secret_and_refuses_a_retired_one():
    """During a rotation both secrets verify; once retired, the old secret no longer does."""
    rng = np.random.default_rng(7)
    old, new = generate_secret(rng), generate_secret(rng)
    rotating = _verifier(new, old)
    assert rotating.verify(BODY, _headers(old)).secret_index == 1
    assert rotating.verify(BODY, _headers(new)).secret_index == 0
    assert rotating.verify(BODY, _headers([new, old])).secret_index == 0
    retired = _verifier(new)
    retired.verify(BODY, _headers([new, old]))  # senders still signing with both: fine
    with pytest.raises(NoMatchingSignature):
        retired.verify(BODY, _headers(old))


def test_unknown_signature_versions_are_skipped_not_trusted():
    """Only v1 entries are compared; a 'v1a' or 'v2' entry with the right bytes is not enough."""
    headers = _headers()
    mac = headers[HEADER_SIGNATURE].split(",", 1)[1]
    with pytest.raises(NoMatchingSignature):
        _verifier().verify(BODY, {**headers, HEADER_SIGNATURE: f"v1a,{mac} v2,{mac}"})
    ok = f"v2,{mac} v1,AAAA {headers[HEADER_SIGNATURE]}"
    assert _verifier().verify(BODY, {**headers, HEADER_SIGNATURE: ok}).secret_index == 0


# --------------------------------------------------------------------------- malformed input
@pytest.mark.parametrize("missing", [HEADER_ID, HEADER_TIMESTAMP, HEADER_SIGNATURE])
def test_a_missing_header_is_malformed(missing):
    """All three headers are required."""
    headers = _headers()
    del headers[missing]
    with pytest.raises(MalformedHeader):
        _verifier().verify(BODY, headers)


@pytest.mark.parametrize(
    ("header", "value"),
    [
        (HEADER_TIMESTAMP, f" {NOW_S}"),
        (HEADER_TIMESTAMP, "1e6"),
        (HEADER_TIMESTAMP, "١٠٠٠٠٠٠"),  # Arabic-Indic digits: int() would accept them
        (HEADER_TIMESTAMP, "-5"),
        (HEADER_ID, "msg.1"),
        (HEADER_ID, "msg 1"),
        (HEADER_SIGNATURE, "v1"),
        (HEADER_SIGNATURE, " "),
        (HEADER_SIGNATURE, ",abc"),
    ],
)
def test_badly_formatted_headers_are_malformed(header, value):
    """Integer ASCII seconds, an id without '.' or spaces, '<version>,<sig>' entries."""
    with pytest.raises(MalformedHeader):
        _verifier().verify(BODY, {**_headers(), header: value})


@pytest.mark.parametrize(
    "secret",
    ["MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_not*base64", "whsec_c2hvcnQ="],
)
def test_bad_secrets_are_configuration_errors(secret):
    """A secret is whsec_ + base64 of 24-64 bytes; anything else is refused at configuration."""
    with pytest.raises(ValueError, match="secret"):
        decode_secret(secret)
    with pytest.raises(ValueError, match="secret"):
        WebhookVerifier([secret], ManualClock())


def test_generated_secrets_are_32_random_bytes():
    """generate_secret draws 32 bytes from the given Generator, reproducibly."""
    a, b = generate_secret(np.random.default_rng(1)), generate_secret(np.random.default_rng(1))
    assert a == b
    assert len(decode_secret(a)) == 32
    assert a != generate_secret(np.random.default_rng(2))

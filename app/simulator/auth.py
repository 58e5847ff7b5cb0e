"""Verifying V2 (HMAC-SHA1 query) and V3 (ACS3-HMAC-SHA256 header) signatures as the API gateway does.

Signing itself lives in app.core.signing and is reused here, so client and simulator share one
definition. Checks run in the gateway's order: shape, AccessKey, time window, signature, token, nonce;
a nonce is only remembered once the signature is good, so garbage cannot burn a client's nonces.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.core import signing
from app.core.signature_scheme import SignatureScheme
from app.simulator import errors
from app.simulator.config import AccessKey

TIMESTAMP_WINDOW = timedelta(minutes=15)
V2_REQUIRED = ("Signature", "AccessKeyId", "SignatureMethod", "SignatureVersion", "SignatureNonce", "Timestamp")
V3_REQUIRED_HEADERS = ("x-acs-date", "x-acs-signature-nonce", "x-acs-content-sha256")


@dataclass(frozen=True)
class IncomingRequest:
    """What verification needs from an HTTP request; headers are lower-cased, repeated ones joined."""

    method: str
    query: Mapping[str, str]
    form: Mapping[str, str]
    headers: Mapping[str, str]
    body: bytes

    @property
    def params(self) -> dict[str, str]:
        """Query and form body together (the body wins), as the service reads parameters."""
        merged = dict(self.query)
        merged.update(self.form)
        return merged


@dataclass(frozen=True)
class Caller:
    access_key_id: str
    access_key: AccessKey
    scheme: SignatureScheme


def detect_scheme(request: IncomingRequest) -> SignatureScheme | None:
    if "authorization" in request.headers:
        return SignatureScheme.V3
    if "Signature" in request.params or "AccessKeyId" in request.params:
        return SignatureScheme.V2
    return None


def claimed_action(request: IncomingRequest, scheme: SignatureScheme | None) -> str:
    """The action the request names, before anything is verified (for logs and fault matching)."""
    if scheme is SignatureScheme.V3:
        return request.headers.get("x-acs-action", "")
    return request.params.get("Action", "")


class NonceCache:
    """Nonces seen per AccessKey, kept until their timestamp has left the window."""

    def __init__(self) -> None:
        self._expiry: dict[tuple[str, str], datetime] = {}

    def check_and_remember(self, access_key_id: str, nonce: str, stamped: datetime, now: datetime) -> None:
        key = (access_key_id, nonce)
        expiry = self._expiry.get(key)
        if expiry is not None and expiry >= now:
            raise errors.signature_nonce_used()
        if len(self._expiry) > 10_000:
            self._expiry = {k: v for k, v in self._expiry.items() if v >= now}
        self._expiry[key] = max(stamped, now) + TIMESTAMP_WINDOW

    def clear(self) -> None:
        self._expiry.clear()


def verify(
    request: IncomingRequest,
    access_keys: Mapping[str, AccessKey],
    nonces: NonceCache,
    now: datetime,
) -> Caller:
    """Return who signed the request, or raise the gateway's ApiError."""
    scheme = detect_scheme(request)
    if scheme is SignatureScheme.V3:
        return _verify_v3(request, access_keys, nonces, now)
    if scheme is SignatureScheme.V2:
        return _verify_v2(request, access_keys, nonces, now)
    raise errors.incomplete_signature("Neither a Signature parameter nor an Authorization header was sent.")


def _lookup(access_keys: Mapping[str, AccessKey], access_key_id: str) -> AccessKey:
    key = access_keys.get(access_key_id)
    if key is None:
        raise errors.invalid_access_key_not_found()
    if not key.active:
        raise errors.invalid_access_key_inactive()
    return key


def _check_time(text: str, name: str, now: datetime) -> datetime:
    try:
        stamped = signing.parse_timestamp(text)
    except ValueError:
        raise errors.invalid_parameter(name, "Expected UTC time as YYYY-MM-DDThh:mm:ssZ.") from None
    if abs(stamped - now) > TIMESTAMP_WINDOW:
        raise errors.timestamp_expired(text, signing.format_timestamp(now))
    return stamped


def _check_token(key: AccessKey, sent: str | None) -> None:
    if key.security_token is None:
        return
    if sent is None or not hmac.compare_digest(sent.encode(), key.security_token.encode()):
        raise errors.invalid_security_token()


def _verify_v2(
    request: IncomingRequest, access_keys: Mapping[str, AccessKey], nonces: NonceCache, now: datetime
) -> Caller:
    params = request.params
    for name in V2_REQUIRED:
        if not params.get(name):
            raise errors.incomplete_signature(f"The parameter {name} is missing.")
    if params["SignatureMethod"] != "HMAC-SHA1":
        raise errors.invalid_parameter("SignatureMethod", "Only HMAC-SHA1 is supported.")
    if params["SignatureVersion"] != "1.0":
        raise errors.invalid_parameter("SignatureVersion", "Only 1.0 is supported.")
    access_key_id = params["AccessKeyId"]
    key = _lookup(access_keys, access_key_id)
    stamped = _check_time(params["Timestamp"], "Timestamp", now)
    expected = signing.v2_signature(request.method, params, key.secret)
    if not hmac.compare_digest(expected.encode(), params["Signature"].encode()):
        raise errors.signature_does_not_match(signing.v2_string_to_sign(request.method, params))
    _check_token(key, params.get("SecurityToken"))
    nonces.check_and_remember(access_key_id, params["SignatureNonce"], stamped, now)
    return Caller(access_key_id, key, SignatureScheme.V2)


def _verify_v3(
    request: IncomingRequest, access_keys: Mapping[str, AccessKey], nonces: NonceCache, now: datetime
) -> Caller:
    headers = request.headers
    auth = signing.parse_v3_authorization(headers["authorization"])
    if auth is None:
        raise errors.incomplete_signature(
            f"The Authorization header must be {signing.V3_ALGORITHM} Credential=..,SignedHeaders=..,Signature=.."
        )
    for name in V3_REQUIRED_HEADERS:
        if not headers.get(name):
            raise errors.incomplete_signature(f"The header {name} is missing.")
    signed = [name.lower() for name in auth.signed_headers]
    must_sign = {"host"} | {name for name in headers if name.startswith("x-acs-")}
    unsigned = sorted(must_sign - set(signed))
    if unsigned:
        raise errors.incomplete_signature(f"SignedHeaders must include {';'.join(unsigned)}.")
    absent = [name for name in signed if name not in headers]
    if absent:
        raise errors.incomplete_signature(f"SignedHeaders lists {';'.join(absent)}, which was not sent.")
    key = _lookup(access_keys, auth.access_key_id)
    stamped = _check_time(headers["x-acs-date"], "x-acs-date", now)
    body_sha256 = hashlib.sha256(request.body).hexdigest()
    if not hmac.compare_digest(body_sha256.encode(), headers["x-acs-content-sha256"].lower().encode()):
        # The server hashes what it received: its string to sign is over the real body's hash.
        raise errors.signature_does_not_match(
            signing.v3_string_to_sign(request.method, "/", request.query, headers, signed, body_sha256)
        )
    # Recompute over exactly the headers the client says it signed, in the order it listed them
    # (the SDK sorts them; a different order is a different string to sign, as on the real gateway).
    string_to_sign = signing.v3_string_to_sign(
        request.method, "/", request.query, headers, signed, headers["x-acs-content-sha256"]
    )
    expected = signing.v3_signature(string_to_sign, key.secret)
    if not hmac.compare_digest(expected.encode(), auth.signature.lower().encode()):
        raise errors.signature_does_not_match(string_to_sign)
    _check_token(key, headers.get("x-acs-security-token"))
    nonces.check_and_remember(auth.access_key_id, headers["x-acs-signature-nonce"], stamped, now)
    return Caller(auth.access_key_id, key, SignatureScheme.V3)

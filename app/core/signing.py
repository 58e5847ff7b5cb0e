"""Alibaba Cloud request signing: V2 (HMAC-SHA1 query signature) and V3 (ACS3-HMAC-SHA256 header).

Pure functions with no I/O, shared by the client (to sign) and the simulator (to verify), so the two
can never drift apart. The time and nonce are passed in: every attempt must use fresh ones.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote

from app.core.access_key import Credentials

API_VERSION = "2020-07-01"
V3_ALGORITHM = "ACS3-HMAC-SHA256"
EMPTY_BODY_SHA256 = hashlib.sha256(b"").hexdigest()


# What RFC 3986 leaves as it is (ASCII only: `quote` encodes every other character).
_UNRESERVED_ONLY = re.compile(r"[A-Za-z0-9_.~-]*").fullmatch


def percent_encode(text: str) -> str:
    """RFC 3986 encoding as Alibaba specifies: only A-Z a-z 0-9 - _ . ~ stay as they are."""
    if _UNRESERVED_ONLY(text):  # most names and values: nothing to encode, and `quote` costs more
        return text
    return quote(text, safe="~", encoding="utf-8")


def format_timestamp(moment: datetime) -> str:
    utc = moment.astimezone(UTC)
    if utc.year >= 1000:  # isoformat is half strftime's cost, and the same text from year 1000 on
        return utc.isoformat(timespec="seconds")[:19] + "Z"
    return utc.strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_timestamp(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


# --- V2 -------------------------------------------------------------------------------------------


def v2_string_to_sign(method: str, params: Mapping[str, str]) -> str:
    canonical = "&".join(
        f"{percent_encode(name)}={percent_encode(params[name])}"
        for name in sorted(params, key=lambda n: n.encode("utf-8"))
        if name != "Signature"
    )
    return f"{method.upper()}&{percent_encode('/')}&{percent_encode(canonical)}"


def v2_signature(method: str, params: Mapping[str, str], secret: str) -> str:
    digest = hmac.new(f"{secret}&".encode(), v2_string_to_sign(method, params).encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def sign_v2(
    method: str,
    action: str,
    business_params: Mapping[str, str],
    credentials: Credentials,
    *,
    now: datetime,
    nonce: str,
) -> dict[str, str]:
    """Return the full query (business + common parameters + Signature) for a V2 request."""
    params = dict(business_params)
    params.update(
        {
            "Action": action,
            "Version": API_VERSION,
            "Format": "JSON",
            "AccessKeyId": credentials.access_key_id,
            "SignatureMethod": "HMAC-SHA1",
            "SignatureVersion": "1.0",
            "SignatureNonce": nonce,
            "Timestamp": format_timestamp(now),
        }
    )
    if credentials.security_token:
        params["SecurityToken"] = credentials.security_token
    params["Signature"] = v2_signature(method, params, credentials.access_key_secret)
    return params


# --- V3 -------------------------------------------------------------------------------------------


def v3_canonical_query(query: Mapping[str, str]) -> str:
    # Names are sorted and left unencoded, values RFC 3986 encoded: this is what the official
    # SDK (alibabacloud-tea-openapi) sends, and it is the reference the service agrees with.
    # CCC's parameter names are plain ASCII, where encoding the name would change nothing.
    return "&".join(f"{name}={percent_encode(query[name])}" for name in sorted(query))


def v3_canonical_headers(headers: Mapping[str, str], signed: list[str]) -> str:
    lowered = {name.lower(): value for name, value in headers.items()}
    return "".join(f"{name}:{lowered[name].strip()}\n" for name in signed)


def v3_string_to_sign(
    method: str,
    path: str,
    query: Mapping[str, str],
    headers: Mapping[str, str],
    signed_headers: list[str],
    body_sha256: str,
) -> str:
    return _v3_string_to_sign(
        method,
        path,
        v3_canonical_query(query),
        v3_canonical_headers(headers, signed_headers),
        signed_headers,
        body_sha256,
    )


def _v3_string_to_sign(
    method: str,
    path: str,
    canonical_query: str,
    canonical_headers: str,
    signed_headers: list[str],
    body_sha256: str,
) -> str:
    canonical_request = "\n".join(
        [method.upper(), path or "/", canonical_query, canonical_headers, ";".join(signed_headers), body_sha256]
    )
    digest = hashlib.sha256(canonical_request.encode("utf-8")).hexdigest()
    return f"{V3_ALGORITHM}\n{digest}"


def v3_signature(string_to_sign: str, secret: str) -> str:
    return hmac.new(secret.encode("utf-8"), string_to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


def headers_to_sign(headers: Mapping[str, str]) -> list[str]:
    """host, every x-acs-* header and content-type, lower-cased and sorted."""
    names = {name.lower() for name in headers}
    return sorted(n for n in names if n == "host" or n == "content-type" or n.startswith("x-acs-"))


def sign_v3(
    method: str,
    host: str,
    action: str,
    query: Mapping[str, str],
    credentials: Credentials,
    *,
    now: datetime,
    nonce: str,
    body: bytes = b"",
    content_type: str | None = None,
) -> dict[str, str]:
    """Return the headers (Authorization included) for a V3 request with `query` in the URL."""
    return sign_v3_canonical(
        method,
        host,
        action,
        v3_canonical_query(query),
        credentials,
        now=now,
        nonce=nonce,
        body=body,
        content_type=content_type,
    )


def sign_v3_canonical(
    method: str,
    host: str,
    action: str,
    canonical_query: str,
    credentials: Credentials,
    *,
    now: datetime,
    nonce: str,
    body: bytes = b"",
    content_type: str | None = None,
) -> dict[str, str]:
    """`sign_v3` for a query already in its canonical form (`v3_canonical_query`): a client sending
    the same parameters on every attempt encodes them once, and can send that same string."""
    body_sha256 = hashlib.sha256(body).hexdigest() if body else EMPTY_BODY_SHA256
    headers = {
        "host": host,
        "x-acs-action": action,
        "x-acs-version": API_VERSION,
        "x-acs-date": format_timestamp(now),
        "x-acs-signature-nonce": nonce,
        "x-acs-content-sha256": body_sha256,
    }
    if content_type:
        headers["content-type"] = content_type
    if credentials.security_token:
        headers["x-acs-security-token"] = credentials.security_token
    # Every name above is lower-case and one `headers_to_sign` picks: sorting them is that list.
    signed = sorted(headers)
    canonical_headers = "".join([f"{name}:{headers[name].strip()}\n" for name in signed])
    string_to_sign = _v3_string_to_sign(method, "/", canonical_query, canonical_headers, signed, body_sha256)
    signature = v3_signature(string_to_sign, credentials.access_key_secret)
    headers["Authorization"] = (
        f"{V3_ALGORITHM} Credential={credentials.access_key_id},SignedHeaders={';'.join(signed)},Signature={signature}"
    )
    return headers


@dataclass(frozen=True)
class V3Authorization:
    access_key_id: str
    signed_headers: list[str]
    signature: str


def parse_v3_authorization(value: str) -> V3Authorization | None:
    """Split an `ACS3-HMAC-SHA256 Credential=..,SignedHeaders=..,Signature=..` header; None if malformed."""
    algorithm, _, rest = value.strip().partition(" ")
    if algorithm != V3_ALGORITHM:
        return None
    fields: dict[str, str] = {}
    for part in rest.split(","):
        name, sep, field_value = part.strip().partition("=")
        if sep:
            fields[name] = field_value
    try:
        return V3Authorization(
            access_key_id=fields["Credential"],
            signed_headers=[h for h in fields["SignedHeaders"].split(";") if h],
            signature=fields["Signature"],
        )
    except KeyError:
        return None

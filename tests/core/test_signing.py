"""Signing must match Alibaba's own: a wrong byte means every agent's clicks fail with SignatureDoesNotMatch."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import quote

from alibabacloud_tea_openapi.utils import Utils as OfficialUtils
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core import signing
from app.core.access_key import Credentials

# Any Unicode text the wire can carry (no surrogates: they cannot be UTF-8 encoded).
unicode_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=24)
param_names = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=16)
param_maps = st.dictionaries(param_names, unicode_text, max_size=8)


def test_v2_published_check_value() -> None:
    """The example from Alibaba's signature documentation signs to the published value."""
    params = {
        "AccessKeyId": "testid",
        "Action": "DescribeRegions",
        "Format": "XML",
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
        "SignatureVersion": "1.0",
        "Timestamp": "2016-02-23T12:46:24Z",
        "Version": "2014-05-26",
    }
    assert signing.v2_signature("GET", params, "testsecret") == "OLeaidS1JvxuMvnyHOwuJ+uX5qY="


@settings(max_examples=400, deadline=None)
@given(
    params=param_maps.filter(lambda p: "Signature" not in p),
    secret=unicode_text,
    method=st.sampled_from(["GET", "POST"]),
)
def test_v2_agrees_with_official_sdk(params: dict[str, str], secret: str, method: str) -> None:
    """Whatever break code or ID an agent types, our V2 signature is the official SDK's.

    `Signature` itself is the one name never signed (step 1 of the scheme), so it is not generated."""
    assert signing.v2_signature(method, params, secret) == OfficialUtils.get_rpcsignature(params, method, secret)


class _OfficialRequest:
    def __init__(self, method: str, query: dict[str, str], headers: dict[str, str]) -> None:
        self.method = method
        self.pathname = "/"
        self.query = query
        self.headers = headers


@settings(max_examples=400, deadline=None)
@given(
    query=param_maps,
    secret=unicode_text.filter(bool),
    token=st.none() | unicode_text.filter(lambda t: t.strip() == t and t != ""),
    action=st.sampled_from(["TakeBreak", "ReadyForService", "PollUserStatus"]),
    body=st.binary(max_size=64),
)
def test_v3_agrees_with_official_sdk(
    query: dict[str, str], secret: str, token: str | None, action: str, body: bytes
) -> None:
    """Our V3 Authorization header is byte for byte the one the official SDK computes."""
    credentials = Credentials("ak-id", secret, token)
    now = datetime(2026, 11, 24, 10, 0, 0, tzinfo=UTC)
    headers = signing.sign_v3(
        "POST",
        "ccc.cn-shanghai.aliyuncs.com",
        action,
        query,
        credentials,
        now=now,
        nonce="nonce-1",
        body=body,
        content_type="application/x-www-form-urlencoded" if body else None,
    )
    ours = headers.pop("Authorization")
    expected = OfficialUtils.get_authorization(
        _OfficialRequest("POST", dict(query), dict(headers)),
        "ACS3-HMAC-SHA256",
        headers["x-acs-content-sha256"],
        "ak-id",
        secret,
    )
    assert ours == expected


def test_v3_signs_host_every_acs_header_and_the_security_token() -> None:
    """An STS token is sent and covered by the signature, so a tampered token is rejected."""
    headers = signing.sign_v3(
        "POST",
        "h",
        "TakeBreak",
        {},
        Credentials("id", "s", "sts-token"),
        now=datetime(2026, 1, 1, tzinfo=UTC),
        nonce="n",
    )
    authorization = signing.parse_v3_authorization(headers["Authorization"])
    assert authorization is not None
    assert authorization.signed_headers == sorted(
        [
            "host",
            "x-acs-action",
            "x-acs-content-sha256",
            "x-acs-date",
            "x-acs-security-token",
            "x-acs-signature-nonce",
            "x-acs-version",
        ]
    )
    assert headers["x-acs-content-sha256"] == signing.EMPTY_BODY_SHA256


def test_v2_adds_common_parameters_and_token() -> None:
    """V2 requests carry every common parameter Alibaba requires, with the STS token when given."""
    query = signing.sign_v2(
        "POST",
        "TakeBreak",
        {"Code": "lunch"},
        Credentials("id", "secret", "tok"),
        now=datetime(2026, 11, 24, 9, 5, 7, tzinfo=UTC),
        nonce="abc",
    )
    assert query["Timestamp"] == "2026-11-24T09:05:07Z"
    assert query["SecurityToken"] == "tok"
    assert query["Version"] == signing.API_VERSION
    unsigned = {k: v for k, v in query.items() if k != "Signature"}
    assert query["Signature"] == signing.v2_signature("POST", unsigned, "secret")


def test_credentials_repr_hides_the_secret() -> None:
    """A credentials object printed in a traceback never shows the secret."""
    text = repr(Credentials("id", "VERY-SECRET-VALUE", "TOKEN-VALUE"))
    assert "VERY-SECRET-VALUE" not in text and "TOKEN-VALUE" not in text


@settings(max_examples=400, deadline=None)
@given(text=unicode_text | st.text(alphabet="AZaz09-_.~@%+/ *", max_size=24))
def test_percent_encoding_is_rfc_3986_for_any_text(text: str) -> None:
    """Only A-Z a-z 0-9 - _ . ~ stay as they are, whatever shortcut the encoder takes for plain text:
    one character encoded differently from the service is a SignatureDoesNotMatch for that agent."""
    assert signing.percent_encode(text) == quote(text, safe="~", encoding="utf-8")


@settings(max_examples=300, deadline=None)
@given(
    moment=st.datetimes(
        min_value=datetime(2, 1, 1),  # a day inside the range either way, so the UTC time exists
        max_value=datetime(9998, 12, 31),
        timezones=st.sampled_from([UTC, timezone(timedelta(hours=8)), timezone(-timedelta(hours=5))]),
    )
)
def test_the_request_time_is_utc_to_the_second_in_the_one_form_the_service_reads(moment: datetime) -> None:
    """x-acs-date and Timestamp are UTC as YYYY-MM-DDThh:mm:ssZ whatever the PC's time zone; any other
    form is refused (InvalidTimeStamp.Format) and the agent's click fails."""
    assert signing.format_timestamp(moment) == moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

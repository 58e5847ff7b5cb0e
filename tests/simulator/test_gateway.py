"""Signing, AccessKeys and the gateway's error envelope, driven by raw requests signed with app.core.signing.

A failure here means the product's signing or its error handling is tested against a simulator that
does not behave like Alibaba's gateway: a bug would reach agents as an unexplained failure.
"""

from __future__ import annotations

import email.utils
import logging
from datetime import timedelta

import pytest

from app.core import signing
from app.core.access_key import Credentials
from app.simulator import AccessKey, SimulatorConfig
from tests.simulator.conftest import DEMO, CccCaller, FakeClock, Reply, StartSimulator

GATEWAY_FIELDS = {"RequestId", "HostId", "Code", "Message", "Recommend"}
SCHEMES = ["v2", "v3"]


def assert_gateway_error(reply: Reply, code: str, status: int, extra: frozenset[str] = frozenset()) -> None:
    assert reply.status == status, reply.text
    assert set(reply.json) == GATEWAY_FIELDS | extra, reply.text
    assert reply.code == code
    assert reply.json["Message"]


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_get_and_post_with_query_parameters_work(ccc: CccCaller, scheme: str, method: str) -> None:
    """Both HTTP methods are accepted, as the real service accepts them; otherwise polling by GET breaks."""
    reply = await ccc.call("PollUserStatus", scheme=scheme, method=method)
    assert reply.status == 200, reply.text
    assert reply.json["Data"]["UserContext"]["UserState"] == "READY"


@pytest.mark.parametrize("scheme", SCHEMES)
async def test_form_body_parameters_work(ccc: CccCaller, scheme: str) -> None:
    """Parameters in an x-www-form-urlencoded body count like query ones, in both signing schemes."""
    reply = await ccc.call("TakeBreak", {**_agent(), "Code": "Tea break"}, scheme=scheme, form=True)
    assert reply.status == 200, reply.text
    assert reply.json["Data"]["BreakCode"] == "Tea break"


async def test_success_envelope_is_the_documented_one(ccc: CccCaller) -> None:
    """A success has exactly RequestId, HttpStatusCode 200, Code OK, Message, Params and Data."""
    reply = await ccc.call("PollUserStatus")
    assert set(reply.json) == {"RequestId", "HttpStatusCode", "Code", "Message", "Params", "Data"}
    assert (reply.json["HttpStatusCode"], reply.json["Code"], reply.json["Params"]) == (200, "OK", [])


async def test_date_header_is_the_simulators_clock(ccc: CccCaller, clock: FakeClock) -> None:
    """The Date header shows the simulator's time, which is how the widget detects a skewed PC clock."""
    clock.advance(minutes=7)
    reply = await ccc.call("PollUserStatus", now=clock.now)
    assert email.utils.parsedate_to_datetime(reply.headers["Date"]) == clock.now
    failed = await ccc.call("Nope")
    assert email.utils.parsedate_to_datetime(failed.headers["Date"]) == clock.now


@pytest.mark.parametrize("scheme", SCHEMES)
async def test_unknown_access_key_is_not_found(ccc: CccCaller, scheme: str) -> None:
    """A wrong AccessKey ID is InvalidAccessKeyId.NotFound (404), not a generic failure."""
    reply = await ccc.call("PollUserStatus", scheme=scheme, credentials=Credentials("nobody", "x"))
    assert_gateway_error(reply, "InvalidAccessKeyId.NotFound", 404)


@pytest.mark.parametrize("scheme", SCHEMES)
async def test_disabled_access_key_is_inactive(start_simulator: StartSimulator, clock: FakeClock, scheme: str) -> None:
    """A disabled AccessKey is InvalidAccessKeyId.Inactive (400), so IT can tell it from a typo."""
    config = SimulatorConfig(access_keys={"old": AccessKey("old-secret", active=False)}, clock=clock)
    caller = await start_simulator(config)
    reply = await caller.call("PollUserStatus", scheme=scheme, credentials=Credentials("old", "old-secret"))
    assert_gateway_error(reply, "InvalidAccessKeyId.Inactive", 400)


@pytest.mark.parametrize("scheme", SCHEMES)
async def test_wrong_secret_is_signature_does_not_match(ccc: CccCaller, scheme: str) -> None:
    """A wrong secret is SignatureDoesNotMatch, and the answer never echoes a signature or secret."""
    reply = await ccc.call("PollUserStatus", scheme=scheme, credentials=Credentials(DEMO.access_key_id, "wrong"))
    assert_gateway_error(reply, "SignatureDoesNotMatch", 400)
    assert "wrong" not in reply.text
    assert DEMO.access_key_secret not in reply.text


@pytest.mark.parametrize("scheme", SCHEMES)
async def test_tampered_parameter_breaks_the_signature(ccc: CccCaller, scheme: str) -> None:
    """Changing a signed parameter after signing is caught; the agent's state is not touched."""

    def change_user(query: dict[str, str], headers: dict[str, str]) -> None:
        query["Code"] = "Something else"

    reply = await ccc.call("TakeBreak", {**_agent(), "Code": "Lunch"}, scheme=scheme, tamper=change_user)
    assert_gateway_error(reply, "SignatureDoesNotMatch", 400)
    assert ccc.simulator.directory.get("ccc-test", "user-test@ccc-test").state == "READY"  # type: ignore[union-attr]


async def test_v3_body_hash_must_match_the_body(ccc: CccCaller) -> None:
    """A V3 request whose x-acs-content-sha256 is not the body's hash is refused."""

    def wrong_hash(query: dict[str, str], headers: dict[str, str]) -> None:
        headers["x-acs-content-sha256"] = "0" * 64

    reply = await ccc.call("TakeBreak", {**_agent(), "Code": "x"}, form=True, tamper=wrong_hash)
    assert_gateway_error(reply, "SignatureDoesNotMatch", 400)
    # The real wording, with the server's string to sign (over the body it really received).
    assert reply.json["Message"].startswith(
        "Specified signature is not matched with our calculation. server string to sign is:ACS3-HMAC-SHA256\n"
    )


async def test_v3_verifies_exactly_the_signed_headers(ccc: CccCaller) -> None:
    """Extra unsigned headers (a proxy's, say) do not break a V3 signature; changing a signed one does."""

    def add_unsigned(query: dict[str, str], headers: dict[str, str]) -> None:
        headers["user-agent"] = "some proxy"
        headers["accept"] = "application/json"

    assert (await ccc.call("PollUserStatus", tamper=add_unsigned)).status == 200

    def change_signed(query: dict[str, str], headers: dict[str, str]) -> None:
        headers["x-acs-version"] = "2017-07-05"

    assert_gateway_error(await ccc.call("PollUserStatus", tamper=change_signed), "SignatureDoesNotMatch", 400)


@pytest.mark.parametrize(
    ("edit", "needle"),
    [
        (lambda q, h: h.update(Authorization="Bearer abc"), "Authorization"),
        (lambda q, h: h.pop("x-acs-signature-nonce"), "x-acs-signature-nonce"),
        (lambda q, h: h.update(Authorization=h["Authorization"].replace("host;", "")), "host"),
    ],
    ids=["not-acs3", "no-nonce-header", "host-unsigned"],
)
async def test_v3_incomplete_signature(ccc: CccCaller, edit: object, needle: str) -> None:
    """A V3 request missing signature parts, or not signing host, is IncompleteSignature naming the part."""
    reply = await ccc.call("PollUserStatus", tamper=edit)
    assert_gateway_error(reply, "IncompleteSignature", 400)
    assert needle in reply.json["Message"]


@pytest.mark.parametrize("missing", ["Signature", "SignatureNonce", "Timestamp"])
async def test_v2_incomplete_signature(ccc: CccCaller, missing: str) -> None:
    """A V2 request without one of its signature parameters is IncompleteSignature naming it."""
    reply = await ccc.call("PollUserStatus", scheme="v2", tamper=lambda q, h: q.pop(missing))
    assert_gateway_error(reply, "IncompleteSignature", 400)
    assert missing in reply.json["Message"]


async def test_unsigned_request_is_incomplete_signature(ccc: CccCaller) -> None:
    """A request with no signature at all is refused, never answered with agent data."""
    async with ccc.session.get(f"{ccc.simulator.url}/?Action=PollUserStatus&InstanceId=ccc-test") as response:
        body = await response.json()
    assert (response.status, body["Code"]) == (400, "IncompleteSignature")


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("skew", [timedelta(minutes=16), timedelta(minutes=-16)])
async def test_timestamp_outside_15_minutes_is_expired(
    ccc: CccCaller, clock: FakeClock, scheme: str, skew: timedelta
) -> None:
    """A PC clock more than 15 minutes off (either way) is InvalidTimeStamp.Expired, naming the server time."""
    reply = await ccc.call("PollUserStatus", scheme=scheme, now=clock.now + skew)
    assert_gateway_error(reply, "InvalidTimeStamp.Expired", 400)


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("skew", [timedelta(minutes=14, seconds=59), timedelta(minutes=-15)])
async def test_timestamp_inside_15_minutes_is_accepted(
    ccc: CccCaller, clock: FakeClock, scheme: str, skew: timedelta
) -> None:
    """A clock off by up to 15 minutes still works, as on the real service."""
    reply = await ccc.call("PollUserStatus", scheme=scheme, now=clock.now + skew)
    assert reply.status == 200, reply.text


async def test_malformed_timestamp_is_invalid_parameter(ccc: CccCaller) -> None:
    """A Timestamp not in YYYY-MM-DDThh:mm:ssZ is InvalidParameter naming Timestamp."""

    def bad_time(query: dict[str, str], headers: dict[str, str]) -> None:
        query["Timestamp"] = "yesterday"

    reply = await ccc.call("PollUserStatus", scheme="v2", tamper=bad_time)
    assert_gateway_error(reply, "InvalidParameter", 400)
    assert "Timestamp" in reply.json["Message"]


@pytest.mark.parametrize("scheme", SCHEMES)
async def test_replayed_nonce_is_refused(ccc: CccCaller, clock: FakeClock, scheme: str) -> None:
    """Re-sending a nonce within the window is SignatureNonceUsed: a client that reuses nonces on retry fails."""
    assert (await ccc.call("PollUserStatus", scheme=scheme, nonce="nonce-1")).status == 200
    clock.advance(minutes=10)
    replay = await ccc.call("PollUserStatus", scheme=scheme, nonce="nonce-1", now=clock.now - timedelta(minutes=10))
    assert_gateway_error(replay, "SignatureNonceUsed", 400)


async def test_nonce_of_a_badly_signed_request_is_not_burnt(ccc: CccCaller) -> None:
    """A request with a wrong secret does not use up its nonce (garbage cannot block a real client)."""
    bad = await ccc.call("PollUserStatus", nonce="n", credentials=Credentials(DEMO.access_key_id, "wrong"))
    assert bad.code == "SignatureDoesNotMatch"
    assert (await ccc.call("PollUserStatus", nonce="n")).status == 200


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("missing", ["InstanceId"])
async def test_missing_instance_or_user_is_missing_parameter(ccc: CccCaller, scheme: str, missing: str) -> None:
    """Leaving out InstanceId is MissingParameter and the message names the parameter.

    (UserId is optional, as on the real service: see test_fidelity.py.)"""
    params = {k: v for k, v in _agent().items() if k != missing}
    reply = await ccc.call("PollUserStatus", params, scheme=scheme)
    assert_gateway_error(reply, "MissingParameter", 400)
    assert f'"{missing}"' in reply.json["Message"]


async def test_missing_action_is_missing_parameter(ccc: CccCaller) -> None:
    """A V2 request without Action is MissingParameter naming Action."""
    # Re-sign without Action so the signature itself stays valid.
    query = signing.sign_v2("GET", "PollUserStatus", _agent(), DEMO, now=ccc.clock.now, nonce="no-action")
    del query["Action"]
    query["Signature"] = signing.v2_signature("GET", query, DEMO.access_key_secret)
    async with ccc.session.get(f"{ccc.simulator.url}/", params=query) as response:
        body = await response.json()
    assert (response.status, body["Code"]) == (400, "MissingParameter")
    assert '"Action"' in body["Message"]


@pytest.mark.parametrize("scheme", SCHEMES)
async def test_unknown_action_is_invalid_action(ccc: CccCaller, scheme: str) -> None:
    """An action the simulator does not offer is InvalidAction.NotFound (404), like a misspelt action."""
    reply = await ccc.call("DescribeInstance", scheme=scheme)
    assert_gateway_error(reply, "InvalidAction.NotFound", 404)


async def test_wrong_version_is_invalid_parameter(ccc: CccCaller) -> None:
    """Calling another API version is InvalidParameter naming Version."""
    query = signing.sign_v2("POST", "PollUserStatus", _agent(), DEMO, now=ccc.clock.now, nonce="v")
    query["Version"] = "2017-07-05"
    query["Signature"] = signing.v2_signature("POST", query, DEMO.access_key_secret)
    async with ccc.session.post(f"{ccc.simulator.url}/", params=query) as response:
        body = await response.json()
    assert (response.status, body["Code"]) == (400, "InvalidParameter")
    assert "Version" in body["Message"]


async def test_bad_outbound_scenario_is_invalid_parameter(ccc: CccCaller) -> None:
    """OutboundScenario must be true or false; anything else is InvalidParameter naming it."""
    await ccc.call("TakeBreak", {**_agent(), "Code": "x"})
    reply = await ccc.call("ReadyForService", {**_agent(), "OutboundScenario": "maybe"})
    assert_gateway_error(reply, "InvalidParameter", 400)
    assert "OutboundScenario" in reply.json["Message"]


@pytest.mark.parametrize("scheme", SCHEMES)
async def test_ram_policy_without_the_action_is_forbidden(
    start_simulator: StartSimulator, clock: FakeClock, scheme: str
) -> None:
    """A RAM user allowed only PollUserStatus gets Forbidden.RAM (403) for TakeBreak, and can still poll."""
    keys = {"narrow": AccessKey("narrow-secret", allowed_actions=frozenset({"PollUserStatus"}))}
    caller = await start_simulator(SimulatorConfig(access_keys=keys, clock=clock))
    narrow = Credentials("narrow", "narrow-secret")
    denied = await caller.call("TakeBreak", {**_agent(), "Code": "x"}, scheme=scheme, credentials=narrow)
    allowed = await caller.call("PollUserStatus", scheme=scheme, credentials=narrow)
    assert_gateway_error(denied, "Forbidden.RAM", 403, frozenset({"AccessDeniedDetail"}))
    assert denied.json["AccessDeniedDetail"]["AuthAction"] == "ccc:TakeBreak"
    assert allowed.status == 200


@pytest.mark.parametrize("scheme", SCHEMES)
async def test_sts_token_is_required_when_configured(
    start_simulator: StartSimulator, clock: FakeClock, scheme: str
) -> None:
    """An STS key works only with its security token (SecurityToken / x-acs-security-token)."""
    keys = {"sts": AccessKey("sts-secret", security_token="token-1")}
    caller = await start_simulator(SimulatorConfig(access_keys=keys, clock=clock))
    without = await caller.call("PollUserStatus", scheme=scheme, credentials=Credentials("sts", "sts-secret"))
    with_token = await caller.call(
        "PollUserStatus", scheme=scheme, credentials=Credentials("sts", "sts-secret", "token-1")
    )
    assert without.status == 400
    assert without.code.startswith("InvalidSecurityToken")
    assert "token-1" not in without.text
    assert with_token.status == 200, with_token.text


async def test_no_signature_or_secret_in_logs(ccc: CccCaller, caplog: pytest.LogCaptureFixture) -> None:
    """Nothing the simulator logs, even at DEBUG, contains a signature, a secret or the query string."""
    caplog.set_level(logging.DEBUG)
    seen: list[str] = []

    def remember(query: dict[str, str], headers: dict[str, str]) -> None:
        seen.append(query["Signature"])

    await ccc.call("PollUserStatus", scheme="v2", tamper=remember)
    await ccc.call("PollUserStatus", scheme="v2", credentials=Credentials(DEMO.access_key_id, "wrong"))
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "PollUserStatus" in logged
    assert seen[0] not in logged
    assert DEMO.access_key_secret not in logged
    assert "Signature=" not in logged
    assert all(seen[0] not in repr(record) for record in ccc.simulator.requests)


def _agent() -> dict[str, str]:
    return {"InstanceId": "ccc-test", "UserId": "user-test@ccc-test", "DeviceId": "test-device"}

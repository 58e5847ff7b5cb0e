"""Hostile or broken input must get a gateway error, never a crash or a 500 without the JSON envelope."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from app.simulator import actions
from app.simulator.agents import AgentDirectory, seed_agent
from app.simulator.auth import Caller, IncomingRequest, NonceCache, verify
from app.simulator.config import demo_access_keys
from app.simulator.errors import ApiError

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
names = st.sampled_from(
    [
        "Action",
        "Version",
        "Signature",
        "AccessKeyId",
        "SignatureMethod",
        "SignatureVersion",
        "SignatureNonce",
        "Timestamp",
        "SecurityToken",
        "InstanceId",
        "UserId",
        "Code",
        "OutboundScenario",
    ]
) | st.text(max_size=8)
header_names = st.sampled_from(
    ["authorization", "host", "x-acs-date", "x-acs-signature-nonce", "x-acs-content-sha256", "x-acs-action"]
)
values = st.text(max_size=40) | st.sampled_from(
    ["HMAC-SHA1", "1.0", "demo-access-key-id", "2024-05-01T12:00:00Z", "ACS3-HMAC-SHA256 Credential=a,Signature=b"]
)


@settings(max_examples=300)
@given(
    query=st.dictionaries(names, values, max_size=10),
    headers=st.dictionaries(header_names, values, max_size=6),
    body=st.binary(max_size=20),
    method=st.sampled_from(["GET", "POST"]),
)
def test_verify_only_ever_answers_with_an_api_error(
    query: dict[str, str], headers: dict[str, str], body: bytes, method: str
) -> None:
    """Whatever a broken client sends, signature checking ends in a documented gateway error."""
    request = IncomingRequest(method=method, query=query, form={}, headers=headers, body=body)
    try:
        result = verify(request, demo_access_keys(), NonceCache(), NOW)
    except ApiError as error:
        assert error.status in (400, 403, 404)
    else:  # pragma: no cover - a random valid signature would be a remarkable find
        assert isinstance(result, Caller)


@settings(max_examples=300)
@given(
    action=st.sampled_from(sorted(actions.ACTIONS)),
    params=st.dictionaries(st.sampled_from(["InstanceId", "UserId", "Code", "OutboundScenario", "DeviceId"]), values),
)
def test_actions_only_ever_answer_with_an_api_error(action: str, params: dict[str, str]) -> None:
    """Whatever parameters arrive, an action either succeeds or raises a documented error."""
    directory = AgentDirectory([seed_agent()])
    try:
        data = actions.run(action, params, directory, NOW)
    except ApiError as error:
        assert error.status in (400, 404)
    else:
        assert isinstance(data, dict)

"""Every documented error code gets plain advice (what to do, whom to ask); a RAM denial names the
denied action and the key's user so IT can fix the policy; a refusal by state names the states; and a
throttled answer's own retry-after is honoured."""

from __future__ import annotations

import random

import aiohttp
import pytest
from aiohttp import web

from app.core.access_key import Credentials
from app.core.client import AgentIdentity, CccClient, RetryPolicy, open_session
from app.core.errors import _UNKNOWN_4XX, _UNKNOWN_5XX, ApiError, advice_for
from tests.fixtures.hostile import HostileServer, envelope, json_response

# The table of ../shared/docs/ccc-api.md ("Known codes"), with a status each may come with.
DOCUMENTED = [
    ("NotExists.InstanceId", 404),
    ("NotExists.UserId", 404),
    ("Parameter.Blank", 400),
    ("InvalidOperation.UserState", 400),
    ("InvalidOperation.ChannelState", 400),
    ("MissingParameter", 400),
    ("InvalidParameter", 400),
    ("InvalidAccessKeyId.NotFound", 404),
    ("InvalidAccessKeyId.Inactive", 400),
    ("SignatureDoesNotMatch", 400),
    ("IncompleteSignature", 400),
    ("InvalidTimeStamp.Expired", 400),
    ("SignatureNonceUsed", 400),
    ("Throttling", 400),
    ("Throttling.User", 429),
    ("Throttling.Api", 429),
    ("Forbidden.RAM", 403),
    ("Forbidden", 403),
    ("NoPermission", 403),
    ("Forbidden.AccessKeyDisabled", 403),
    ("InvalidSecurityToken.Expired", 400),
    ("InvalidSecurityToken.Malformed", 400),
    ("MissingSecurityToken", 400),
    ("InvalidTimeStamp.Format", 400),
    ("InvalidRegionId", 400),
    ("InvalidProduct", 404),
    ("Region.NotFound", 404),
    ("InvalidApi.NotFound", 404),
    ("MissingInstanceId", 400),
    ("Parameter.Null", 400),
    ("Parameter.Enumeration", 400),
    ("InternalError", 500),
    ("ServiceUnavailable", 503),
]


@pytest.mark.parametrize(("code", "status"), DOCUMENTED, ids=[code for code, _ in DOCUMENTED])
def test_every_documented_code_has_its_own_advice(code: str, status: int) -> None:
    advice = advice_for(code, status)
    assert advice not in (_UNKNOWN_4XX, _UNKNOWN_5XX), f"{code} falls back to the generic message"
    assert advice.endswith("."), advice


def test_a_missing_named_parameter_is_named() -> None:
    assert "InstanceId" in advice_for("MissingInstanceId", 400)


def test_an_unknown_code_keeps_the_services_words_and_never_a_trace() -> None:
    error = ApiError("Weird.NewCode", "Something new happened.", http_status=400, request_id="R-9")
    assert error.user_message == _UNKNOWN_4XX
    assert "Weird.NewCode" in str(error) and "Something new happened." in str(error) and "R-9" in str(error)


def test_a_refusal_by_state_names_the_states() -> None:
    error = ApiError(
        "InvalidOperation.UserState",
        "The operation is not allowed. User state (TALKING) does not meet expectations (BREAK,READY,WORKING).",
        http_status=400,
        request_id="R-1",
        params=["TALKING", "BREAK,READY,WORKING"],
    )
    assert "TALKING" in error.user_message and "BREAK, READY, WORKING" in error.user_message


async def _client(hostile: HostileServer, session: aiohttp.ClientSession, sleep: object = None) -> CccClient:
    async def no_wait(_delay: float) -> None:
        return None

    return CccClient(
        session,
        endpoint=hostile.url,
        identity=AgentIdentity("ccc-test", "user-test@ccc-test", "desk-1"),
        credentials=Credentials("key-id", "advice-DISTINCTIVE-secret"),
        rng=random.Random(1),
        sleep=sleep or no_wait,  # type: ignore[arg-type]
        retry=RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.01),
    )


async def test_a_ram_denial_names_the_action_and_the_keys_user(hostile: HostileServer) -> None:
    """IT reads which permission to grant to whom, instead of 'not allowed'."""

    async def denied(_request: web.Request) -> web.Response:
        body = {
            "RequestId": "R-RAM",
            "HostId": "ccc.cn-shanghai.aliyuncs.com",
            "Code": "Forbidden.RAM",
            "Message": "User not authorized to operate on the specified resource.",
            "AccessDeniedDetail": {
                "AuthAction": "ccc:TakeBreak",
                "AuthPrincipalType": "SubUser",
                "AuthPrincipalDisplayName": "agent-desktop-17",
                "PolicyType": "AccountLevelIdentityBasedPolicy",
                "NoPermissionType": "ImplicitDeny",
            },
        }
        return json_response(body, status=403)

    hostile.handler = denied
    async with open_session() as session:
        client = await _client(hostile, session)
        with pytest.raises(ApiError) as caught:
            await client.take_break("lunch")
    message = caught.value.user_message
    assert "ccc:TakeBreak" in message and "agent-desktop-17" in message
    assert caught.value.denied is not None and caught.value.denied.policy_type == "AccountLevelIdentityBasedPolicy"
    assert len(hostile.seen) == 1, "a denial is an answer, never retried"


async def test_a_throttled_answer_is_retried_after_the_time_the_service_asks(hostile: HostileServer) -> None:
    """x-acs-retry-after (ms) says when to come back: retrying sooner only gets throttled again."""
    answers = iter(["throttled", "ok"])
    waits: list[float] = []

    async def record(delay: float) -> None:
        waits.append(delay)

    async def busy(_request: web.Request) -> web.Response:
        if next(answers) == "throttled":
            body = {
                "RequestId": "R-T",
                "Code": "Throttling.User",
                "Message": "Request was denied due to user flow control.",
            }
            return json_response(body, status=429, **{"x-acs-retry-after": "2500"})
        return json_response(envelope())

    hostile.handler = busy
    async with open_session() as session:
        client = await _client(hostile, session, sleep=record)
        await client.poll_user_status()
    assert waits and 2.5 <= waits[0] <= 30

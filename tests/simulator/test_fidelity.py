"""The simulator answers as the real CCC does, judged by Alibaba's own SDKs as clients.

The official `alibabacloud_ccc20200701` SDK (V3 by default, V2 on request) and the legacy
`aliyun-python-sdk-core` (V2 only) talk to the simulator over loopback; the assertions are on what
those SDKs surface. When one of these fails, the demo, the trainers' simulator and the widget's own
tests disagree with Alibaba Cloud, and an agent or IT would meet a different answer in production.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from alibabacloud_ccc20200701 import models
from alibabacloud_tea_openapi.exceptions import ClientException, ThrottlingException
from aliyunsdkcore.acs_exception.exceptions import ServerException
from aliyunsdkcore.client import AcsClient
from aliyunsdkcore.request import CommonRequest, RpcRequest

from app.core.access_key import Credentials
from app.core.client import AgentIdentity, CccClient, open_session
from app.core.errors import ApiError as ClientApiError
from app.simulator import DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, AccessKey, Simulator, SimulatorConfig
from app.simulator.agents import SEED_DEVICE_ID
from tests.simulator.conftest import CccCaller, FakeClock, StartSimulator, sdk

INSTANCE, USER = "ccc-test", "user-test@ccc-test"
SCHEMES = ["v2", "v3"]
SIGNATURE_PREFIX = "Specified signature is not matched with our calculation. server string to sign is:"
DENIED_MESSAGE = "User not authorized to operate on the specified resource."


def server_message(error: ClientException) -> str:
    """The service's own Message, as the SDK keeps it in `data` (its `message` adds a prefix)."""
    data: dict[str, Any] = error.data
    return str(data["Message"])


async def control(ccc: CccCaller, method: str, path: str, body: Any = None) -> Any:
    reply = await ccc.control(method, path, body)
    assert reply.status < 300, reply.text
    return reply.json


# --- 1. SignatureDoesNotMatch ---------------------------------------------------------------------


@pytest.mark.parametrize("scheme", SCHEMES)
async def test_wrong_secret_message_carries_the_server_string_to_sign(simulator: Simulator, scheme: str) -> None:
    """IT comparing a wrong-secret error with Alibaba's sees the same words and the string to sign.

    Without the `server string to sign is:` tail, older SDKs (and IT's scripts) crash parsing it."""
    client = sdk(simulator, scheme, secret="not-the-secret")
    with pytest.raises(ClientException) as caught:
        await client.poll_user_status_async(models.PollUserStatusRequest(instance_id=INSTANCE, user_id=USER))
    error = caught.value
    assert (error.code, error.status_code) == ("SignatureDoesNotMatch", 400)
    message = server_message(error)
    assert message.startswith(SIGNATURE_PREFIX)
    string_to_sign = message.removeprefix(SIGNATURE_PREFIX)
    if scheme == "v3":
        assert re.fullmatch(r"ACS3-HMAC-SHA256\n[0-9a-f]{64}", string_to_sign)
    else:
        assert string_to_sign.startswith("POST&%2F&")
        assert f"AccessKeyId%3D{DEMO_ACCESS_KEY_ID}" in string_to_sign
        assert "Action%3DPollUserStatus" in string_to_sign
        assert "Signature%3D" not in string_to_sign  # the signature itself is never echoed
    # The SDK adds statusCode to the body it keeps in `data`.
    assert set(error.data) == {"RequestId", "HostId", "Code", "Message", "Recommend", "statusCode"}


def legacy_request(simulator: Simulator, action: str, **params: str) -> CommonRequest:
    request = CommonRequest()
    request.set_domain(f"127.0.0.1:{simulator.port}")
    request.set_protocol_type("http")
    request.set_version("2020-07-01")
    request.set_action_name(action)
    request.set_method("POST")
    for name, value in params.items():
        request.add_query_param(name, value)
    return request


async def test_legacy_sdk_polls_the_agent(simulator: Simulator) -> None:
    """Scripts written with the old aliyun-python-sdk-core (IT's tooling) work against the simulator."""
    client = AcsClient(DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, "cn-shanghai")
    request = legacy_request(simulator, "PollUserStatus", InstanceId=INSTANCE, UserId=USER, DeviceId="legacy")
    body = await asyncio.to_thread(client.do_action_with_exception, request)
    answer = json.loads(body)
    assert answer["Code"] == "OK"
    assert answer["Data"]["UserContext"]["UserState"] == "READY"
    assert [(r.action, r.scheme, r.code) for r in simulator.requests] == [("PollUserStatus", "v2", "OK")]


async def test_legacy_sdk_parses_the_wrong_secret_answer(simulator: Simulator) -> None:
    """A wrong secret in an old-SDK script is a clean ServerException SignatureDoesNotMatch with the
    server's string to sign, not an IndexError crash inside the SDK."""
    client = AcsClient(DEMO_ACCESS_KEY_ID, "not-the-secret", "cn-shanghai")
    request = legacy_request(simulator, "PollUserStatus", InstanceId=INSTANCE, UserId=USER, DeviceId="legacy")
    with pytest.raises(ServerException) as caught:
        await asyncio.to_thread(client.do_action_with_exception, request)
    error = caught.value
    assert (error.get_http_status(), error.get_error_code()) == (400, "SignatureDoesNotMatch")
    assert error.get_error_msg().startswith(SIGNATURE_PREFIX + "POST&%2F&AccessKeyId%3Ddemo-access-key-id%26")
    assert error.get_request_id()
    assert [(r.action, r.scheme, r.code, r.status) for r in simulator.requests] == [
        ("PollUserStatus", "v2", "SignatureDoesNotMatch", 400)
    ]


async def test_legacy_sdk_recognises_our_string_to_sign_as_its_own(simulator: Simulator) -> None:
    """IT's old-SDK script gets "The AccessKeySecret is incorrect" for a wrong secret, as against
    Alibaba Cloud: the SDK compares the tail with its own string to sign, which must be identical.

    (A CommonRequest keeps no string to sign of its own, so there the SDK leaves SignatureDoesNotMatch.)"""
    client = AcsClient(DEMO_ACCESS_KEY_ID, "not-the-secret", "cn-shanghai")
    request = RpcRequest("CCC", "2020-07-01", "PollUserStatus")
    request.set_endpoint(f"127.0.0.1:{simulator.port}")
    request.set_protocol_type("http")
    request.set_method("POST")
    for name, value in {"InstanceId": INSTANCE, "UserId": USER, "DeviceId": "legacy"}.items():
        request.add_query_param(name, value)
    with pytest.raises(ServerException) as caught:
        await asyncio.to_thread(client.do_action_with_exception, request)
    assert (caught.value.get_http_status(), caught.value.get_error_code()) == (400, "InvalidAccessKeySecret")
    assert [r.code for r in simulator.requests] == ["SignatureDoesNotMatch"]


# --- 2. InvalidOperation.ChannelState ---------------------------------------------------------------


@pytest.mark.parametrize("scheme", SCHEMES)
async def test_ready_with_an_open_channel_is_channel_state(simulator: Simulator, scheme: str) -> None:
    """An agent whose call channel is still open cannot go Ready, and sees the service's own words."""
    simulator.directory.set_state(INSTANCE, USER, "BREAK", break_code="Lunch", channel_open=True)
    client = sdk(simulator, scheme)
    with pytest.raises(ClientException) as caught:
        await client.ready_for_service_async(models.ReadyForServiceRequest(instance_id=INSTANCE, user_id=USER))
    error = caught.value
    assert (error.code, error.status_code) == ("InvalidOperation.ChannelState", 400)
    assert server_message(error) == "Channel stats (ANSWERED) does not meet expectations (RELEASED)."
    assert error.data["Params"] == ["ANSWERED", "RELEASED"]
    assert error.data["HttpStatusCode"] == 400
    assert simulator.directory.get(INSTANCE, USER).state == "BREAK"  # type: ignore[union-attr]


# --- 3. Parameter.Blank -----------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("code", ["", "   "])
async def test_blank_break_code_is_parameter_blank(simulator: Simulator, scheme: str, code: str) -> None:
    """An empty break code is refused with CCC's Parameter.Blank wording, and the agent stays Ready."""
    client = sdk(simulator, scheme)
    with pytest.raises(ClientException) as caught:
        await client.take_break_async(models.TakeBreakRequest(code=code, instance_id=INSTANCE, user_id=USER))
    error = caught.value
    assert (error.code, error.status_code) == ("Parameter.Blank", 400)
    assert server_message(error) == "The parameter Code may not be null or blank."
    assert error.data["Params"] == ["Code"]
    assert simulator.directory.get(INSTANCE, USER).state == "READY"  # type: ignore[union-attr]


# --- 4. RAM denials ---------------------------------------------------------------------------------


def assert_denied(error: ClientException, action: str, principal: str) -> None:
    assert (error.code, error.status_code) == ("Forbidden.RAM", 403)
    assert server_message(error) == DENIED_MESSAGE
    assert set(error.data) == {
        "RequestId",
        "HostId",
        "Code",
        "Message",
        "Recommend",
        "AccessDeniedDetail",
        "statusCode",
    }
    detail = error.access_denied_detail
    assert detail is not None
    assert detail["AuthAction"] == f"ccc:{action}"
    assert detail["AuthPrincipalType"] == "SubUser"
    assert detail["AuthPrincipalDisplayName"] == principal
    assert detail["NoPermissionType"] == "ImplicitDeny"
    assert detail["PolicyType"] == "AccountLevelIdentityBasedPolicy"
    assert detail["EncodedDiagnosticMessage"]


@pytest.mark.parametrize("scheme", SCHEMES)
async def test_control_api_denial_is_forbidden_ram_until_cleared(ccc: CccCaller, scheme: str) -> None:
    """IT can rehearse a RAM policy missing ccc:ReadyForService: the agent's Ready is refused with 403
    naming the action, a break still works, and clearing the denial restores Ready."""
    simulator = ccc.simulator
    denial = await control(ccc, "POST", "denials", {"access_key_id": DEMO_ACCESS_KEY_ID, "action": "ReadyForService"})
    assert denial == {"access_key_id": DEMO_ACCESS_KEY_ID, "action": "ReadyForService"}
    assert await control(ccc, "GET", "denials") == {"denials": [denial]}
    client = sdk(simulator, scheme)
    await client.take_break_async(models.TakeBreakRequest(code="Lunch", instance_id=INSTANCE, user_id=USER))
    with pytest.raises(ClientException) as caught:
        await client.ready_for_service_async(models.ReadyForServiceRequest(instance_id=INSTANCE, user_id=USER))
    assert_denied(caught.value, "ReadyForService", "user-test")
    assert simulator.directory.get(INSTANCE, USER).state == "BREAK"  # type: ignore[union-attr]

    assert await control(ccc, "DELETE", "denials") == {"denials": []}
    ready = await client.ready_for_service_async(models.ReadyForServiceRequest(instance_id=INSTANCE, user_id=USER))
    assert ready.body.data.user_state == "READY"


async def test_denial_for_another_key_or_every_action(ccc: CccCaller) -> None:
    """A denial names one AccessKey (others are unaffected) or, without an action, every action."""
    client = sdk(ccc.simulator, "v3")
    await control(ccc, "POST", "denials", {"access_key_id": "someone-else", "action": "*"})
    polled = await client.poll_user_status_async(models.PollUserStatusRequest(instance_id=INSTANCE, user_id=USER))
    assert polled.body.code == "OK"
    await control(ccc, "POST", "denials", {"access_key_id": DEMO_ACCESS_KEY_ID})
    with pytest.raises(ClientException) as caught:
        await client.poll_user_status_async(models.PollUserStatusRequest(instance_id=INSTANCE, user_id=USER))
    assert_denied(caught.value, "PollUserStatus", "user-test")
    await control(ccc, "POST", "reset")
    assert await control(ccc, "GET", "denials") == {"denials": []}


@pytest.mark.parametrize(
    ("body", "complaint"),
    [({"access_key_id": 5}, "access_key_id"), ({"action": ["TakeBreak"]}, "action"), ([], "JSON object")],
)
async def test_bad_denial_bodies_are_refused(ccc: CccCaller, body: Any, complaint: str) -> None:
    """A trainer's typo in a denial is a 400 naming the field, not a silently wrong rehearsal."""
    reply = await ccc.control("POST", "denials", body)
    assert reply.status == 400
    assert complaint in reply.json["error"]


@pytest.mark.parametrize("scheme", SCHEMES)
async def test_read_api_denial_is_forbidden_not_unknown(ccc: CccCaller, scheme: str) -> None:
    """The widget's read APIs (GetUser, ListRealtimeAgentStates, ...) can be denied like on a narrow
    RAM policy (403), so the fallback to the three actions can be rehearsed; not denied, they answer."""
    client = sdk(ccc.simulator, scheme)
    allowed = await client.get_user_async(models.GetUserRequest(instance_id=INSTANCE, user_id=USER))
    assert allowed.body.data.user_id == USER

    await control(ccc, "POST", "denials", {"action": "GetUser"})
    with pytest.raises(ClientException) as caught:
        await client.get_user_async(models.GetUserRequest(instance_id=INSTANCE, user_id=USER))
    assert_denied(caught.value, "GetUser", "user-test")


@pytest.mark.parametrize("scheme", SCHEMES)
async def test_allowed_actions_key_gets_the_same_denial_shape(
    start_simulator: StartSimulator, clock: FakeClock, scheme: str
) -> None:
    """A RAM user allowed only PollUserStatus is refused TakeBreak with the real AccessDeniedDetail."""
    keys = {"narrow": AccessKey("narrow-secret", allowed_actions=frozenset({"PollUserStatus"}), ram_user="desk-7")}
    caller = await start_simulator(SimulatorConfig(access_keys=keys, clock=clock))
    client = sdk(caller.simulator, scheme, access_key_id="narrow", secret="narrow-secret")
    with pytest.raises(ClientException) as caught:
        await client.take_break_async(models.TakeBreakRequest(code="Lunch", instance_id=INSTANCE, user_id=USER))
    assert_denied(caught.value, "TakeBreak", "desk-7")


@pytest.fixture
async def core_session() -> AsyncIterator[aiohttp.ClientSession]:
    async with open_session() as opened:
        yield opened


async def test_widget_client_surfaces_the_denial(ccc: CccCaller, core_session: aiohttp.ClientSession) -> None:
    """The widget shows a permission problem (not a generic failure) when IT's policy lacks TakeBreak."""
    await control(ccc, "POST", "denials", {"access_key_id": DEMO_ACCESS_KEY_ID, "action": "TakeBreak"})
    client = CccClient(
        core_session,
        endpoint=ccc.simulator.url,
        identity=AgentIdentity(INSTANCE, USER, "desk-42"),
        credentials=Credentials(DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET),
    )
    with pytest.raises(ClientApiError) as caught:
        await client.take_break("Lunch")
    assert caught.value.code == "Forbidden.RAM"
    assert caught.value.http_status == 403
    assert caught.value.server_message == DENIED_MESSAGE
    assert [(r.action, r.code) for r in ccc.simulator.requests] == [("TakeBreak", "Forbidden.RAM")]


# --- 5. OutboundScenario ----------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", SCHEMES)
async def test_ready_without_outbound_scenario_ends_outbound_only_mode(simulator: Simulator, scheme: str) -> None:
    """An outbound-only agent who presses Ready without OutboundScenario starts getting inbound calls,
    as on the real service (absent means false); sending true keeps outbound-only mode."""
    client = sdk(simulator, scheme)
    ready = await client.ready_for_service_async(
        models.ReadyForServiceRequest(instance_id=INSTANCE, user_id=USER, outbound_scenario=True)
    )
    assert ready.body.data.outbound_scenario is True
    polled = await client.poll_user_status_async(models.PollUserStatusRequest(instance_id=INSTANCE, user_id=USER))
    assert polled.body.data.user_context.outbound_scenario is True

    await client.take_break_async(models.TakeBreakRequest(code="Lunch", instance_id=INSTANCE, user_id=USER))
    again = await client.ready_for_service_async(models.ReadyForServiceRequest(instance_id=INSTANCE, user_id=USER))
    assert again.body.data.outbound_scenario is False
    assert simulator.directory.get(INSTANCE, USER).outbound_scenario is False  # type: ignore[union-attr]


# --- 6. UserId is optional --------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", SCHEMES)
async def test_no_user_id_acts_as_the_keys_agent(simulator: Simulator, scheme: str) -> None:
    """An agent whose settings leave UserId empty still takes breaks as the agent their key maps to."""
    client = sdk(simulator, scheme)
    taken = await client.take_break_async(models.TakeBreakRequest(code="Lunch", instance_id=INSTANCE))
    assert taken.body.data.user_id == USER
    assert taken.body.data.user_state == "BREAK"
    polled = await client.poll_user_status_async(models.PollUserStatusRequest(instance_id=INSTANCE))
    assert polled.body.data.user_context.user_id == USER
    assert polled.body.data.user_context.break_code == "Lunch"
    ready = await client.ready_for_service_async(models.ReadyForServiceRequest(instance_id=INSTANCE))
    assert ready.body.data.user_state == "READY"
    assert [(r.action, r.user_id, r.code) for r in simulator.requests] == [
        ("TakeBreak", USER, "OK"),
        ("PollUserStatus", USER, "OK"),
        ("ReadyForService", USER, "OK"),
    ]


@pytest.mark.parametrize("scheme", SCHEMES)
async def test_no_user_id_and_no_mapped_agent_is_parameter_blank(
    start_simulator: StartSimulator, clock: FakeClock, scheme: str
) -> None:
    """A key whose RAM user is not an agent must name the UserId; without it the answer says so."""
    keys = {"unmapped": AccessKey("unmapped-secret")}
    caller = await start_simulator(SimulatorConfig(access_keys=keys, clock=clock))
    client = sdk(caller.simulator, scheme, access_key_id="unmapped", secret="unmapped-secret")
    with pytest.raises(ClientException) as caught:
        await client.poll_user_status_async(models.PollUserStatusRequest(instance_id=INSTANCE))
    assert (caught.value.code, caught.value.status_code) == ("Parameter.Blank", 400)
    assert server_message(caught.value) == "The parameter UserId may not be null or blank."
    named = await client.poll_user_status_async(models.PollUserStatusRequest(instance_id=INSTANCE, user_id=USER))
    assert named.body.data.user_context.user_id == USER


# --- 7. DeviceId ------------------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", SCHEMES)
async def test_device_id_is_the_agents_softphone_not_an_echo(ccc: CccCaller, scheme: str) -> None:
    """The widget shows the agent's real softphone device, whatever DeviceId it sent."""
    client = sdk(ccc.simulator, scheme)
    taken = await client.take_break_async(
        models.TakeBreakRequest(code="Lunch", device_id="ccc-break-desk", instance_id=INSTANCE, user_id=USER)
    )
    assert taken.body.data.device_id == SEED_DEVICE_ID
    polled = await client.poll_user_status_async(
        models.PollUserStatusRequest(device_id="another-desk", instance_id=INSTANCE, user_id=USER)
    )
    assert polled.body.data.user_context.device_id == SEED_DEVICE_ID

    await control(ccc, "POST", "agents", {"instance_id": INSTANCE, "user_id": "agent2@ccc-test"})
    first = await client.poll_user_status_async(
        models.PollUserStatusRequest(device_id="a", instance_id=INSTANCE, user_id="agent2@ccc-test")
    )
    second = await client.poll_user_status_async(
        models.PollUserStatusRequest(device_id="b", instance_id=INSTANCE, user_id="agent2@ccc-test")
    )
    device = first.body.data.user_context.device_id
    assert re.fullmatch(r"ACC-YUNBS-1\.0\.10-bs[0-9a-f]{26}", device)
    assert device == second.body.data.user_context.device_id != SEED_DEVICE_ID


# --- 8. Throttling ----------------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", SCHEMES)
async def test_throttled_answer_says_when_to_retry(simulator: Simulator, clock: FakeClock, scheme: str) -> None:
    """A throttled fleet is told how long to wait (x-acs-retry-after, ms), so desktops back off
    exactly as long as needed instead of hammering the service."""
    simulator.faults.throttle(qps=1, action="PollUserStatus")
    client = sdk(simulator, scheme)
    request = models.PollUserStatusRequest(instance_id=INSTANCE, user_id=USER)
    assert (await client.poll_user_status_async(request)).body.code == "OK"
    clock.advance(milliseconds=400)
    with pytest.raises(ThrottlingException) as caught:
        await client.poll_user_status_async(request)
    error = caught.value
    assert (error.code, error.status_code) == ("Throttling.User", 400)
    assert error.retry_after == 600
    assert error.data["Message"] == "Request was denied due to user flow control."


async def test_throttle_everything_retry_after_is_one_second(simulator: Simulator) -> None:
    """With every request throttled (qps 0) the wait offered is one second, never zero."""
    simulator.faults.throttle(qps=0, count=1)
    client = sdk(simulator, "v3")
    with pytest.raises(ThrottlingException) as caught:
        await client.take_break_async(models.TakeBreakRequest(code="Lunch", instance_id=INSTANCE, user_id=USER))
    assert caught.value.retry_after == 1000


async def test_the_legacy_sdk_drives_every_action_and_read_api(simulator: Simulator) -> None:
    """Desktops and scripts built on the older aliyun-python-sdk-core (CommonRequest, V2) get the same
    answers: a break, Ready keeping outbound-only mode, the live state, and each read API."""
    client = AcsClient(DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, "cn-shanghai")

    async def call(action: str, **params: str) -> dict[str, Any]:
        request = legacy_request(simulator, action, InstanceId=INSTANCE, **params)
        answer: dict[str, Any] = json.loads(await asyncio.to_thread(client.do_action_with_exception, request))
        assert answer["Code"] == "OK", answer
        return answer

    taken = await call("TakeBreak", UserId=USER, DeviceId="legacy", Code="lunch")
    assert taken["Data"]["UserState"] == "BREAK" and taken["Data"]["BreakCode"] == "lunch"
    ready = await call("ReadyForService", UserId=USER, DeviceId="legacy", OutboundScenario="true")
    assert ready["Data"]["UserState"] == "READY" and ready["Data"]["OutboundScenario"] is True
    polled = await call("PollUserStatus", DeviceId="legacy")  # no UserId: the key's own agent
    assert polled["Data"]["UserContext"]["UserId"] == USER
    realtime = await call("ListRealtimeAgentStates", AgentIdList=json.dumps([USER]))
    assert realtime["Data"]["List"][0]["AgentId"] == USER and realtime["Data"]["List"][0]["StateTime"] > 0
    logs = await call("ListAgentStateLogs", AgentId=USER)
    assert [entry["BreakCode"] for entry in logs["Data"] if entry["BreakCode"]] == ["lunch"]
    totals = await call("ListAgentSummaryReportsSinceMidnight", AgentIds=USER)
    assert totals["PagedAgentSummaryReport"]["List"][0]["AgentId"] == USER
    user = await call("GetUser", UserId=USER)
    assert user["Data"]["UserId"] == USER

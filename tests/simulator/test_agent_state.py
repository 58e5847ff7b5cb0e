"""The CCC agent state machine and the agent context JSON, as an agent using the widget would meet them."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.simulator import Agent, UserState, seed_agent
from app.simulator.agents import SEED_DEVICE_ID
from app.simulator.errors import ApiError
from tests.simulator.conftest import AGENT, CccCaller, FakeClock, Reply

CCC_ERROR_FIELDS = {"Code", "HttpStatusCode", "Message", "Params", "RequestId"}
CONTEXT_FIELDS = {
    "UserState",
    "BreakCode",
    "Extension",
    "Heartbeat",
    "Reserved",
    "DeviceId",
    "InstanceId",
    "UserId",
    "JobId",
    "Mobile",
    "OutboundScenario",
    "SignedSkillGroupIdList",
    "WorkMode",
}


def assert_ccc_error(reply: Reply, code: str, status: int) -> None:
    assert reply.status == status, reply.text
    assert set(reply.json) == CCC_ERROR_FIELDS, reply.text
    assert reply.code == code
    assert reply.json["HttpStatusCode"] == status


def take_break(code: str = "Lunch") -> dict[str, str]:
    return {**AGENT, "Code": code}


async def test_take_break_returns_the_seed_agent_context(ccc: CccCaller, clock: FakeClock) -> None:
    """TakeBreak answers with the agent context in the documented types, so the widget shows the break."""
    reply = await ccc.call("TakeBreak", take_break("Lunch"))
    data = reply.json["Data"]
    assert set(data) == CONTEXT_FIELDS
    assert data["UserState"] == "BREAK"
    assert data["BreakCode"] == "Lunch"
    assert data["Extension"] == "80011474"
    assert data["Mobile"] == "13900000001"
    assert data["SignedSkillGroupIdList"] == ["skill-group@ccc-test"]
    assert data["WorkMode"] == "ON_SITE"
    assert data["DeviceId"] == SEED_DEVICE_ID  # the softphone device, not the request's DeviceId
    assert (data["InstanceId"], data["UserId"]) == ("ccc-test", "user-test@ccc-test")
    assert data["OutboundScenario"] is False
    assert data["Heartbeat"] == int(clock.now.timestamp() * 1000)
    assert isinstance(data["Reserved"], int)


async def test_ready_for_service_ends_the_break(ccc: CccCaller) -> None:
    """ReadyForService after a break makes the agent READY with no break code."""
    await ccc.call("TakeBreak", take_break())
    data = (await ccc.call("ReadyForService", {**AGENT, "OutboundScenario": "true"})).json["Data"]
    assert (data["UserState"], data["BreakCode"], data["OutboundScenario"]) == ("READY", "", True)


async def test_break_code_can_change_while_on_break(ccc: CccCaller) -> None:
    """Taking a break while already on one switches the code (BREAK is an allowed source state)."""
    await ccc.call("TakeBreak", take_break("Lunch"))
    data = (await ccc.call("TakeBreak", take_break("Training"))).json["Data"]
    assert (data["UserState"], data["BreakCode"]) == ("BREAK", "Training")


@pytest.mark.parametrize("source", ["READY", "BREAK", "WORKING"])
async def test_take_break_allowed_states(ccc: CccCaller, source: str) -> None:
    """An agent who is ready, on break or in after-call work can take a break."""
    ccc.simulator.directory.set_state("ccc-test", "user-test@ccc-test", source)
    assert (await ccc.call("TakeBreak", take_break())).json["Data"]["UserState"] == "BREAK"


@pytest.mark.parametrize("source", ["READY", "BREAK", "WORKING"])
async def test_ready_allowed_states(ccc: CccCaller, source: str) -> None:
    """An agent who is ready, on break or in after-call work can become ready."""
    ccc.simulator.directory.set_state("ccc-test", "user-test@ccc-test", source)
    assert (await ccc.call("ReadyForService", dict(AGENT))).json["Data"]["UserState"] == "READY"


@pytest.mark.parametrize("action", ["TakeBreak", "ReadyForService"])
@pytest.mark.parametrize("source", ["OFFLINE", "DIALING", "RINGING", "TALKING"])
async def test_forbidden_states_are_invalid_operation(ccc: CccCaller, action: str, source: str) -> None:
    """During a call or while offline, break/ready is refused with the current and allowed states in Params."""
    ccc.simulator.directory.set_state("ccc-test", "user-test@ccc-test", source)
    reply = await ccc.call(action, take_break() if action == "TakeBreak" else dict(AGENT))
    assert_ccc_error(reply, "InvalidOperation.UserState", 400)
    assert reply.json["Params"] == [source, "BREAK,READY,WORKING"]
    assert reply.json["Message"] == (
        f"The operation is not allowed. User state ({source}) does not meet expectations (BREAK,READY,WORKING)."
    )
    assert ccc.simulator.directory.get("ccc-test", "user-test@ccc-test").state == source  # type: ignore[union-attr]


async def test_open_call_channel_blocks_ready(ccc: CccCaller) -> None:
    """With a call channel still open, ReadyForService is InvalidOperation.ChannelState and the break stays."""
    await ccc.call("TakeBreak", take_break())
    ccc.simulator.directory.set_state("ccc-test", "user-test@ccc-test", channel_open=True)
    reply = await ccc.call("ReadyForService", dict(AGENT))
    assert_ccc_error(reply, "InvalidOperation.ChannelState", 400)
    assert ccc.simulator.directory.get("ccc-test", "user-test@ccc-test").state == "BREAK"  # type: ignore[union-attr]


@pytest.mark.parametrize("code", ["", "   "])
async def test_blank_break_code_is_parameter_blank(ccc: CccCaller, code: str) -> None:
    """An empty break code is Parameter.Blank (CCC envelope) and does not change the state."""
    reply = await ccc.call("TakeBreak", take_break(code))
    assert_ccc_error(reply, "Parameter.Blank", 400)
    assert reply.json["Params"] == ["Code"]


async def test_unknown_instance_is_not_exists(ccc: CccCaller) -> None:
    """A wrong instance ID gives the seed's message with the instance named."""
    reply = await ccc.call("PollUserStatus", {**AGENT, "InstanceId": "ccc-nope"})
    assert_ccc_error(reply, "NotExists.InstanceId", 404)
    assert reply.json["Message"] == "The specified instance ccc-nope does not exist."


async def test_unknown_user_is_not_exists(ccc: CccCaller) -> None:
    """A wrong user ID gives the seed's message naming user and instance."""
    reply = await ccc.call("PollUserStatus", {**AGENT, "UserId": "ghost@ccc-test"})
    assert_ccc_error(reply, "NotExists.UserId", 404)
    assert reply.json["Message"] == "The user ghost@ccc-test does not exist in instance ccc-test."


async def test_poll_user_status_shape_and_context_id(ccc: CccCaller) -> None:
    """PollUserStatus gives ContextId, UserContext, CallContext and ChatContexts; ContextId moves on change."""
    first = (await ccc.call("PollUserStatus")).json["Data"]
    assert set(first) == {"ContextId", "UserContext", "CallContext", "ChatContexts"}
    assert (first["CallContext"], first["ChatContexts"]) == (None, [])
    assert set(first["UserContext"]) == CONTEXT_FIELDS
    again = (await ccc.call("PollUserStatus")).json["Data"]
    assert again["ContextId"] == first["ContextId"]
    await ccc.call("TakeBreak", take_break())
    changed = (await ccc.call("PollUserStatus")).json["Data"]
    assert changed["ContextId"] != first["ContextId"]
    assert changed["UserContext"]["UserState"] == "BREAK"


async def test_heartbeat_advances_on_every_request(ccc: CccCaller, clock: FakeClock) -> None:
    """Every request for an agent moves Heartbeat to now, even a refused one."""
    first = (await ccc.call("PollUserStatus")).json["Data"]["UserContext"]["Heartbeat"]
    clock.advance(seconds=5)
    ccc.simulator.directory.set_state("ccc-test", "user-test@ccc-test", "OFFLINE")
    await ccc.call("TakeBreak", take_break())
    later = (await ccc.call("PollUserStatus")).json["Data"]["UserContext"]["Heartbeat"]
    assert later - first == 5000


async def test_system_break_codes_show_in_poll(ccc: CccCaller) -> None:
    """A system break (RingingTimeout) set by the phone system is what PollUserStatus reports."""
    ccc.simulator.directory.set_state("ccc-test", "user-test@ccc-test", "BREAK", break_code="RingingTimeout")
    context = (await ccc.call("PollUserStatus")).json["Data"]["UserContext"]
    assert (context["UserState"], context["BreakCode"]) == ("BREAK", "RingingTimeout")


async def test_seed_json_shapes_per_agent(ccc: CccCaller) -> None:
    """With seed_json_shapes the agent looks like the seed's example: numbers and a JSON-encoded list."""
    agent = ccc.simulator.directory.get("ccc-test", "user-test@ccc-test")
    assert agent is not None
    agent.seed_json_shapes = True
    for action, params in [("TakeBreak", take_break()), ("PollUserStatus", dict(AGENT))]:
        data = (await ccc.call(action, params)).json["Data"]
        context = data.get("UserContext", data)
        assert context["Extension"] == 80011474
        assert context["Mobile"] == 13900000001
        assert context["SignedSkillGroupIdList"] == '["skill-group@ccc-test"]'
        assert json.loads(context["SignedSkillGroupIdList"]) == ["skill-group@ccc-test"]


# --- the state machine as a model, without the network ------------------------------------------

ALLOWED = {"READY", "BREAK", "WORKING"}
operations = st.lists(
    st.one_of(
        st.tuples(st.just("break"), st.sampled_from(["Lunch", "Warm-up", "x"])),
        st.tuples(st.just("ready"), st.booleans()),
        st.tuples(st.just("set"), st.sampled_from(list(UserState))),
        st.tuples(st.just("channel"), st.booleans()),
    ),
    max_size=30,
)


@given(operations)
def test_state_machine_matches_the_documented_rules(ops: list[tuple[str, object]]) -> None:
    """Any sequence of breaks, readies and phone-system changes follows the documented rules exactly."""
    agent: Agent = seed_agent()
    state, code, channel = "READY", "", False
    for op, arg in ops:
        try:
            if op == "break":
                agent.take_break(str(arg))
            elif op == "ready":
                agent.ready_for_service(bool(arg))
            elif op == "set":
                agent.set_state(UserState(str(arg)))
            else:
                agent.channel_open = bool(arg)
        except ApiError as error:
            assert op in ("break", "ready")
            if state not in ALLOWED:
                assert error.code == "InvalidOperation.UserState"
                assert error.params == [state, "BREAK,READY,WORKING"]
            else:
                assert (op, error.code, channel) == ("ready", "InvalidOperation.ChannelState", True)
        else:
            if op == "break":
                assert state in ALLOWED
                state, code = "BREAK", str(arg)
            elif op == "ready":
                assert state in ALLOWED and not channel
                state, code = "READY", ""
            elif op == "set":
                state = str(arg)
                code = code if state == "BREAK" else ""
            else:
                channel = bool(arg)
        assert (agent.state.value, agent.break_code, agent.channel_open) == (state, code, channel)

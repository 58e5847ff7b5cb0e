"""The three CCC actions the widget uses, on top of the agent directory: parameters in, `Data` out.

The read APIs (ListRealtimeAgentStates, ...) live in app.simulator.reports."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from app.simulator import errors
from app.simulator.agents import CALL_STATES, Agent, AgentDirectory, UserState, epoch_ms
from app.simulator.reports import READ_ACTIONS

TAKE_BREAK = "TakeBreak"
READY_FOR_SERVICE = "ReadyForService"
POLL_USER_STATUS = "PollUserStatus"
ACTIONS = frozenset({TAKE_BREAK, READY_FOR_SERVICE, POLL_USER_STATUS})
# Every action the simulator answers: the three above and the read APIs (app.simulator.reports).
SERVED_ACTIONS = ACTIONS | READ_ACTIONS
# Real CCC actions the widget may call that the simulator does not carry out: a RAM denial for them
# answers Forbidden.RAM (403), otherwise InvalidAction.NotFound. None today: the read APIs are served.
KNOWN_UNSIMULATED_ACTIONS: frozenset[str] = frozenset()


def effective_user_id(params: Mapping[str, str], mapped_user_id: str | None) -> str:
    """UserId is optional: left out (or blank), the request acts as the caller's mapped agent."""
    sent = params.get("UserId")
    if sent is not None and sent.strip():
        return sent
    return mapped_user_id or ""


def run(
    action: str,
    params: Mapping[str, str],
    directory: AgentDirectory,
    now: datetime,
    *,
    mapped_user_id: str | None = None,
    seed_shapes: bool = False,
) -> dict[str, Any]:
    """Carry out a verified, known action and return its `Data`; raises ApiError.

    `mapped_user_id` is the agent the calling AccessKey's RAM user is mapped to, used without UserId.
    DeviceId is accepted and ignored: the answer names the agent's own softphone device."""
    instance_id = errors.required(params, "InstanceId")
    code = errors.required(params, "Code") if action == TAKE_BREAK else ""
    outbound = _optional_bool(params, "OutboundScenario") if action == READY_FOR_SERVICE else None
    if not directory.has_instance(instance_id):
        raise errors.instance_not_found(instance_id)
    user_id = effective_user_id(params, mapped_user_id)
    if not user_id:
        # No UserId and no agent mapped to the caller (our choice; ccc-api.md names no error).
        raise errors.parameter_blank("UserId")

    agent = _find(directory, instance_id, user_id)
    now_ms = epoch_ms(now)
    agent.start_log(now_ms)
    agent.heartbeat_ms = now_ms

    if action == TAKE_BREAK:
        agent.take_break(code, at_ms=now_ms)
    elif action == READY_FOR_SERVICE:
        agent.ready_for_service(outbound, at_ms=now_ms)
    context = agent.context(seed_shapes=seed_shapes)
    if action == POLL_USER_STATUS:
        call_context = call_context_of(agent)
        if call_context is not None:
            context["ParallelJobList"] = parallel_jobs_of(agent)
        return {"ContextId": agent.context_id, "UserContext": context, "CallContext": call_context, "ChatContexts": []}
    return context


# CallContext while a call is up (RINGING / DIALING / TALKING), in PollUserStatusResponseBodyDataCallContext's
# shape; null otherwise, as the existing no-call answer has it. ChannelIds follow the reference's example
# form ch:user:<from>-><to>:<epoch ms>:<job>.
def call_context_of(agent: Agent) -> dict[str, Any] | None:
    call = agent.call
    if call is None or agent.state not in CALL_STATES:
        return None
    skill_group = agent.skill_groups[0] if agent.skill_groups else ""
    inbound = call.direction == "INBOUND"
    caller, callee = (call.other_party, agent.extension) if inbound else (agent.extension, call.other_party)
    agent_state = "ANSWERED" if agent.state is UserState.TALKING or not inbound else "RINGING"
    customer_state = "ANSWERED" if agent.state is UserState.TALKING or inbound else "RINGING"
    customer = _channel(call.job_id, call.direction, 0, caller, callee, customer_state, call.customer_channel_ms)
    customer.update({"SkillGroupId": skill_group if inbound else "", "ChannelFlags": ""})
    agent_channel = _channel(call.job_id, call.direction, 1, caller, callee, agent_state, call.agent_channel_ms)
    agent_channel.update(
        {"UserId": agent.user_id, "UserExtension": agent.extension, "SkillGroupId": skill_group, "ChannelFlags": ""}
    )
    # The channel that came first is listed first: the customer's for inbound, the agent's for outbound.
    channels = [customer, agent_channel] if inbound else [agent_channel, customer]
    for index, channel in enumerate(channels):
        channel["Index"] = index
    return {
        "JobId": call.job_id,
        "CallType": call.direction,
        "InstanceId": agent.instance_id,
        "CallVariables": "",
        "ChannelContexts": channels,
    }


def _channel(
    job_id: str, call_type: str, which: int, originator: str, destination: str, state: str, timestamp: int
) -> dict[str, Any]:
    return {
        "ChannelId": f"ch:user:{originator}->{destination}:{timestamp}:{job_id}:{which}",
        "ChannelState": state,
        "CallType": call_type,
        "Originator": originator,
        "Destination": destination,
        "ReleaseInitiator": "",
        "ReleaseReason": "",
        "Timestamp": timestamp,
        "UserId": "",
        "UserExtension": "",
        "SkillGroupId": "",
        "ChannelFlags": "",
        "ChannelVariables": "",
        "JobId": job_id,
    }


def parallel_jobs_of(agent: Agent) -> list[dict[str, Any]]:
    """UserContext.ParallelJobList: the agent's calls with its state in each (RINGING / TALKING)."""
    call = agent.call
    if call is None:
        return []
    status = "TALKING" if agent.state is UserState.TALKING else "RINGING"
    return [{"JobId": call.job_id, "Status": status, "Timestamp": agent.state_since_ms}]


def _optional_bool(params: Mapping[str, str], name: str) -> bool | None:
    value = params.get(name)
    if value is None or value == "":
        return None
    if value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise errors.invalid_parameter(name, "Expected true or false.")


def _find(directory: AgentDirectory, instance_id: str, user_id: str) -> Agent:
    if not directory.has_instance(instance_id):
        raise errors.instance_not_found(instance_id)
    agent = directory.get(instance_id, user_id)
    if agent is None:
        raise errors.user_not_found(user_id, instance_id)
    return agent

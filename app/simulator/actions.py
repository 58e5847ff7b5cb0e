"""The three CCC actions the widget uses, on top of the agent directory: parameters in, `Data` out."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from app.simulator import errors
from app.simulator.agents import Agent, AgentDirectory, epoch_ms

TAKE_BREAK = "TakeBreak"
READY_FOR_SERVICE = "ReadyForService"
POLL_USER_STATUS = "PollUserStatus"
ACTIONS = frozenset({TAKE_BREAK, READY_FOR_SERVICE, POLL_USER_STATUS})
# Real CCC actions the widget may call that the simulator does not carry out. They exist on the real
# service, so a RAM denial for them answers Forbidden.RAM (403); otherwise InvalidAction.NotFound.
KNOWN_UNSIMULATED_ACTIONS = frozenset(
    {"ListRealtimeAgentStates", "ListAgentStateLogs", "ListAgentSummaryReportsSinceMidnight", "GetUser"}
)


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
    instance_id = _required(params, "InstanceId")
    code = _required(params, "Code") if action == TAKE_BREAK else ""
    outbound = _optional_bool(params, "OutboundScenario") if action == READY_FOR_SERVICE else None
    if not directory.has_instance(instance_id):
        raise errors.instance_not_found(instance_id)
    user_id = effective_user_id(params, mapped_user_id)
    if not user_id:
        # No UserId and no agent mapped to the caller (our choice; ccc-api.md names no error).
        raise errors.parameter_blank("UserId")

    agent = _find(directory, instance_id, user_id)
    agent.heartbeat_ms = epoch_ms(now)

    if action == TAKE_BREAK:
        agent.take_break(code)
    elif action == READY_FOR_SERVICE:
        agent.ready_for_service(outbound)
    context = agent.context(seed_shapes=seed_shapes)
    if action == POLL_USER_STATUS:
        return {"ContextId": agent.context_id, "UserContext": context, "CallContext": None, "ChatContexts": []}
    return context


def _required(params: Mapping[str, str], name: str) -> str:
    value = params.get(name)
    if value is None:
        raise errors.missing_parameter(name)
    if not value.strip():
        raise errors.parameter_blank(name)
    return value


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

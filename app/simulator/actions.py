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


def run(
    action: str,
    params: Mapping[str, str],
    directory: AgentDirectory,
    now: datetime,
    *,
    seed_shapes: bool = False,
) -> dict[str, Any]:
    """Carry out a verified, known action and return its `Data`; raises ApiError."""
    instance_id = _required(params, "InstanceId")
    user_id = _required(params, "UserId")
    code = _required(params, "Code") if action == TAKE_BREAK else ""
    outbound = _optional_bool(params, "OutboundScenario") if action == READY_FOR_SERVICE else None

    agent = _find(directory, instance_id, user_id)
    agent.heartbeat_ms = epoch_ms(now)
    device_id = params.get("DeviceId")
    if device_id:
        agent.device_id = device_id

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

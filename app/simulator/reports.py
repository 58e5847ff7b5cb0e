"""The read APIs that tell the truth about an agent, computed from each agent's state log.

ListRealtimeAgentStates, ListAgentStateLogs, ListAgentSummaryReportsSinceMidnight and GetUser, in the
shapes the official SDK's models (`alibabacloud_ccc20200701.models`) read. Choices where the models and
docs leave room:
- State spelling: these reporting APIs use the title-case names of the API reference (the models' own
  example is "State=Talking"): Ready, Break, Working (after-call work), Dialing, Ringing, Talking,
  Offline. StateList filters compare case-insensitively and also accept ACW for Working.
- StateCode: the break code while on Break (e.g. Warm-up), otherwise empty (no sub-state simulated).
- Durations and totals are whole seconds (the models say "in seconds"); StateTime / StartTime are epoch
  milliseconds.
- "Since midnight" is the local midnight of the simulator clock's own timezone when that clock is
  timezone-aware, else UTC midnight. TotalLoggedInTime excludes break time and OFFLINE time, as the
  model documents ("Total logon time, excluding break time").
- ListAgentStateLogs lists the states that began within [StartTime, EndTime] (defaults: local midnight
  and now), each with its Duration up to the next state (or now, for the current one).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from datetime import UTC, datetime, time
from typing import Any

from app.simulator import errors
from app.simulator.agents import CALL_STATES, Agent, AgentDirectory, StateLogEntry, UserState, epoch_ms

LIST_REALTIME_AGENT_STATES = "ListRealtimeAgentStates"
LIST_AGENT_STATE_LOGS = "ListAgentStateLogs"
LIST_AGENT_SUMMARY_REPORTS_SINCE_MIDNIGHT = "ListAgentSummaryReportsSinceMidnight"
GET_USER = "GetUser"
READ_ACTIONS = frozenset(
    {LIST_REALTIME_AGENT_STATES, LIST_AGENT_STATE_LOGS, LIST_AGENT_SUMMARY_REPORTS_SINCE_MIDNIGHT, GET_USER}
)

REPORT_STATE_NAMES = {
    UserState.READY: "Ready",
    UserState.BREAK: "Break",
    UserState.WORKING: "Working",
    UserState.DIALING: "Dialing",
    UserState.RINGING: "Ringing",
    UserState.TALKING: "Talking",
    UserState.OFFLINE: "Offline",
}
STATE_ALIASES = {"acw": UserState.WORKING}
MAX_PAGE = 100
MAX_LOG_WINDOW_MS = 7 * 24 * 3600 * 1000


def report_state(state: UserState) -> str:
    return REPORT_STATE_NAMES[state]


def local_midnight(now: datetime) -> datetime:
    """Midnight of `now`'s own day in its timezone (aware), or UTC midnight (naive)."""
    moment = now if now.tzinfo is not None else now.replace(tzinfo=UTC)
    return datetime.combine(moment.date(), time(0), tzinfo=moment.tzinfo)


def run(action: str, params: Mapping[str, str], directory: AgentDirectory, now: datetime) -> dict[str, Any]:
    """The answer's business part (merged into the CCC envelope) for a read API; raises ApiError."""
    instance_id = errors.required(params, "InstanceId")
    if not directory.has_instance(instance_id):
        raise errors.instance_not_found(instance_id)
    agents = [agent for agent in directory.all() if agent.instance_id == instance_id]
    now_ms = epoch_ms(now)
    for agent in agents:
        agent.start_log(now_ms)
    if action == LIST_REALTIME_AGENT_STATES:
        return {"Data": _realtime_states(params, agents, now_ms)}
    if action == LIST_AGENT_STATE_LOGS:
        return {"Data": _state_logs(params, directory, instance_id, now)}
    if action == LIST_AGENT_SUMMARY_REPORTS_SINCE_MIDNIGHT:
        return {"PagedAgentSummaryReport": _summary_reports(params, agents, now), "Success": True}
    if action == GET_USER:
        return {"Data": _user(params, directory, instance_id)}
    raise errors.invalid_action(action)


# --- ListRealtimeAgentStates ----------------------------------------------------------------------


def _realtime_states(params: Mapping[str, str], agents: list[Agent], now_ms: int) -> dict[str, Any]:
    page_number = _page(params, "PageNumber", 1)
    page_size = _page(params, "PageSize", 10)
    wanted_ids = _id_list(params, "AgentIdList")
    wanted_states = {_state_name(name) for name in _id_list(params, "StateList")}
    wanted_modes = set(_id_list(params, "WorkModeList"))
    wanted_calls = {name.upper() for name in _id_list(params, "CallTypeList")}
    skill_group = params.get("SkillGroupId", "")
    outbound = _optional_bool(params, "OutboundScenario")
    query = params.get("Query", "").lower()
    name_like = params.get("AgentName", "").lower()

    selected = []
    for agent in agents:
        if wanted_ids and agent.user_id not in wanted_ids:
            continue
        if wanted_states and agent.state not in wanted_states:
            continue
        if wanted_modes and agent.work_mode not in wanted_modes:
            continue
        if wanted_calls and _call_type(agent) not in wanted_calls:
            continue
        if skill_group and skill_group not in agent.skill_groups:
            continue
        if outbound is not None and agent.outbound_scenario is not outbound:
            continue
        if query and not any(query in text.lower() for text in (agent.shown_name, agent.user_id, agent.extension)):
            continue
        if name_like and name_like not in agent.shown_name.lower():
            continue
        selected.append(agent)
    page = selected[(page_number - 1) * page_size : page_number * page_size]
    return _paged([_realtime_state(agent, now_ms) for agent in page], page_number, page_size, len(selected))


def _paged(items: list[dict[str, Any]], page_number: int, page_size: int, total: int) -> dict[str, Any]:
    """A page of a listing, in the shape every CCC List* answer has."""
    return {"List": items, "PageNumber": page_number, "PageSize": page_size, "TotalCount": total}


def _realtime_state(agent: Agent, now_ms: int) -> dict[str, Any]:
    since_ms = agent.state_since_ms
    return {
        "AgentId": agent.user_id,
        "AgentName": agent.shown_name,
        "BreakCode": agent.break_code,
        "CallType": _call_type(agent),
        "CounterParty": agent.call.other_party if agent.call is not None else "",
        "Duration": max(0, now_ms - since_ms) // 1000,
        "Extension": agent.extension,
        "InstanceId": agent.instance_id,
        "Mobile": agent.mobile,
        "OutboundScenario": agent.outbound_scenario,
        "SkillGroupIdList": list(agent.skill_groups),
        "SkillGroupNameList": [_skill_group_name(group) for group in agent.skill_groups],
        "State": report_state(agent.state),
        "StateCode": _state_code(agent.state, agent.break_code),
        "StateTime": since_ms,
        "WorkMode": agent.work_mode,
    }


def _call_type(agent: Agent) -> str:
    return agent.call.direction if agent.call is not None and agent.state in CALL_STATES else ""


def _skill_group_name(group_id: str) -> str:
    return group_id.split("@", 1)[0]


def _state_code(state: UserState, break_code: str) -> str:
    return break_code if state is UserState.BREAK else ""


# --- ListAgentStateLogs ---------------------------------------------------------------------------


def _state_logs(
    params: Mapping[str, str], directory: AgentDirectory, instance_id: str, now: datetime
) -> list[dict[str, Any]]:
    agent_id = errors.required(params, "AgentId")
    agent = directory.get(instance_id, agent_id)
    if agent is None:
        raise errors.user_not_found(agent_id, instance_id)
    now_ms = epoch_ms(now)
    start_ms = _optional_ms(params, "StartTime", epoch_ms(local_midnight(now)))
    end_ms = _optional_ms(params, "EndTime", now_ms)
    if end_ms < start_ms:
        raise errors.invalid_parameter("EndTime", "EndTime must not be before StartTime.")
    if end_ms - start_ms > MAX_LOG_WINDOW_MS:
        raise errors.invalid_parameter("EndTime", "EndTime and StartTime must be at most 7 days apart.")
    answer = []
    for entry, ends_ms in _with_ends(agent.state_log, now_ms):
        if start_ms <= entry.start_ms <= end_ms:
            answer.append(
                {
                    "BreakCode": entry.break_code,
                    "Duration": max(0, ends_ms - entry.start_ms) // 1000,
                    "OutboundScenario": entry.outbound_scenario,
                    "StartTime": entry.start_ms,
                    "State": report_state(entry.state),
                    "StateCode": _state_code(entry.state, entry.break_code),
                    "WorkMode": entry.work_mode,
                }
            )
    return answer


def _with_ends(log: list[StateLogEntry], now_ms: int) -> list[tuple[StateLogEntry, int]]:
    ends = [entry.start_ms for entry in log[1:]] + [now_ms]
    return list(zip(log, ends, strict=True))


# --- ListAgentSummaryReportsSinceMidnight ---------------------------------------------------------


def seconds_since_midnight(agent: Agent, now: datetime) -> dict[UserState, int]:
    """Milliseconds -> whole seconds spent in each state between local midnight and now."""
    now_ms = epoch_ms(now)
    midnight_ms = epoch_ms(local_midnight(now))
    spent_ms = dict.fromkeys(UserState, 0)
    for entry, ends_ms in _with_ends(agent.state_log, now_ms):
        overlap = min(ends_ms, now_ms) - max(entry.start_ms, midnight_ms)
        if overlap > 0:
            spent_ms[entry.state] += overlap
    return {state: spent // 1000 for state, spent in spent_ms.items()}


def _summary_reports(params: Mapping[str, str], agents: list[Agent], now: datetime) -> dict[str, Any]:
    page_number = _page(params, "PageNumber", 1)
    page_size = _page(params, "PageSize", 10)
    wanted_ids = _id_list(params, "AgentIds")
    skill_group = params.get("SkillGroupId", "")
    selected = [
        agent
        for agent in agents
        if (not wanted_ids or agent.user_id in wanted_ids) and (not skill_group or skill_group in agent.skill_groups)
    ]
    # With AgentIds the real service answers every listed agent and ignores paging (the model says so).
    page = selected if wanted_ids else selected[(page_number - 1) * page_size : page_number * page_size]
    return _paged([_summary(agent, now) for agent in page], page_number, page_size, len(selected))


def _summary(agent: Agent, now: datetime) -> dict[str, Any]:
    spent = seconds_since_midnight(agent, now)
    talk, work, ready = spent[UserState.TALKING], spent[UserState.WORKING], spent[UserState.READY]
    ringing, dialing = spent[UserState.RINGING], spent[UserState.DIALING]
    logged_in = sum(seconds for state, seconds in spent.items() if state not in (UserState.OFFLINE, UserState.BREAK))
    return {
        "AgentId": agent.user_id,
        "AgentName": agent.shown_name,
        "InstanceId": agent.instance_id,
        "LoginName": agent.login_name,
        "SkillGroupIds": json.dumps(agent.skill_groups),
        "SkillGroupNames": json.dumps([_skill_group_name(group) for group in agent.skill_groups]),
        "Timestamp": str(epoch_ms(now)),
        "Overall": {
            "TotalBreakTime": spent[UserState.BREAK],
            "TotalReadyTime": ready,
            "TotalTalkTime": talk,
            "TotalWorkTime": work,
            "TotalLoggedInTime": logged_in,
            "OccupancyRate": round((work + talk) / logged_in, 4) if logged_in else 0.0,
        },
        "Inbound": {"TotalRingTime": ringing},
        "Outbound": {"TotalDialingTime": dialing},
    }


# --- GetUser --------------------------------------------------------------------------------------


def _user(params: Mapping[str, str], directory: AgentDirectory, instance_id: str) -> dict[str, Any]:
    user_id = params.get("UserId", "").strip()
    extension = params.get("Extension", "").strip()
    agent: Agent | None = None
    if user_id:
        agent = directory.get(instance_id, user_id)
        if agent is None:
            raise errors.user_not_found(user_id, instance_id)
    elif extension:
        matches = [a for a in directory.all() if a.instance_id == instance_id and a.extension == extension]
        if not matches:
            raise errors.user_not_found(extension, instance_id)
        agent = matches[0]
    else:
        # The model: "You must specify either UserId or Extension."
        raise errors.parameter_blank("UserId")
    return {
        "DeviceExt": agent.extension,
        "DeviceId": agent.device_id,
        "DeviceState": "OFFLINE" if agent.state is UserState.OFFLINE else "ONLINE",
        "DisplayId": agent.extension,
        "DisplayName": agent.shown_name,
        "Email": "",
        "Extension": agent.extension,
        "InstanceId": agent.instance_id,
        "LoginName": agent.login_name,
        "Mobile": agent.mobile,
        "Nickname": agent.shown_name,
        "RoleId": f"Agent@{agent.instance_id}",
        "RoleName": "Agent",
        "UserId": agent.user_id,
        "WorkMode": agent.work_mode,
    }


# --- parameters -----------------------------------------------------------------------------------


def _whole_number(params: Mapping[str, str], name: str, default: int, low: int, high: int, means: str) -> int:
    """A whole-number parameter within [low, high], or the real InvalidParameter answer saying `means`."""
    value = params.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise errors.invalid_parameter(name, f"{name} must be {means}.") from None
    if not low <= number <= high:
        raise errors.invalid_parameter(name, f"{name} must be {means}.")
    return number


def _page(params: Mapping[str, str], name: str, default: int) -> int:
    return _whole_number(params, name, default, 1, MAX_PAGE, f"a number from 1 to {MAX_PAGE}")


def _optional_ms(params: Mapping[str, str], name: str, default: int) -> int:
    return _whole_number(params, name, default, 0, sys.maxsize, "a Unix timestamp in milliseconds")


def _optional_bool(params: Mapping[str, str], name: str) -> bool | None:
    value = params.get(name, "").strip().lower()
    if not value:
        return None
    if value in ("true", "false"):
        return value == "true"
    raise errors.invalid_parameter(name, "Expected true or false.")


def _id_list(params: Mapping[str, str], name: str) -> list[str]:
    """A JSON array of strings (the documented form), or a comma-separated list (tolerated)."""
    value = params.get(name, "").strip()
    if not value:
        return []
    if value.startswith("["):
        try:
            items = json.loads(value)
        except json.JSONDecodeError:
            raise errors.invalid_parameter(name, f"{name} must be a JSON array of strings.") from None
        if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
            raise errors.invalid_parameter(name, f"{name} must be a JSON array of strings.")
        return [item for item in items if item]
    return [item.strip() for item in value.split(",") if item.strip()]


def _state_name(name: str) -> UserState:
    lowered = name.strip().lower()
    if lowered in STATE_ALIASES:
        return STATE_ALIASES[lowered]
    for state in UserState:
        if state.value.lower() == lowered:
            return state
    raise errors.invalid_parameter("StateList", f"Unknown state {name}.")

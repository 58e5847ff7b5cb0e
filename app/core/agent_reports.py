"""Typed views of the read APIs that tell the truth about an agent (shapes as the official SDK's models
read them): when the current state began, today's state changes and totals, and the user record.

Parsed defensively like the three actions' answers: a missing or odd field becomes None or empty.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from app.core.models import as_bool, as_moment, as_text, as_text_list

if TYPE_CHECKING:
    from app.core.client import CccClient


def _seconds(value: object) -> int | None:
    try:
        number = int(str(value))
    except ValueError:
        return None
    return number if 0 <= number < 10**9 else None


def _records(value: object) -> list[Mapping[str, Any]]:
    return [item for item in value if isinstance(item, Mapping)][:1000] if isinstance(value, list) else []


@dataclass(frozen=True)
class RealtimeAgentState:
    """ListRealtimeAgentStates: one agent's live state, with when it began (StateTime)."""

    agent_id: str
    state: str
    state_code: str
    break_code: str
    state_time: datetime | None
    duration_seconds: int | None
    extension: str
    work_mode: str
    outbound_scenario: bool
    call_type: str
    counter_party: str
    skill_groups: tuple[str, ...]

    @classmethod
    def from_map(cls, item: Mapping[str, Any]) -> RealtimeAgentState:
        return cls(
            agent_id=as_text(item.get("AgentId")),
            state=as_text(item.get("State")),
            state_code=as_text(item.get("StateCode")),
            break_code=as_text(item.get("BreakCode")),
            state_time=as_moment(item.get("StateTime")),
            duration_seconds=_seconds(item.get("Duration")),
            extension=as_text(item.get("Extension")),
            work_mode=as_text(item.get("WorkMode")),
            outbound_scenario=as_bool(item.get("OutboundScenario")),
            call_type=as_text(item.get("CallType")),
            counter_party=as_text(item.get("CounterParty")),
            skill_groups=as_text_list(item.get("SkillGroupIdList")),
        )


def realtime_states(data: object) -> list[RealtimeAgentState]:
    return [
        RealtimeAgentState.from_map(item) for item in _records(data.get("List") if isinstance(data, Mapping) else None)
    ]


@dataclass(frozen=True)
class StateLogEntry:
    """ListAgentStateLogs: one state the agent was in, from when and for how long."""

    state: str
    state_code: str
    break_code: str
    start: datetime | None
    duration_seconds: int | None
    work_mode: str
    outbound_scenario: bool

    @classmethod
    def from_map(cls, item: Mapping[str, Any]) -> StateLogEntry:
        return cls(
            state=as_text(item.get("State")),
            state_code=as_text(item.get("StateCode")),
            break_code=as_text(item.get("BreakCode")),
            start=as_moment(item.get("StartTime")),
            duration_seconds=_seconds(item.get("Duration")),
            work_mode=as_text(item.get("WorkMode")),
            outbound_scenario=as_bool(item.get("OutboundScenario")),
        )


def state_logs(data: object) -> list[StateLogEntry]:
    return [StateLogEntry.from_map(item) for item in _records(data)]


@dataclass(frozen=True)
class SinceMidnight:
    """ListAgentSummaryReportsSinceMidnight: today's totals for one agent, in seconds."""

    agent_id: str
    total_break_seconds: int | None
    total_ready_seconds: int | None
    total_talk_seconds: int | None
    total_work_seconds: int | None
    total_logged_in_seconds: int | None

    @classmethod
    def from_map(cls, item: Mapping[str, Any]) -> SinceMidnight:
        overall = item.get("Overall")
        totals: Mapping[str, Any] = overall if isinstance(overall, Mapping) else {}
        return cls(
            agent_id=as_text(item.get("AgentId")),
            total_break_seconds=_seconds(totals.get("TotalBreakTime")),
            total_ready_seconds=_seconds(totals.get("TotalReadyTime")),
            total_talk_seconds=_seconds(totals.get("TotalTalkTime")),
            total_work_seconds=_seconds(totals.get("TotalWorkTime")),
            total_logged_in_seconds=_seconds(totals.get("TotalLoggedInTime")),
        )


def since_midnight(report: object) -> list[SinceMidnight]:
    return [
        SinceMidnight.from_map(item) for item in _records(report.get("List") if isinstance(report, Mapping) else None)
    ]


@dataclass(frozen=True)
class UserRecord:
    """GetUser: the agent as the contact centre knows them."""

    user_id: str
    display_name: str
    login_name: str
    extension: str
    work_mode: str
    device_id: str
    device_state: str
    mobile: str

    @classmethod
    def from_map(cls, item: Mapping[str, Any]) -> UserRecord:
        return cls(
            user_id=as_text(item.get("UserId")),
            display_name=as_text(item.get("DisplayName")),
            login_name=as_text(item.get("LoginName")),
            extension=as_text(item.get("Extension")),
            work_mode=as_text(item.get("WorkMode")),
            device_id=as_text(item.get("DeviceId")),
            device_state=as_text(item.get("DeviceState")),
            mobile=as_text(item.get("Mobile")),
        )


# --- asking the service -------------------------------------------------------------------------------
# These need RAM permissions an agent's key may lack (ccc:ListRealtimeAgentStates, ...): callers treat
# an ApiError as "not available here" and carry on without them; they never block the three actions.

READ_APIS = ("ListRealtimeAgentStates", "ListAgentStateLogs", "ListAgentSummaryReportsSinceMidnight", "GetUser")


async def realtime_state(client: CccClient, agent_id: str) -> RealtimeAgentState | None:
    """The agent's live state with when it began (StateTime), or None if the service lists no such agent."""
    data, _request_id = await client.request(
        "ListRealtimeAgentStates",
        {
            "InstanceId": client.identity.instance_id,
            "AgentIdList": json.dumps([agent_id]),
            "PageNumber": "1",
            "PageSize": "10",
        },
        max_attempts=1,
    )
    for state in realtime_states(data):
        if state.agent_id == agent_id:
            return state
    return None


async def state_logs_between(client: CccClient, agent_id: str, start: datetime, end: datetime) -> list[StateLogEntry]:
    data, _request_id = await client.request(
        "ListAgentStateLogs",
        {
            "InstanceId": client.identity.instance_id,
            "AgentId": agent_id,
            "StartTime": str(int(start.timestamp() * 1000)),
            "EndTime": str(int(end.timestamp() * 1000)),
        },
        max_attempts=1,
    )
    return state_logs(data)


async def totals_since_midnight(client: CccClient, agent_id: str) -> SinceMidnight | None:
    report, _request_id = await client.request(
        "ListAgentSummaryReportsSinceMidnight",
        {"InstanceId": client.identity.instance_id, "AgentIds": agent_id, "PageNumber": "1", "PageSize": "10"},
        data_key="PagedAgentSummaryReport",
        max_attempts=1,
    )
    for totals in since_midnight(report):
        if totals.agent_id == agent_id:
            return totals
    return None


async def user_record(client: CccClient, user_id: str) -> UserRecord:
    data, _request_id = await client.request(
        "GetUser", {"InstanceId": client.identity.instance_id, "UserId": user_id}, max_attempts=1
    )
    return UserRecord.from_map(data if isinstance(data, Mapping) else {})

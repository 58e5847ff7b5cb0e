"""The simulated contact centre's agents: their live state, the CCC state machine and the JSON they show."""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from app.simulator import errors

SEED_INSTANCE_ID = "ccc-test"
SEED_USER_ID = "user-test@ccc-test"
SEED_EXTENSION = "80011474"
SEED_MOBILE = "13900000001"
SEED_SKILL_GROUP = "skill-group@ccc-test"
SEED_DEVICE_ID = "ACC-YUNBS-1.0.10-bs3b5f22c6d78f000176aebe9471"

# Codes the phone system sets on its own; the agent never picks them.
SYSTEM_BREAK_CODES = ("Warm-up", "RingingTimeout", "RejectCall")
WORK_MODES = ("ON_SITE", "OFF_SITE", "OFFICE_PHONE")


class UserState(StrEnum):
    READY = "READY"
    BREAK = "BREAK"
    WORKING = "WORKING"
    DIALING = "DIALING"
    RINGING = "RINGING"
    TALKING = "TALKING"
    OFFLINE = "OFFLINE"


# Allowed source states, in the order the real service prints them in InvalidOperation.UserState.
TAKE_BREAK_FROM = (UserState.BREAK, UserState.READY, UserState.WORKING)
READY_FROM = (UserState.BREAK, UserState.READY, UserState.WORKING)

# InvalidOperation.ChannelState's Params when ReadyForService meets an open call channel: the
# channel's state and the one expected. The real values are not published; these are our choice.
OPEN_CHANNEL_STATE = "ANSWERED"
EXPECTED_CHANNEL_STATE = "RELEASED"


def softphone_device_id(instance_id: str, user_id: str) -> str:
    """A fixed, per-agent softphone device in the seed's form (ACC-YUNBS-1.0.10-bs<26 hex>)."""
    digest = hashlib.sha256(f"{instance_id}/{user_id}".encode()).hexdigest()
    return f"ACC-YUNBS-1.0.10-bs{digest[:26]}"


def epoch_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


@dataclass
class Agent:
    instance_id: str
    user_id: str
    extension: str = SEED_EXTENSION
    mobile: str = ""
    skill_groups: list[str] = field(default_factory=list)
    work_mode: str = "ON_SITE"
    state: UserState = UserState.READY
    break_code: str = ""
    device_id: str = ""
    job_id: str | None = None
    outbound_scenario: bool = False
    # An open call channel blocks ReadyForService (InvalidOperation.ChannelState).
    channel_open: bool = False
    heartbeat_ms: int = 0
    reserved_ms: int = 0
    # Bumped on every state change, as PollUserStatus's ContextId lets a poller see "something changed".
    context_id: int = 1
    # Emit the seed's JSON example shapes (numbers for Extension/Mobile, the list as a JSON string).
    seed_json_shapes: bool = False

    def __post_init__(self) -> None:
        # The answer's DeviceId is the agent's softphone device, never an echo of the request's.
        if not self.device_id:
            self.device_id = softphone_device_id(self.instance_id, self.user_id)

    def context(self, *, seed_shapes: bool = False) -> dict[str, Any]:
        """The agent context exactly as TakeBreak / ReadyForService / PollUserStatus return it."""
        seed_shapes = seed_shapes or self.seed_json_shapes
        extension: str | int = self.extension
        mobile: str | int = self.mobile
        skill_groups: list[str] | str = list(self.skill_groups)
        if seed_shapes:
            extension = int(self.extension) if self.extension.isdigit() else self.extension
            mobile = int(self.mobile) if self.mobile.isdigit() else self.mobile
            skill_groups = json.dumps(self.skill_groups)
        return {
            "UserState": self.state.value,
            "BreakCode": self.break_code,
            "Extension": extension,
            "Heartbeat": self.heartbeat_ms,
            "Reserved": self.reserved_ms,
            "DeviceId": self.device_id,
            "InstanceId": self.instance_id,
            "UserId": self.user_id,
            "JobId": self.job_id,
            "Mobile": mobile,
            "OutboundScenario": self.outbound_scenario,
            "SignedSkillGroupIdList": skill_groups,
            "WorkMode": self.work_mode,
        }

    def to_control_json(self) -> dict[str, Any]:
        """The control API's view: snake_case, every simulator-only flag included."""
        return {
            "instance_id": self.instance_id,
            "user_id": self.user_id,
            "extension": self.extension,
            "mobile": self.mobile,
            "skill_groups": list(self.skill_groups),
            "work_mode": self.work_mode,
            "state": self.state.value,
            "break_code": self.break_code,
            "device_id": self.device_id,
            "job_id": self.job_id,
            "outbound_scenario": self.outbound_scenario,
            "channel_open": self.channel_open,
            "heartbeat_ms": self.heartbeat_ms,
            "reserved_ms": self.reserved_ms,
            "context_id": self.context_id,
            "seed_json_shapes": self.seed_json_shapes,
        }

    # --- the state machine ------------------------------------------------------------------------

    def take_break(self, code: str) -> None:
        if self.state not in TAKE_BREAK_FROM:
            raise errors.user_state_not_allowed(self.state.value, ",".join(TAKE_BREAK_FROM))
        self._change(UserState.BREAK, code)

    def ready_for_service(self, outbound_scenario: bool | None) -> None:
        if self.state not in READY_FROM:
            raise errors.user_state_not_allowed(self.state.value, ",".join(READY_FROM))
        if self.channel_open:
            raise errors.channel_state_not_allowed(OPEN_CHANNEL_STATE, EXPECTED_CHANNEL_STATE)
        # The real service reads a missing OutboundScenario as false: outbound-only mode ends.
        self.outbound_scenario = bool(outbound_scenario)
        self._change(UserState.READY, "")

    def set_state(self, state: UserState, break_code: str | None = None) -> None:
        """What a supervisor or the phone system does: any state, no checks."""
        if state is UserState.BREAK:
            self._change(state, break_code if break_code is not None else self.break_code)
        else:
            self._change(state, "")

    def _change(self, state: UserState, break_code: str) -> None:
        if state in (UserState.READY, UserState.BREAK, UserState.OFFLINE):
            self.job_id = None  # no call in progress any more
        self.state = state
        self.break_code = break_code
        self.context_id += 1


def seed_agent() -> Agent:
    """The example agent from the TakeBreak reference page."""
    return Agent(
        instance_id=SEED_INSTANCE_ID,
        user_id=SEED_USER_ID,
        extension=SEED_EXTENSION,
        mobile=SEED_MOBILE,
        skill_groups=[SEED_SKILL_GROUP],
        work_mode="ON_SITE",
        device_id=SEED_DEVICE_ID,
        state=UserState.READY,
    )


class AgentDirectory:
    """Every agent of every simulated instance, keyed by (InstanceId, UserId)."""

    def __init__(self, agents: Iterable[Agent] = ()) -> None:
        self._agents: dict[tuple[str, str], Agent] = {}
        for agent in agents:
            self.add(agent)

    def add(self, agent: Agent) -> Agent:
        """Add (or replace) an agent; a new InstanceId creates that instance."""
        self._agents[(agent.instance_id, agent.user_id)] = agent
        return agent

    def get(self, instance_id: str, user_id: str) -> Agent | None:
        return self._agents.get((instance_id, user_id))

    def has_instance(self, instance_id: str) -> bool:
        return any(key[0] == instance_id for key in self._agents)

    def all(self) -> list[Agent]:
        return list(self._agents.values())

    def set_state(
        self,
        instance_id: str,
        user_id: str,
        state: UserState | str | None = None,
        *,
        break_code: str | None = None,
        channel_open: bool | None = None,
        job_id: str | None = None,
    ) -> Agent:
        """Change an agent as the phone system would; KeyError if there is no such agent."""
        agent = self.get(instance_id, user_id)
        if agent is None:
            raise KeyError((instance_id, user_id))
        if state is not None:
            agent.set_state(UserState(str(state).upper()), break_code)
        elif break_code is not None and agent.state is UserState.BREAK:
            agent.break_code = break_code
            agent.context_id += 1
        if channel_open is not None:
            agent.channel_open = channel_open
        if job_id is not None:
            agent.job_id = job_id or None
        return agent

    def replace_all(self, agents: Iterable[Agent]) -> None:
        self._agents.clear()
        for agent in agents:
            self.add(copy.deepcopy(agent))

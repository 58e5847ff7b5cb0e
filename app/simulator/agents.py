"""The simulated contact centre's agents: their live state, the CCC state machine and the JSON they show."""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
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


# States in which a call is up: PollUserStatus shows its CallContext.
CALL_STATES = (UserState.RINGING, UserState.DIALING, UserState.TALKING)
CALL_DIRECTIONS = ("INBOUND", "OUTBOUND")


@dataclass
class StateLogEntry:
    """One state of an agent, from `start_ms` until the next entry (or now): what the reporting APIs read."""

    state: UserState
    break_code: str
    start_ms: int
    work_mode: str
    outbound_scenario: bool

    def same_as(self, other: StateLogEntry) -> bool:
        return (self.state, self.break_code, self.work_mode, self.outbound_scenario) == (
            other.state,
            other.break_code,
            other.work_mode,
            other.outbound_scenario,
        )

    def to_control_json(self) -> dict[str, Any]:
        return {
            "state": self.state.value,
            "break_code": self.break_code,
            "start_ms": self.start_ms,
            "work_mode": self.work_mode,
            "outbound_scenario": self.outbound_scenario,
        }


@dataclass
class Call:
    """A call the control API started for an agent (the simulator's phone system)."""

    job_id: str
    direction: str  # INBOUND or OUTBOUND
    other_party: str
    started_ms: int
    answered_ms: int | None = None
    # When the agent's and the customer's channels last changed state.
    agent_channel_ms: int = 0
    customer_channel_ms: int = 0

    def to_control_json(self) -> dict[str, Any]:
        return {
            "job_id": self.job_id,
            "direction": self.direction,
            "other_party": self.other_party,
            "started_ms": self.started_ms,
            "answered_ms": self.answered_ms,
        }


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
    # GetUser's DisplayName; empty: the login name (the part of UserId before "@").
    display_name: str = ""
    # Every state the agent has been in, oldest first; the last entry is the current state.
    state_log: list[StateLogEntry] = field(default_factory=list)
    # The call in progress, set by the control API's call endpoints (PollUserStatus's CallContext).
    call: Call | None = None

    def __post_init__(self) -> None:
        # The answer's DeviceId is the agent's softphone device, never an echo of the request's.
        if not self.device_id:
            self.device_id = softphone_device_id(self.instance_id, self.user_id)

    @property
    def login_name(self) -> str:
        return self.user_id.split("@", 1)[0]

    @property
    def shown_name(self) -> str:
        return self.display_name or self.login_name

    def start_log(self, now_ms: int) -> None:
        """The agent signed in at `now_ms` in its current state, unless its log has already begun."""
        if not self.state_log:
            self.state_log.append(self._entry(now_ms))

    @property
    def state_since_ms(self) -> int:
        """When the current state began (epoch ms); 0 before the log has begun."""
        return self.state_log[-1].start_ms if self.state_log else 0

    def set_state_since(self, since_ms: int) -> None:
        """Say the current state began at `since_ms` (e.g. "a break started 25 minutes ago elsewhere").

        Earlier entries that would begin at or after it are dropped: the log stays in time order."""
        if not self.state_log:
            self.state_log.append(self._entry(since_ms))
            return
        current = self.state_log.pop()
        while self.state_log and self.state_log[-1].start_ms >= since_ms:
            self.state_log.pop()
        current.start_ms = since_ms
        self.state_log.append(current)

    def _entry(self, at_ms: int) -> StateLogEntry:
        return StateLogEntry(self.state, self.break_code, at_ms, self.work_mode, self.outbound_scenario)

    def _log(self, at_ms: int | None) -> None:
        """Append the current state to the log, unless nothing a report shows has changed."""
        moment = at_ms if at_ms is not None else (self.heartbeat_ms or epoch_ms(datetime.now(UTC)))
        entry = self._entry(moment)
        if self.state_log and self.state_log[-1].same_as(entry):
            return
        if self.state_log and moment < self.state_log[-1].start_ms:
            moment = entry.start_ms = self.state_log[-1].start_ms  # the log never runs backwards
        self.state_log.append(entry)

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
            "display_name": self.shown_name,
            "state_since_ms": self.state_since_ms,
            "state_log": [entry.to_control_json() for entry in self.state_log],
            "call": self.call.to_control_json() if self.call is not None else None,
        }

    # --- the state machine ------------------------------------------------------------------------

    # `at_ms` (epoch ms, the simulator's clock) is when the change happens, for the state log; left
    # out, the agent's last heartbeat stands in (or the wall clock before the first one).

    def take_break(self, code: str, *, at_ms: int | None = None) -> None:
        if self.state not in TAKE_BREAK_FROM:
            raise errors.user_state_not_allowed(self.state.value, ",".join(TAKE_BREAK_FROM))
        self._change(UserState.BREAK, code, at_ms)

    def ready_for_service(self, outbound_scenario: bool | None, *, at_ms: int | None = None) -> None:
        if self.state not in READY_FROM:
            raise errors.user_state_not_allowed(self.state.value, ",".join(READY_FROM))
        if self.channel_open:
            raise errors.channel_state_not_allowed(OPEN_CHANNEL_STATE, EXPECTED_CHANNEL_STATE)
        # The real service reads a missing OutboundScenario as false: outbound-only mode ends.
        self.outbound_scenario = bool(outbound_scenario)
        self._change(UserState.READY, "", at_ms)

    def set_state(self, state: UserState, break_code: str | None = None, *, at_ms: int | None = None) -> None:
        """What a supervisor or the phone system does: any state, no checks."""
        if state is UserState.BREAK:
            self._change(state, break_code if break_code is not None else self.break_code, at_ms)
        else:
            self._change(state, "", at_ms)

    def set_break_code(self, break_code: str, *, at_ms: int | None = None) -> None:
        """A new break code while on break (the phone system's or a supervisor's doing)."""
        self.break_code = break_code
        self.context_id += 1
        self._log(at_ms)

    # --- calls (the control API plays the phone system) -------------------------------------------

    def start_call(self, direction: str, other_party: str, job_id: str, *, at_ms: int) -> Call:
        """An inbound call rings the agent (RINGING); an outbound one dials the customer (DIALING)."""
        if self.state in CALL_STATES:
            raise ValueError(f"the agent is already on a call ({self.state.value})")
        if self.state is UserState.OFFLINE:
            raise ValueError("the agent is signed out (OFFLINE)")
        call = Call(job_id, direction, other_party, at_ms, agent_channel_ms=at_ms, customer_channel_ms=at_ms)
        self._change(UserState.RINGING if direction == "INBOUND" else UserState.DIALING, "", at_ms)
        self.call = call
        self.job_id = job_id
        self.channel_open = True
        self.reserved_ms = at_ms  # a call being assigned is a reservation
        return call

    def answer_call(self, *, at_ms: int) -> Call:
        call = self.call
        if call is None or self.state not in (UserState.RINGING, UserState.DIALING):
            raise ValueError("there is no ringing or dialing call to answer")
        call.answered_ms = at_ms
        if self.state is UserState.RINGING:
            call.agent_channel_ms = at_ms  # the agent picked up
        else:
            call.customer_channel_ms = at_ms  # the customer picked up
        self._change(UserState.TALKING, "", at_ms)
        self.call = call
        return call

    def end_call(self, *, after_call_work: bool = True, at_ms: int) -> None:
        """Hang up: after-call work (WORKING) by default, else straight back to READY."""
        if self.call is None:
            raise ValueError("there is no call to end")
        self.channel_open = False
        if after_call_work:
            self._change(UserState.WORKING, "", at_ms)  # JobId stays: the call being wrapped up
        else:
            self._change(UserState.READY, "", at_ms)

    def _change(self, state: UserState, break_code: str, at_ms: int | None = None) -> None:
        if state in (UserState.READY, UserState.BREAK, UserState.OFFLINE):
            self.job_id = None  # no call in progress any more
        if state not in CALL_STATES:
            self.call = None
        self.state = state
        self.break_code = break_code
        self.context_id += 1
        self._log(at_ms)


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

    def __init__(self, agents: Iterable[Agent] = (), clock: Callable[[], datetime] | None = None) -> None:
        self._agents: dict[tuple[str, str], Agent] = {}
        # The simulator's clock: when a change happens, for the agents' state logs.
        self._clock = clock or (lambda: datetime.now(UTC))
        for agent in agents:
            self.add(agent)

    def now_ms(self) -> int:
        return epoch_ms(self._clock())

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
        since_ms: int | None = None,
    ) -> Agent:
        """Change an agent as the phone system would; KeyError if there is no such agent.

        `since_ms` says when the (new) current state began, e.g. a break taken elsewhere earlier."""
        agent = self.get(instance_id, user_id)
        if agent is None:
            raise KeyError((instance_id, user_id))
        now_ms = self.now_ms()
        agent.start_log(now_ms)
        if state is not None:
            agent.set_state(UserState(str(state).upper()), break_code, at_ms=now_ms)
        elif break_code is not None and agent.state is UserState.BREAK:
            agent.set_break_code(break_code, at_ms=now_ms)
        if channel_open is not None:
            agent.channel_open = channel_open
        if job_id is not None:
            agent.job_id = job_id or None
        if since_ms is not None:
            agent.set_state_since(since_ms)
            agent.context_id += 1
        return agent

    def replace_all(self, agents: Iterable[Agent]) -> None:
        self._agents.clear()
        for agent in agents:
            self.add(copy.deepcopy(agent))

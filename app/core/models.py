"""Typed views of what CCC returns, parsed defensively (the seed's own examples disagree on types)."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, NamedTuple

from app.core.errors import ProtocolError
from app.core.i18n import N_, _


class UserState(StrEnum):
    READY = "READY"
    BREAK = "BREAK"
    WORKING = "WORKING"
    DIALING = "DIALING"
    RINGING = "RINGING"
    TALKING = "TALKING"
    OFFLINE = "OFFLINE"
    UNKNOWN = "UNKNOWN"

    @classmethod
    def parse(cls, raw: object) -> UserState:
        text = str(raw or "").strip().upper()
        return _STATES_BY_NAME.get(text, cls.UNKNOWN)


# Every state by the names the service uses for it (reporting APIs say ACW for after-call work).
_STATES_BY_NAME = {state.value: state for state in UserState} | {"ACW": UserState.WORKING}


# The service's state names as a person reads them. The msgid is the API's word, so English output
# keeps it ("BREAK"); a translation names the state and keeps the word for IT ("小休 (BREAK)").
_STATE_WORDS = frozenset(
    {
        # Translators: an agent state as the service names it; keep the English word in brackets.
        N_("READY"),
        # Translators: an agent state as the service names it; keep the English word in brackets.
        N_("BREAK"),
        # Translators: an agent state (after-call work); keep the English word in brackets.
        N_("WORKING"),
        # Translators: an agent state (an outbound call being dialled); keep the English word in brackets.
        N_("DIALING"),
        # Translators: an agent state (an incoming call ringing); keep the English word in brackets.
        N_("RINGING"),
        # Translators: an agent state (on a call); keep the English word in brackets.
        N_("TALKING"),
        # Translators: an agent state (signed out); keep the English word in brackets.
        N_("OFFLINE"),
    }
)


def state_words(raw: str) -> str:
    """A state as the service sent it ("BREAK"), in the user's language when it is a known one."""
    return _(raw) if raw in _STATE_WORDS else raw


# Value records here, and in the other modules the first window needs, are NamedTuples rather than
# frozen dataclasses: CPython 3.11 compiles a dataclass's generated methods when its module is
# imported, 0.3-0.8 ms a class, and twenty of them were about 12 ms of every start
# (benchmarks/README.md). Their tuple side (indexing, equality with a plain tuple) is not used.
class BreakCode(NamedTuple):
    code: str
    label: str = ""
    max_minutes: int | None = None
    daily_minutes: int | None = None  # the day's allowance for this code, shown with what is left of it

    @property
    def display(self) -> str:
        return self.label or self.code


MAX_FIELD_CHARS = 200  # far above any real ID or code; keeps a hostile answer from flooding the window


def as_text(value: object) -> str:
    """A scalar as text; a list or object where text belongs is not text (and shows as empty)."""
    if type(value) is str:  # most fields: skip the checks below, which cost more than the answer's parse
        return value[:MAX_FIELD_CHARS]
    if value is None or isinstance(value, Mapping | list | tuple):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))[:MAX_FIELD_CHARS]
    return str(value)[:MAX_FIELD_CHARS]


def as_moment(value: object) -> datetime | None:
    if value in (None, "", 0, "0"):
        return None
    if type(value) is int:  # the usual epoch ms: the same float as through its text, without the text
        try:
            millis = float(value)
        except OverflowError:  # beyond any float: its text would have read as infinity, refused below
            return None
    else:
        try:
            millis = float(str(value))  # some answers carry it as a float (1609249563836.0) or text
        except ValueError:
            return None
    if not math.isfinite(millis) or millis <= 0:
        return None
    try:
        return datetime.fromtimestamp(millis / 1000, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def as_bool(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return bool(value)


def as_text_list(value: object) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        text = value
        try:
            value = json.loads(text)
        except json.JSONDecodeError:
            return tuple(part.strip() for part in text.split(",") if part.strip())
    if isinstance(value, list | tuple):
        return tuple(text for text in (as_text(item) for item in value[:100]) if text)
    if isinstance(value, Mapping):
        return ()
    return (as_text(value),)


class CallInfo(NamedTuple):
    """The call in progress (PollUserStatus `CallContext`): which way, with whom, since when."""

    job_id: str
    call_type: str  # INBOUND, OUTBOUND, INTERNAL, ...
    other_party: str
    since: datetime | None
    channel_state: str

    @classmethod
    def from_context(cls, context: object, agent_user_id: str) -> CallInfo | None:
        if not isinstance(context, Mapping):
            return None
        raw_channels = context.get("ChannelContexts")
        channels = [c for c in raw_channels if isinstance(c, Mapping)][:20] if isinstance(raw_channels, list) else []
        call_type = as_text(context.get("CallType"))
        ours = next((c for c in channels if as_text(c.get("UserId")) == agent_user_id), channels[0] if channels else {})
        other_field = "Destination" if call_type.upper() == "OUTBOUND" else "Originator"
        starts = [moment for c in channels if (moment := as_moment(c.get("Timestamp"))) is not None]
        return cls(
            job_id=as_text(context.get("JobId")),
            call_type=call_type,
            other_party=as_text(ours.get(other_field)),
            since=min(starts) if starts else None,
            channel_state=as_text(ours.get("ChannelState")),
        )

    def to_json(self) -> dict[str, object]:
        return {
            "JobId": self.job_id,
            "CallType": self.call_type,
            "OtherParty": self.other_party,
            "Since": None if self.since is None else int(self.since.timestamp() * 1000),
            "ChannelState": self.channel_state,
        }


class AgentStatus(NamedTuple):
    user_state: UserState
    raw_user_state: str
    break_code: str
    extension: str
    heartbeat: datetime | None
    reserved: datetime | None
    work_mode: str
    device_id: str
    job_id: str
    mobile: str
    outbound_scenario: bool
    signed_skill_groups: tuple[str, ...]
    instance_id: str
    user_id: str
    received_at: datetime  # when this answer arrived (from_context stamps it)
    request_id: str | None = None
    call: CallInfo | None = None  # PollUserStatus only: the call in progress
    parallel_jobs: tuple[str, ...] = ()  # UserContext.ParallelJobList

    @classmethod
    def from_context(
        cls,
        data: Mapping[str, Any],
        *,
        request_id: str | None,
        received_at: datetime | None = None,
        call: CallInfo | None = None,
        parallel_jobs: tuple[str, ...] = (),
    ) -> AgentStatus:
        if not isinstance(data, Mapping):
            raise ProtocolError(
                _("The contact centre sent an agent status this app cannot read."), request_id=request_id
            )
        raw_state = as_text(data.get("UserState"))
        return cls(
            user_state=UserState.parse(raw_state),
            raw_user_state=raw_state,
            break_code=as_text(data.get("BreakCode")),
            extension=as_text(data.get("Extension")),
            heartbeat=as_moment(data.get("Heartbeat")),
            reserved=as_moment(data.get("Reserved")),
            work_mode=as_text(data.get("WorkMode")),
            device_id=as_text(data.get("DeviceId")),
            job_id=as_text(data.get("JobId")),
            mobile=as_text(data.get("Mobile")),
            outbound_scenario=as_bool(data.get("OutboundScenario")),
            signed_skill_groups=as_text_list(data.get("SignedSkillGroupIdList")),
            instance_id=as_text(data.get("InstanceId")),
            user_id=as_text(data.get("UserId")),
            request_id=request_id,
            received_at=received_at or datetime.now(UTC),
            call=call,
            parallel_jobs=parallel_jobs,
        )

    def to_api_dict(self) -> dict[str, Any]:
        """The `Data` object with the API's own field names, normalised (for `--json`)."""

        def ms(moment: datetime | None) -> int | None:
            return None if moment is None else int(moment.timestamp() * 1000)

        return {
            "UserState": self.raw_user_state or self.user_state.value,
            "BreakCode": self.break_code,
            "Extension": self.extension,
            "Heartbeat": ms(self.heartbeat),
            "Reserved": ms(self.reserved),
            "WorkMode": self.work_mode,
            "DeviceId": self.device_id,
            "JobId": self.job_id,
            "Mobile": self.mobile,
            "OutboundScenario": self.outbound_scenario,
            "SignedSkillGroupIdList": list(self.signed_skill_groups),
            "InstanceId": self.instance_id,
            "UserId": self.user_id,
        }

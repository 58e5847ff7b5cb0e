"""Typed views of what CCC returns, parsed defensively (the seed's own examples disagree on types)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from app.core.errors import ProtocolError


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
        aliases = {"ACW": "WORKING"}
        text = aliases.get(text, text)
        try:
            return cls(text)
        except ValueError:
            return cls.UNKNOWN


@dataclass(frozen=True)
class BreakCode:
    code: str
    label: str = ""
    max_minutes: int | None = None

    @property
    def display(self) -> str:
        return self.label or self.code


MAX_FIELD_CHARS = 200  # far above any real ID or code; keeps a hostile answer from flooding the window


def _text(value: object) -> str:
    """A scalar as text; a list or object where text belongs is not text (and shows as empty)."""
    if value is None or isinstance(value, Mapping | list | tuple):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)[:MAX_FIELD_CHARS]


def _epoch_ms(value: object) -> datetime | None:
    if value in (None, "", 0, "0"):
        return None
    try:
        millis = int(str(value))
    except ValueError:
        return None
    try:
        return datetime.fromtimestamp(millis / 1000, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _bool(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return bool(value)


def _string_list(value: object) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        text = value
        try:
            value = json.loads(text)
        except json.JSONDecodeError:
            return tuple(part.strip() for part in text.split(",") if part.strip())
    if isinstance(value, list | tuple):
        return tuple(text for text in (_text(item) for item in value[:100]) if text)
    if isinstance(value, Mapping):
        return ()
    return (_text(value),)


@dataclass(frozen=True)
class AgentStatus:
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
    request_id: str | None = None
    received_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @classmethod
    def from_context(
        cls, data: Mapping[str, Any], *, request_id: str | None, received_at: datetime | None = None
    ) -> AgentStatus:
        if not isinstance(data, Mapping):
            raise ProtocolError("The contact centre sent an agent status this app cannot read.", request_id=request_id)
        raw_state = _text(data.get("UserState"))
        return cls(
            user_state=UserState.parse(raw_state),
            raw_user_state=raw_state,
            break_code=_text(data.get("BreakCode")),
            extension=_text(data.get("Extension")),
            heartbeat=_epoch_ms(data.get("Heartbeat")),
            reserved=_epoch_ms(data.get("Reserved")),
            work_mode=_text(data.get("WorkMode")),
            device_id=_text(data.get("DeviceId")),
            job_id=_text(data.get("JobId")),
            mobile=_text(data.get("Mobile")),
            outbound_scenario=_bool(data.get("OutboundScenario")),
            signed_skill_groups=_string_list(data.get("SignedSkillGroupIdList")),
            instance_id=_text(data.get("InstanceId")),
            user_id=_text(data.get("UserId")),
            request_id=request_id,
            received_at=received_at or datetime.now(UTC),
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

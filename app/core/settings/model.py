"""The settings an agent's widget runs with: keys, limits and built-in defaults."""

from __future__ import annotations

from typing import Any, NamedTuple

from app import APP_ID
from app.core.endpoint import region_host
from app.core.models import BreakCode
from app.core.signature_scheme import SignatureScheme

DEFAULT_REGION = "cn-shanghai"
#: The fastest the agent's state may be polled; the poll scheduler (app.core.tracking) uses it too.
MIN_POLL_INTERVAL = 5
# Not in the spec: an upper bound keeps a typo (150000) from silently freezing the live status.
MAX_POLL_INTERVAL = 3600
MIN_REQUEST_TIMEOUT = 1.0
MAX_REQUEST_TIMEOUT = 120.0
MAX_BREAK_MINUTES = 24 * 60
DEVICE_ID_PREFIX = f"{APP_ID}-"

DEFAULT_BREAK_CODES: tuple[BreakCode, ...] = (
    BreakCode("default", "Break", 15),
    BreakCode("lunch", "Lunch", 60),
    BreakCode("meeting", "Meeting"),
    BreakCode("training", "Training"),
)

# Display order for a settings dialog and for `ccc-break config show`.
SETTING_KEYS: tuple[str, ...] = (
    "instance_id",
    "user_id",
    "user_domain",
    "region",
    "endpoint",
    "signature",
    "break_codes",
    "poll_interval",
    "request_timeout",
    "launch_at_login",
    "language",
    "theme",
    "overrun_reminder_minutes",
    "overrun_sound",
    "auto_ready_after_overrun",
    "device_id",
)
# Organisation policies: read from the organisation's own (administrator-owned) files only, never from
# the agent's file or the command line; the built-in value (off) otherwise.
POLICY_KEYS = frozenset({"auto_ready_after_overrun"})
MAX_REMINDER_MINUTES = 120


class Settings(NamedTuple):
    region: str = DEFAULT_REGION
    endpoint: str = ""
    instance_id: str = ""
    user_id: str = ""
    user_domain: str = ""
    device_id: str = ""
    signature: SignatureScheme = SignatureScheme.V3
    poll_interval: int = 15
    request_timeout: float = 10.0
    launch_at_login: bool = False
    language: str = ""  # "" = the system's language, else one of app.core.i18n.LANGUAGES; --lang wins
    theme: str = ""  # "" = follow the system's colour scheme, "light" or "dark"
    overrun_reminder_minutes: int = 5  # how often an overrun break is reminded of until Ready
    overrun_sound: bool = False  # a sound with the overrun notifications (off: open-plan offices)
    auto_ready_after_overrun: int = 0  # policy: minutes over the maximum after which Ready is set; 0 = never
    break_codes: tuple[BreakCode, ...] = DEFAULT_BREAK_CODES

    def endpoint_url(self) -> str:
        """The base URL requests go to: the explicit endpoint, else the region's public endpoint."""
        if self.endpoint:
            return self.endpoint
        return f"https://{region_host(self.region)}"

    def full_user_id(self) -> str:
        """The user ID as CCC wants it (name@domain); a bare name is completed with the user domain."""
        user_id = self.user_id.strip()
        domain = self.user_domain.strip().lstrip("@")
        if user_id and "@" not in user_id and domain:
            return f"{user_id}@{domain}"
        return user_id

    def replace(self, **changes: Any) -> Settings:
        return self._replace(**changes)


BUILT_IN = Settings()

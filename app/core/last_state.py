"""The state the last run saw, for the first paint: the window shows it, marked as refreshing, until
the service's first answer (or failure) replaces it. Read from the file that keeps when the current
state began (`state_memory`), which every state change rewrites."""

from __future__ import annotations

from typing import NamedTuple

from app.core.models import UserState
from app.core.state_memory import RememberedStart


class LastKnownState(NamedTuple):
    state: UserState
    break_code: str  # "" unless on a break


def last_known_state(remembered: RememberedStart | None, agent: str) -> LastKnownState | None:
    """The remembered state when it is this agent's (another agent's would be a stranger's state)."""
    if remembered is None or remembered.agent not in ("", agent):
        return None
    name, _, code = remembered.state.partition(":")
    state = UserState.parse(name)
    if state is UserState.UNKNOWN:
        return None
    return LastKnownState(state, code if state is UserState.BREAK else "")

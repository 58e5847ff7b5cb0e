"""What a simulator is started with: who may call it, which agents exist, and what time it is."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from app.simulator.agents import SEED_USER_ID, Agent, seed_agent

# Throwaway, public credentials: the demo and the trainers' simulator accept them, nothing else does.
DEMO_ACCESS_KEY_ID = "demo-access-key-id"
DEMO_ACCESS_KEY_SECRET = "demo-access-key-secret"  # noqa: S105 - public by design


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, repr=False)
class AccessKey:
    secret: str
    active: bool = True
    # None allows every action; otherwise the others get Forbidden.RAM, like a narrow RAM policy.
    allowed_actions: frozenset[str] | None = None
    # When set, requests must carry this STS token (SecurityToken / x-acs-security-token).
    security_token: str | None = None
    # The agent (UserId) the key's RAM user is mapped to: a request without UserId acts as that agent
    # in the requested instance. None: such a request gets Parameter.Blank for UserId.
    user_id: str | None = None
    # The RAM user's name, shown as AuthPrincipalDisplayName in a Forbidden.RAM denial.
    ram_user: str = ""

    def __repr__(self) -> str:
        return (
            f"AccessKey(secret=<hidden>, active={self.active}, allowed_actions={self.allowed_actions!r}, "
            f"security_token={'<hidden>' if self.security_token else None}, user_id={self.user_id!r}, "
            f"ram_user={self.ram_user!r})"
        )


DEMO_RAM_USER = "user-test"


def demo_access_keys() -> dict[str, AccessKey]:
    """The demo key's RAM user is mapped to the demo agent, so UserId may be left out."""
    return {DEMO_ACCESS_KEY_ID: AccessKey(DEMO_ACCESS_KEY_SECRET, user_id=SEED_USER_ID, ram_user=DEMO_RAM_USER)}


@dataclass
class SimulatorConfig:
    access_keys: dict[str, AccessKey] = field(default_factory=demo_access_keys)
    agents: list[Agent] = field(default_factory=lambda: [seed_agent()])
    # The simulator's notion of now: signature windows, Heartbeat and the Date header all use it.
    clock: Callable[[], datetime] = utc_now

"""What an agent still has to enter before the widget can work, so a first run asks only that.

IT presets the connection in the organisation's file (instance, region, user domain, break codes); the
AccessKey cannot be preset there (it lives only in the keyring), so it is what most agents enter. With
everything in place there is nothing to ask at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core.credentials import CredentialSource, CredentialStatus
from app.core.settings.model import Settings


@dataclass(frozen=True)
class SetupNeeds:
    instance_id: bool  # no instance ID yet, and the agent may enter it (not locked by IT)
    access_key: bool  # no usable AccessKey saved (or in the environment)
    instance_locked: bool = False  # IT locked an empty instance ID: only IT can fix it

    @property
    def complete(self) -> bool:
        return not (self.instance_id or self.access_key or self.instance_locked)


def setup_needs(settings: Settings, credentials: CredentialStatus, locked: frozenset[str]) -> SetupNeeds:
    missing_instance = not settings.instance_id.strip()
    has_key = credentials.source is not CredentialSource.NONE and credentials.has_access_key_id
    has_key = has_key and credentials.has_secret
    # A keyring that is locked may well hold the key: unlocking it is the answer, not typing it again.
    needs_key = not has_key and not credentials.locked
    return SetupNeeds(
        instance_id=missing_instance and "instance_id" not in locked,
        access_key=needs_key,
        instance_locked=missing_instance and "instance_id" in locked,
    )

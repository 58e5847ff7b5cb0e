"""What the Settings dialog says about where the AccessKey lives, in plain words with what to do."""

from __future__ import annotations

from app.core.credentials import CredentialSource, CredentialStatus
from app.core.keyring_backends import NO_BACKEND_NAME, backend_label
from app.ui.i18n import tr


def keyring_words(status: CredentialStatus) -> str:
    """Where the AccessKey lives, and in plain words what is wrong with that and what to do about it."""
    if status.backend_name == NO_BACKEND_NAME:
        return tr(
            "No system keyring is available, so an AccessKey you save here is kept for this session only: "
            "it is forgotten when you quit and never written to a file."
        )
    lines = [tr("Stored in: {backend}").format(backend=backend_label(status.backend_name))]
    if status.locked and status.source is CredentialSource.MEMORY:
        lines.append(
            tr(
                "The system keyring is locked, so your AccessKey is kept for this session only and forgotten "
                "when you quit. Unlock the keyring (log in again or open your keyring app), then save the "
                "AccessKey again to keep it."
            )
        )
    elif status.locked:
        lines.append(
            tr(
                "The system keyring is locked, so the saved AccessKey cannot be read. Unlock it (log in again or "
                "open your keyring app), then open Settings again. If you save an AccessKey now, your system may "
                "ask you to unlock the keyring; if it stays locked, the AccessKey is kept for this session only."
            )
        )
    else:
        if status.source is CredentialSource.MEMORY:
            lines.append(
                tr(
                    "The system keyring did not accept your AccessKey, so it is kept for this session only and "
                    "forgotten when you quit."
                )
            )
        if status.problem:
            lines.append(status.problem)  # the keyring's own words, for IT
    return "\n".join(lines)

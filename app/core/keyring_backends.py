"""What a keyring backend is, in words an agent understands, and whether it keeps a secret safely.

keyring picks a backend by priority; only the system keyrings (Secret Service, KWallet, macOS Keychain,
Windows Credential Manager) keep the secret across runs. The fail and null backends, an empty chainer,
and low-priority fallbacks (plain-text files, an in-process memory keyring) do not.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

from app.core.i18n import N_, _

# Backend names are stable English (the UI compares with NO_BACKEND_NAME, doctor --json reports them);
# backend_label() gives them in the user's language.
NO_BACKEND_NAME = N_("none (memory only)")


def backend_name(backend: KeyringBackend | None) -> str:
    if backend is None or not is_usable(backend):
        return NO_BACKEND_NAME
    if (described := _helper_description(backend)) is not None:
        return str(described.backend)
    module = type(backend).__module__
    name = type(backend).__name__
    if module.endswith(".chainer"):
        first = _chained(backend)
        return backend_name(first[0]) if first else NO_BACKEND_NAME
    known = {
        "SecretService": N_("Secret Service (GNOME Keyring)"),
        "libsecret": N_("Secret Service (libsecret)"),
        "kwallet": N_("KDE Wallet"),
        "macOS": N_("macOS Keychain"),
        "Windows": N_("Windows Credential Manager"),
    }
    for part, human in known.items():
        if f".{part}" in module:
            return human
    return str(getattr(backend, "name", name))


def backend_label(name: str) -> str:
    """A backend_name() as a person reads it: translated when it is one of ours, else as it is."""
    return _(name) if name else name


def _chained(backend: KeyringBackend) -> Sequence[KeyringBackend]:
    try:
        return list(getattr(backend, "backends", []))
    except Exception:  # a backend's priority probe may fail in odd ways
        return []


def _helper_description(backend: object) -> Any:
    """What a keyring read in a helper process (app.core.keyring_helper) found, else None. Looked up
    by name: that module imports this one."""
    return getattr(backend, "helper_description", None)


def is_usable(backend: KeyringBackend) -> bool:
    if (described := _helper_description(backend)) is not None:
        return bool(described.usable)
    module = type(backend).__module__
    # fail.Keyring raises on every call; null.Keyring silently drops secrets; an empty chainer does too.
    if module.endswith((".fail", ".null")):
        return False
    return not (module.endswith(".chainer") and not _chained(backend))


# keyring's own system backends (Secret Service, KWallet, macOS Keychain, Windows Credential Manager)
# have priority 1 or more; anything below is a fallback (keyrings.alt plain-text files, an in-process
# memory keyring) that must not be mistaken for a place that keeps the secret safely across runs.
MIN_SYSTEM_PRIORITY = 1.0


def _priority(backend: KeyringBackend) -> float:
    try:
        return float(backend.priority)
    except Exception:  # priority is a probe that may raise for an unavailable backend
        return -1.0


def is_system_keyring(backend: KeyringBackend) -> bool:
    if type(backend).__module__.endswith(".chainer"):
        chained = _chained(backend)
        return bool(chained) and _priority(chained[0]) >= MIN_SYSTEM_PRIORITY
    return _priority(backend) >= MIN_SYSTEM_PRIORITY

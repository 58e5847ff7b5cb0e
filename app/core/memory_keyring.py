"""A keyring that lives in this process only: the demo's throwaway credentials go here, never to disk."""

from __future__ import annotations

import threading

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


class MemoryKeyring(KeyringBackend):
    """Holds passwords in a dict for the life of the process."""

    # Below keyring's fail backend (0), so `keyring.get_keyring()` never picks it by itself: it is
    # used only where it is passed in explicitly (the demo).
    priority = -1
    name = "memory only (demo)"

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._items: dict[tuple[str, str], str] = {}
        self._lock = threading.Lock()

    def get_password(self, service: str, username: str) -> str | None:
        with self._lock:
            return self._items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        with self._lock:
            self._items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        with self._lock:
            if self._items.pop((service, username), None) is None:
                raise PasswordDeleteError("not found")

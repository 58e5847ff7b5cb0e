"""Launch at login on Linux and BSD desktops: an XDG autostart .desktop entry."""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path

from app import APP_ID

from .base import AutoStart, AutoStartError

logger = logging.getLogger(__name__)

ENTRY_NAME = f"{APP_ID}.desktop"
# Desktop Entry spec, "The Exec key": an argument containing any of these must be double-quoted.
_RESERVED = frozenset(" \t\n\"'\\><~|&;$*?#()`")
# ...and inside double quotes these must be backslash-escaped.
_ESCAPE_IN_QUOTES = frozenset('"`$\\')


def quote_exec_arg(arg: str) -> str:
    """One argument quoted per the Exec rules (before the string-value escaping)."""
    arg = arg.replace("%", "%%")  # a literal percent sign is not a field code
    if arg and not any(ch in _RESERVED for ch in arg):
        return arg
    return '"' + "".join("\\" + ch if ch in _ESCAPE_IN_QUOTES else ch for ch in arg) + '"'


def _escape_string_value(value: str) -> str:
    # The general string escapes are applied after quoting, hence "\\\\" for one literal backslash.
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r")


def exec_line(command: Sequence[str]) -> str:
    """The value of Exec= for `command`, escaped for writing into a .desktop file."""
    return _escape_string_value(" ".join(quote_exec_arg(arg) for arg in command))


def read_desktop_entry(path: Path) -> dict[str, str]:
    """The raw key/value pairs of the [Desktop Entry] group (escapes left as written)."""
    values: dict[str, str] = {}
    in_group = False
    for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            in_group = line == "[Desktop Entry]"
            continue
        if in_group and "=" in line:
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def entry_is_active(path: Path) -> bool:
    """Whether a session manager would start this entry (Hidden and GNOME's own switch honoured)."""
    try:
        values = read_desktop_entry(path)
    except OSError as exc:
        logger.warning("Cannot read autostart entry %s: %s", path, exc)
        return False
    if values.get("Hidden", "false").lower() == "true":
        return False
    return values.get("X-GNOME-Autostart-enabled", "true").lower() != "false"


class XdgAutoStart(AutoStart):
    """Writes $XDG_CONFIG_HOME/autostart/ccc-break.desktop; a per-user entry overrides a system one."""

    def __init__(self, config_home: Path, config_dirs: Sequence[Path], command: Sequence[str]) -> None:
        self.user_entry = config_home / "autostart" / ENTRY_NAME
        self.config_dirs = list(config_dirs)
        self.command = list(command)

    def system_entry(self) -> Path | None:
        """The system-wide entry a package installed, if any (first match in $XDG_CONFIG_DIRS wins)."""
        for directory in self.config_dirs:
            candidate = directory / "autostart" / ENTRY_NAME
            if candidate.is_file():
                return candidate
        return None

    def is_enabled(self) -> bool:
        if self.user_entry.is_file():
            return entry_is_active(self.user_entry)
        system = self.system_entry()
        return system is not None and entry_is_active(system)

    def set_enabled(self, enabled: bool) -> None:
        try:
            if enabled:
                self._write(self._enabled_entry())
            elif self.system_entry() is not None:
                # Deleting our file would let the system entry start the app again: mask it instead.
                self._write(self._hidden_entry())
            else:
                self.user_entry.unlink(missing_ok=True)
        except OSError as exc:
            raise AutoStartError(
                f"Could not change launch at login in {self.user_entry}: {exc.strerror or exc}. "
                "Check that your home folder is writable."
            ) from exc

    def describe(self) -> str:
        text = f"XDG autostart entry {self.user_entry}"
        system = self.system_entry()
        if system is not None:
            text += f" (overrides the system entry {system})"
        return text

    def _enabled_entry(self) -> str:
        return (
            "[Desktop Entry]\n"
            "Type=Application\n"
            "Name=CCC Break\n"
            "Comment=Start CCC Break in the tray when you sign in\n"
            f"Exec={exec_line(self.command)}\n"
            f"Icon={APP_ID}\n"
            "Terminal=false\n"
            "StartupNotify=false\n"
            "X-GNOME-Autostart-enabled=true\n"
        )

    def _hidden_entry(self) -> str:
        return (
            "[Desktop Entry]\n"
            "Type=Application\n"
            "Name=CCC Break\n"
            f"Exec={exec_line(self.command)}\n"
            "Hidden=true\n"
            "X-GNOME-Autostart-enabled=false\n"
        )

    def _write(self, text: str) -> None:
        self.user_entry.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.user_entry.with_name(self.user_entry.name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, self.user_entry)

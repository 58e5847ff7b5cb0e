"""Launch at login on Windows: a value under HKCU\\...\\CurrentVersion\\Run."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from typing import Protocol

from .base import RUN_VALUE_NAME, AutoStart, AutoStartError

RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"


class RunKeyRegistry(Protocol):
    """The three operations the backend needs on one registry key; faked in the tests."""

    def get_value(self, name: str) -> str | None: ...

    def set_value(self, name: str, value: str) -> None: ...

    def delete_value(self, name: str) -> None:
        """Remove the value; no error if it is not there."""
        ...


class WinRegRunKey:
    """HKCU (or HKLM, read-only use) ...\\Run through winreg, imported only when used on Windows."""

    def __init__(self, machine_wide: bool = False, key_path: str = RUN_KEY) -> None:
        self.machine_wide = machine_wide
        self.key_path = key_path

    def get_value(self, name: str) -> str | None:
        if sys.platform != "win32":
            raise OSError("the Windows registry exists only on Windows")
        import winreg

        root = winreg.HKEY_LOCAL_MACHINE if self.machine_wide else winreg.HKEY_CURRENT_USER
        try:
            with winreg.OpenKey(root, self.key_path, 0, winreg.KEY_READ) as key:
                value, _kind = winreg.QueryValueEx(key, name)
        except FileNotFoundError:
            return None
        return str(value)

    def set_value(self, name: str, value: str) -> None:
        if sys.platform != "win32":
            raise OSError("the Windows registry exists only on Windows")
        import winreg

        root = winreg.HKEY_LOCAL_MACHINE if self.machine_wide else winreg.HKEY_CURRENT_USER
        with winreg.CreateKeyEx(root, self.key_path, 0, winreg.KEY_SET_VALUE) as key:
            winreg.SetValueEx(key, name, 0, winreg.REG_SZ, value)

    def delete_value(self, name: str) -> None:
        if sys.platform != "win32":
            raise OSError("the Windows registry exists only on Windows")
        import winreg

        root = winreg.HKEY_LOCAL_MACHINE if self.machine_wide else winreg.HKEY_CURRENT_USER
        try:
            with winreg.OpenKey(root, self.key_path, 0, winreg.KEY_SET_VALUE) as key:
                winreg.DeleteValue(key, name)
        except FileNotFoundError:
            return


class WindowsRunKeyAutoStart(AutoStart):
    """The per-user Run value "CCC Break"; an HKLM value written by the MSI is reported, not changed."""

    def __init__(
        self,
        registry: RunKeyRegistry,
        command: Sequence[str],
        machine_registry: RunKeyRegistry | None = None,
    ) -> None:
        self.registry = registry
        self.machine_registry = machine_registry
        self.command = list(command)

    def command_line(self) -> str:
        # Run values are parsed like CreateProcess command lines: list2cmdline's quoting is the match.
        return subprocess.list2cmdline(self.command)

    def is_enabled(self) -> bool:
        try:
            return bool(self.registry.get_value(RUN_VALUE_NAME))
        except OSError:
            return False

    def set_enabled(self, enabled: bool) -> None:
        try:
            if enabled:
                self.registry.set_value(RUN_VALUE_NAME, self.command_line())
            else:
                self.registry.delete_value(RUN_VALUE_NAME)
        except OSError as exc:
            raise AutoStartError(f"Could not change launch at login in HKEY_CURRENT_USER\\{RUN_KEY}: {exc}.") from exc

    def describe(self) -> str:
        text = f'Registry value "{RUN_VALUE_NAME}" in HKEY_CURRENT_USER\\{RUN_KEY}'
        if self.machine_registry is not None:
            try:
                machine = self.machine_registry.get_value(RUN_VALUE_NAME)
            except OSError:
                machine = None
            if machine:
                text += f"; IT also starts it for every user from HKEY_LOCAL_MACHINE\\{RUN_KEY}"
        return text

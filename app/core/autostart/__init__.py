"""Launch at login: one interface, a backend per desktop platform, and a do-nothing fallback."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

from .base import (
    LAUNCH_AGENT_LABEL,
    MINIMIZED_FLAG,
    RUN_VALUE_NAME,
    AutoStart,
    AutoStartError,
    NullAutoStart,
    launch_command,
)
from .launchd import LaunchAgentAutoStart
from .windows import RUN_KEY, RunKeyRegistry, WindowsRunKeyAutoStart, WinRegRunKey
from .xdg import XdgAutoStart

__all__ = [
    "LAUNCH_AGENT_LABEL",
    "MINIMIZED_FLAG",
    "RUN_KEY",
    "RUN_VALUE_NAME",
    "AutoStart",
    "AutoStartError",
    "LaunchAgentAutoStart",
    "NullAutoStart",
    "RunKeyRegistry",
    "WinRegRunKey",
    "WindowsRunKeyAutoStart",
    "XdgAutoStart",
    "autostart_for",
    "launch_command",
]

_XDG_PLATFORMS = ("linux", "freebsd", "openbsd", "netbsd", "dragonfly", "sunos")


def _xdg_dirs(environ: Mapping[str, str], home: Path) -> tuple[Path, list[Path]]:
    # The spec says relative paths in these variables are invalid and must be ignored.
    config_home_env = environ.get("XDG_CONFIG_HOME", "")
    config_home = Path(config_home_env) if os.path.isabs(config_home_env) else home / ".config"
    dirs = [Path(d) for d in environ.get("XDG_CONFIG_DIRS", "").split(":") if os.path.isabs(d)]
    return config_home, dirs or [Path("/etc/xdg")]


def autostart_for(
    platform: str = sys.platform,
    environ: Mapping[str, str] = os.environ,
    registry: RunKeyRegistry | None = None,
    home: Path | None = None,
) -> AutoStart:
    """The backend for `platform`, starting the command from launch_command()."""
    command = launch_command()
    if platform == "win32":
        if registry is None:
            if sys.platform != "win32":
                return NullAutoStart("the Windows registry is only reachable on Windows")
            return WindowsRunKeyAutoStart(WinRegRunKey(), command, WinRegRunKey(machine_wide=True))
        return WindowsRunKeyAutoStart(registry, command)
    if home is None:
        home = Path(environ["HOME"]) if environ.get("HOME") else Path.home()
    if platform == "darwin":
        return LaunchAgentAutoStart(home, command)
    if platform.startswith(_XDG_PLATFORMS):
        config_home, config_dirs = _xdg_dirs(environ, home)
        return XdgAutoStart(config_home, config_dirs, command)
    return NullAutoStart(f"this operating system ({platform}) has no supported mechanism")

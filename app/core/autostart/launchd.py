"""Launch at login on macOS: a per-user LaunchAgent property list."""

from __future__ import annotations

import logging
import os
import plistlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .base import LAUNCH_AGENT_LABEL, AutoStart, AutoStartError

logger = logging.getLogger(__name__)

SYSTEM_AGENTS_DIR = Path("/Library/LaunchAgents")


def launch_agent(command: Sequence[str], label: str = LAUNCH_AGENT_LABEL) -> dict[str, Any]:
    """The LaunchAgent dictionary; the installer package writes the same keys (packaging/macos)."""
    return {
        "Label": label,
        "ProgramArguments": list(command),
        "RunAtLoad": True,
        # Interactive: launchd must not throttle a UI app the agent is looking at.
        "ProcessType": "Interactive",
        "LimitLoadToSessionType": "Aqua",
    }


class LaunchAgentAutoStart(AutoStart):
    """Writes ~/Library/LaunchAgents/com.cccbreak.widget.plist, loaded by launchd at the next login."""

    def __init__(self, home: Path, command: Sequence[str], system_agents_dir: Path = SYSTEM_AGENTS_DIR) -> None:
        self.plist_path = home / "Library" / "LaunchAgents" / f"{LAUNCH_AGENT_LABEL}.plist"
        self.system_plist = system_agents_dir / f"{LAUNCH_AGENT_LABEL}.plist"
        self.command = list(command)

    def is_enabled(self) -> bool:
        try:
            with self.plist_path.open("rb") as handle:
                agent = plistlib.load(handle)
        except FileNotFoundError:
            return False
        except (OSError, plistlib.InvalidFileException, ValueError) as exc:
            logger.warning("Unreadable LaunchAgent %s: %s", self.plist_path, exc)
            return False
        return isinstance(agent, dict) and not agent.get("Disabled", False)

    def set_enabled(self, enabled: bool) -> None:
        try:
            if enabled:
                self.plist_path.parent.mkdir(parents=True, exist_ok=True)
                tmp = self.plist_path.with_name(self.plist_path.name + ".tmp")
                with tmp.open("wb") as handle:
                    plistlib.dump(launch_agent(self.command), handle)
                os.replace(tmp, self.plist_path)
            else:
                self.plist_path.unlink(missing_ok=True)
        except OSError as exc:
            raise AutoStartError(
                f"Could not change launch at login in {self.plist_path}: {exc.strerror or exc}."
            ) from exc

    def describe(self) -> str:
        text = f"LaunchAgent {self.plist_path}"
        if self.system_plist.is_file():
            # The per-user switch cannot mask an agent IT installed for every user.
            text += f"; IT also starts it for every user through {self.system_plist}"
        return text

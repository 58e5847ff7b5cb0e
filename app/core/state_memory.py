"""When the agent's current state began, remembered on this computer, for when the service cannot say
(the read API is denied or down): it survives a restart of the widget, and is marked approximate."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

from app.core.private_files import private_dir, write_private

logger = logging.getLogger(__name__)


class RememberedStart(NamedTuple):
    agent: str
    state: str  # the state key, e.g. "BREAK:lunch"
    since: datetime


class StateStartFile:
    """One small JSON file, private to the user; every call may touch the disk (run it off the GUI thread)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def recall(self) -> RememberedStart | None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            since = datetime.fromtimestamp(float(data["since_ms"]) / 1000, tz=UTC)
            return RememberedStart(str(data["agent"]), str(data["state"]), since)
        except (OSError, ValueError, KeyError, TypeError, OverflowError):
            return None  # none yet, or damaged: the next state change writes a good one

    def remember(self, start: RememberedStart) -> None:
        text = json.dumps({"agent": start.agent, "state": start.state, "since_ms": int(start.since.timestamp() * 1000)})
        try:
            private_dir(self.path.parent)
            write_private(self.path, text.encode())
        except OSError as error:
            logger.info("Could not remember when the state began: %s", error.strerror or error)

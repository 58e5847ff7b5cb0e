"""Where the window was, per screen: position, size and mode (compact, on top), kept for the next run
in a small private file; and a safe place for it when that screen is gone (a laptop undocked).

Qt-free: screens are plain rectangles with a name, so the placement rules are tested without a display.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import NamedTuple

from app.core.private_files import private_dir, write_private

logger = logging.getLogger(__name__)

MAX_SCREENS_KEPT = 8  # a hot-desking agent meets many monitors; keep the latest few
VISIBLE_MARGIN = 48  # at least this much of the title bar must be on a screen to grab it


class Rect(NamedTuple):
    x: int
    y: int
    width: int
    height: int

    def contains_point(self, x: int, y: int) -> bool:
        return self.x <= x < self.x + self.width and self.y <= y < self.y + self.height


class Screen(NamedTuple):
    name: str  # e.g. "DP-1 2560x1440": the same monitor, at the same resolution
    available: Rect  # without panels and task bars


class WindowPlace(NamedTuple):
    geometry: Rect
    compact: bool = False
    on_top: bool = False


def screen_key(name: str, width: int, height: int) -> str:
    return f"{name} {width}x{height}"


def place_on(saved: WindowPlace, screens: list[Screen]) -> WindowPlace:
    """`saved`, moved and shrunk as little as needed so its top edge is reachable on one of `screens`
    (the one holding its title bar, else the first, the primary)."""
    if not screens:
        return saved
    box = saved.geometry
    holder = next((s for s in screens if s.available.contains_point(box.x + VISIBLE_MARGIN, box.y)), screens[0])
    area = holder.available
    width, height = min(box.width, area.width), min(box.height, area.height)
    x = min(max(box.x, area.x), area.x + area.width - width)
    y = min(max(box.y, area.y), area.y + area.height - height)
    return WindowPlace(Rect(x, y, width, height), saved.compact, saved.on_top)


class WindowMemory:
    """The one owner of the window-place file (JSON, private to the user)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def recall(self, key: str) -> WindowPlace | None:
        entry = self._read().get(key)
        if not isinstance(entry, dict):
            return None
        try:
            geometry = entry["geometry"]
            rect = Rect(*(int(geometry[name]) for name in ("x", "y", "width", "height")))
            if rect.width <= 0 or rect.height <= 0 or max(abs(rect.x), abs(rect.y)) > 10**6:
                return None
            return WindowPlace(rect, bool(entry.get("compact", False)), bool(entry.get("on_top", False)))
        except (KeyError, TypeError, ValueError):
            return None  # a damaged entry: the window opens where Qt puts it

    def recall_latest(self) -> WindowPlace | None:
        """The place kept last, on whatever screens: a start for a setup never seen before."""
        keys = list(self._read())
        return self.recall(keys[-1]) if keys else None

    def remember(self, key: str, place: WindowPlace) -> None:
        places = self._read()
        places.pop(key, None)
        # the latest last, so trimming drops the oldest; named fields, as recall reads them
        places[key] = {**place._asdict(), "geometry": place.geometry._asdict()}
        while len(places) > MAX_SCREENS_KEPT:
            places.pop(next(iter(places)))
        try:
            private_dir(self.path.parent)
            write_private(self.path, json.dumps(places, indent=1).encode())
        except OSError as error:
            logger.info("Could not keep the window's place: %s", error)

    def _read(self) -> dict[str, object]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

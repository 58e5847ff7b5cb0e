"""The window comes back where the agent left it, per screen setup, and always somewhere reachable."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from app.core.window_memory import MAX_SCREENS_KEPT, Rect, Screen, WindowMemory, WindowPlace, place_on

LAPTOP = Screen("eDP-1 1920x1080", Rect(0, 0, 1920, 1040))
MONITOR = Screen("DP-1 2560x1440", Rect(1920, 0, 2560, 1400))


def test_a_place_on_a_screen_that_is_there_is_kept() -> None:
    saved = WindowPlace(Rect(2100, 100, 400, 300), compact=True, on_top=True)
    assert place_on(saved, [LAPTOP, MONITOR]) == saved


def test_a_place_on_a_screen_that_is_gone_moves_onto_the_primary_one() -> None:
    """Undocked: the window that was on the monitor comes back on the laptop, whole and reachable."""
    saved = WindowPlace(Rect(3000, 900, 400, 300), compact=True)
    placed = place_on(saved, [LAPTOP])
    box = placed.geometry
    assert (box.width, box.height) == (400, 300) and placed.compact
    assert 0 <= box.x <= 1920 - 400 and 0 <= box.y <= 1040 - 300


def test_a_window_larger_than_the_screen_is_shrunk_and_one_above_it_pulled_down() -> None:
    placed = place_on(WindowPlace(Rect(-50, -400, 2500, 1500)), [LAPTOP]).geometry
    assert placed == Rect(0, 0, 1920, 1040)


def test_places_are_kept_per_setup_privately_and_survive_damage(tmp_path: Path) -> None:
    memory = WindowMemory(tmp_path / "ccc-break" / "ccc-break.window.json")
    assert memory.recall("docked") is None and memory.recall_latest() is None
    memory.remember("docked", WindowPlace(Rect(2100, 100, 400, 300), compact=True))
    memory.remember("laptop", WindowPlace(Rect(10, 10, 420, 500)))
    assert memory.recall("docked") == WindowPlace(Rect(2100, 100, 400, 300), compact=True)
    assert memory.recall_latest() == WindowPlace(Rect(10, 10, 420, 500))
    if os.name == "posix":
        assert stat.S_IMODE(memory.path.stat().st_mode) == 0o600
    memory.path.write_text('{"docked": {"geometry": {"x": "a"}}, "laptop": 5', encoding="utf-8")
    assert memory.recall("docked") is None and memory.recall_latest() is None
    memory.path.write_text('{"docked": {"geometry": {"x": 1, "y": 2, "width": -5, "height": 3}}}', encoding="utf-8")
    assert memory.recall("docked") is None, "a nonsense size is not restored"


def test_only_the_latest_setups_are_kept(tmp_path: Path) -> None:
    memory = WindowMemory(tmp_path / "w.json")
    for n in range(MAX_SCREENS_KEPT + 3):
        memory.remember(f"setup {n}", WindowPlace(Rect(n, n, 300, 200)))
    assert memory.recall("setup 0") is None
    assert memory.recall(f"setup {MAX_SCREENS_KEPT + 2}") is not None

"""Under a Chinese desktop (LANG=zh_CN.UTF-8) the real app speaks Chinese, as a screen reader hears it
through AT-SPI: the window's buttons, labels and state."""

from __future__ import annotations

import pytest

from tests.e2e import desktop
from tests.e2e.conftest import Launcher, wait_until_polled

pytestmark = pytest.mark.e2e


def chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_under_a_chinese_locale_the_window_reads_chinese_to_a_screen_reader(
    x_display: str, session_bus: str, launch: Launcher
) -> None:
    with desktop.AccessibilityBus(x_display, session_bus) as a11y:
        run = launch(env={"LANG": "zh_CN.UTF-8", "LC_ALL": "", "LANGUAGE": "", "QT_LINUX_ACCESSIBILITY_ALWAYS_ON": "1"})
        run.wait_for_window()
        wait_until_polled(launch.simulator)

        def buttons_named() -> list[dict[str, object]] | None:
            nodes = a11y.tree(run.pid)
            named = [n for n in nodes if n["role"] == "push button" and n["name"]]
            return nodes if len(named) >= 3 and any(str(n["name"]).startswith("您的状态") for n in nodes) else None

        nodes = desktop.wait_for(buttons_named, 30, "the window's buttons and state over AT-SPI")
        buttons = [str(n["name"]) for n in nodes if n["role"] == "push button" and n["name"]]
        assert buttons and all(chinese(name) for name in buttons), f"not all Chinese: {buttons}"
        assert "本次通话结束后小休" not in buttons  # not on a call: the plain Take Break
        assert any(name == "小休" for name in buttons), buttons
        state = next(str(n["name"]) for n in nodes if str(n["name"]).startswith("您的状态"))
        assert "就绪" in state, state
        labels = [str(n["name"]) for n in nodes if n["role"] == "label" and n["name"]]
        assert any(chinese(text) for text in labels), labels

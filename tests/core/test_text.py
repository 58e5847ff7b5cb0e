"""Service text made safe for where it is shown: terminals and desktop notifications."""

from __future__ import annotations

import pytest
from PySide6.QtGui import Qt

from app.core.text import bounded, for_terminal, without_markup


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("lunch\x1b]0;pwned\x07", "lunch"),  # OSC: retitles the terminal window
        ("\x1b[2J\x1b[31mred\x1b[0m", "red"),  # CSI: clears the screen, colours
        ("a\x9b31mb", "ab"),  # 8-bit CSI
        ("ok\rFAKE", "okFAKE"),  # carriage return: overwrites what was printed
        ("left\u202eright", "leftright"),  # bidi override: reorders what is read
        ("two\nlines\tand tab", "two\nlines\tand tab"),
        ("就绪 小休", "就绪 小休"),
    ],
)
def test_terminal_text_carries_no_control_sequences(raw: str, shown: str) -> None:
    assert for_terminal(raw) == shown


def test_long_text_is_cut_with_a_mark() -> None:
    assert bounded("x" * 600) == "x" * 499 + "…"
    assert bounded("short") == "short"


def test_notification_text_can_never_be_markup() -> None:
    """Qt's tray balloon and many notification servers render tags: a link in a break code must not."""
    text = without_markup("You are now BREAK (<a href='https://phish.example'>Reset</a>)")
    assert "<" not in text and ">" not in text
    assert not Qt.mightBeRichText(text)
    assert "Reset" in text

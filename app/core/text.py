"""Text that came from the service, made safe to show: bounded in length, and for a terminal free of
control characters and escape sequences (which could retitle or recolour it, or hide lines)."""

from __future__ import annotations

import re
import unicodedata

MAX_SHOWN_CHARS = 500

# CSI / OSC / other ESC sequences, then any remaining C0/C1 control character but tab and newline.
_ESCAPE_SEQUENCE = re.compile(
    r"\x1b(?:\[[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves
    r"|\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC: window title, hyperlinks
    r"|[@-Z\\-_])"  # two-character sequences
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def bounded(text: str, limit: int = MAX_SHOWN_CHARS) -> str:
    """At most `limit` characters, marked with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def for_terminal(text: str) -> str:
    """What a terminal may print: no escape sequences, no control characters, no bidi overrides."""
    text = _CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", text))
    # Bidirectional overrides and other format characters can make a line read differently.
    return "".join(ch for ch in text if ch in "\t\n" or unicodedata.category(ch) != "Cf")


def without_markup(text: str) -> str:
    """For desktop notifications: Qt's balloon and many notification servers render tags in the body,
    so angle brackets become look-alikes (‹ ›) that read the same and can never form a link."""
    return text.replace("<", "\u2039").replace(">", "\u203a")


def display_width(text: str) -> int:
    """Columns `text` takes in a terminal: wide (CJK) characters take two, combining marks none."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 0 if unicodedata.combining(ch) else 1 for ch in text)

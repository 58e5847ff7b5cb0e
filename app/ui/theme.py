"""Light and dark looks: the widget follows the system colour scheme (or the agent's choice in Settings)
and keeps text at 4.5:1 and state badges at 3:1 or better against their background in both.

Every colour the views use comes from here: the named areas are styled by object name in one
application style sheet, and the state badge asks `badge_colour`.
"""

from __future__ import annotations

from typing import NamedTuple

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

from app.core.models import UserState
from app.ui.icons import OVER_TIME, StateLook

SYSTEM, LIGHT, DARK = "", "light", "dark"


class Theme(NamedTuple):
    dark: bool
    window: str  # the window's background: what the badge and plain text sit on
    text: str
    muted: str  # notes ("Managed by your organisation", the endpoint in use)
    error_text: str  # validation messages, the over-limit counter
    banner_bg: str
    banner_text: str
    notice_bg: str
    notice_text: str
    error_bg: str
    error_fg: str
    error_border: str
    queued_bg: str
    queued_text: str
    queued_border: str
    badges: dict[UserState | None, str]
    over_time: str

    def badge_colour(self, state: UserState | None, look: StateLook) -> str:
        if look is OVER_TIME:
            return self.over_time
        return self.badges.get(state, self.badges[None])


LIGHT_THEME = Theme(
    dark=False,
    window="#efefef",
    text="#1b1b1b",
    muted="#545454",
    error_text="#b71c1c",
    banner_bg="#fff3e0",
    banner_text="#4e342e",
    notice_bg="#e3f2fd",
    notice_text="#0d47a1",
    error_bg="#ffebee",
    error_fg="#3e0d0d",
    error_border="#e57373",
    queued_bg="#fff3e0",
    queued_text="#4e342e",
    queued_border="#ffb74d",
    badges={
        UserState.READY: "#2e7d32",
        UserState.BREAK: "#c25100",  # the icons' orange is too light for text on a light window
        UserState.WORKING: "#1565c0",
        UserState.DIALING: "#c62828",
        UserState.RINGING: "#c62828",
        UserState.TALKING: "#c62828",
        UserState.OFFLINE: "#616161",
        None: "#616161",
    },
    over_time="#b71c1c",
)

DARK_THEME = Theme(
    dark=True,
    window="#202124",
    text="#e8eaed",
    muted="#b0b3b8",
    error_text="#ff8a80",
    banner_bg="#3e2a14",
    banner_text="#ffe0b2",
    notice_bg="#102a43",
    notice_text="#bbdefb",
    error_bg="#3b1214",
    error_fg="#ffdad6",
    error_border="#e57373",
    queued_bg="#3e2a14",
    queued_text="#ffe0b2",
    queued_border="#ffb74d",
    badges={
        UserState.READY: "#81c784",
        UserState.BREAK: "#ffb74d",
        UserState.WORKING: "#64b5f6",
        UserState.DIALING: "#ef9a9a",
        UserState.RINGING: "#ef9a9a",
        UserState.TALKING: "#ef9a9a",
        UserState.OFFLINE: "#bdbdbd",
        None: "#bdbdbd",
    },
    over_time="#ff8a80",
)


def resolve(choice: str) -> Theme:
    """The agent's choice, or the system's colour scheme (Qt 6.5+) when they left it to the system."""
    if choice == DARK:
        return DARK_THEME
    if choice == LIGHT:
        return LIGHT_THEME
    return DARK_THEME if QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark else LIGHT_THEME


def _palette(theme: Theme) -> QPalette:
    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: theme.window,
        QPalette.ColorRole.WindowText: theme.text,
        QPalette.ColorRole.Base: "#2b2c2f" if theme.dark else "#ffffff",
        QPalette.ColorRole.AlternateBase: "#303134" if theme.dark else "#f5f5f5",
        QPalette.ColorRole.Text: theme.text,
        QPalette.ColorRole.Button: "#303134" if theme.dark else "#e8e8e8",
        QPalette.ColorRole.ButtonText: theme.text,
        QPalette.ColorRole.ToolTipBase: "#303134" if theme.dark else "#ffffdc",
        QPalette.ColorRole.ToolTipText: theme.text,
        QPalette.ColorRole.PlaceholderText: theme.muted,
        QPalette.ColorRole.Highlight: "#8ab4f8" if theme.dark else "#1a73e8",
        QPalette.ColorRole.HighlightedText: "#202124" if theme.dark else "#ffffff",
        QPalette.ColorRole.Link: "#8ab4f8" if theme.dark else "#1a56b0",
    }
    for role, colour in roles.items():
        palette.setColor(role, QColor(colour))
    disabled = QColor("#8a8d91" if theme.dark else "#6f6f6f")
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    return palette


def style_sheet(theme: Theme) -> str:
    return f"""
#demoBanner {{ background:{theme.banner_bg}; color:{theme.banner_text}; padding:4px; border-radius:3px; }}
#notice {{ background:{theme.notice_bg}; color:{theme.notice_text}; padding:4px; border-radius:3px; }}
#errorArea {{ background:{theme.error_bg}; border:1px solid {theme.error_border}; }}
#errorArea QLabel {{ color:{theme.error_fg}; }}
#queuedBreak {{ background:{theme.queued_bg}; border:1px solid {theme.queued_border}; }}
#queuedBreak QLabel {{ color:{theme.queued_text}; }}
QLabel[role="error"] {{ color:{theme.error_text}; }}
QLabel[role="note"] {{ color:{theme.muted}; }}
QLabel[role="managed"] {{ color:{theme.muted}; font-style:italic; }}
QLabel[role="overLimit"] {{ color:{theme.error_text}; font-weight:bold; }}
"""


def apply(app: QApplication, theme: Theme, choice: str = SYSTEM) -> None:
    """The theme's style sheet for the whole app, and its palette where the platform's own would not
    match: dark, or a scheme the agent forced. The Fusion style draws any palette faithfully, where a
    platform style may keep its own light colours under a dark palette."""
    if theme.dark or choice != SYSTEM:
        fusion = QStyleFactory.create("Fusion")
        if fusion is not None:
            app.setStyle(fusion)
        app.setPalette(_palette(theme))
    app.setStyleSheet(style_sheet(theme))


def contrast(foreground: QColor, background: QColor) -> float:
    """WCAG 2 contrast ratio of two colours (1 to 21)."""

    def luminance(colour: QColor) -> float:
        def channel(value: float) -> float:
            return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

        return 0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF()) + 0.0722 * channel(colour.blueF())

    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)

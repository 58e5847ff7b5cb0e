"""Server text is data, never markup: an HTML link in a service message or a break code shows as the
literal characters, never as a clickable link (phishing) or formatted text."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import Qt as QtGui
from PySide6.QtWidgets import QLabel

from app.core.errors import ApiError
from app.simulator.agents import UserState as SimulatorState
from app.ui.application import WidgetApp
from tests.ui.conftest import Loop

LINK = "<a href='https://phish.example/reset'>Reset your password</a>"


def rich_labels(widget: WidgetApp) -> list[str]:
    """Visible labels whose text Qt would render as rich text (links, bold) if allowed to."""
    assert widget.window is not None
    return [
        label.objectName() or label.text()[:40]
        for label in widget.window.findChildren(QLabel)
        if QtGui.mightBeRichText(label.text()) and label.textFormat() is not Qt.TextFormat.PlainText
    ]


def test_html_in_a_service_message_shows_as_text(qloop: Loop, make_widget: Callable[..., WidgetApp]) -> None:
    """The error area shows the service's words character for character, with no link to click."""
    widget = make_widget()
    assert widget.controller is not None and widget.window is not None
    widget.controller._show_error(
        ApiError("InvalidParameter", LINK, http_status=400, request_id="<b>R-1</b>"), from_poll=False
    )
    assert LINK in widget.window.error_message.text()
    assert "<b>R-1</b>" in widget.window.error_request_id.text()
    assert rich_labels(widget) == []
    assert not widget.window.error_message.openExternalLinks()


def test_html_in_a_break_code_shows_as_text(qloop: Loop, make_widget: Callable[..., WidgetApp]) -> None:
    """A break code set elsewhere (a supervisor, another workbench) is shown as typed, in the status
    panel, the badge and the tray tooltip."""
    widget = make_widget()
    assert widget.simulator is not None and widget.controller is not None and widget.tray is not None
    agent = widget.simulator.directory.get("ccc-test", "user-test@ccc-test")
    assert agent is not None
    agent.set_state(SimulatorState.BREAK, LINK)

    async def scenario() -> None:
        widget.controller.refresh_soon()
        await qloop.until(lambda: widget.window.fields["BreakCode"].text() == LINK, 8, "the code on screen")

    qloop.run(scenario())
    assert LINK in widget.window.badge_text.text()
    assert rich_labels(widget) == []
    tooltip = widget.tray.tooltip_text()
    assert LINK in tooltip
    assert not QtGui.mightBeRichText(tooltip), "the tray tooltip would render the link"

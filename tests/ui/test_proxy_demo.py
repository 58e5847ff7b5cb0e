"""The demo with every proxy variable set: loopback never goes through a proxy."""

from __future__ import annotations

from collections.abc import Callable

from app.ui.application import WidgetApp
from tests.fixtures.proxy import RecordingProxy
from tests.ui.agent_actions import shown_raw_state
from tests.ui.conftest import Loop


def test_the_demo_works_with_every_proxy_variable_set(
    every_proxy_variable: RecordingProxy, qloop: Loop, make_widget: Callable[..., WidgetApp]
) -> None:
    """The demo simulator is this machine: with HTTP(S)_PROXY and ALL_PROXY all set, the widget
    still reaches it directly, and the proxy never sees a request (nor a signature or token)."""
    widget = make_widget()

    async def scenario() -> None:
        await qloop.until(lambda: widget.window is not None and shown_raw_state(widget) == "READY", 8, "READY")
        assert widget.controller is not None
        await widget.controller.take_break("lunch")
        await qloop.until(lambda: shown_raw_state(widget) == "BREAK", 8, "BREAK")

    qloop.run(scenario())
    assert every_proxy_variable.request_lines == []

"""The widget on Windows' own display stack: Qt's `windows` platform (not the offscreen stand-in the
Linux suites draw on), and per-monitor DPI awareness, so text stays sharp when the agent drags the window
to a monitor with another scale factor."""

from __future__ import annotations

import ctypes
from collections.abc import Callable

import pytest
from PySide6.QtGui import QGuiApplication

from app.ui.application import WidgetApp

pytestmark = pytest.mark.windows_only

MakeWidget = Callable[..., WidgetApp]

# GetAwarenessFromDpiAwarenessContext: DPI_AWARENESS_PER_MONITOR_AWARE.
PER_MONITOR_AWARE = 2


def test_the_suites_draw_on_the_windows_platform(make_widget: MakeWidget) -> None:
    """Wine passes no QT_* variable to Windows programs; the stage must still put Qt on its windows
    plugin, or every UI test here would quietly run offscreen."""
    make_widget()
    assert QGuiApplication.platformName() == "windows"


def test_the_widget_is_per_monitor_dpi_aware(make_widget: MakeWidget) -> None:
    make_widget()
    user32 = ctypes.windll.user32  # type: ignore[attr-defined]
    user32.GetThreadDpiAwarenessContext.restype = ctypes.c_void_p
    user32.GetAwarenessFromDpiAwarenessContext.argtypes = [ctypes.c_void_p]
    context = user32.GetThreadDpiAwarenessContext()
    assert user32.GetAwarenessFromDpiAwarenessContext(context) == PER_MONITOR_AWARE

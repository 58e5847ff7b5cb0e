"""Launch at login through the real registry (Wine's): HKCU\\...\\Run, as the Settings switch writes it."""

from __future__ import annotations

import struct
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app.core.autostart import (
    RUN_KEY,
    RUN_VALUE_NAME,
    WindowsRunKeyAutoStart,
    WinRegRunKey,
    autostart_for,
    launch_command,
)
from app.ui.application import WidgetApp
from tests.ui.conftest import Loop
from tests.ui.test_settings import open_dialog, save_button

pytestmark = pytest.mark.windows_only

IMAGE_SUBSYSTEM_WINDOWS_GUI = 2


def run_value(root: str = "HKCU") -> str | None:
    """The Run value as `reg query` sees it: a second reader, not the code under test."""
    result = subprocess.run(
        ["reg", "query", f"{root}\\{RUN_KEY}", "/v", RUN_VALUE_NAME],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    for line in result.stdout.splitlines():
        if line.strip().startswith(RUN_VALUE_NAME):
            return line.split("REG_SZ", 1)[1].strip()
    return None


def pe_subsystem(executable: Path) -> int:
    """2 for a windowed program, 3 for a console one (the PE optional header's Subsystem field)."""
    data = executable.read_bytes()
    pe_offset = struct.unpack_from("<I", data, 0x3C)[0]
    assert data[pe_offset : pe_offset + 4] == b"PE\0\0"
    return int(struct.unpack_from("<H", data, pe_offset + 24 + 68)[0])


@pytest.fixture
def clean_run_key() -> Iterator[None]:
    WinRegRunKey().delete_value(RUN_VALUE_NAME)
    yield
    WinRegRunKey().delete_value(RUN_VALUE_NAME)


def test_the_run_value_is_written_and_removed_in_the_real_registry(clean_run_key: None) -> None:
    backend = autostart_for()
    assert isinstance(backend, WindowsRunKeyAutoStart)
    assert not backend.is_enabled() and run_value() is None

    backend.set_enabled(True)
    assert backend.is_enabled()
    assert run_value() == backend.command_line()

    backend.set_enabled(False)
    assert not backend.is_enabled() and run_value() is None


def test_a_pip_install_starts_at_sign_in_without_a_console_window(clean_run_key: None) -> None:
    """The Run value names a windowed launcher: a console one would open a black window at every sign-in."""
    backend = autostart_for()
    backend.set_enabled(True)
    program = Path(backend.command[0])
    assert program.is_file(), backend.command
    assert pe_subsystem(program) == IMAGE_SUBSYSTEM_WINDOWS_GUI, f"{program.name} is a console program"
    assert backend.command[-1] == "--minimized"


def test_the_settings_switch_writes_and_removes_the_hkcu_value(
    qloop: Loop, make_widget: Callable[..., WidgetApp], clean_run_key: None
) -> None:
    """The agent's "Start CCC Break when I log in" in Settings is the HKCU Run value, both ways."""
    widget = make_widget(autostart=autostart_for())

    async def switch(on: bool) -> None:
        dialog = await open_dialog(qloop, widget)
        dialog.launch_at_login.setChecked(on)
        save_button(dialog).click()
        await qloop.until(lambda: widget.settings_dialog is None, 15, "the dialog to close after saving")
        await qloop.until(lambda: (run_value() is not None) is on, 10, f"the Run value {'written' if on else 'gone'}")

    qloop.run(switch(True))
    assert run_value() == subprocess.list2cmdline(launch_command())
    qloop.run(switch(False))

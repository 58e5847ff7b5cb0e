"""The AccessKey in Windows Credential Manager (Wine's), saved through Settings and read back by a new app."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring.backends.Windows
import keyring.core
import pytest

from app.core.autostart.base import NullAutoStart
from app.core.startup import build_context
from app.simulator import AccessKey, Simulator, SimulatorConfig
from app.ui.application import WidgetApp
from tests.ui.agent_actions import shown_state
from tests.ui.conftest import Loop
from tests.ui.test_settings import save_button

pytestmark = pytest.mark.windows_only

SECRET = "win-DISTINCTIVE-secret-\u00e9\u4e2d-31337"  # non-ASCII: Credential Manager stores UTF-16


@pytest.fixture
def credential_manager(monkeypatch: pytest.MonkeyPatch) -> Iterator[keyring.backends.Windows.WinVaultKeyring]:
    """The real Windows backend instead of the suite's "fail" pin, for this test and what it starts."""
    backend = keyring.backends.Windows.WinVaultKeyring()
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.Windows.WinVaultKeyring")
    monkeypatch.setattr(keyring.core, "_keyring_backend", backend)
    yield backend


def test_secret_saved_through_settings_is_read_back_by_a_new_app(
    qloop: Loop, credential_manager: keyring.backends.Windows.WinVaultKeyring, isolated_user_dirs: Path
) -> None:
    simulator = Simulator(SimulatorConfig(access_keys={"LTAI-win": AccessKey(SECRET)}))
    qloop.run(simulator.start())
    overrides = {"endpoint": simulator.url, "instance_id": "ccc-test", "user_id": "user-test@ccc-test"}
    widgets: list[WidgetApp] = []

    def start_widget() -> WidgetApp:
        widget = WidgetApp(build_context(overrides), autostart=NullAutoStart("tests"), tray_available=lambda: False)
        widgets.append(widget)
        qloop.run(widget.start())
        return widget

    async def save_in_dialog(widget: WidgetApp) -> None:
        await qloop.until(lambda: widget.first_run is not None, 10, "the first-run step")
        assert widget.first_run is not None
        widget.first_run.more_button.click()
        await qloop.until(lambda: widget.settings_dialog is not None, 5, "the Settings dialog")
        dialog = widget.settings_dialog
        assert dialog is not None
        assert "Windows" in dialog.keyring_label.text() or "Credential" in dialog.keyring_label.text()
        dialog.access_key_id.setText("LTAI-win")
        dialog.secret.setText(SECRET)
        save_button(dialog).click()
        await qloop.until(lambda: widget.settings_dialog is None, 15, "the dialog to close after saving")
        await qloop.until(lambda: widget.first_run is None, 5, "the first run done")

    async def connected(widget: WidgetApp) -> None:
        await shown_state(qloop, widget, "READY", 20)

    try:
        first = start_widget()
        qloop.run(save_in_dialog(first))
        qloop.run(connected(first))
        qloop.run(first.shutdown())
        second = start_widget()
        qloop.run(connected(second))
        status = second.context.credentials.status()
        assert status.source == "keyring" and status.persistent
    finally:
        for widget in widgets:
            qloop.run(widget.shutdown())
        qloop.run(simulator.stop())
        if widgets:  # the prefix is thrown away after the stage, but leave Credential Manager as found
            widgets[-1].context.credentials.clear()
    needle = SECRET.encode()
    for folder in (isolated_user_dirs / "config", isolated_user_dirs / "log"):
        for path in folder.rglob("*"):
            assert not (path.is_file() and needle in path.read_bytes()), f"secret found in {path.name}"

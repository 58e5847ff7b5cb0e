"""The Settings dialog: validation, organisation locks, Test connection, and saving into a real keyring."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialogButtonBox, QLineEdit

from app.core.autostart.xdg import XdgAutoStart
from app.core.startup import build_context
from app.simulator import AccessKey, Simulator, SimulatorConfig
from app.ui.application import WidgetApp
from app.ui.settings_dialog import SettingsDialog
from tests.ui.conftest import Loop

MakeWidget = Callable[..., WidgetApp]
SECRET = "ui-DISTINCTIVE-secret-31337"


async def open_dialog(loop: Loop, widget: WidgetApp) -> SettingsDialog:
    widget.open_settings()
    await loop.until(lambda: widget.settings_dialog is not None, 5, "the Settings dialog")
    assert widget.settings_dialog is not None
    return widget.settings_dialog


def save_button(dialog: SettingsDialog) -> QDialogButtonBox:
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Save)


BAD_FIELDS = [
    ("user_id", "no-domain", "name@domain"),
    ("instance_id", "", "instance ID"),
    ("instance_id", "has space", "one word"),
    ("endpoint", "http://ccc.example.com", "https://"),
    ("endpoint", "ftp://x", "https://"),
    ("region", "Shanghai!", "cn-shanghai"),
    ("device_id", "two words", "one word"),
]


@pytest.mark.parametrize(("key", "value", "message"), BAD_FIELDS, ids=[f"{k}={v!r}" for k, v, _ in BAD_FIELDS])
def test_each_bad_field_is_rejected_inline(
    qloop: Loop, make_widget: MakeWidget, key: str, value: str, message: str
) -> None:
    """A bad value shows a message under its field and Save stays disabled until it is fixed."""
    widget = make_widget()

    async def scenario() -> None:
        dialog = await open_dialog(qloop, widget)
        assert save_button(dialog).isEnabled()
        edit = dialog.widgets[key]
        assert isinstance(edit, QLineEdit)
        good = edit.text()
        edit.setText(value)
        assert dialog.errors[key].isVisible() if dialog.isVisible() else not dialog.errors[key].isHidden()
        assert message in dialog.errors[key].text()
        assert not save_button(dialog).isEnabled()
        edit.setText(good)
        assert dialog.errors[key].text() == "" and save_button(dialog).isEnabled()

    qloop.run(scenario())


def test_poll_interval_below_five_seconds_and_bad_break_codes_are_rejected(
    qloop: Loop, make_widget: MakeWidget
) -> None:
    widget = make_widget()

    async def scenario() -> None:
        dialog = await open_dialog(qloop, widget)
        dialog.poll_interval.setValue(4)
        assert "5" in dialog.errors["poll_interval"].text() and not save_button(dialog).isEnabled()
        dialog.poll_interval.setValue(5)
        assert save_button(dialog).isEnabled()
        dialog.codes_table.item(0, 2).setText("soon")
        assert "max minutes" in dialog.errors["break_codes"].text() and not save_button(dialog).isEnabled()
        dialog.codes_table.item(0, 2).setText("10")
        dialog.codes_table.item(1, 0).setText(dialog.codes_table.item(0, 0).text())  # duplicate code
        assert dialog.errors["break_codes"].text() and not save_button(dialog).isEnabled()

    qloop.run(scenario())


def test_break_codes_are_added_reordered_removed_and_saved(qloop: Loop, make_widget: MakeWidget) -> None:
    """An agent's own break code appears in the dropdown after Save, in the order chosen."""
    widget = make_widget()

    async def scenario() -> None:
        dialog = await open_dialog(qloop, widget)
        dialog.add_code()
        row = dialog.codes_table.rowCount() - 1
        for column, text in enumerate(("coaching", "Coaching", "30")):
            dialog.codes_table.item(row, column).setText(text)
        dialog.codes_table.setCurrentCell(row, 0)
        dialog.move_code(-1)
        dialog.codes_table.setCurrentCell(0, 0)
        dialog.remove_code()
        save_button(dialog).click()
        await qloop.until(lambda: widget.settings_dialog is None, 10, "the dialog to close after saving")
        assert widget.window is not None
        codes = [widget.window.code_box.itemData(i) for i in range(widget.window.code_box.count())]
        assert codes == ["lunch", "meeting", "coaching", "training"]
        reloaded = widget.context.config_store.load(widget.context.overrides)
        assert [c.code for c in reloaded.settings.break_codes] == codes

    qloop.run(scenario())


def test_test_connection_shows_the_answer_and_a_wrong_secret(qloop: Loop, make_widget: MakeWidget) -> None:
    """Test connection runs one PollUserStatus with what is typed, before anything is saved."""
    widget = make_widget()

    async def scenario() -> None:
        dialog = await open_dialog(qloop, widget)
        dialog.test_connection()
        await qloop.until(lambda: "Connected" in dialog.result_label.text(), 10, "a successful test")
        assert "READY" in dialog.result_label.text() and "80011474" in dialog.result_label.text()
        dialog.secret.setText("wrong-secret")
        dialog.test_connection()
        await qloop.until(lambda: "secret is wrong" in dialog.result_label.text(), 10, "the wrong-secret message")
        assert "RequestId" in dialog.result_label.text()
        assert dialog.secret.text() == "wrong-secret", "what the agent typed is kept"

    qloop.run(scenario())


def test_locked_settings_are_read_only_and_win_over_the_user_file(
    qloop: Loop, make_widget: MakeWidget, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """IT's locked keys beat the agent's own file and show as managed by the organisation."""
    system = tmp_path / "system.ini"
    system.write_text(
        "[ccc-break]\npoll_interval = 30\nbreak_codes = default | Short break | 10 ; lunch | Lunch | 45\n"
        "user_domain = ccc-test\nlocked = poll_interval, break_codes\n"
    )
    monkeypatch.setenv("CCC_BREAK_SYSTEM_CONFIG", str(system))
    user_dir = Path(os.environ["CCC_BREAK_CONFIG_DIR"])
    (user_dir / "demo.ini").write_text("[ccc-break]\npoll_interval = 6\nbreak_codes = mine | Mine |\n")
    widget = make_widget()

    async def scenario() -> None:
        loaded = widget.context.loaded
        assert loaded.settings.poll_interval == 30 and loaded.origins["poll_interval"] == "locked by organisation"
        assert [c.code for c in loaded.settings.break_codes] == ["default", "lunch"]
        dialog = await open_dialog(qloop, widget)
        for key in ("poll_interval", "break_codes"):
            assert not dialog.widgets[key].isEnabled()
            assert dialog.widgets[key].toolTip() == "Managed by your organisation"
            assert dialog.errors[key].text() == "Managed by your organisation"
        assert dialog.widgets["instance_id"].isEnabled()
        assert not any(button.isEnabled() for button in dialog.code_buttons)

    qloop.run(scenario())


def test_launch_at_login_checkbox_writes_and_removes_the_autostart_entry(
    qloop: Loop, make_widget: MakeWidget, tmp_path: Path
) -> None:
    """Ticking "Start CCC Break when I log in" creates a real XDG autostart entry; unticking removes it,
    and a system entry installed by the package shows as ticked."""
    system_dir = tmp_path / "xdg-system"
    autostart = XdgAutoStart(tmp_path / "xdg-home", [system_dir], ["ccc-break", "--minimized"])
    widget = make_widget(autostart=autostart)

    async def toggle(expect_shown: bool, tick: bool) -> None:
        dialog = await open_dialog(qloop, widget)
        assert dialog.launch_at_login.isChecked() is expect_shown
        dialog.launch_at_login.setChecked(tick)
        save_button(dialog).click()
        await qloop.until(lambda: widget.settings_dialog is None, 10, "the dialog to close after saving")

    qloop.run(toggle(False, True))
    assert "Exec=ccc-break --minimized" in autostart.user_entry.read_text() and autostart.is_enabled()
    qloop.run(toggle(True, False))
    assert not autostart.is_enabled()
    (system_dir / "autostart").mkdir(parents=True)
    (system_dir / "autostart" / "ccc-break.desktop").write_text(
        "[Desktop Entry]\nType=Application\nName=CCC Break\nExec=ccc-break --minimized\n"
    )
    qloop.run(toggle(True, False))
    assert not autostart.is_enabled() and "Hidden=true" in autostart.user_entry.read_text()


def test_locked_launch_at_login_is_enforced_at_start(
    qloop: Loop, make_widget: MakeWidget, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """IT's locked "launch at login = true" restores an entry the agent had removed."""
    system = tmp_path / "system.ini"
    system.write_text("[ccc-break]\nlaunch_at_login = true\nlocked = launch_at_login\n")
    monkeypatch.setenv("CCC_BREAK_SYSTEM_CONFIG", str(system))
    autostart = XdgAutoStart(tmp_path / "xdg-home", [], ["ccc-break", "--minimized"])
    make_widget(autostart=autostart)
    assert autostart.is_enabled()


@pytest.mark.keyring_real
def test_secret_saved_through_settings_is_read_back_by_a_new_app(
    qloop: Loop, secret_service: object, isolated_user_dirs: Path
) -> None:
    """The AccessKey saved in Settings lives in the real Secret Service: a new app object reads it
    back and connects, and the secret appears in no settings or log file."""
    simulator = Simulator(SimulatorConfig(access_keys={"LTAI-ui": AccessKey(SECRET)}))
    qloop.run(simulator.start())
    overrides = {"endpoint": simulator.url, "instance_id": "ccc-test", "user_id": "user-test@ccc-test"}
    widgets: list[WidgetApp] = []

    def start_widget() -> WidgetApp:
        from app.core.autostart.base import NullAutoStart

        widget = WidgetApp(build_context(overrides), autostart=NullAutoStart("tests"), tray_available=lambda: False)
        widgets.append(widget)
        qloop.run(widget.start())
        return widget

    async def save_in_dialog(widget: WidgetApp) -> None:
        assert widget.controller is not None
        await qloop.until(lambda: widget.controller.last_error is not None, 10, "the 'no AccessKey' message")
        assert "No AccessKey" in widget.controller.last_error.message  # type: ignore[union-attr]
        dialog = await open_dialog(qloop, widget)
        assert "Secret Service" in dialog.keyring_label.text()
        dialog.access_key_id.setText("LTAI-ui")
        dialog.secret.setText(SECRET)
        save_button(dialog).click()
        await qloop.until(lambda: widget.settings_dialog is None, 15, "the dialog to close after saving")

    async def connected(widget: WidgetApp) -> None:
        assert widget.window is not None
        await qloop.until(lambda: widget.window.fields["UserState"].text() == "READY", 10, "READY from the service")

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
    needle = SECRET.encode()
    for folder in (isolated_user_dirs / "config", isolated_user_dirs / "log"):
        for path in folder.rglob("*"):
            assert not (path.is_file() and needle in path.read_bytes()), f"secret found in {path.name}"


def test_save_failure_keeps_the_dialog_and_everything_typed(
    qloop: Loop, make_widget: MakeWidget, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the settings folder cannot be written, Save says why and nothing typed is lost."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the settings folder should be")
    monkeypatch.setenv("CCC_BREAK_CONFIG_DIR", str(blocker / "ccc-break"))
    widget = make_widget()

    async def scenario() -> None:
        dialog = await open_dialog(qloop, widget)
        dialog.instance_id.setText("ccc-typed-by-agent")
        save_button(dialog).click()
        await qloop.until(lambda: "could not be saved" in dialog.result_label.text(), 10, "the save error")
        assert widget.settings_dialog is dialog and dialog.isVisible()
        assert dialog.instance_id.text() == "ccc-typed-by-agent"
        assert save_button(dialog).isEnabled(), "the agent can fix the problem and save again"

    qloop.run(scenario())


def test_first_run_opens_settings_and_explains_what_is_missing(qloop: Loop, make_widget: MakeWidget) -> None:
    """A new agent with nothing set up is taken straight to Settings, with the instance ID flagged."""
    widget = make_widget(demo=False)

    async def scenario() -> None:
        await qloop.until(lambda: widget.settings_dialog is not None, 5, "the Settings dialog to open by itself")
        dialog = widget.settings_dialog
        assert dialog is not None
        assert "instance ID" in dialog.errors["instance_id"].text() and not save_button(dialog).isEnabled()
        assert widget.window is not None
        await qloop.until(lambda: widget.controller.last_error is not None, 5, "the reason in the window")
        assert widget.window.error_settings_button.isVisibleTo(widget.window)

    qloop.run(scenario())

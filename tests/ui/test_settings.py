"""The Settings dialog: validation, organisation locks, Test connection, saving into a real keyring, a locked or
missing keyring, and the dialog's lifetime (Cancel stops a save, one dialog at a time, no work left behind)."""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from keyring.backend import KeyringBackend
from keyring.backends import fail
from keyring.errors import InitError, KeyringLocked
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLineEdit

from app.core.autostart.base import NullAutoStart
from app.core.autostart.xdg import XdgAutoStart
from app.core.credentials import CredentialSource, CredentialStore
from app.core.memory_keyring import MemoryKeyring
from app.core.startup import build_context
from app.simulator import DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, AccessKey, Simulator, SimulatorConfig
from app.ui.application import WidgetApp
from app.ui.settings_dialog import SettingsDialog
from tests.fixtures.secret_service import SecretServiceSession
from tests.ui.agent_actions import shown_raw_state
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
        dialog.codes.table.item(0, 2).setText("soon")
        assert "max minutes" in dialog.errors["break_codes"].text() and not save_button(dialog).isEnabled()
        dialog.codes.table.item(0, 2).setText("10")
        dialog.codes.table.item(1, 0).setText(dialog.codes.table.item(0, 0).text())  # duplicate code
        assert dialog.errors["break_codes"].text() and not save_button(dialog).isEnabled()

    qloop.run(scenario())


def test_break_codes_are_added_reordered_removed_and_saved(qloop: Loop, make_widget: MakeWidget) -> None:
    """An agent's own break code appears in the dropdown after Save, in the order chosen."""
    widget = make_widget()

    async def scenario() -> None:
        dialog = await open_dialog(qloop, widget)
        dialog.codes.add()
        row = dialog.codes.table.rowCount() - 1
        for column, text in enumerate(("coaching", "Coaching", "30")):
            dialog.codes.table.item(row, column).setText(text)
        dialog.codes.table.setCurrentCell(row, 0)
        dialog.codes.move(-1)
        dialog.codes.table.setCurrentCell(0, 0)
        dialog.codes.remove()
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


@pytest.mark.linux_only  # on Windows a CCC_BREAK_SYSTEM_CONFIG file cannot lock
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
        assert not any(button.isEnabled() for button in dialog.codes.buttons)

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


@pytest.mark.linux_only
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


@pytest.mark.linux_only
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
        # The first run asks for the AccessKey only (the connection is preset); the agent goes to the
        # full Settings from there instead, and saving there completes the first run too.
        await qloop.until(lambda: widget.first_run is not None, 10, "the first-run step")
        assert widget.first_run is not None and set(widget.first_run.fields) == {"access_key_id", "access_key_secret"}
        widget.first_run.more_button.click()
        await qloop.until(lambda: widget.settings_dialog is not None, 5, "the Settings dialog")
        dialog = widget.settings_dialog
        assert dialog is not None
        assert "Secret Service" in dialog.keyring_label.text()
        dialog.access_key_id.setText("LTAI-ui")
        dialog.secret.setText(SECRET)
        save_button(dialog).click()
        await qloop.until(lambda: widget.settings_dialog is None, 15, "the dialog to close after saving")
        await qloop.until(lambda: widget.first_run is None, 5, "the first run done")

    async def connected(widget: WidgetApp) -> None:
        assert widget.window is not None
        await qloop.until(lambda: shown_raw_state(widget) == "READY", 10, "READY from the service")

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


# --- a locked, missing or broken keyring ---------------------------------------------------------


class LockedKeyring(KeyringBackend):
    """A system keyring the agent has not unlocked (or whose unlock prompt was dismissed): every call is refused."""

    # Below keyring's fail backend, as MemoryKeyring: `keyring.get_keyring()` must never pick a test's fake.
    priority = -1
    name = "Test keyring (locked)"

    def __init__(self, error: Exception | None = None) -> None:
        super().__init__()
        self.error = error or KeyringLocked("Failed to unlock the collection!")

    def get_password(self, service: str, username: str) -> str | None:
        raise self.error

    def set_password(self, service: str, username: str, password: str) -> None:
        raise self.error

    def delete_password(self, service: str, username: str) -> None:
        raise self.error


def settings_work() -> list[asyncio.Task[Any]]:
    """Tasks for the Settings dialog (opening it, its Save and Test connection) that have not ended."""
    return [
        task
        for task in asyncio.all_tasks()
        if not task.done()
        and any(name in getattr(task.get_coro(), "__qualname__", "") for name in ("SettingsDialog", "_open_settings"))
    ]


def visible_settings_dialogs() -> list[SettingsDialog]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, SettingsDialog) and w.isVisible()]


def files_containing(folder: Path, needle: bytes) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file() and needle in path.read_bytes()]


def test_locked_keyring_still_opens_settings_says_so_and_keeps_the_key_for_this_session(
    qloop: Loop, make_widget: MakeWidget, isolated_user_dirs: Path
) -> None:
    """With the system keyring locked, Settings still opens, says in plain words that the keyring is locked
    and what to do, and an AccessKey saved anyway works until quit, with a notification saying so (and it
    is in no file). Broken: clicking Settings does nothing at all."""
    widget = make_widget()
    widget.context.credentials = CredentialStore(backend=LockedKeyring(), environ={})

    async def scenario() -> None:
        dialog = await open_dialog(qloop, widget)
        words = dialog.keyring_label.text()
        assert "keyring is locked" in words and "Unlock it" in words and "this session only" in words
        assert dialog.keyring_label.textFormat() is Qt.TextFormat.PlainText
        dialog.access_key_id.setText(DEMO_ACCESS_KEY_ID)
        dialog.secret.setText(DEMO_ACCESS_KEY_SECRET)
        save_button(dialog).click()
        await qloop.until(lambda: widget.settings_dialog is None, 10, "the dialog to close after saving")
        title, text = widget.notifications[-1]
        assert title == "AccessKey kept for this session only"
        assert "keyring is locked" in text and "until you quit" in text
        status = widget.context.credentials.status()
        assert status.source is CredentialSource.MEMORY and status.locked and not status.persistent
        assert widget.window is not None
        await qloop.until(lambda: shown_raw_state(widget) == "READY", 10, "READY with that key")
        again = await open_dialog(qloop, widget)
        assert "this session only" in again.keyring_label.text()
        assert again.access_key_id.text() == DEMO_ACCESS_KEY_ID
        again.reject()

    qloop.run(scenario())
    assert files_containing(isolated_user_dirs, DEMO_ACCESS_KEY_SECRET.encode()) == []


@pytest.mark.parametrize(
    ("make_store", "expected"),
    [
        (lambda: CredentialStore(backend=fail.Keyring(), environ={}), "No system keyring is available"),
        (
            lambda: CredentialStore(
                backend=LockedKeyring(InitError("The name org.freedesktop.secrets was not provided by any .service")),
                environ={},
            ),
            "cannot be read from the system keyring",
        ),
    ],
    ids=["no-backend", "secret-service-missing"],
)
def test_settings_open_and_save_without_a_usable_keyring(
    qloop: Loop, make_widget: MakeWidget, make_store: Callable[[], CredentialStore], expected: str
) -> None:
    """With no keyring at all (or one that answers every call with an error), Settings opens, explains it,
    and a saved AccessKey is used for this session, with a notification. Broken: no dialog, or no word
    that the key will be forgotten at quit."""
    widget = make_widget()
    widget.context.credentials = make_store()

    async def scenario() -> None:
        dialog = await open_dialog(qloop, widget)
        assert expected in dialog.keyring_label.text()
        dialog.access_key_id.setText(DEMO_ACCESS_KEY_ID)
        dialog.secret.setText(DEMO_ACCESS_KEY_SECRET)
        save_button(dialog).click()
        await qloop.until(lambda: widget.settings_dialog is None, 10, "the dialog to close after saving")
        title, text = widget.notifications[-1]
        assert title == "AccessKey kept for this session only" and "until you quit" in text
        again = await open_dialog(qloop, widget)
        assert "this session only" in again.keyring_label.text()
        again.reject()

    qloop.run(scenario())


def test_settings_open_when_checking_the_keyring_itself_fails(
    qloop: Loop, make_widget: MakeWidget, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Even when asking the keyring what it holds raises, Settings opens and says the keyring is locked.
    Broken: nothing happens when the agent clicks Settings."""
    widget = make_widget()
    store = CredentialStore(backend=LockedKeyring(), environ={})

    def status() -> None:
        raise KeyringLocked("Failed to unlock the collection!")

    monkeypatch.setattr(store, "status", status)
    widget.context.credentials = store

    async def scenario() -> None:
        dialog = await open_dialog(qloop, widget)
        assert "keyring is locked" in dialog.keyring_label.text()
        dialog.reject()

    qloop.run(scenario())


@pytest.mark.linux_only
@pytest.mark.keyring_real
def test_settings_with_a_real_locked_keyring_keep_the_key_for_this_session_only(
    qloop: Loop, locked_secret_service: SecretServiceSession, isolated_user_dirs: Path
) -> None:
    """Against a real gnome-keyring that stays locked, Settings opens and says so, Save keeps the AccessKey
    for this session only and says so, and the secret is written to no file. Broken: no dialog opens."""
    simulator = Simulator(SimulatorConfig(access_keys={"LTAI-ui": AccessKey(SECRET)}))
    qloop.run(simulator.start())
    overrides = {"endpoint": simulator.url, "instance_id": "ccc-test", "user_id": "user-test@ccc-test"}
    context = build_context(overrides)
    context.credentials = CredentialStore(backend=locked_secret_service.backend, environ={})
    from app.core.autostart.base import NullAutoStart

    widget = WidgetApp(context, autostart=NullAutoStart("tests"), tray_available=lambda: False)

    async def scenario() -> None:
        dialog = await open_dialog(qloop, widget)
        assert "keyring is locked" in dialog.keyring_label.text()
        dialog.access_key_id.setText("LTAI-ui")
        dialog.secret.setText(SECRET)
        save_button(dialog).click()
        await qloop.until(lambda: widget.settings_dialog is None, 15, "the dialog to close after saving")
        assert widget.notifications[-1][0] == "AccessKey kept for this session only"
        assert widget.window is not None
        await qloop.until(lambda: shown_raw_state(widget) == "READY", 10, "READY from the service")

    try:
        qloop.run(widget.start())
        qloop.run(scenario())
    finally:
        qloop.run(widget.shutdown())
        qloop.run(simulator.stop())
    assert locked_secret_service.files_containing(SECRET.encode()) == []
    assert files_containing(isolated_user_dirs, SECRET.encode()) == []


# --- the dialog's lifetime -------------------------------------------------------------------------


class SlowKeyring(MemoryKeyring):
    """A keyring whose first write waits (like an unlock prompt the agent has not answered) until released."""

    def __init__(self) -> None:
        super().__init__()
        self.waiting = threading.Event()
        self.release = threading.Event()
        self.written = threading.Event()
        self._first = True

    def set_password(self, service: str, username: str, password: str) -> None:
        if self._first:
            self._first = False
            self.waiting.set()
            self.release.wait(10)
        super().set_password(service, username, password)
        if username == "access_key_id":
            self.written.set()


def close_by(how: str, dialog: SettingsDialog) -> None:
    if how == "cancel":
        dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
    elif how == "escape":
        QTest.keyClick(dialog, Qt.Key.Key_Escape)
    else:
        dialog.close()


@pytest.mark.parametrize("how", ["cancel", "escape", "close"])
def test_closing_settings_during_a_slow_save_applies_nothing(
    qloop: Loop, make_widget: MakeWidget, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    """Cancel (or Escape, or closing the window) while Save is still waiting for the keyring means no save:
    the settings file and the running app keep the old settings. Broken: the dialog closes, then the new
    settings are written and applied anyway."""
    widget = make_widget()
    keyring = SlowKeyring()
    widget.context.credentials = CredentialStore(backend=keyring, environ={})
    assert widget.controller is not None
    reconfigured: list[object] = []
    monkeypatch.setattr(widget.controller, "reconfigure", lambda *args: reconfigured.append(args))
    user_file = widget.context.config_store.paths.user_file
    before = user_file.read_bytes() if user_file.exists() else None
    old = widget.context.loaded.settings

    async def scenario() -> None:
        dialog = await open_dialog(qloop, widget)
        dialog.poll_interval.setValue(old.poll_interval + 37)
        dialog.access_key_id.setText("LTAI-new")
        dialog.secret.setText(SECRET)
        save_button(dialog).click()
        await qloop.until(keyring.waiting.is_set, 5, "the save to wait for the keyring")
        close_by(how, dialog)
        assert not dialog.isVisible() and widget.settings_dialog is None
        keyring.release.set()
        await qloop.until(keyring.written.is_set, 5, "the keyring call under way to finish")
        await qloop.until(lambda: not settings_work(), 5, "the cancelled save to end")

    qloop.run(scenario())
    assert (user_file.read_bytes() if user_file.exists() else None) == before, "settings file written after Cancel"
    assert widget.context.loaded.settings == old
    assert reconfigured == []
    assert not any("session only" in title for title, _ in widget.notifications)


def test_a_test_connection_answering_after_close_touches_no_deleted_widget(
    qloop: Loop, make_widget: MakeWidget, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Closing Settings while Test connection waits for the service stops the test: when the answer would
    have come, nothing writes into the gone dialog. Broken: "Internal C++ object already deleted" errors."""
    widget = make_widget()
    gate = asyncio.Event()
    outcome: list[str] = []
    real_test = widget._test_settings

    async def slow_test(*args: Any) -> Any:
        try:
            await gate.wait()
        except asyncio.CancelledError:
            outcome.append("cancelled")
            raise
        outcome.append("answered")
        return await real_test(*args)

    monkeypatch.setattr(widget, "_test_settings", slow_test)

    async def scenario() -> None:
        dialog = await open_dialog(qloop, widget)
        dialog.test_button.click()
        await qloop.until(lambda: "Testing" in dialog.result_label.text(), 5, "the test to start")
        dialog.close()
        await qloop.until(lambda: not shiboken6.isValid(dialog), 5, "the closed dialog to be deleted")
        gate.set()
        await qloop.until(lambda: outcome, 5, "the test to end")
        await qloop.until(lambda: not settings_work(), 5, "the dialog's work to end")

    with caplog.at_level(logging.ERROR):
        qloop.run(scenario())
    assert outcome == ["cancelled"]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], "an error after the dialog closed"


def test_closing_settings_leaves_no_test_connection_running(qloop: Loop, make_widget: MakeWidget) -> None:
    """Closing Settings while Test connection waits on a slow service ends that request at once. Broken: the
    request keeps running for the dialog that is gone."""
    widget = make_widget()
    assert widget.simulator is not None
    widget.simulator.faults.latency(2000, "PollUserStatus")

    async def scenario() -> None:
        dialog = await open_dialog(qloop, widget)
        dialog.test_button.click()
        await qloop.until(lambda: "Testing" in dialog.result_label.text(), 5, "the test to start")
        dialog.reject()
        # Well before the slow answer: a cancelled task ends on its next step.
        await qloop.until(lambda: not settings_work(), 1, "no Settings work left after closing")

    qloop.run(scenario())


def test_two_quick_clicks_on_settings_open_one_dialog(qloop: Loop, make_widget: MakeWidget) -> None:
    """A double click on Settings (or Settings from the tray and the window at once) opens one dialog, and
    asking again raises that one. Broken: two Settings dialogs on top of each other."""
    widget = make_widget()

    async def scenario() -> None:
        widget.open_settings()
        widget.open_settings()
        await qloop.until(lambda: widget.settings_dialog is not None, 5, "the Settings dialog")
        await qloop.until(lambda: not settings_work(), 5, "opening to finish")
        assert visible_settings_dialogs() == [widget.settings_dialog]
        first = widget.settings_dialog
        widget.open_settings()
        await qloop.until(lambda: not settings_work(), 5, "opening to finish")
        assert visible_settings_dialogs() == [first] and widget.settings_dialog is first

    qloop.run(scenario())


def test_quitting_while_settings_is_opening_stops_it(
    qloop: Loop, make_widget: MakeWidget, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Quitting while Settings is still on its way (the keyring is slow to answer) opens no dialog after
    the app has shut down. Broken: a Settings dialog pops up after quitting."""
    widget = make_widget()
    release = threading.Event()
    asked = threading.Event()
    store = widget.context.credentials
    real_status = store.status

    def slow_status() -> Any:
        asked.set()
        release.wait(10)
        return real_status()

    monkeypatch.setattr(store, "status", slow_status)

    async def scenario() -> None:
        widget.open_settings()
        await qloop.until(asked.is_set, 5, "Settings to ask the keyring")
        await widget.shutdown()
        release.set()
        await qloop.until(lambda: not settings_work(), 5, "opening to end")

    qloop.run(scenario())
    assert widget.settings_dialog is None and visible_settings_dialogs() == []


def test_settings_say_when_launch_at_login_is_not_available(qloop: Loop, make_widget: MakeWidget) -> None:
    """On a desktop with no launch-at-login mechanism, the checkbox is off and says why, instead of
    accepting a tick that would silently do nothing at every login."""
    widget = make_widget(autostart=NullAutoStart("no autostart folder on this desktop"))

    async def scenario() -> None:
        dialog = await open_dialog(qloop, widget)
        assert not dialog.launch_at_login.isEnabled()
        note = dialog.errors["launch_at_login"]
        assert note.isVisibleTo(dialog)
        assert "not available" in note.text() and "no autostart folder on this desktop" in note.text()
        dialog.reject()

    qloop.run(scenario())


def test_settings_show_where_requests_go_as_the_region_resolves(qloop: Loop, make_widget: MakeWidget) -> None:
    """An agent choosing a region sees the address the app will use (the SDK's central endpoint for
    ap-southeast-1, the regional one for cn-hangzhou), before saving."""
    widget = make_widget()

    async def scenario() -> None:
        dialog = await open_dialog(qloop, widget)
        dialog.endpoint.setText("")
        dialog.region.setText("ap-southeast-1")
        assert dialog.endpoint_in_use.text().endswith("https://ccc.aliyuncs.com")
        dialog.region.setText("cn-hangzhou")
        assert dialog.endpoint_in_use.text().endswith("https://ccc.cn-hangzhou.aliyuncs.com")
        dialog.endpoint.setText("https://ccc.example.com/path")
        assert dialog.endpoint_in_use.text() == ""
        dialog.reject()

    qloop.run(scenario())

"""Settings: connection, identity, credentials (secret write-only), polling, launch at login and the
break-code list, with inline validation, organisation locks and a Test connection button.

The dialog never blocks: saving and testing are coroutines handed in by the application, run on
the qasync loop while the dialog stays responsive and keeps everything the agent typed. The dialog owns
those tasks: closing it in any way (Cancel, Escape, the window's close button, the app quitting)
cancels them, and nothing a cancelled task would have done afterwards happens.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from PySide6.QtCore import QT_TR_NOOP, Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.credentials import CredentialStatus
from app.core.errors import CccBreakError
from app.core.models import AgentStatus
from app.core.settings.model import MAX_REMINDER_MINUTES, MIN_POLL_INTERVAL, Settings
from app.core.settings.store import LoadedConfig
from app.core.settings.values import validate_setting
from app.core.signature_scheme import SignatureScheme
from app.ui.break_codes_editor import BreakCodesEditor
from app.ui.i18n import minutes_text, tr
from app.ui.keyring_words import keyring_words

logger = logging.getLogger(__name__)

MANAGED = QT_TR_NOOP("Managed by your organisation")


@dataclass(frozen=True)
class CredentialInput:
    """What the agent typed; empty secret means "keep the saved one"."""

    access_key_id: str
    access_key_secret: str
    security_token: str

    def __repr__(self) -> str:
        return f"CredentialInput(access_key_id={self.access_key_id!r}, secret=<hidden>)"


SaveHandler = Callable[[Settings, CredentialInput], Awaitable[str | None]]  # returns a notice to show, or None
TestHandler = Callable[[Settings, CredentialInput], Awaitable[AgentStatus]]


class SettingsDialog(QDialog):
    def __init__(
        self,
        loaded: LoadedConfig,
        credential_status: CredentialStatus,
        access_key_id: str,
        on_save: SaveHandler,
        on_test: TestHandler,
        parent: QWidget | None = None,
        *,
        autostart_unavailable: str | None = None,
    ) -> None:
        """`autostart_unavailable`: why this desktop cannot launch the app at login, if it cannot."""
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle(tr("CCC Break Settings"))
        self._loaded = loaded
        self._on_save = on_save
        self._on_test = on_test
        self._task: asyncio.Task[None] | None = None  # the save or test under way: the dialog is busy
        self._tasks: set[asyncio.Task[None]] = set()  # everything the dialog started and has not seen end
        self._finished = False  # done() ran: no task may touch the widgets any more
        self.errors: dict[str, QLabel] = {}
        self._notes: set[str] = set()  # keys whose label shows a fixed note, not validation
        self.widgets: dict[str, QWidget] = {}
        self._build(loaded.settings, credential_status, access_key_id)
        self._apply_locks()
        if autostart_unavailable is not None:
            self._show_autostart_unavailable(autostart_unavailable)
        self.validate()

    # --- layout -----------------------------------------------------------------------------------

    def _build(self, settings: Settings, credentials: CredentialStatus, access_key_id: str) -> None:
        layout = QVBoxLayout(self)
        tabs = QTabWidget()
        layout.addWidget(tabs)

        connection = QWidget()
        form = QFormLayout(connection)
        self.region = self._line("region", settings.region, "cn-shanghai")
        self.endpoint = self._line(
            "endpoint", settings.endpoint, tr("optional, e.g. https://ccc.cn-shanghai.aliyuncs.com")
        )
        self.instance_id = self._line("instance_id", settings.instance_id, "ccc-xxxx")
        self.user_id = self._line("user_id", settings.user_id, "name@domain")
        self.user_domain = self._line("user_domain", settings.user_domain, tr("optional, completes a bare name"))
        self.device_id = self._line("device_id", settings.device_id, "")
        self.signature = QComboBox()
        self.signature.setObjectName("field_signature")
        self.signature.addItem(tr("V3 (ACS3-HMAC-SHA256, recommended)"), SignatureScheme.V3.value)
        self.signature.addItem(tr("V2 (HMAC-SHA1)"), SignatureScheme.V2.value)
        self.signature.setCurrentIndex(self.signature.findData(settings.signature.value))
        self.widgets["signature"] = self.signature
        self.poll_interval = QSpinBox()
        self.poll_interval.setObjectName("field_poll_interval")
        self.poll_interval.setRange(1, 3600)  # below the minimum is shown as an error, not silently clamped
        self.poll_interval.setSuffix(tr(" s"))
        self.poll_interval.setValue(settings.poll_interval)
        self.poll_interval.valueChanged.connect(self.validate)
        self.widgets["poll_interval"] = self.poll_interval
        self.language = QComboBox()
        self.language.setObjectName("field_language")
        for text, code in ((tr("As the system"), ""), ("English", "en"), ("中文（简体）", "zh_CN")):
            self.language.addItem(text, code)  # each language named in itself, so anyone finds their own
        self.language.setCurrentIndex(max(0, self.language.findData(settings.language)))
        self.widgets["language"] = self.language
        self.theme = QComboBox()
        self.theme.setObjectName("field_theme")
        for text, code in ((tr("As the system"), ""), (tr("Light"), "light"), (tr("Dark"), "dark")):
            self.theme.addItem(text, code)
        self.theme.setCurrentIndex(max(0, self.theme.findData(settings.theme)))
        self.widgets["theme"] = self.theme
        self.launch_at_login = QCheckBox(tr("Start CCC Break when I log in"))
        self.launch_at_login.setObjectName("field_launch_at_login")
        self.launch_at_login.setChecked(settings.launch_at_login)
        self.widgets["launch_at_login"] = self.launch_at_login
        for key, label, widget in [
            ("region", tr("Region"), self.region),
            ("endpoint", tr("Endpoint"), self.endpoint),
            ("instance_id", tr("Instance ID"), self.instance_id),
            ("user_id", tr("User ID"), self.user_id),
            ("user_domain", tr("User domain"), self.user_domain),
            ("device_id", tr("Device ID"), self.device_id),
            ("signature", tr("Signature"), self.signature),
            ("poll_interval", tr("Check status every"), self.poll_interval),
            ("language", tr("Language"), self.language),
            ("theme", tr("Theme"), self.theme),
            ("launch_at_login", "", self.launch_at_login),
        ]:
            form.addRow(label, self._with_error(key, widget))
            if label:
                widget.setAccessibleName(label)  # the row's label is the box's buddy, not the field's
            if key == "endpoint":
                # Which address requests really go to, as the official SDK resolves the region.
                self.endpoint_in_use = QLabel()
                self.endpoint_in_use.setObjectName("endpointInUse")
                self.endpoint_in_use.setTextFormat(Qt.TextFormat.PlainText)
                self.endpoint_in_use.setWordWrap(True)
                self.endpoint_in_use.setProperty("role", "note")
                form.addRow("", self.endpoint_in_use)
        tabs.addTab(connection, tr("Connection"))

        keys = QWidget()
        key_form = QFormLayout(keys)
        self.access_key_id = QLineEdit(access_key_id)
        self.access_key_id.setObjectName("field_access_key_id")
        self.access_key_id.textChanged.connect(self.validate)
        self.secret = QLineEdit()
        self.secret.setObjectName("field_access_key_secret")
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        # Write-only: the saved secret is never read back into the form.
        self.secret.setPlaceholderText(
            tr("saved — type to replace") if credentials.has_secret else tr("AccessKey secret")
        )
        self.secret.textChanged.connect(self.validate)
        self.token = QLineEdit()
        self.token.setObjectName("field_security_token")
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.token.setPlaceholderText(
            tr("saved — type to replace") if credentials.has_security_token else tr("optional, for STS credentials")
        )
        key_form.addRow(tr("AccessKey ID"), self._with_error("access_key_id", self.access_key_id))
        key_form.addRow(tr("AccessKey secret"), self._with_error("access_key_secret", self.secret))
        key_form.addRow(tr("STS token"), self.token)
        self.access_key_id.setAccessibleName(tr("AccessKey ID"))
        self.secret.setAccessibleName(tr("AccessKey secret"))
        self.token.setAccessibleName(tr("STS token"))
        self.keyring_label = QLabel()
        self.keyring_label.setObjectName("keyringBackend")
        self.keyring_label.setTextFormat(Qt.TextFormat.PlainText)  # carries keyring error text
        self.keyring_label.setText(keyring_words(credentials))
        self.keyring_label.setWordWrap(True)
        key_form.addRow(self.keyring_label)
        tabs.addTab(keys, tr("AccessKey"))

        codes = QWidget()
        codes_layout = QVBoxLayout(codes)
        self.codes = BreakCodesEditor(settings.break_codes)
        self.codes.changed.connect(self.validate)
        self.widgets["break_codes"] = self.codes.table
        codes_layout.addWidget(self.codes)
        codes_layout.addWidget(self._error_label("break_codes"))
        overruns = QGroupBox(tr("When a break runs over its maximum"))
        overrun_form = QFormLayout(overruns)
        self.reminder_minutes = QSpinBox()
        self.reminder_minutes.setObjectName("field_overrun_reminder_minutes")
        self.reminder_minutes.setRange(1, MAX_REMINDER_MINUTES)
        self.reminder_minutes.setSuffix(tr(" min"))
        self.reminder_minutes.setValue(settings.overrun_reminder_minutes)
        self.widgets["overrun_reminder_minutes"] = self.reminder_minutes
        self.overrun_sound = QCheckBox(tr("Play a sound with the overrun notifications"))
        self.overrun_sound.setObjectName("field_overrun_sound")
        self.overrun_sound.setChecked(settings.overrun_sound)
        self.widgets["overrun_sound"] = self.overrun_sound
        overrun_form.addRow(tr("Remind me every"), self._with_error("overrun_reminder_minutes", self.reminder_minutes))
        self.reminder_minutes.setAccessibleName(tr("Remind me every"))
        overrun_form.addRow("", self._with_error("overrun_sound", self.overrun_sound))
        if settings.auto_ready_after_overrun:
            policy = QLabel(
                tr("Your organisation sets you Ready {time} after a break's maximum.").format(
                    time=minutes_text(settings.auto_ready_after_overrun)
                )
            )
            policy.setObjectName("autoReadyPolicy")
            policy.setWordWrap(True)
            policy.setProperty("role", "managed")
            overrun_form.addRow(policy)
        codes_layout.addWidget(overruns)
        tabs.addTab(codes, tr("Break codes"))

        self.test_button = QPushButton(tr("&Test connection"))
        self.test_button.setObjectName("testConnectionButton")
        self.test_button.clicked.connect(self.test_connection)
        self.result_label = QLabel()
        self.result_label.setObjectName("resultLabel")
        self.result_label.setTextFormat(Qt.TextFormat.PlainText)  # server and error text
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addWidget(self.result_label, 1)
        layout.addLayout(test_row)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def _line(self, key: str, value: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit(value)
        edit.setObjectName(f"field_{key}")
        edit.setPlaceholderText(placeholder)
        edit.textChanged.connect(self.validate)
        self.widgets[key] = edit
        return edit

    def _error_label(self, key: str) -> QLabel:
        label = QLabel()
        label.setObjectName(f"error_{key}")
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setProperty("role", "error")
        label.setWordWrap(True)
        label.hide()
        self.errors[key] = label
        return label

    def _with_error(self, key: str, widget: QWidget) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(widget)
        column.addWidget(self._error_label(key))
        return box

    def _show_autostart_unavailable(self, reason: str) -> None:
        # Otherwise ticking the box would do nothing, silently, at every login.
        self.launch_at_login.setEnabled(False)
        label = self.errors["launch_at_login"]
        self._notes.add("launch_at_login")
        label.setText(tr("Launch at login is not available on this desktop.") + "\n" + reason)
        label.setProperty("role", "note")
        label.style().polish(label)
        label.show()

    def _apply_locks(self) -> None:
        for key, widget in self.widgets.items():
            if not self._loaded.is_locked(key):
                continue
            widget.setEnabled(False)
            widget.setToolTip(tr(MANAGED))
            label = self.errors.get(key)
            if label is not None:
                label.setText(tr(MANAGED))
                label.setProperty("role", "managed")
                label.style().polish(label)
                label.show()
        if self._loaded.is_locked("break_codes"):
            self.codes.set_locked(True)

    # --- values and validation --------------------------------------------------------------------

    def settings(self) -> Settings:
        """The settings as entered (break codes fall back to the loaded ones while the table is invalid)."""
        codes = self.codes.codes()
        return self._loaded.settings.replace(
            region=self.region.text().strip(),
            endpoint=self.endpoint.text().strip(),
            instance_id=self.instance_id.text().strip(),
            user_id=self.user_id.text().strip(),
            user_domain=self.user_domain.text().strip(),
            device_id=self.device_id.text().strip(),
            signature=SignatureScheme(self.signature.currentData()),
            poll_interval=self.poll_interval.value(),
            launch_at_login=self.launch_at_login.isChecked(),
            language=str(self.language.currentData() or ""),
            theme=str(self.theme.currentData() or ""),
            overrun_reminder_minutes=self.reminder_minutes.value(),
            overrun_sound=self.overrun_sound.isChecked(),
            break_codes=codes if isinstance(codes, tuple) else self._loaded.settings.break_codes,
        )

    def credential_input(self) -> CredentialInput:
        return CredentialInput(self.access_key_id.text().strip(), self.secret.text(), self.token.text().strip())

    def problems(self) -> dict[str, str]:
        settings = self.settings()
        found: dict[str, str] = {}
        for key in ("region", "endpoint", "instance_id", "user_id", "user_domain", "device_id", "poll_interval"):
            if self._loaded.is_locked(key):
                continue
            value = getattr(settings, key)
            if key == "device_id" and not value:
                continue
            problem = validate_setting(key, value)
            if problem:
                found[key] = problem
        if "user_id" not in found and settings.user_id and "@" not in settings.full_user_id():
            found["user_id"] = tr("User ID must look like name@domain, e.g. user-test@ccc-test.")
        if settings.poll_interval < MIN_POLL_INTERVAL:
            found["poll_interval"] = tr("Check status at most every {n} s.").format(n=MIN_POLL_INTERVAL)
        codes = self.codes.codes()
        if isinstance(codes, str):
            found["break_codes"] = codes
        elif not self._loaded.is_locked("break_codes"):
            problem = validate_setting("break_codes", codes)
            if problem:
                found["break_codes"] = problem
        credentials = self.credential_input()
        if credentials.access_key_secret and not credentials.access_key_id:
            found["access_key_id"] = tr("Enter the AccessKey ID that belongs to this secret.")
        if credentials.access_key_secret and credentials.access_key_secret != credentials.access_key_secret.strip():
            found["access_key_secret"] = tr("The secret has spaces at the start or end; check the paste.")
        return found

    def validate(self) -> bool:
        problems = self.problems()
        if "endpoint" not in problems and "region" not in problems:
            self.endpoint_in_use.setText(tr("Requests go to {url}").format(url=self.settings().endpoint_url()))
        else:
            self.endpoint_in_use.setText("")
        for key, label in self.errors.items():
            if self._loaded.is_locked(key) or key in self._notes:
                continue  # a fixed note (managed by IT, not available here) stays
            message = problems.get(key)
            label.setText(message or "")  # the core's messages arrive translated
            label.setVisible(bool(message))
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(not problems and not self.busy)
        return not problems

    @property
    def busy(self) -> bool:
        return self._task is not None and not self._task.done()

    # --- save and test ----------------------------------------------------------------------------

    def save(self) -> None:
        if self._finished or self.busy or not self.validate():
            return
        self._run("save", self._save)

    async def _save(self) -> None:
        self.result_label.setText(tr("Saving…"))
        try:
            notice = await self._on_save(self.settings(), self.credential_input())
        except CccBreakError as error:
            if not self._finished:
                # Everything typed stays in the form so nothing has to be entered twice.
                self.result_label.setText(error.user_message)
            return
        if self._finished:
            return
        self.secret.clear()
        self.token.clear()
        if notice:
            self.result_label.setText(notice)
        self.accept()

    def test_connection(self) -> None:
        if self._finished or self.busy:
            return
        self._run("test", self._test)

    async def _test(self) -> None:
        self.result_label.setText(tr("Testing…"))
        try:
            status = await self._on_test(self.settings(), self.credential_input())
        except CccBreakError as error:
            text = error.user_message
            if error.request_id:
                text += "\n" + tr("RequestId: {id}").format(id=error.request_id)
            if not self._finished:
                self.result_label.setText(text)
            return
        if self._finished:
            return
        self.result_label.setText(
            tr("Connected. UserState {state}, extension {ext}. RequestId: {id}").format(
                state=status.raw_user_state or status.user_state.value,
                ext=status.extension or "–",
                id=status.request_id or "–",
            )
        )

    def _run(self, name: str, action: Callable[[], Awaitable[None]]) -> None:
        # The coroutine is made inside the task, so a task cancelled before its first step leaves no
        # never-awaited coroutine behind.
        task = asyncio.get_running_loop().create_task(self._guarded(action), name=f"settings-dialog-{name}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        self._task = task
        self._set_busy(True)

    async def _guarded(self, action: Callable[[], Awaitable[None]]) -> None:
        try:
            await action()
        except asyncio.CancelledError:
            raise  # the dialog was closed: its widgets may already be gone, so touch nothing
        except Exception:
            logger.exception("Settings action failed")
            if not self._finished:
                self.result_label.setText(tr("Something unexpected went wrong; your entries are kept."))
        finally:
            if self._task is asyncio.current_task():
                self._task = None
            if not self._finished:
                self._set_busy(False)

    def _set_busy(self, busy: bool) -> None:
        self.test_button.setEnabled(not busy)
        self.validate()

    # --- lifetime ---------------------------------------------------------------------------------

    def pending_tasks(self) -> frozenset[asyncio.Task[None]]:
        """The dialog's tasks that have not ended yet (after closing: cancelled, ending on the next step)."""
        return frozenset(task for task in self._tasks if not task.done())

    def _cancel_work(self) -> None:
        """Closing cancels every save and test under way; none of them touches a widget afterwards."""
        self._finished = True
        current = asyncio.current_task() if _loop_running() else None
        for task in list(self._tasks):
            if task is not current:  # a save that closes the dialog itself just returns
                task.cancel()

    def done(self, result: int) -> None:
        # accept(), reject() (Cancel, Escape) and closing the window all end here.
        self._cancel_work()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._cancel_work()
        super().closeEvent(event)


def _loop_running() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True

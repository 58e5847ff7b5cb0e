"""The first run for an agent: one short step asking only for what IT did not preset.

No field shows an error before the agent has typed in it; Start is offered once what is needed is
there. "More settings…" opens the full Settings dialog for anything else.
"""

from __future__ import annotations

import asyncio
import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import PRODUCT_NAME
from app.core.errors import CccBreakError
from app.core.settings.model import Settings
from app.core.settings.values import validate_setting
from app.core.setup_needs import SetupNeeds
from app.ui.i18n import tr
from app.ui.settings_dialog import CredentialInput, SaveHandler

logger = logging.getLogger(__name__)


class FirstRunDialog(QDialog):
    more_settings_requested = Signal()

    def __init__(
        self, settings: Settings, needs: SetupNeeds, on_save: SaveHandler, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("firstRunDialog")
        self.setWindowTitle(tr("Welcome to {product}").format(product=PRODUCT_NAME))
        self._settings = settings
        self._needs = needs
        self._on_save = on_save
        self._task: asyncio.Task[None] | None = None
        self.fields: dict[str, QLineEdit] = {}
        self.errors: dict[str, QLabel] = {}
        self._build()
        self.validate()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        intro = QLabel(self._intro())
        intro.setObjectName("firstRunIntro")
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(intro)
        form = QFormLayout()
        rows: list[tuple[str, str, str, bool]] = []  # key, label, placeholder, secret
        if self._needs.instance_id:
            rows += [
                ("instance_id", tr("Instance ID"), "ccc-xxxx", False),
                ("user_id", tr("User ID"), tr("optional, name@domain"), False),
            ]
        if self._needs.access_key:
            rows += [
                ("access_key_id", tr("AccessKey ID"), "", False),
                ("access_key_secret", tr("AccessKey secret"), "", True),
            ]
        for key, label, placeholder, secret in rows:
            edit = QLineEdit()
            edit.setObjectName(f"firstRun_{key}")
            edit.setPlaceholderText(placeholder)
            edit.setAccessibleName(label)
            if secret:
                edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.textChanged.connect(self.validate)
            error = QLabel()
            error.setObjectName(f"firstRunError_{key}")
            error.setTextFormat(Qt.TextFormat.PlainText)
            error.setWordWrap(True)
            error.setProperty("role", "error")
            error.hide()
            box = QWidget()
            column = QVBoxLayout(box)
            column.setContentsMargins(0, 0, 0, 0)
            column.addWidget(edit)
            column.addWidget(error)
            form.addRow(label, box)
            self.fields[key], self.errors[key] = edit, error
        layout.addLayout(form)
        self.result_label = QLabel()
        self.result_label.setObjectName("firstRunResult")
        self.result_label.setTextFormat(Qt.TextFormat.PlainText)  # server and error text
        self.result_label.setWordWrap(True)
        layout.addWidget(self.result_label)
        self.buttons = QDialogButtonBox()
        self.start_button = self.buttons.addButton(tr("&Start"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.start_button.setObjectName("firstRunStart")
        self.start_button.setDefault(True)
        self.more_button = QPushButton(tr("&More settings…"))
        self.more_button.setObjectName("firstRunMoreSettings")
        self.buttons.addButton(self.more_button, QDialogButtonBox.ButtonRole.ResetRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.start)
        self.buttons.rejected.connect(self.reject)
        self.more_button.clicked.connect(self._more_settings)
        layout.addWidget(self.buttons)
        if not self.fields:
            self.start_button.hide()

    def _intro(self) -> str:
        if self._needs.instance_locked:
            return tr(
                "Your organisation manages the connection but has not set the instance ID yet, so CCC Break "
                "cannot connect. Tell IT."
            )
        if self._needs.instance_id and self._needs.access_key:
            return tr("To start, enter the contact centre instance and the AccessKey IT gave you.")
        if self._needs.instance_id:
            return tr("To start, enter the contact centre instance IT gave you.")
        return tr(
            "Your organisation has set up the connection (instance {instance}). To start, enter the AccessKey "
            "IT gave you. It is kept in the system keyring."
        ).format(instance=self._settings.instance_id or "–")

    def text(self, key: str) -> str:
        edit = self.fields.get(key)
        return edit.text().strip() if edit is not None else ""

    def problems(self) -> tuple[dict[str, str], bool]:
        """Messages for fields the agent typed in, and whether everything needed is there."""
        shown: dict[str, str] = {}
        for key in ("instance_id", "user_id"):
            if self.text(key):
                problem = validate_setting(key, self.text(key))
                if problem:
                    shown[key] = problem  # already in the user's language (the core's catalogue)
        secret = self.fields.get("access_key_secret")
        if secret is not None and secret.text() and secret.text() != secret.text().strip():
            shown["access_key_secret"] = tr("The secret has spaces at the start or end; check the paste.")
        required = [key for key in ("instance_id", "access_key_id", "access_key_secret") if key in self.fields]
        ready = all(self.text(key) for key in required) and not shown
        return shown, ready

    def validate(self) -> bool:
        shown, ready = self.problems()
        for key, label in self.errors.items():
            label.setText(shown.get(key, ""))
            label.setVisible(key in shown)  # nothing red before the agent typed in that field
        self.start_button.setEnabled(ready and not self.busy)
        return ready

    @property
    def busy(self) -> bool:
        return self._task is not None and not self._task.done()

    def settings(self) -> Settings:
        if not self._needs.instance_id:
            return self._settings
        return self._settings.replace(instance_id=self.text("instance_id"), user_id=self.text("user_id"))

    def credential_input(self) -> CredentialInput:
        secret = self.fields.get("access_key_secret")
        return CredentialInput(self.text("access_key_id"), secret.text() if secret else "", "")

    def start(self) -> None:
        if self.busy or not self.validate():
            return
        self._task = asyncio.get_running_loop().create_task(self._start(), name="first-run-start")
        self.validate()

    async def _start(self) -> None:
        self.result_label.setText(tr("Saving…"))
        try:
            notice = await self._on_save(self.settings(), self.credential_input())
        except CccBreakError as error:
            self.result_label.setText(error.user_message)  # what was typed stays
            return
        except Exception:
            logger.exception("First-run save failed")
            self.result_label.setText(tr("Something unexpected went wrong; your entries are kept."))
            return
        finally:
            self._task = None
            self.validate()
        if notice:
            self.result_label.setText(notice)
        secret = self.fields.get("access_key_secret")
        if secret is not None:
            secret.clear()
        self.accept()

    def _more_settings(self) -> None:
        self.more_settings_requested.emit()  # opened on top: what was typed here stays

    def done(self, result: int) -> None:
        if self._task is not None and not self._task.done() and self._task is not asyncio.current_task():
            self._task.cancel()
        super().done(result)

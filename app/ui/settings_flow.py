"""Settings as the running widget handles them: opening the one dialog whatever the keyring's state,
merging what the agent typed with the saved AccessKey, testing, saving, and applying the result.

A mixin of WidgetApp (it uses the app's context, controller, window and helpers), kept apart so the
composition root stays a page of wiring. Work the dialog starts ends with the dialog.
"""

from __future__ import annotations

import contextlib
import logging
from typing import TYPE_CHECKING

from app.core.errors import CccBreakError, ConfigError, CredentialError
from app.core.keyring_backends import NO_BACKEND_NAME
from app.core.logs import redaction
from app.core.models import AgentStatus
from app.core.settings.model import Settings
from app.ui.i18n import tr

if TYPE_CHECKING:  # the dialog's module loads when Settings is first opened, not before the first paint
    import asyncio

    from app.core.access_key import Credentials  # a dataclass: compiled when it loads, after the paint
    from app.core.credentials import CredentialStatus  # the keyring's owner: after the first paint too
    from app.ui.settings_dialog import CredentialInput

logger = logging.getLogger(__name__)


class SettingsFlow:
    async def _credentials_from(self, typed: CredentialInput) -> Credentials | None:
        unreadable: CredentialError | None = None
        try:
            saved = await self._load_credentials()
        except CredentialError as error:
            # A locked or broken keyring: an AccessKey typed in full can still be tested and saved.
            saved, unreadable = None, error
        if not typed.access_key_secret and not typed.access_key_id:
            if unreadable is not None:
                raise self._saved_unreadable(unreadable)
            return saved
        secret = typed.access_key_secret or (saved.access_key_secret if saved else "")
        key_id = typed.access_key_id or (saved.access_key_id if saved else "")
        if unreadable is not None and not (secret and key_id):
            raise self._saved_unreadable(unreadable)
        if not secret:
            raise CredentialError(tr("Enter the AccessKey secret."))
        token = typed.security_token or (saved.security_token if saved and not typed.access_key_secret else None)
        redaction.register(secret)
        from app.core.access_key import Credentials

        return Credentials(key_id, secret, token or None)

    @staticmethod
    def _saved_unreadable(error: CredentialError) -> CredentialError:
        return CredentialError(
            tr(
                "The saved AccessKey cannot be read from the system keyring. Unlock the keyring, or type the "
                "AccessKey ID and secret again."
            )
            + "\n"
            + error.user_message
        )

    # --- settings ---------------------------------------------------------------------------------

    def open_settings(self) -> None:
        """Show Settings. One dialog at a time: while it is on its way or open, another call raises it."""
        import asyncio

        if self.settings_dialog is not None:
            self.settings_dialog.raise_()
            self.settings_dialog.activateWindow()
            return
        if self._settings_opening is not None and not self._settings_opening.done():
            return  # it is on its way (a keyring unlock prompt may be waiting for the agent)
        task = asyncio.get_running_loop().create_task(self._open_settings(), name="open-settings")
        task.add_done_callback(self._settings_open_ended)
        self._settings_opening = task

    async def _open_settings(self) -> None:
        # A locked, missing or broken keyring never keeps Settings shut: the dialog says what is wrong.
        from app.core.credentials import CredentialSource

        status = await self._settings_credential_status()
        saved: Credentials | None = None
        if status.source is not CredentialSource.NONE:  # NONE: nothing to read (and no second unlock prompt)
            try:
                saved = await self._load_credentials()
            except CredentialError as error:
                import dataclasses

                status = dataclasses.replace(status, persistent=False, problem=status.problem or error.user_message)
        loaded = self.context.loaded
        if not loaded.is_locked("launch_at_login"):
            from app.core.autostart.base import AutoStartError

            # Show what will really happen at login (a package may have installed a system entry).
            with contextlib.suppress(AutoStartError, OSError):
                enabled = await self._in_executor(self.autostart.is_enabled)
                loaded = loaded._replace(settings=loaded.settings.replace(launch_at_login=enabled))
        self._autostart_shown = loaded.settings.launch_at_login
        from app.ui.settings_dialog import SettingsDialog

        self.settings_dialog = SettingsDialog(
            loaded,
            status,
            saved.access_key_id if saved else "",
            self._save_settings,
            self._test_settings,
            parent=self.window,
            autostart_unavailable=None if self.autostart.available else self.autostart.describe(),
        )
        self.settings_dialog.finished.connect(self._settings_closed)
        self.settings_dialog.show()

    async def _settings_credential_status(self) -> CredentialStatus:
        from app.core.credentials import CredentialSource, CredentialStatus

        try:
            status: CredentialStatus = await self._in_executor(self.context.credentials.status)
        except Exception as error:  # any keyring, D-Bus or OS failure: Settings opens anyway and says so
            reason = error.user_message if isinstance(error, CccBreakError) else type(error).__name__
            logger.warning("Could not check the saved AccessKey: %s", reason)
            return CredentialStatus(
                backend_name=tr("the system keyring"),
                persistent=False,
                source=CredentialSource.NONE,
                has_access_key_id=False,
                has_secret=False,
                has_security_token=False,
                problem=tr("The system keyring could not be checked ({reason}).").format(reason=reason),
                locked=self._keyring_error_is_locked(error),
            )
        return status

    @staticmethod
    def _keyring_error_is_locked(error: BaseException) -> bool:
        from keyring.errors import KeyringLocked

        text = error.user_message if isinstance(error, CccBreakError) else str(error)
        return isinstance(error, KeyringLocked) or "locked" in text.lower()

    def _settings_open_ended(self, task: asyncio.Task[None]) -> None:
        if self._settings_opening is task:
            self._settings_opening = None
        if task.cancelled():
            return
        error = task.exception()
        if error is not None:
            logger.error("Settings could not be opened", exc_info=error)
            self.notify(
                tr("Settings could not be opened"),
                tr("Something unexpected went wrong. Try again; the log file has the details."),
            )

    def _settings_closed(self, _result: int) -> None:
        dialog, self.settings_dialog = self.settings_dialog, None
        if dialog is None:
            return
        # Closing cancelled its save or test; those end on their next step, and shutdown waits for them.
        for task in dialog.pending_tasks():
            self._settings_leftovers.add(task)
            task.add_done_callback(self._settings_leftovers.discard)
        dialog.deleteLater()

    async def _settings_stopped(self) -> None:
        """At shutdown: stop a Settings dialog still on its way and let a closed one's work wind down."""
        import asyncio

        pending = set(self._settings_leftovers)
        if self._settings_opening is not None:
            self._settings_opening.cancel()
            pending.add(self._settings_opening)
        if pending:
            await asyncio.wait(pending, timeout=5)

    async def _test_settings(self, settings: Settings, typed: CredentialInput) -> AgentStatus:
        client = self._client(settings, await self._credentials_from(typed))
        return await client.poll_user_status()

    async def _save_settings(self, settings: Settings, typed: CredentialInput) -> str | None:
        # Runs in the dialog's task: closing the dialog cancels it at the await it is in, and nothing after
        # that runs (no settings file, no reconfigure). A keyring or file call already running in a worker
        # thread cannot be called back; it finishes on its own.
        notice = None
        if typed.access_key_id or typed.access_key_secret or typed.security_token:
            credentials = await self._credentials_from(typed)
            if credentials is not None:
                status = await self._in_executor(lambda: self.context.credentials.save(credentials))
                if not status.persistent:
                    notice = self._session_only_notice(status)
        try:
            await self._in_executor(lambda: self.context.config_store.save(settings))
        except OSError as error:
            raise ConfigError(
                tr("Your settings could not be saved ({reason}). Check that your home folder is writable.").format(
                    reason=error.strerror or type(error).__name__
                )
            ) from None
        loaded = await self._in_executor(self.context.reload)
        if settings.launch_at_login != self._autostart_shown:
            await self._apply_autostart(loaded.settings.launch_at_login)
        assert self.controller is not None and self.window is not None
        self.controller.reconfigure(list(loaded.settings.break_codes), loaded.settings.poll_interval)
        self._apply_overrun_settings(loaded.settings)
        self.set_theme_choice(loaded.settings.theme)
        self.window.set_break_codes(list(loaded.settings.break_codes))
        self.setup_saved()
        if notice:
            self.notify(tr("AccessKey kept for this session only"), notice)
        return notice

    @staticmethod
    def _session_only_notice(status: CredentialStatus) -> str:
        """Why the AccessKey just saved lives in memory only, in plain words (never written to a file)."""
        if status.locked:
            return tr(
                "The system keyring is locked, so your AccessKey is kept only until you quit. Unlock the keyring, "
                "then save the AccessKey again in Settings to keep it."
            )
        if status.backend_name == NO_BACKEND_NAME:
            return tr(
                "No system keyring is available, so your AccessKey is kept only until you quit. It is never "
                "written to a file."
            )
        words = tr("The system keyring did not accept your AccessKey, so it is kept only until you quit.")
        return words + ("\n" + status.problem if status.problem else "")

"""The widget's composition root: one session, one controller, one window, one tray, on a qasync loop.

`WidgetApp` wires the parts and owns their lifetime; `run_gui` adds the process concerns (QApplication,
single instance, signals, the event loop) around it.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import signal
import sys
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import aiohttp
from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtNetwork import QNetworkInformation
from PySide6.QtWidgets import QApplication, QSystemTrayIcon

from app import APP_ID, PRODUCT_NAME, __version__
from app.core.autostart import autostart_for
from app.core.autostart.base import AutoStart, AutoStartError
from app.core.client import CccClient, Timeouts, open_session
from app.core.credentials import NO_BACKEND_NAME, CredentialSource, CredentialStatus
from app.core.errors import CccBreakError, ConfigError, CredentialError
from app.core.instance_address import instance_address
from app.core.logs import redaction
from app.core.models import AgentStatus
from app.core.proxy import ProxySettings
from app.core.server_clock import ServerClock
from app.core.settings.model import Settings
from app.core.signing import Credentials
from app.core.startup import RunContext, client_for
from app.core.tracking import AgentTracker, ResumeDetector
from app.ui.controller import AgentController
from app.ui.i18n import install_translator, tr
from app.ui.icons import state_icon
from app.ui.main_window import MainWindow
from app.ui.resources import resource_path
from app.ui.settings_dialog import CredentialInput, SettingsDialog
from app.ui.single_instance import SingleInstance
from app.ui.tray import Tray

if TYPE_CHECKING:
    from app.simulator import Simulator  # imported at run time only in demo mode

logger = logging.getLogger(__name__)

NOTIFICATIONS_KEPT = 50


@dataclass(frozen=True)
class Timings:
    """How often the widget's repeating timers fire. The soak test runs a whole day at top speed."""

    tick_ms: int = 1000  # the window's counters and the overrun check
    signal_wakeup_ms: int = 250  # Python runs SIGTERM/SIGINT handlers only between bytecodes
    resume_check_ms: int = 10_000  # a wall-clock jump against the monotonic clock = resumed from sleep


class WidgetApp(QObject):
    """Everything one running widget owns. Tests build it directly against the simulator."""

    def __init__(
        self,
        context: RunContext,
        *,
        autostart: AutoStart | None = None,
        tray_available: Callable[[], bool] = QSystemTrayIcon.isSystemTrayAvailable,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        timings: Timings = Timings(),
    ) -> None:
        super().__init__()
        self.context = context
        self.timings = timings
        self._now = now
        self.autostart = autostart or autostart_for()
        self._tray_available = tray_available
        self.clock = ServerClock()
        self.proxies = ProxySettings()  # read from the system once, at start
        self.session: aiohttp.ClientSession | None = None
        self.simulator: Simulator | None = None  # demo mode only
        self.controller: AgentController | None = None
        self.window: MainWindow | None = None
        self.tray: Tray | None = None
        self.settings_dialog: SettingsDialog | None = None
        self._settings_opening: asyncio.Task[None] | None = None  # one Settings dialog on its way at a time
        self._settings_leftovers: set[asyncio.Task[None]] = set()  # a closed dialog's cancelled work, winding down
        # The latest notifications, for tests and the window's notice; bounded for an all-day run.
        self.notifications: deque[tuple[str, str]] = deque(maxlen=NOTIFICATIONS_KEPT)
        self.quit_event = asyncio.Event()
        self.timers: dict[str, QTimer] = {}  # by what they are for
        self._autostart_shown = False  # the "Launch at login" state the Settings dialog opened with

    # --- life -------------------------------------------------------------------------------------

    async def start(self, *, minimized: bool = False) -> None:
        settings = self.context.loaded.settings
        problems = self.context.loaded.problems  # a reload below would not repeat them
        self.session = open_session(Timeouts(total=settings.request_timeout))
        self.proxies = ProxySettings.from_system()
        if self.context.demo:
            await self._start_demo_simulator()
        settings = self.context.loaded.settings
        self.controller = AgentController(
            self._client_for_current_settings,
            list(settings.break_codes),
            settings.poll_interval,
            tracker=AgentTracker(settings.break_codes, now=self._now),
        )
        self.tray = Tray(self.controller, tray_available=self._tray_available)
        self.window = MainWindow(
            self.controller,
            demo=self.context.demo,
            hide_on_close=lambda: self.tray_attached,
            now=self._now,
            tick_ms=self.timings.tick_ms,
        )
        self.window.setWindowIcon(app_icon())
        self.window.settings_requested.connect(self.open_settings)
        self.window.quit_requested.connect(self.quit)
        self.tray.toggle_window.connect(self.window.toggle)
        self.tray.settings_requested.connect(self.open_settings)
        self.tray.quit_requested.connect(self.quit)
        self.controller.notify.connect(self.notify)
        self.tray.start()
        for problem in problems:
            self.notify(tr("Settings problem"), problem)
        # Without a tray the window is the app, so it always opens.
        if not minimized or not self.tray_attached:
            self.window.bring_forward()
        self._watch_resume_and_network()
        self._start_timer("signal_wakeup", self.timings.signal_wakeup_ms, _let_python_run_signal_handlers)
        self.controller.start_polling()
        if not settings.instance_id and not minimized:
            self.open_settings()  # first run: nothing can work before this is filled in
        if self.context.loaded.is_locked("launch_at_login"):
            # IT's locked choice wins over whatever entry the user (or a package) left behind.
            await self._apply_autostart(self.context.loaded.settings.launch_at_login)

    @property
    def tray_attached(self) -> bool:
        return self.tray is not None and self.tray.attached

    def quit(self) -> None:
        self.quit_event.set()

    async def run_until_quit(self) -> None:
        await self.quit_event.wait()

    async def shutdown(self) -> None:
        """Cancel in-flight work, then close the session and the simulator: no warnings, no leaks."""
        for timer in self.timers.values():
            timer.stop()
        if self.settings_dialog is not None:
            self.settings_dialog.reject()
        await self._settings_stopped()
        if self.controller is not None:
            await self.controller.shutdown()
        if self.tray is not None:
            self.tray.hide()
        if self.window is not None:
            self.window.hide()
        if self.session is not None:
            await self.session.close()
        if self.simulator is not None:
            await self.simulator.stop()

    async def _start_demo_simulator(self) -> None:
        from app.simulator import DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, Simulator

        self.simulator = Simulator()
        await self.simulator.start("127.0.0.1", 0)
        self.context.overrides = {**self.context.overrides, "endpoint": self.simulator.url}
        self.context.reload()
        await self._in_executor(
            lambda: self.context.credentials.save(Credentials(DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET))
        )
        logger.info("Demo simulator at %s (control token %s)", self.simulator.url, self.simulator.control_token)

    def _watch_resume_and_network(self) -> None:
        detector = ResumeDetector(time.time, time.monotonic)
        self._start_timer(
            "resume_check", self.timings.resume_check_ms, lambda: detector.check() and self._poll_now("resume")
        )
        with contextlib.suppress(Exception):  # no backend on some desktops: resume polling still works
            if QNetworkInformation.loadDefaultBackend() and QNetworkInformation.instance() is not None:
                QNetworkInformation.instance().reachabilityChanged.connect(self._reachability_changed)

    def _start_timer(self, name: str, interval_ms: int, callback: Callable[[], object]) -> None:
        timer = QTimer(self)
        timer.setInterval(interval_ms)
        timer.timeout.connect(callback)
        timer.start()
        self.timers[name] = timer

    def _reachability_changed(self, reachability: QNetworkInformation.Reachability) -> None:
        if reachability is QNetworkInformation.Reachability.Online:
            self._poll_now("network back")

    def _poll_now(self, why: str) -> None:
        # Every desktop of a fleet sees these at once: spread the poll over an interval.
        logger.info("Polling within one interval: %s", why)
        if self.controller is not None:
            self.controller.refresh_spread()

    # --- notifications ----------------------------------------------------------------------------

    def notify(self, title: str, text: str) -> None:
        self.notifications.append((title, text))
        if self.tray is not None and self.tray.show_message(title, text):
            return
        if self.window is not None:
            self.window.show_notice(title, text)
            QApplication.alert(self.window)

    # --- clients and credentials ------------------------------------------------------------------

    async def _in_executor(self, call: Callable[[], Any]) -> Any:
        # Keyring and file calls can block (D-Bus prompts, network homes): never on the GUI thread.
        return await asyncio.get_running_loop().run_in_executor(None, call)

    async def _load_credentials(self) -> Credentials | None:
        credentials: Credentials | None = await self._in_executor(self.context.credentials.load)
        if credentials is not None:
            redaction.register(credentials.access_key_secret)
            redaction.register(credentials.security_token)
        return credentials

    async def _client_for_current_settings(self) -> CccClient:
        credentials = await self._load_credentials()
        return self._client(self.context.loaded.settings, credentials)

    def _client(self, settings: Settings, credentials: Credentials | None) -> CccClient:
        if self.session is None:
            raise ConfigError(tr("The app is shutting down."))
        if credentials is None:
            raise ConfigError(tr("No AccessKey is saved yet. Open Settings and enter your AccessKey ID and secret."))
        if not settings.instance_id:
            raise ConfigError(tr("The instance ID is not set. Open Settings and enter it (ask IT if unsure)."))
        return client_for(self.session, settings, credentials, self.clock, self.proxies)

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
        status = await self._settings_credential_status()
        saved: Credentials | None = None
        if status.source is not CredentialSource.NONE:  # NONE: nothing to read (and no second unlock prompt)
            try:
                saved = await self._load_credentials()
            except CredentialError as error:
                status = dataclasses.replace(status, persistent=False, problem=status.problem or error.user_message)
        loaded = self.context.loaded
        if not loaded.is_locked("launch_at_login"):
            # Show what will really happen at login (a package may have installed a system entry).
            with contextlib.suppress(AutoStartError, OSError):
                enabled = await self._in_executor(self.autostart.is_enabled)
                loaded = dataclasses.replace(loaded, settings=loaded.settings.replace(launch_at_login=enabled))
        self._autostart_shown = loaded.settings.launch_at_login
        self.settings_dialog = SettingsDialog(
            loaded,
            status,
            saved.access_key_id if saved else "",
            self._save_settings,
            self._test_settings,
            parent=self.window,
        )
        self.settings_dialog.finished.connect(self._settings_closed)
        self.settings_dialog.show()

    async def _settings_credential_status(self) -> CredentialStatus:
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
        self.window.set_break_codes(list(loaded.settings.break_codes))
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

    async def _apply_autostart(self, wanted: bool) -> None:
        try:
            if await self._in_executor(self.autostart.is_enabled) != wanted:
                await self._in_executor(lambda: self.autostart.set_enabled(wanted))
        except AutoStartError as error:
            self.notify(tr("Launch at login could not be changed"), error.user_message)
        except OSError as error:
            self.notify(tr("Launch at login could not be changed"), error.strerror or type(error).__name__)


def _let_python_run_signal_handlers() -> None:
    """Does nothing: returning to Python between Qt events is what lets a signal handler run."""


def app_icon() -> QIcon:
    path = resource_path("icons", "ccc-break.svg")
    return QIcon(str(path)) if path else state_icon(None)


def run_gui(context: RunContext, *, minimized: bool = False) -> int:
    import qasync

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName(PRODUCT_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)
    app.setQuitOnLastWindowClosed(False)  # quitting is ours: closing the window may mean "to the tray"
    install_translator(app, resource_path("translations"))

    single = SingleInstance(instance_address(APP_ID + ("-demo" if context.demo else "")))
    if single.forward_to_running():
        logger.info("Another CCC Break is running; brought it forward")
        return 0

    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    widget = WidgetApp(context)
    single.activated.connect(lambda: widget.window.bring_forward() if widget.window else None)

    def request_quit(*_args: object) -> None:
        loop.call_soon_threadsafe(widget.quit)

    signal.signal(signal.SIGINT, request_quit)
    signal.signal(signal.SIGTERM, request_quit)

    async def main() -> None:
        try:
            await widget.start(minimized=minimized)
            if single.problem:
                widget.notify(tr("CCC Break may be running twice"), single.problem)
            await widget.run_until_quit()
        finally:
            await widget.shutdown()
            single.close()

    try:
        with loop:
            loop.run_until_complete(main())
    except CccBreakError as error:
        logger.error("Could not start: %s", error.user_message)
        print(f"Error: {error.user_message}", file=sys.stderr)
        return 2
    return 0

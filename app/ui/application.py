"""The widget's composition root: one session, one controller, one window, one tray, on a qasync loop.

`WidgetApp` wires the parts and owns their lifetime; `run_gui` adds the process concerns (QApplication,
single instance, signals, the event loop) around it.
"""

from __future__ import annotations

import gc
import logging
import signal
import sys
import time
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from PySide6.QtCore import QLocale, QObject, QSize
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QSystemTrayIcon

from app import APP_ID, PRODUCT_NAME, __version__
from app.core import i18n as core_i18n
from app.core.errors import CccBreakError, ConfigError
from app.core.hardening import forbid_core_dumps
from app.core.instance_address import instance_address
from app.core.last_state import last_known_state
from app.core.logs import open_log_file, redaction
from app.core.proxy import ProxySettings
from app.core.settings.model import Settings
from app.core.startup import RunContext, client_for
from app.core.state_memory import StateStartFile
from app.core.tracking import AgentTracker, ResumeDetector
from app.core.window_memory import Rect, Screen, WindowMemory, WindowPlace, place_on, screen_key
from app.ui import theme
from app.ui.controller import AgentController
from app.ui.i18n import install_translator, tr
from app.ui.icons import state_icon
from app.ui.main_window import MainWindow
from app.ui.resources import resource_path
from app.ui.settings_flow import SettingsFlow
from app.ui.signal_wakeup import SignalWakeup
from app.ui.single_instance import SingleInstance
from app.ui.sleep_watch import SleepWatcher
from app.ui.tray import Tray

if TYPE_CHECKING:  # the network stack, and asyncio itself (with qasync), load after the first paint
    import asyncio

    import aiohttp

    from app.core.access_key import Credentials  # a dataclass: compiled when it loads, after the paint
    from app.core.autostart.base import AutoStart  # launch at login: looked up after the first paint
    from app.core.client import CccClient
    from app.core.server_clock import ServerClock
    from app.core.setup_needs import SetupNeeds
    from app.simulator import Simulator  # imported at run time only in demo mode
    from app.ui.first_run import FirstRunDialog  # these two load when first opened
    from app.ui.network_watch import NetworkWatch
    from app.ui.settings_dialog import SettingsDialog

logger = logging.getLogger(__name__)

NOTIFICATIONS_KEPT = 50


class Timings(NamedTuple):
    """How often the widget's one repeating timer fires (the poll aside). The soak test runs a whole
    day at top speed."""

    tick_ms: int = 1000  # the window's counters, only while it is shown


EVERY_SECOND = Timings()


class WidgetApp(SettingsFlow, QObject):
    """Everything one running widget owns. Tests build it directly against the simulator."""

    def __init__(
        self,
        context: RunContext,
        *,
        autostart: AutoStart | None = None,
        tray_available: Callable[[], bool] = QSystemTrayIcon.isSystemTrayAvailable,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        timings: Timings = EVERY_SECOND,
        watch_sleep: Callable[[], SleepWatcher] = SleepWatcher,
    ) -> None:
        super().__init__()
        self.context = context
        self.timings = timings
        self._now = now
        self._autostart = autostart  # the platform's own is looked up on first use, after the first paint
        self._tray_available = tray_available
        self._clock: ServerClock | None = None  # the service's clock, learnt from its answers
        self.proxies = ProxySettings()  # read from the system once, at start
        self.session: aiohttp.ClientSession | None = None
        self.simulator: Simulator | None = None  # demo mode only
        self.controller: AgentController | None = None
        self.window: MainWindow | None = None
        self.tray: Tray | None = None
        self.settings_dialog: SettingsDialog | None = None
        self.first_run: FirstRunDialog | None = None
        self.theme = theme.LIGHT_THEME
        self._follows_system_scheme = False  # connected to the system's colour-scheme changes
        self.window_memory: WindowMemory | None = None
        self._problems: tuple[str, ...] = ()  # the settings' load problems, told once connected
        self._settings_opening: asyncio.Task[None] | None = None  # one Settings dialog on its way at a time
        self._settings_leftovers: set[asyncio.Task[None]] = set()  # a closed dialog's cancelled work, winding down
        # The latest notifications, for tests and the window's notice; bounded for an all-day run.
        self.notifications: deque[tuple[str, str]] = deque(maxlen=NOTIFICATIONS_KEPT)
        self._quit_event: asyncio.Event | None = None
        self._watch_sleep = watch_sleep
        self.sleep_watcher: SleepWatcher | None = None
        self.network_watch: NetworkWatch | None = None
        self._autostart_shown = False  # the "Launch at login" state the Settings dialog opened with

    @property
    def clock(self) -> ServerClock:
        if self._clock is None:
            from app.core.server_clock import ServerClock

            self._clock = ServerClock()
        return self._clock

    @property
    def autostart(self) -> AutoStart:
        if self._autostart is None:
            from app.core.autostart import autostart_for

            self._autostart = autostart_for()
        return self._autostart

    @property
    def quit_event(self) -> asyncio.Event:
        if self._quit_event is None:
            import asyncio

            self._quit_event = asyncio.Event()
        return self._quit_event

    # --- life -------------------------------------------------------------------------------------

    async def start(self, *, minimized: bool = False) -> None:
        """The window and tray first, then the network: an agent sees the widget before aiohttp, the
        keyring or the demo simulator are even imported."""
        import asyncio

        self.show_first(minimized=minimized)
        await asyncio.sleep(0)  # let Qt paint before the heavy imports below
        self.finish_first()
        await self.start_connecting(minimized=minimized)

    def show_first(self, *, minimized: bool = False) -> None:
        """Everything on screen that needs no network: window, tray, theme, the window's place."""
        settings = self.context.loaded.settings
        self._problems = self.context.loaded.problems  # a reload below would not repeat them
        user_file = self.context.config_store.paths.user_file
        local_dir = self.context.config_store.paths.local_dir  # this PC's files; the settings may roam
        state_memory = StateStartFile(local_dir / (user_file.stem + ".state.json"))
        remembered = state_memory.recall()  # one small file: read before the first paint, on purpose
        self.controller = AgentController(
            self._client_for_current_settings,
            list(settings.break_codes),
            settings.poll_interval,
            tracker=AgentTracker(settings.break_codes, now=self._now, remembered=remembered),
            state_memory=state_memory,
            resumes=ResumeDetector(time.time, time.monotonic),
            last_known=last_known_state(remembered, settings.full_user_id()),
        )
        self.theme = theme.resolve(self._theme_choice())
        self._apply_theme()
        self.tray = Tray(self.controller, tray_available=self._tray_available)
        self.window = MainWindow(
            self.controller,
            demo=self.context.demo,
            hide_on_close=lambda: self.tray_attached,
            now=self._now,
            tick_ms=self.timings.tick_ms,
            theme=self.theme,
        )
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._system_scheme_changed)
        self._follows_system_scheme = True
        self.window.settings_requested.connect(self.open_settings)
        self.window.quit_requested.connect(self.quit)
        self.tray.toggle_window.connect(self.window.toggle)
        self.tray.window_modes = lambda: (self.window.compact, self.window.on_top) if self.window else (False, False)
        self.tray.compact_toggled.connect(self.window.set_compact)
        self.window.hidden.connect(self.remember_window_place)
        self.tray.on_top_toggled.connect(self.window.set_on_top)
        self.tray.settings_requested.connect(self.open_settings)
        self.tray.quit_requested.connect(self.quit)
        self.controller.notify.connect(self.notify)
        self.controller.notify_until_seen.connect(lambda title, text: self.notify(title, text, stays=True))
        self.controller.alert_sound.connect(QApplication.beep)
        self.controller.error_changed.connect(self._tell_about_a_failed_action)
        self._apply_overrun_settings(settings)
        self.window_memory = WindowMemory(local_dir / (user_file.stem + ".window.json"))
        self._restore_window_place()
        self.tray.start()
        # Without a tray the window is the app, so it always opens.
        if not minimized or not self.tray_attached:
            self.window.bring_forward()

    def finish_first(self) -> None:
        """Just after the first paint, before anything else: the garbage collector, paused for the start
        (app.__main__), and the window's shortcuts, its watch on the screen's scale and the tray's menu,
        which the first window need not wait for."""
        gc.enable()
        if self.window is not None:
            self.window.add_shortcuts()
            self.window.watch_scale()
        if self.tray is not None:
            self.tray.rebuild_menu()
            self.tray.log_waiting()

    async def start_connecting(self, *, minimized: bool = False) -> None:
        """After the first paint: the session, the demo simulator, polling, first run."""
        assert self.controller is not None and self.window is not None and self.tray is not None
        forbid_core_dumps()  # before the keyring is read (a start with options did so at once)
        # The taskbar's icon: not needed for the first paint (its files are read when it is first drawn).
        self.window.setWindowIcon(app_icon())
        from app.core.client import Timeouts, open_session

        settings = self.context.loaded.settings
        self.session = open_session(Timeouts(total=settings.request_timeout))
        self.proxies = ProxySettings.from_system()
        if self.context.demo:
            await self._start_demo_simulator()
        for problem in self._problems:
            self.notify(tr("Settings problem"), problem)
        self._watch_resume_and_network()
        if not self.tray_attached and minimized:
            # Started at login before the panel: say what is going on, not just a grey icon.
            self.tray.attached_changed.connect(self._tray_arrived)
            self.window.show_notice(
                tr("Waiting for the system tray"),
                tr("CCC Break moves to the tray as soon as the panel is there. Until then, use it here."),
            )
        needs = await self._setup_needs()
        if needs.complete:
            self.controller.start_polling()
        else:
            self.open_first_run(needs)  # nothing can work before this is filled in
        if self.context.loaded.is_locked("launch_at_login"):
            # IT's locked choice wins over whatever entry the user (or a package) left behind.
            await self._apply_autostart(self.context.loaded.settings.launch_at_login)

    # --- where the window was ---------------------------------------------------------------------

    @staticmethod
    def _screens() -> list[Screen]:
        screens = [QGuiApplication.primaryScreen(), *QGuiApplication.screens()]
        found: list[Screen] = []
        for screen in dict.fromkeys(s for s in screens if s is not None):  # the primary first, once
            area, size = screen.availableGeometry(), screen.size()
            rect = Rect(area.x(), area.y(), area.width(), area.height())
            found.append(Screen(screen_key(screen.name(), size.width(), size.height()), rect))
        return found

    def _screen_setup(self) -> str:
        """The monitors connected now: a place is kept per setup (docked, undocked)."""
        return " + ".join(sorted(screen.name for screen in self._screens()))

    def _restore_window_place(self) -> None:
        memory, window = self.window_memory, self.window
        if memory is None or window is None:
            return
        saved = memory.recall(self._screen_setup()) or memory.recall_latest()  # small: before the first paint
        if saved is None:
            return
        window.set_compact(saved.compact)  # first: the mode decides how small the window may be
        smallest = window.minimumSizeHint()
        box = saved.geometry
        saved = saved._replace(
            geometry=Rect(box.x, box.y, max(box.width, smallest.width()), max(box.height, smallest.height()))
        )
        place = place_on(saved, self._screens())  # a vanished screen: onto one that is there
        box = place.geometry
        window.set_compact(place.compact)
        window.set_on_top(place.on_top)
        window.setGeometry(box.x, box.y, box.width, box.height)

    def remember_window_place(self) -> None:
        if self.window_memory is None or self.window is None:
            return
        frame = self.window.geometry()
        place = WindowPlace(
            Rect(frame.x(), frame.y(), frame.width(), frame.height()), self.window.compact, self.window.on_top
        )
        memory, setup = self.window_memory, self._screen_setup()
        import asyncio

        try:
            asyncio.get_running_loop().run_in_executor(None, memory.remember, setup, place)
        except RuntimeError:  # no loop (at the very end): a small file, written here
            memory.remember(setup, place)

    def _theme_choice(self) -> str:
        return str(getattr(self.context.loaded.settings, "theme", theme.SYSTEM))

    def set_theme_choice(self, choice: str) -> None:
        """Light, dark or the system's (""): applied at once to every window."""
        self.context.loaded = self.context.loaded._replace(settings=self.context.loaded.settings.replace(theme=choice))
        self.theme = theme.resolve(choice)
        self._apply_theme()

    def _apply_theme(self) -> None:
        app = QApplication.instance()
        if isinstance(app, QApplication):
            theme.apply(app, self.theme, self._theme_choice())
        if self.window is not None:
            self.window.set_theme(self.theme)

    def _system_scheme_changed(self, _scheme: object) -> None:
        if self._theme_choice() == theme.SYSTEM:
            self.theme = theme.resolve(theme.SYSTEM)
            self._apply_theme()

    def _tray_arrived(self, attached: bool) -> None:
        if attached and self.window is not None and self.first_run is None:
            self.window.hide_notice()
            self.window.hide()  # where a start at login belongs: in the tray

    async def _setup_needs(self) -> SetupNeeds:
        from app.core.setup_needs import setup_needs

        status = await self._settings_credential_status()
        return setup_needs(self.context.loaded.settings, status, self.context.loaded.locked)

    def open_first_run(self, needs: SetupNeeds) -> None:
        """One short step asking only for what IT did not preset; polling starts once it is done."""
        assert self.window is not None
        self.window.show_notice(
            tr("CCC Break is not set up yet"), tr("Enter what the welcome window asks for, and you are ready to go.")
        )
        from app.ui.first_run import FirstRunDialog

        dialog = FirstRunDialog(self.context.loaded.settings, needs, self._save_settings, parent=self.window)
        dialog.more_settings_requested.connect(self.open_settings)
        dialog.finished.connect(self._first_run_closed)
        self.first_run = dialog
        dialog.show()

    def _first_run_closed(self, result: int) -> None:
        dialog, self.first_run = self.first_run, None
        if dialog is not None:
            dialog.deleteLater()
        if self.window is not None:
            self.window.hide_notice()
        if self.controller is not None:
            self.controller.start_polling()  # done or dismissed: the window now says what is missing

    def setup_saved(self) -> None:
        """Settings saved from either dialog: polling runs, and a first run still open is done."""
        if self.first_run is not None:
            self.first_run.accept()
        elif self.controller is not None:
            self.controller.start_polling()

    def _apply_overrun_settings(self, settings: Settings) -> None:
        if self.controller is not None:
            self.controller.set_overrun_policy(
                settings.overrun_reminder_minutes, settings.auto_ready_after_overrun, settings.overrun_sound
            )

    @property
    def tray_attached(self) -> bool:
        return self.tray is not None and self.tray.attached

    def quit(self) -> None:
        self.quit_event.set()

    async def run_until_quit(self) -> None:
        await self.quit_event.wait()

    async def shutdown(self) -> None:
        """Cancel in-flight work, then close the session and the simulator: no warnings, no leaks."""
        if self._follows_system_scheme:
            QGuiApplication.styleHints().colorSchemeChanged.disconnect(self._system_scheme_changed)
            self._follows_system_scheme = False
        if self.settings_dialog is not None:
            self.settings_dialog.reject()
        if self.first_run is not None:
            self.first_run.reject()
        await self._settings_stopped()
        if self.controller is not None:
            await self.controller.shutdown()
        if self.network_watch is not None:
            self.network_watch.close()
        if self.tray is not None:
            self.tray.hide()
        if self.window is not None:
            self.window.hide()  # its place is kept (hidden signal)
        if self.session is not None:
            await self.session.close()
        if self.simulator is not None:
            await self.simulator.stop()

    async def _start_demo_simulator(self) -> None:
        from app.core.access_key import Credentials
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
        # Events, not timers: hidden in the tray the widget wakes only for its poll. Without logind's
        # signal the poll timer itself notices a sleep (AgentController).
        self.sleep_watcher = self._watch_sleep()
        self.sleep_watcher.woke.connect(self._woke_from_sleep)
        from app.ui.network_watch import NetworkWatch

        self.network_watch = NetworkWatch(self)
        self.network_watch.back.connect(lambda: self._poll_now("network back"))

    def _woke_from_sleep(self) -> None:
        logger.info("Polling within one interval: woke from sleep")
        if self.controller is not None:
            self.controller.woke_from_sleep()

    def _poll_now(self, why: str) -> None:
        # Every desktop of a fleet sees these at once: spread the poll over an interval.
        logger.info("Polling within one interval: %s", why)
        if self.controller is not None:
            self.controller.refresh_spread()

    # --- notifications ----------------------------------------------------------------------------

    def _tell_about_a_failed_action(self) -> None:
        """An action started from the tray (or a shortcut) while the window is hidden must not fail
        silently: the agent gets the plain message and the RequestId as a notification."""
        error = self.controller.last_error if self.controller else None
        if error is None or error.from_poll or (self.window is not None and self.window.isVisible()):
            return
        text = error.message
        if error.request_id:
            text += "\n" + tr("RequestId: {id}").format(id=error.request_id)
        self.notify(tr("Your request did not go through"), text)

    def notify(self, title: str, text: str, *, stays: bool = False) -> None:
        self.notifications.append((title, text))
        if self.tray is not None and self.tray.show_message(title, text, stays=stays):
            return
        if self.window is not None:
            self.window.show_notice(title, text)
            QApplication.alert(self.window)

    # --- clients and credentials ------------------------------------------------------------------

    async def _in_executor(self, call: Callable[[], Any]) -> Any:
        # Keyring and file calls can block (D-Bus prompts, network homes): never on the GUI thread.
        import asyncio

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

    async def _apply_autostart(self, wanted: bool) -> None:
        from app.core.autostart.base import AutoStartError

        try:
            if await self._in_executor(self.autostart.is_enabled) != wanted:
                await self._in_executor(lambda: self.autostart.set_enabled(wanted))
        except AutoStartError as error:
            self.notify(tr("Launch at login could not be changed"), error.user_message)
        except OSError as error:
            self.notify(tr("Launch at login could not be changed"), error.strerror or type(error).__name__)


# The sizes packaging/render_icons.py renders from ccc-break.svg and resources/icons/ holds.
APP_ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256)


def app_icon() -> QIcon:
    """The taskbar's icon from the PNGs rendered from the SVG: the SVG itself would load Qt's SVG
    plug-ins and QtSvg (about 1 MiB, all day) to draw the same pixels. Files are read when first drawn."""
    icon = QIcon()
    for size in APP_ICON_SIZES:
        if path := resource_path("icons", f"ccc-break-{size}.png"):
            icon.addFile(str(path), QSize(size, size))
    if not icon.isNull():
        return icon
    path = resource_path("icons", "ccc-break.svg")  # an installation without the PNGs
    return QIcon(str(path)) if path else state_icon(None)


def run_gui(context: RunContext, *, minimized: bool = False) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName(PRODUCT_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)
    app.setQuitOnLastWindowClosed(False)  # quitting is ours: closing the window may mean "to the tray"
    # The language the core chose (--lang, the language setting, else the system's), for Qt's strings too.
    install_translator(app, resource_path("translations"), QLocale(core_i18n.current_language()))

    single = SingleInstance(instance_address(APP_ID + ("-demo" if context.demo else "")))
    if single.forward_to_running():
        logger.info("Another CCC Break is running; brought it forward")
        return 0

    widget = WidgetApp(context)
    single.activated.connect(lambda: widget.window.bring_forward() if widget.window else None)
    # A logout can come at any moment of the start: before the loop exists it is only noted (a signal
    # handler must not import asyncio halfway through another import), then acted on.
    loops: list[asyncio.AbstractEventLoop] = []
    signalled: list[int] = []

    def on_signal() -> None:
        if loops:
            loops[0].call_soon_threadsafe(widget.quit)
        else:
            signalled.append(1)

    wakeup = SignalWakeup(on_signal, (signal.SIGINT, signal.SIGTERM))
    widget.show_first(minimized=minimized)
    app.processEvents()  # the window is mapped now; asyncio and qasync (tens of ms) load after it
    widget.finish_first()
    open_log_file()  # now, on this thread: a worker's first record must not be the one to import it
    single.serve()  # a second start meanwhile waited in the socket's backlog: it is answered now

    import asyncio

    from app.ui.event_loop import WidgetEventLoop  # qasync's loop, without wake-ups for cancelled timers

    loop = WidgetEventLoop(app)
    asyncio.set_event_loop(loop)
    loops.append(loop)

    async def main() -> None:
        try:
            if signalled:
                widget.quit()
            if not widget.quit_event.is_set():
                await widget.start_connecting(minimized=minimized)
            if single.problem:
                widget.notify(tr("CCC Break may be running twice"), single.problem)
            await widget.run_until_quit()
        finally:
            await widget.shutdown()
            single.close()
            wakeup.close()

    try:
        with loop:
            loop.run_until_complete(main())
    except CccBreakError as error:
        logger.error("Could not start: %s", error.user_message)
        print(f"Error: {error.user_message}", file=sys.stderr)
        return 2
    return 0

"""The tray icon: state by colour and shape, a tooltip with code and time in break, a menu rebuilt
each time it opens, and notifications. Keeps trying to attach for the first minute after start,
because at login the tray host can start after us."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from app import PRODUCT_NAME
from app.core.models import UserState
from app.core.text import without_markup
from app.ui.controller import AgentController
from app.ui.i18n import tr
from app.ui.icons import look_for, state_icon
from app.ui.main_window import state_timer

logger = logging.getLogger(__name__)

ATTACH_RETRY_MS = 2000
ATTACH_WINDOW_MS = 60_000


class Tray(QObject):
    toggle_window = Signal()
    settings_requested = Signal()
    quit_requested = Signal()
    attached_changed = Signal(bool)
    compact_toggled = Signal(bool)
    on_top_toggled = Signal(bool)

    def __init__(
        self,
        controller: AgentController,
        parent: QObject | None = None,
        tray_available: Callable[[], bool] = QSystemTrayIcon.isSystemTrayAvailable,
    ) -> None:
        super().__init__(parent)
        self.controller = controller
        self._tray_available = tray_available
        self.icon = QSystemTrayIcon(self)
        self.menu = QMenu()
        self.menu.aboutToShow.connect(self.rebuild_menu)
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._activated)
        controller.status_changed.connect(self.refresh)
        controller.stale_changed.connect(lambda _stale: self.refresh())
        controller.error_changed.connect(self.refresh)
        controller.busy_changed.connect(lambda _busy: self.refresh())
        self._attach_timer = QTimer(self)
        self._attach_timer.setInterval(ATTACH_RETRY_MS)
        self._attach_timer.timeout.connect(self._try_attach)
        self._attach_deadline = QTimer(self)
        self._attach_deadline.setSingleShot(True)
        self._attach_deadline.setInterval(ATTACH_WINDOW_MS)
        self._attach_deadline.timeout.connect(self._attach_timer.stop)
        # The window's modes, for the menu's check marks (the window owns them).
        self.window_modes: Callable[[], tuple[bool, bool]] = lambda: (False, False)
        self.last_message_timeout_ms: int | None = None  # how long the last notification was asked to stay
        self._shown_icon: QIcon | None = None
        self.refresh()  # the menu is filled once the window is painted (rebuild_menu), and at each opening

    @property
    def attached(self) -> bool:
        return self.icon.isVisible()

    def start(self) -> bool:
        """Show the icon now if a tray exists; otherwise keep trying for a minute (`log_waiting` says so
        once the window is up: a record before it would open the log file on the way to it)."""
        if self._try_attach():
            return True
        self._attach_timer.start()
        self._attach_deadline.start()
        return False

    def log_waiting(self) -> None:
        if self._attach_timer.isActive():
            logger.info("No system tray yet; retrying for %d s", ATTACH_WINDOW_MS // 1000)

    def _try_attach(self) -> bool:
        if not self._tray_available():
            return False
        self._attach_timer.stop()
        self._attach_deadline.stop()
        if not self.icon.isVisible():
            self.icon.show()
            self.attached_changed.emit(True)
        return True

    def hide(self) -> None:
        self._attach_timer.stop()
        self.icon.hide()

    def tooltip_text(self) -> str:
        status, last = self.controller.status, self.controller.refreshing
        shown = status.user_state if status else last.state if last else None
        code = status.break_code if status else last.break_code if last else ""
        look = look_for(shown, self.controller.tracker.is_over())
        state = tr(look.label)
        if shown is UserState.BREAK and code:
            state = tr("{state} ({code})").format(state=state, code=self.controller.label_for(code))
        timer = state_timer(self.controller)
        if timer:
            state = tr("{state} {time}").format(state=state, time=timer)
        # The product on a line of its own: a first line carrying server text (a break code) could
        # make Qt render the whole tooltip as rich text.
        lines = [PRODUCT_NAME, state]
        queued = self.controller.queued_break
        if queued is not None:
            lines.append(tr("{code} after this call").format(code=self.controller.label_for(queued.code)))
        if self.controller.busy:
            lines.append(tr("Sending your request…"))
        elif self.shows_failure and self.controller.last_error is not None:
            lines.append(
                tr("Your last request did not go through: {why}").format(why=self.controller.last_error.message)
            )
        if self.controller.out_of_date:
            lines.append(tr("May be out of date: the last refresh failed"))
        if last is not None:
            lines.append(tr("As last seen: refreshing…"))
        return "\n".join(lines)

    @property
    def shows_failure(self) -> bool:
        """The agent's own last action failed (a poll's failure is the 'out of date' dot instead)."""
        error = self.controller.last_error
        return error is not None and not error.from_poll

    def refresh(self) -> None:
        status, last = self.controller.status, self.controller.refreshing
        state = status.user_state if status else last.state if last else None
        over = self.controller.tracker.is_over()
        stale = self.controller.out_of_date or last is not None  # the yellow "may be out of date" dot
        # Only what changed: this runs after every poll, and setting the same icon again repaints it in
        # the panel every time, for nothing an agent sees.
        icon = state_icon(state, stale, failed=self.shows_failure, over_time=over)
        if icon is not self._shown_icon:
            self._shown_icon = icon
            self.icon.setIcon(icon)
        tooltip = self.tooltip_text()
        if tooltip != self.icon.toolTip():
            self.icon.setToolTip(tooltip)

    def rebuild_menu(self) -> None:
        """Rebuilt on every opening, so codes and enabled states are never out of date. First filled just
        after the first paint: QAction and QKeySequence, with their enums, are Qt classes the first
        window need not wait for."""
        from PySide6.QtGui import QAction, QKeySequence

        self.menu.clear()
        can_break, why_not_break = self.controller.can_take_break()
        can_ready, why_not_ready = self.controller.can_get_ready()
        waits = self.controller.break_would_wait()
        break_menu = self.menu.addMenu(tr("Take Break after this call") if waits else tr("Take Break"))
        break_menu.setEnabled(can_break and bool(self.controller.break_codes))
        break_menu.setToolTip(why_not_break)
        for code in self.controller.break_codes:
            action = QAction(code.display, break_menu)
            action.triggered.connect(lambda _checked=False, c=code.code: self.controller.take_break(c))
            break_menu.addAction(action)
        queued = self.controller.queued_break
        if queued is not None:
            self.menu.addAction(
                tr("Cancel {code} after this call").format(code=self.controller.label_for(queued.code)),
                self.controller.cancel_queued_break,
            )
        ready = self.menu.addAction(tr("Ready"))
        ready.setEnabled(can_ready)
        ready.setToolTip(why_not_ready)
        ready.triggered.connect(lambda _checked=False: self.controller.get_ready())
        self.menu.addSeparator()
        self.menu.addAction(tr("Show/Hide Window"), self.toggle_window.emit)
        compact, on_top = self.window_modes()
        for text, checked, signal, keys in (
            (tr("Compact Window"), compact, self.compact_toggled, "Ctrl+M"),
            (tr("Keep on Top"), on_top, self.on_top_toggled, "Ctrl+T"),
        ):
            action = self.menu.addAction(text)
            action.setCheckable(True)
            action.setChecked(checked)
            action.setShortcut(QKeySequence(keys))  # shown beside the item; the keys work in the window
            action.toggled.connect(signal.emit)
        self.menu.addAction(tr("Settings…"), self.settings_requested.emit)
        self.menu.addSeparator()
        self.menu.addAction(tr("Quit"), self.quit_requested.emit)
        # The window's keys, listed where the agent looks for them.
        for action in self.menu.actions():
            keys = {tr("Ready"): "Ctrl+R", tr("Settings…"): "Ctrl+,", tr("Quit"): "Ctrl+Q"}.get(action.text())
            if keys:
                action.setShortcut(QKeySequence(keys))
        break_menu.menuAction().setShortcut(QKeySequence("Ctrl+B"))
        self.menu.setToolTipsVisible(True)

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason is QSystemTrayIcon.ActivationReason.Trigger:
            self.toggle_window.emit()

    def show_message(self, title: str, text: str, *, stays: bool = False) -> bool:
        """A desktop notification from the tray; False when there is no tray to raise it from. One that
        `stays` (an overrun) has no timeout: it is there until the agent dismisses it."""
        if not (self.attached and QSystemTrayIcon.supportsMessages()):
            return False
        kind = QSystemTrayIcon.MessageIcon.Warning if stays else QSystemTrayIcon.MessageIcon.Information
        self.icon.showMessage(without_markup(title), without_markup(text), kind, 0 if stays else 10_000)
        self.last_message_timeout_ms = 0 if stays else 10_000
        return True

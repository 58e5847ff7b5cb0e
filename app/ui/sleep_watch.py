"""The moment the PC wakes from sleep, from the desktop itself (logind's PrepareForSleep on the system
D-Bus), so no timer has to keep looking for it. Where there is no such signal (no system bus, another
OS), the poll timer notices the sleep from the clocks instead (`AgentController`)."""

from __future__ import annotations

import logging

from PySide6.QtCore import SLOT, QObject, Signal, Slot

logger = logging.getLogger(__name__)

LOGIND = ("org.freedesktop.login1", "/org/freedesktop/login1", "org.freedesktop.login1.Manager")


class SleepWatcher(QObject):
    """Emits `woke` when logind says the system has resumed. `watching` is False without a system bus."""

    woke = Signal()

    def __init__(self, bus: object | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.watching = False
        try:
            from PySide6.QtDBus import QDBusConnection
        except ImportError:  # a Qt build without D-Bus
            return
        connection = bus if isinstance(bus, QDBusConnection) else QDBusConnection.systemBus()
        if not connection.isConnected():
            return
        service, path, interface = LOGIND
        self.watching = connection.connect(
            service, path, interface, "PrepareForSleep", self, SLOT("_prepare_for_sleep(bool)")
        )
        self._connection = connection  # kept with the watcher: a private bus must outlive the match
        logger.debug("Watching logind for resume: %s", self.watching)

    @Slot(bool)
    def _prepare_for_sleep(self, going_to_sleep: bool) -> None:
        if not going_to_sleep:
            self.woke.emit()

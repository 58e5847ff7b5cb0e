"""The moment the network comes back (Wi-Fi rejoined, VPN or cable back), so a poll can follow at once
instead of after a backed-off timer. Events, never a timer of its own.

Linux reads the kernel's route changes (`app.core.default_route`); Windows and macOS ask Qt's
QNetworkInformation (Windows loads QtNetwork for its single-instance pipe anyway). Where neither can
say, `watching` is False and the poll's own retries bring the state back, later.
"""

from __future__ import annotations

import contextlib
import logging
import sys
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSocketNotifier, Signal

if TYPE_CHECKING:
    from PySide6.QtNetwork import QNetworkInformation

    from app.core.default_route import RouteChanges

logger = logging.getLogger(__name__)


class NetworkWatch(QObject):
    back = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._routes: RouteChanges | None = None
        self._notifier: QSocketNotifier | None = None
        self.watching = self._watch_routes() if sys.platform.startswith("linux") else self._watch_qt()

    def _watch_routes(self) -> bool:
        from app.core.default_route import RouteChanges

        try:
            self._routes = RouteChanges()
        except OSError as error:  # a sandbox without netlink: polling still recovers by itself
            logger.info("Not watching the network: %s", error.strerror or error)
            return False
        # Python owns it (no Qt parent): close() deletes it at once, and nothing is left for later.
        self._notifier = QSocketNotifier(self._routes.fileno(), QSocketNotifier.Type.Read)
        self._notifier.activated.connect(self._routes_changed)
        return True

    def _routes_changed(self) -> None:
        if self._routes is None:
            return
        try:
            back = self._routes.came_back()
        except OSError as error:
            logger.warning("Stopped watching the network: %s", error.strerror or error)
            self.watching = False
            if self._notifier is not None:
                self._notifier.setEnabled(False)  # deleted by close(), never inside its own signal
            self._routes.close()
            self._routes = None
            return
        if back:
            self.back.emit()

    def _watch_qt(self) -> bool:
        from PySide6.QtNetwork import QNetworkInformation

        with contextlib.suppress(Exception):  # no backend on some systems
            if QNetworkInformation.loadDefaultBackend() and (information := QNetworkInformation.instance()):
                information.reachabilityChanged.connect(self._reachability_changed)
                return True
        return False

    def _reachability_changed(self, reachability: QNetworkInformation.Reachability) -> None:
        from PySide6.QtNetwork import QNetworkInformation

        if reachability is QNetworkInformation.Reachability.Online:
            self.back.emit()

    def close(self) -> None:
        if self._notifier is not None:
            self._notifier.setEnabled(False)  # before the socket closes
            self._notifier = None
        if self._routes is not None:
            self._routes.close()
            self._routes = None

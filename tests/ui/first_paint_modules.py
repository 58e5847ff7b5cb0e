"""Start the widget the way `ccc-break --demo` does, up to its first paint, and print (JSON) which of
the heavy modules are loaded then; with `--connect`, also after it connected. Run by
tests/ui/test_lazy_start.py in a process of its own (sys.modules must start empty)."""

import json
import logging
import os
import shutil
import signal
import sys
import tempfile
from pathlib import Path

HEAVY = ("aiohttp", "keyring", "app.simulator", "app.core.client")
# Not needed to draw the first window either: dialogs opened later, launch at login, the network's
# helpers (urllib's proxy lookup, the service's clock, today's breaks), Qt's network status, and the
# event loop's machinery (asyncio, qasync); the signing code with its hashing (OpenSSL), and
# subprocess (only macOS asks a command for its languages); the log file's rotating handler, which
# brings pickle and queue (opened at the first record: a quiet start writes none before its window);
# the AccessKey's owner (the store is made when the widget first reads the keyring); locale, whose
# table of Windows language numbers is all the app reads of it; dataclasses (see test_lazy_start).
LATER = (
    "app.ui.settings_dialog",
    "app.ui.first_run",
    "app.core.autostart",
    "urllib.request",
    "app.core.server_clock",
    "app.core.today",
    "app.core.agent_reports",
    "asyncio",
    "qasync",
    "app.core.signing",
    "hashlib",
    "subprocess",
    "logging.handlers",
    "app.core.credentials",
    "locale",
    "dataclasses",
)

# Qt classes PySide6 makes on first use, each with all its enums: QAccessible alone is about 2 ms.
# Screen readers are told of changes once the window is shown; the window's shortcuts and the
# tray's menu (QKeySequence, QAction) are added right after the first paint.
LATER_QT_GUI_CLASSES = ("QAccessible", "QAccessibleEvent", "QKeySequence", "QShortcut", "QAction")


# Qt's event classes, which the UI modules name for annotations only: made when an event first reaches
# Python, not when the modules load. QEvent's enum of event types alone is some 180 members.
EVENT_CLASSES = ("QEvent", "QShowEvent", "QResizeEvent", "QHideEvent", "QCloseEvent")


def made_event_classes() -> list[str]:
    from PySide6 import QtCore, QtGui

    return [name for name in EVENT_CLASSES if name in vars(QtCore) or name in vars(QtGui)]


def loaded(names: tuple[str, ...] = HEAVY) -> list[str]:
    return sorted(name for name in sys.modules if any(name == h or name.startswith(h + ".") for h in names))


def made_qt_gui_classes() -> list[str]:
    from PySide6 import QtGui

    return [name for name in LATER_QT_GUI_CLASSES if name in vars(QtGui)]  # made on first use: then named


def app_dataclasses() -> list[str]:
    """The app's dataclasses made so far: Python compiles each one's methods when its module loads."""
    import dataclasses

    return sorted(
        f"{name}.{value.__qualname__}"
        for name, module in list(sys.modules.items())
        if name == "app" or name.startswith("app.")
        for value in vars(module).values()
        if isinstance(value, type) and value.__module__ == name and dataclasses.is_dataclass(value)
    )


def dumpable() -> int | None:
    """PR_GET_DUMPABLE: 0 once no other process of the user may attach (Linux); None elsewhere."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    return int(ctypes.CDLL(None).prctl(3, 0, 0, 0, 0))  # 3: PR_GET_DUMPABLE


def qt_svg_mapped() -> bool | None:
    """Whether Qt's SVG library is in this process (Linux: its memory map); None where that cannot be read."""
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
            return any("Qt6Svg" in line for line in maps)
    except OSError:
        return None


def main() -> None:
    import gc

    import app.__main__  # the GUI entry point, as the launcher imports it

    app.__main__.pause_collector_until_first_paint()  # as `ccc-break --demo` does, before Qt loads
    collections: list[int] = []  # the garbage collections from then on
    gc.callbacks.append(lambda phase, info: collections.append(info["generation"]) if phase == "stop" else None)
    from PySide6.QtWidgets import QApplication

    from app.core.instance_address import instance_address
    from app.core.logs import configure_logging
    from app.core.startup import build_context
    from app.ui.application import WidgetApp
    from app.ui.signal_wakeup import SignalWakeup
    from app.ui.single_instance import SingleInstance

    event_classes_at_import = made_event_classes()
    app.__main__.harden_at_start(widget_in_this_process=True)  # as `ccc-break --demo` does first
    build_context({}, demo=True)  # an earlier start (it made this home's device ID): this is a login start
    log_dir = Path(tempfile.mkdtemp(prefix="ccc-break-first-paint-"))
    if sys.platform == "linux":  # the log folder found as the widget finds it (XDG), in a folder of ours
        os.environ.pop("CCC_BREAK_LOG_DIR", None)
        os.environ["XDG_STATE_HOME"] = str(log_dir)
    log_file = configure_logging(to_file=True, log_dir=None if sys.platform == "linux" else log_dir)
    qt = QApplication(sys.argv[:1])
    single = SingleInstance(instance_address("ccc-break-first-paint-modules"))  # as run_gui guards the start
    wakeup = SignalWakeup(lambda: None, (signal.SIGTERM,))  # and as it hears a logout
    single.forward_to_running()
    # As on a desktop with its panel up; with --no-tray, a login start before the panel is there.
    widget = WidgetApp(build_context({}, demo=True), tray_available=lambda: "--no-tray" not in sys.argv)
    widget.show_first()
    qt.processEvents()
    report = {
        "window_shown": bool(widget.window and widget.window.isVisible()),
        "at_first_paint": loaded(),
        "later_at_first_paint": loaded(LATER),
        "qt_network_at_first_paint": "PySide6.QtNetwork" in sys.modules,
        "platformdirs_at_first_paint": "platformdirs" in sys.modules,
        "socket_at_first_paint": "socket" in sys.modules,
        "ctypes_at_first_paint": "ctypes" in sys.modules,
        "qt_gui_classes_at_first_paint": made_qt_gui_classes(),
        "dataclasses_at_first_paint": app_dataclasses(),
        "event_classes_at_import": event_classes_at_import,
        "event_classes_at_first_paint": made_event_classes(),
        "collections_before_first_paint": len(collections),
    }
    widget.finish_first()
    report["collecting_after_first_paint"] = gc.isenabled()
    single.serve()
    if "--connect" in sys.argv:
        import asyncio

        import qasync

        loop = qasync.QEventLoop(qt)
        asyncio.set_event_loop(loop)
        with loop:
            loop.run_until_complete(widget.start_connecting())
            report["connected"] = loaded()
            report["dumpable_connected"] = dumpable()
            report["dataclasses_connected"] = app_dataclasses()
            report["qt_svg_mapped"] = qt_svg_mapped()
            report["qt_network_connected"] = "PySide6.QtNetwork" in sys.modules
            report["network_watched"] = bool(widget.network_watch and widget.network_watch.watching)
            logging.getLogger("app").info("connected")  # the demo's first records: the log file opens
            report["log_file_connected"] = "logging.handlers" in sys.modules and bool(log_file and log_file.exists())
            loop.run_until_complete(widget.shutdown())
    single.close()
    wakeup.close()
    logging.shutdown()  # closes the log file, so its folder can go (Windows keeps open files)
    shutil.rmtree(log_dir, ignore_errors=True)
    print(json.dumps(report))


if __name__ == "__main__":
    main()

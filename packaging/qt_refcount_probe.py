"""Does this Python + PySide6 keep the reference counts of None, True and False right?

PySide6-Essentials 6.12.0 on Python 3.11 drops a reference to the value on every timer callback and
`Signal(object)` emit; after enough of them CPython frees None or True and aborts the process
(`Fatal Python error: none_dealloc`), which agents saw as the widget vanishing after about an hour.
Python 3.12+ makes these objects immortal, which hides the bug there.

Run before every build and by the test suite:  python packaging/qt_refcount_probe.py [EMITS]
Exit 0 and a JSON line when the counts stay flat; exit 1 when they drift; a broken build aborts.
"""

import json
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal

EMITS = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
# Counts move a little as objects come and go; a refcount bug moves them by one or more per emit.
ALLOWED_DRIFT = 200
VALUES = {"None": None, "True": True, "False": False}


class Emitter(QObject):
    fired = Signal(object)


def counts() -> dict:
    return {name: sys.getrefcount(value) for name, value in VALUES.items()}


def main() -> int:
    app = QCoreApplication([])
    emitter = Emitter()
    emitter.fired.connect(lambda _value: None)
    done = {"emits": 0}

    def tick() -> None:
        for value in VALUES.values():
            emitter.fired.emit(value)
        done["emits"] += len(VALUES)
        if done["emits"] >= EMITS:
            app.quit()

    timer = QTimer()
    timer.setInterval(0)
    timer.timeout.connect(tick)
    before = counts()
    timer.start()
    app.exec()
    timer.stop()
    after = counts()
    drift = {name: after[name] - before[name] for name in VALUES}
    flat = all(abs(change) <= ALLOWED_DRIFT for change in drift.values())
    print(
        json.dumps(
            {
                "python": sys.version.split()[0],
                "pyside6": pyside_version,
                "emits": done["emits"],
                "drift": drift,
                "flat": flat,
            }
        )
    )
    return 0 if flat else 1


if __name__ == "__main__":
    sys.exit(main())

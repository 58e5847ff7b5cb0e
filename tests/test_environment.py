"""The environment the project resolves: a Qt build that miscounts references must fail here, not on
agents' desktops an hour into their shift."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PROBE = Path(__file__).resolve().parents[1] / "packaging" / "qt_refcount_probe.py"


def test_qt_build_keeps_none_true_false_alive_through_20000_signal_emits() -> None:
    """The installed PySide6 on this Python survives 20,000 Signal(object) emits from a QTimer with
    the refcounts of None, True and False flat; a broken build (6.12.0 on 3.11) aborts in seconds."""
    result = subprocess.run(
        [sys.executable, str(PROBE), "20000"], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, (
        f"the Qt build miscounts references (exit {result.returncode}); pin PySide6 away from it:\n"
        f"{result.stdout}{result.stderr[-3000:]}"
    )
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["emits"] >= 20000
    assert report["flat"], report

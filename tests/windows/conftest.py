"""The Windows-only tests: collected only on Windows (the Wine stage, tests/windows/run_stage.sh).

They are marked `windows_only` too, so a selection by marker says what it leaves out. They reuse the
UI tests' loop and widget fixtures, and the hook that shuts each test's widgets down inside the loop.
"""

from __future__ import annotations

import sys

from tests.ui.conftest import fake_now, make_widget, pytest_runtest_call, qloop, source_language_plurals

__all__ = ["fake_now", "make_widget", "pytest_runtest_call", "qloop", "source_language_plurals"]

# Not skips (CI fails on a skip): off Windows these files are not collected at all; the Linux stage
# runs the Linux-only counterparts instead (marked linux_only).
collect_ignore_glob = [] if sys.platform == "win32" else ["test_*.py"]

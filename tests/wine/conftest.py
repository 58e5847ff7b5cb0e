"""End-to-end tests of the Windows app under Wine, driven from the Linux side as a user would: the
Windows CPython runs `ccc-break --demo` on Qt's `windows` platform, Wine docks its tray icon in trayer,
and xdotool clicks and types. Collected only in the Windows stage (tests/windows/run_stage.sh), which
sets up the Wine prefix, the display and the tray host and names the Windows interpreter in
CCC_BREAK_WINE_PYTHON; elsewhere these files are not collected at all (a skip would fail under CI)."""

from __future__ import annotations

import os

collect_ignore_glob = [] if os.environ.get("CCC_BREAK_WINE_PYTHON") else ["test_*.py"]

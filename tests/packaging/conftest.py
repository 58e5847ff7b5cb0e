"""Prints what the packaging tests built, so every CI log shows the installer sizes."""

from __future__ import annotations

import pytest

from tests.packaging.test_deb import PACKAGE_SIZES


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for name, size in sorted(PACKAGE_SIZES.items()):
        terminalreporter.write_line(f"package size: {name} {size / 1_000_000:.1f} MB ({size} bytes)")

"""Shared test setup: no test touches the real user's settings, keyring, logs or credentials."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.logs import quiet_noisy_loggers

pytest_plugins = ["tests.fixtures.secret_service", "tests.fixtures.hostile", "tests.fixtures.proxy"]

# pytest-qt tests draw offscreen; end-to-end tests start their own Xvfb for the real thing.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

CREDENTIAL_VARIABLES = (
    "ALIBABA_CLOUD_ACCESS_KEY_ID",
    "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
    "ALIBABA_CLOUD_SECURITY_TOKEN",
)


@pytest.fixture(autouse=True)
def isolated_user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Every test gets empty config and log folders and no system file or credentials from outside."""
    home = tmp_path / "home"
    (home / "config").mkdir(parents=True)
    monkeypatch.setenv("CCC_BREAK_CONFIG_DIR", str(home / "config"))
    monkeypatch.setenv("CCC_BREAK_LOG_DIR", str(home / "log"))
    monkeypatch.setenv("CCC_BREAK_SYSTEM_CONFIG", str(home / "no-system-config.ini"))
    for name in CREDENTIAL_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    yield home


# No test may reach the developer's real keyring: every test, and every process a test starts, sees
# keyring's "fail" backend (no keyring: the app keeps secrets in memory). Tests that need a keyring
# pass one in (MemoryKeyring, a fake), and keyring_real tests get a private gnome-keyring from
# tests/fixtures/secret_service.py, which replaces this pin for their duration.
PINNED_KEYRING_BACKEND = "keyring.backends.fail.Keyring"


@pytest.fixture(autouse=True)
def pinned_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    import keyring.backends.fail
    import keyring.core

    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", PINNED_KEYRING_BACKEND)
    monkeypatch.setattr(keyring.core, "_keyring_backend", keyring.backends.fail.Keyring())


# Every secret the tests use carries one of these markers, so one check covers the whole run.
SECRET_MARKERS = ("DISTINCTIVE", "UNIQUE-s3cr3t")
SIGNATURE = re.compile(r"Signature=[A-Za-z0-9+/%]{8,}|Signature%3D[A-Za-z0-9+/%]{8,}")


class LeakWatch(logging.Handler):
    """Sees every log record of the whole run, at DEBUG, and keeps those that leak a secret."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.leaks: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if record.exc_info:
            text += logging.Formatter().formatException(record.exc_info)
        if any(marker in text for marker in SECRET_MARKERS) or SIGNATURE.search(text):
            self.leaks.append(f"{record.name}: {text[:300]}")


LEAK_WATCH = LeakWatch()


def pytest_sessionstart(session: pytest.Session) -> None:
    root = logging.getLogger()
    root.setLevel(logging.DEBUG)
    root.addHandler(LEAK_WATCH)
    quiet_noisy_loggers()  # as the app itself configures logging


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """With DEBUG logging on for the whole run, no record may contain a test secret or a signature."""
    if LEAK_WATCH.leaks:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line("Log records leaked a secret or a signature:", red=True)
            for leak in LEAK_WATCH.leaks[:20]:
                reporter.write_line(f"  {leak}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """In CI a skipped test is a failure: a skip must never be counted as passing."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if os.environ.get("CI") and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped under CI, which counts as a failure: {report.longrepr}"

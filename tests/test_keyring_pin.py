"""No test touches the developer's real keyring: the pin holds in-process and for child processes."""

from __future__ import annotations

import os
import subprocess
import sys

import keyring
import keyring.backends.fail

from tests.conftest import PINNED_KEYRING_BACKEND


def test_tests_see_no_real_keyring_in_process() -> None:
    """A test that forgets to pass a backend gets 'no keyring', never the developer's login keyring."""
    assert isinstance(keyring.get_keyring(), keyring.backends.fail.Keyring)


def test_processes_started_by_tests_see_no_real_keyring() -> None:
    """The CLI and end-to-end tests start ccc-break: it must resolve the same pinned backend."""
    assert os.environ["PYTHON_KEYRING_BACKEND"] == PINNED_KEYRING_BACKEND
    shown = subprocess.run(
        [sys.executable, "-c", "import keyring; print(type(keyring.get_keyring()).__module__)"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout.strip()
    assert shown == "keyring.backends.fail"

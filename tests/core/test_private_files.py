"""What the app leaves on a shared desktop is the user's alone, and its memory cannot be dumped."""

from __future__ import annotations

import logging
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.log_file import PrivateRotatingFileHandler
from app.core.logs import configure_logging

# POSIX permissions; Windows ACLs are per user already. A marker, not a skip: CI fails on skips.
pytestmark = pytest.mark.linux_only


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def restored_root_logger() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        root.removeHandler(handler)
        if handler not in handlers:
            handler.close()
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)


def test_the_log_folder_and_file_are_private_even_under_a_lax_umask(tmp_path: Path, restored_root_logger: None) -> None:
    """Another user of the desktop cannot read the widget's log (it names the agent and the instance)."""
    old_umask = os.umask(0o022)
    try:
        log_file = configure_logging(to_file=True, log_dir=tmp_path / "state" / "log")
    finally:
        os.umask(old_umask)
    assert log_file is not None
    logging.getLogger("app.test").warning("agent user-test@ccc-test on instance ccc-test")
    assert mode(log_file.parent) == 0o700
    assert mode(log_file) == 0o600


def test_a_log_left_world_readable_is_tightened_and_rollovers_stay_private(tmp_path: Path) -> None:
    """A log file from an older version (0644) becomes 0600 when opened; each rolled-over file is 0600."""
    log_file = tmp_path / "ccc-break.log"
    log_file.write_text("old\n")
    log_file.chmod(0o644)
    handler = PrivateRotatingFileHandler(log_file, maxBytes=200, backupCount=2, encoding="utf-8")
    try:
        assert mode(log_file) == 0o600
        record = logging.LogRecord("app", logging.WARNING, __file__, 1, "x" * 150, None, None)
        for _ in range(4):
            handler.emit(record)
    finally:
        handler.close()
    rolled = sorted(tmp_path.glob("ccc-break.log*"))
    assert len(rolled) == 3
    assert {mode(path) for path in rolled} == {0o600}


def test_the_command_line_turns_off_core_dumps_before_anything_else() -> None:
    """A crash must not write the AccessKey secret held in memory to a core file, and on Linux no
    other process of the same user may attach to read it."""
    probe = (
        "import resource, sys\n"
        "from app.__main__ import main\n"
        "try:\n"
        "    main(['--version'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(resource.getrlimit(resource.RLIMIT_CORE))\n"
        "if sys.platform.startswith('linux'):\n"
        "    import ctypes\n"
        "    print(ctypes.CDLL(None).prctl(3, 0, 0, 0, 0))\n"  # PR_GET_DUMPABLE
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    lines = result.stdout.strip().splitlines()
    assert lines[-2 if sys.platform.startswith("linux") else -1] == "(0, 0)"
    if sys.platform.startswith("linux"):
        assert lines[-1] == "0", "the process must not be dumpable"


def test_the_settings_folder_is_private(tmp_path: Path) -> None:
    """Settings name the agent and the instance: their folder is 0700, the file 0600."""
    from app.core.settings.paths import ConfigPaths
    from app.core.settings.store import ConfigStore

    folder = tmp_path / "config" / "ccc-break"
    store = ConfigStore(ConfigPaths(folder / "ccc-break.ini", ()))
    old_umask = os.umask(0o022)
    try:
        store.save(store.load({}).settings.replace(instance_id="ccc-test"))
    finally:
        os.umask(old_umask)
    assert mode(folder) == 0o700
    assert mode(folder / "ccc-break.ini") == 0o600


def test_a_folder_the_agent_pointed_us_at_is_not_tightened(tmp_path: Path) -> None:
    from app.core.private_files import private_dir

    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o755)
    private_dir(shared)
    assert mode(shared) == 0o755
    private_dir(shared / "ccc-break")
    assert mode(shared / "ccc-break") == 0o700

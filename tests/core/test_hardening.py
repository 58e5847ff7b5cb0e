"""An AccessKey secret in the widget's memory must not leave it through a core dump or a debugger."""

from __future__ import annotations

import subprocess
import sys

import pytest

PROBE = """
import ctypes, resource
from app.core.hardening import forbid_core_dumps
forbid_core_dumps()
libc = ctypes.CDLL(None, use_errno=True)
print(resource.getrlimit(resource.RLIMIT_CORE) == (0, 0), libc.prctl(3, 0, 0, 0, 0))  # 3: PR_GET_DUMPABLE
"""


@pytest.mark.linux_only  # prctl and RLIMIT_CORE are Linux's; the Windows stage deselects it
def test_after_start_the_process_writes_no_core_and_cannot_be_attached_to() -> None:
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=30, check=True)
    assert result.stdout.split() == ["True", "0"]

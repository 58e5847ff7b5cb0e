"""Process hardening at start: the AccessKey secret is in this process's memory, so no core dump (or
debugger of the same user, on Linux) may copy it out."""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # ctypes (with libffi) loads where prctl is called: the widget's first window goes without it
    import ctypes

logger = logging.getLogger(__name__)

PR_SET_DUMPABLE = 4


def forbid_core_dumps() -> None:
    """No core file, and on Linux not dumpable either (no ptrace attach by the same user): before
    any secret is read into memory. Best effort: a platform without them (Windows) keeps running."""
    forbid_core_files()
    forbid_debuggers()


def forbid_core_files() -> None:
    """RLIMIT_CORE 0 everywhere it exists: a crash writes no core file."""
    try:
        import resource
    except ImportError:  # Windows: no core dumps to speak of; crash dumps are configured by IT
        return
    try:
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (OSError, ValueError) as error:
        logger.info("Could not turn off core dumps: %s", error)


def forbid_debuggers() -> None:
    """On Linux, not dumpable: no other process of the same user attaches to this one or reads its
    memory. The widget asks this once its window is painted, before it reads the keyring."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        libc = _libc()
        if libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0:
            logger.info("prctl(PR_SET_DUMPABLE) failed: errno %d", ctypes.get_errno())
    except OSError as error:
        logger.info("Could not load libc for prctl: %s", error)


def _libc() -> ctypes.CDLL:
    import ctypes

    # glibc's name first: find_library runs ldconfig in a child process, a few ms of every start.
    try:
        return ctypes.CDLL("libc.so.6", use_errno=True)
    except OSError:
        from ctypes.util import find_library  # with shutil, tempfile, bz2, lzma: only where that failed

        return ctypes.CDLL(find_library("c") or "libc.so.6", use_errno=True)

"""Files and folders the app creates are the user's alone: desktops are shared, and a log or settings
file can name the agent, the AccessKey ID and the contact centre."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from app import APP_ID

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def private_dir(path: Path) -> Path:
    """Create `path` (and missing parents) 0700. An existing folder is tightened only when it is the
    app's own (named after it), never a folder someone pointed the app at, such as their home."""
    existed = path.is_dir()
    path.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
    if os.name == "posix" and (not existed or APP_ID in path.name):
        os.chmod(path, PRIVATE_DIR_MODE)
    return path


def write_private(path: Path, data: bytes) -> None:
    """Replace `path` with `data` atomically, 0600 from the first byte (its folder must exist)."""
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(temp, PRIVATE_FILE_MODE)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise

"""The widget's log file: rotating, and private to the user like every file the app makes.

Imported at the first record the widget logs, not at start: `logging.handlers` brings pickle, queue
and the socket handlers along, milliseconds an agent would otherwise wait for the first window.
"""

from __future__ import annotations

import logging.handlers
import os

from app.core.private_files import PRIVATE_FILE_MODE


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log whose every file (the first, and each one after a rollover) is 0600."""

    def _open(self):  # type: ignore[no-untyped-def]  # the base class's signature
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_APPEND | os.O_CREAT, PRIVATE_FILE_MODE)
        try:
            if os.name == "posix":
                os.fchmod(fd, PRIVATE_FILE_MODE)  # a file left by an older version, or made under a lax umask
            return os.fdopen(fd, "a", encoding=self.encoding, errors=self.errors)
        except BaseException:
            os.close(fd)  # e.g. another user's file we may write but not chmod: not left open
            raise

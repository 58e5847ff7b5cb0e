"""Logging for the app: a rotating file for the widget, stderr for commands, and a redaction filter.

The code never logs secrets; the filter is the second line of defence for what a library might log.
"""

from __future__ import annotations

import contextlib
import logging
import re
import sys
import threading
import traceback
from pathlib import Path

from app import APP_ID
from app.core.private_files import private_dir

_SIGNATURE = re.compile(r"(Signature=)[^&\s,\"']+")
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class RedactingFilter(logging.Filter):
    """Masks registered secrets and anything shaped like a request signature in every record."""

    def __init__(self) -> None:
        super().__init__()
        self._secrets: set[str] = set()
        self._lock = threading.Lock()

    def register(self, secret: str | None) -> None:
        if secret and len(secret) >= 4:
            with self._lock:
                self._secrets.add(secret)

    def redact(self, text: str) -> str:
        text = _SIGNATURE.sub(r"\1<redacted>", text)
        with self._lock:
            secrets = tuple(self._secrets)
        for secret in secrets:
            text = text.replace(secret, "<redacted>")
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = self.redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and record.exc_info[1] is not None:
            # Formatted tracebacks are cached on the record; redact that text too.
            record.exc_text = self.redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


redaction = RedactingFilter()


class LogFileOnFirstRecord(logging.Handler):
    """The rotating log file, opened (and its module imported) at the first record or by `open()`,
    whichever comes first: the widget opens it just after its first paint, so the window never
    waits for it. A file that cannot be opened (a full or read-only home) is given up quietly: the
    widget runs on and its console still logs."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        self._file: logging.Handler | None = None
        self._given_up = False

    def open(self) -> None:
        with self.lock or contextlib.nullcontext():
            self._open_file()

    def _open_file(self) -> None:  # under the handler's lock
        if self._file is not None or self._given_up:
            return
        try:
            from app.core.log_file import PrivateRotatingFileHandler

            self._file = PrivateRotatingFileHandler(self.path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
        except OSError:
            self._given_up = True
            return
        except Exception:  # a logging problem must never reach the code that logged
            self._given_up = True
            if sys.stderr is not None:  # None in a windowed Windows app
                traceback.print_exc(file=sys.stderr)
            return
        self._file.setFormatter(self.formatter)

    def emit(self, record: logging.LogRecord) -> None:
        self._open_file()
        if self._file is not None:
            self._file.emit(record)  # this handler's filters (redaction) and lock have applied

    def flush(self) -> None:
        if self._file is not None:
            self._file.flush()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
        super().close()


def open_log_file() -> None:
    """Open the widget's log file now (it would open at the first record otherwise): called just after
    the first paint, from the GUI thread, before any worker thread can log."""
    for handler in logging.getLogger().handlers:
        if isinstance(handler, LogFileOnFirstRecord):
            handler.open()


def quiet_noisy_loggers() -> None:
    # qasync logs every executor call at DEBUG, request URLs included: too noisy even for -v.
    logging.getLogger("qasync").setLevel(logging.INFO)


def configure_logging(*, verbose: bool = False, to_file: bool = False, log_dir: Path | None = None) -> Path | None:
    """Set up the root logger once per process; returns the log file's path when the widget writes one
    (its folder exists then; the file is opened by `open_log_file` or at the first record)."""
    root = logging.getLogger()
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    for handler in list(root.handlers):
        root.removeHandler(handler)
    console = logging.StreamHandler()
    console.setLevel(logging.DEBUG if verbose else logging.WARNING)
    handlers: list[logging.Handler] = [console]
    log_file: Path | None = None
    if to_file:
        from app.core.settings.paths import default_log_dir

        directory = log_dir or default_log_dir()
        try:
            private_dir(directory)
            log_file = directory / f"{APP_ID}.log"
            handlers.append(LogFileOnFirstRecord(log_file))
        except OSError:
            log_file = None  # a read-only or full home must not stop the widget
    quiet_noisy_loggers()
    for handler in handlers:
        handler.setFormatter(logging.Formatter(_FORMAT))
        handler.addFilter(redaction)
        root.addHandler(handler)
    return log_file

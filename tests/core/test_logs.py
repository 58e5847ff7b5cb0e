"""The log file the widget writes never holds a secret or a request signature, whatever logs it, and
never stops the widget."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.logs import configure_logging, open_log_file, redaction


@pytest.fixture
def restored_root_logger() -> Iterator[None]:
    """configure_logging replaces the root logger's handlers: put the run's own ones back afterwards."""
    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    qasync_level = logging.getLogger("qasync").level
    yield
    for handler in list(root.handlers):
        if redaction in handler.filters:  # installed by configure_logging
            root.removeHandler(handler)
            handler.close()
    for handler in saved_handlers:
        # pytest's per-phase capture handlers come and go by themselves; the session's (leak watch) stay.
        if handler not in root.handlers and not type(handler).__module__.startswith("_pytest"):
            root.addHandler(handler)
    root.setLevel(saved_level)
    logging.getLogger("qasync").setLevel(qasync_level)


def test_log_file_never_holds_a_registered_secret_or_a_signature(tmp_path: Path, restored_root_logger: None) -> None:
    """If this failed, the log file an agent sends to IT would carry their AccessKey secret or a request
    signature in plain text, whether it came in a message, an argument, a traceback or a URL."""
    secret = "sk-" + secrets.token_hex(12)
    signature = "abc123" + secrets.token_hex(8)
    log_file = configure_logging(to_file=True, log_dir=tmp_path)
    assert log_file is not None
    redaction.register(secret)
    try:
        logger = logging.getLogger("tests.core.test_logs")
        logger.warning("secret in the message: " + secret)
        logger.warning("secret in the args: %s", secret)
        logger.warning("a library's URL: %s", f"https://ccc.example/?Action=TakeBreak&Signature={signature}&x=1")
        try:
            raise RuntimeError(f"the request failed with key {secret}")
        except RuntimeError:
            logger.exception("a failure with a traceback")
        for handler in logging.getLogger().handlers:
            handler.flush()
    finally:
        redaction._secrets.discard(secret)  # a process-wide filter: leave it as found

    text = log_file.read_text(encoding="utf-8")
    assert "secret in the message" in text and "a failure with a traceback" in text  # the records were written
    assert "RuntimeError" in text  # the traceback was kept, only its secret masked
    assert secret not in text
    assert signature not in text
    assert "<redacted>" in text
    assert text.count("<redacted>") >= 4


def test_a_log_file_that_cannot_be_opened_is_given_up_quietly(
    tmp_path: Path, restored_root_logger: None, capsys: pytest.CaptureFixture[str]
) -> None:
    """The file opens at the widget's first record; when it cannot (here its name is taken by a folder,
    as a full or read-only home would refuse it), the widget logs on to the console and prints no
    logging traceback at the agent, record after record."""
    log_file = configure_logging(to_file=True, log_dir=tmp_path)
    assert log_file is not None
    log_file.mkdir()
    logger = logging.getLogger("tests.core.test_logs")
    for attempt in range(3):
        logger.warning("the widget goes on %d", attempt)
    err = capsys.readouterr().err
    assert "Logging error" not in err and "Traceback" not in err
    assert "the widget goes on 2" in err  # the console still has every record


def test_the_widget_opens_its_log_file_before_anything_is_logged(tmp_path: Path, restored_root_logger: None) -> None:
    """Just after the first paint the widget opens the file on its GUI thread: IT finds it from then on,
    and the first record, often a keyring worker's, does not have to open it."""
    log_file = configure_logging(to_file=True, log_dir=tmp_path)
    assert log_file is not None and not log_file.exists()  # nothing before the window
    open_log_file()
    assert log_file.is_file() and log_file.read_text(encoding="utf-8") == ""
    logging.getLogger("tests.core.test_logs").warning("after the paint")
    for handler in logging.getLogger().handlers:
        handler.flush()
    assert "after the paint" in log_file.read_text(encoding="utf-8")


def test_a_log_file_that_fails_in_an_unforeseen_way_never_reaches_the_code_that_logged(
    tmp_path: Path, restored_root_logger: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Whatever goes wrong opening the file (here a ValueError), logging goes on without it: a record
    logged by the widget must never become an exception in the widget."""
    import app.core.log_file

    class Broken:
        def __init__(self, *args: object, **kwargs: object) -> None:
            raise ValueError("unforeseen")

    monkeypatch.setattr(app.core.log_file, "PrivateRotatingFileHandler", Broken)
    log_file = configure_logging(to_file=True, log_dir=tmp_path)
    assert log_file is not None
    logging.getLogger("tests.core.test_logs").warning("still logged")
    err = capsys.readouterr().err
    assert "still logged" in err and "ValueError: unforeseen" in err  # said once, for whoever reads stderr
    assert not log_file.exists()

"""The widget's keyring calls, run in a short-lived helper process (Linux).

keyring's Secret Service backend encrypts its D-Bus session with `cryptography`, whose Rust extension
alone is 5.5 MiB resident once loaded, for a widget that reads its AccessKey once per start or save.
The widget therefore asks a helper: `ccc-break --keyring-helper` (in the packages, the Qt-free
`ccc-break-cli`), which uses keyring exactly as the widget did, answers, and exits when the widget's
one credential operation is over (`release`). The command-line tools keep using keyring in-process.

The helper speaks one JSON object per line. Its first line describes the keyring it found:
    {"backend": "Secret Service (GNOME Keyring)", "usable": true}
then one answer per request, in order:
    request  {"op": "get" | "set" | "delete", "service": ..., "username": ..., "password": ...}
    answer   {"value": "..." | null}  or  {"error": "KeyringLocked", "text": "..."}
The secret travels only through the two pipes: never an argument, the environment or a file.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import select
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Any, NamedTuple

logger = logging.getLogger(__name__)

KEYRING_HELPER_FLAG = "--keyring-helper"  # hidden: not a command anyone types
CLI_EXECUTABLE = "ccc-break-cli"
FIRST_ANSWER_TIMEOUT = 60.0  # seconds to start and find the keyring: a cold start of a loaded desktop
ANSWER_TIMEOUT = 600.0  # seconds per call: the keyring may be waiting for the agent to unlock it
RELEASE_TIMEOUT = 10.0  # seconds for the helper to end once its stdin closes, before it is killed


class HelperDescription(NamedTuple):
    backend: str  # keyring_backends.backend_name() of what the helper found
    usable: bool


class KeyringHelperError(Exception):
    """The helper could not be run or answered nonsense; the text names no secret."""


class HelperFailure(Exception):
    """A keyring call failed in the helper: `kind` is the library's exception class name, which
    CredentialStore reads as it reads an in-process exception's class (KeyringLocked: unlock, retry)."""

    def __init__(self, kind: str, text: str) -> None:
        super().__init__(text)
        self.kind = kind


def helper_command() -> list[str] | None:
    """How to start the helper from this program: the packages' console executable beside the
    widget's, else this interpreter; None when neither is there (the widget then reads in-process).
    Run it in `HELPER_FOLDER`: `-m app` looks in the working folder first, and the widget's may hold
    any other `app`."""
    if getattr(sys, "frozen", False):
        cli = Path(sys.executable).with_name(CLI_EXECUTABLE)
        return [str(cli), KEYRING_HELPER_FLAG] if cli.is_file() else None
    return [sys.executable, "-m", "app", KEYRING_HELPER_FLAG]


# The folder that holds this `app` package: the helper's working folder, so `-m app` finds this one.
HELPER_FOLDER = Path(__file__).resolve().parents[2]


class HelperKeyring:
    """keyring's backend calls (`get_password`, `set_password`, `delete_password`), each answered by
    the helper process, which is started at the first call and ended by `release()`. Used under
    CredentialStore's lock only: one call at a time."""

    def __init__(
        self,
        command: Sequence[str],
        *,
        cwd: Path | None = None,
        first_answer_timeout: float = FIRST_ANSWER_TIMEOUT,
        answer_timeout: float = ANSWER_TIMEOUT,
    ) -> None:
        self._command = list(command)
        self._cwd = cwd
        self._first_answer_timeout = first_answer_timeout
        self._answer_timeout = answer_timeout
        self._process: subprocess.Popen[bytes] | None = None
        self._unread = b""
        self._description: HelperDescription | None = None

    @property
    def helper_description(self) -> HelperDescription:
        """What keyring the helper found (asked once per run, as keyring itself chooses once)."""
        if self._description is None:
            self._started()
        assert self._description is not None
        return self._description

    def get_password(self, service: str, username: str) -> str | None:
        value = self._ask({"op": "get", "service": service, "username": username})
        return value if isinstance(value, str) else None

    def set_password(self, service: str, username: str, password: str) -> None:
        self._ask({"op": "set", "service": service, "username": username, "password": password})

    def delete_password(self, service: str, username: str) -> None:
        self._ask({"op": "delete", "service": service, "username": username})

    def release(self) -> None:
        """End the helper: the next call starts a new one. Never raises."""
        process, self._process = self._process, None
        self._unread = b""
        if process is None:
            return
        for stream in (process.stdin, process.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):  # a helper that went first: its pipe is broken
                    stream.close()  # its stdin at end: it exits
        try:
            process.wait(timeout=RELEASE_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def _started(self) -> subprocess.Popen[bytes]:
        if self._process is not None:
            return self._process
        try:
            self._process = subprocess.Popen(
                self._command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,  # a traceback there would be the helper's, never shown
                cwd=self._cwd,
            )
        except OSError as error:
            raise KeyringHelperError(f"the keyring helper could not be started ({error.strerror or error})") from None
        first = self._answer(self._first_answer_timeout)
        try:
            self._description = HelperDescription(str(first["backend"]), bool(first["usable"]))
        except (KeyError, TypeError):
            self.release()
            raise KeyringHelperError("the keyring helper did not say which keyring it found") from None
        return self._process

    def _answer(self, timeout: float) -> dict[str, Any]:
        """The helper's next line; a helper that ends, says nonsense or is silent past `timeout` is
        ended and reported (an unlock prompt the agent has to answer is why the timeouts are long)."""
        process = self._process
        assert process is not None and process.stdout is not None
        descriptor = process.stdout.fileno()
        deadline = time.monotonic() + timeout
        while b"\n" not in self._unread:
            remaining = deadline - time.monotonic()
            readable = select.select([descriptor], [], [], remaining)[0] if remaining > 0 else []
            if not readable:
                self.release()
                raise KeyringHelperError(f"the keyring helper did not answer within {timeout:.0f} s")
            chunk = os.read(descriptor, 65536)
            if not chunk:
                self.release()
                raise KeyringHelperError("the keyring helper stopped before it answered")
            self._unread += chunk
        line, _, self._unread = self._unread.partition(b"\n")
        try:
            answer = json.loads(line)
        except ValueError:  # not JSON, or not UTF-8: not our helper
            answer = None
        if not isinstance(answer, dict):
            self.release()
            raise KeyringHelperError("the keyring helper answered something that is not an answer")
        return answer

    def _ask(self, request: dict[str, str]) -> object:
        process = self._started()
        assert process.stdin is not None
        try:
            process.stdin.write(json.dumps(request).encode("ascii") + b"\n")
            process.stdin.flush()
        except OSError:
            self.release()
            raise KeyringHelperError("the keyring helper stopped before it answered") from None
        answer = self._answer(self._answer_timeout)
        if "error" in answer:
            kind, text = str(answer["error"]), str(answer.get("text", ""))
            if kind == "PasswordDeleteError":  # "nothing stored under that name", which the store ignores
                from keyring.errors import PasswordDeleteError

                raise PasswordDeleteError(text)
            # Anything else, NoKeyringError included: the keyring the helper found earlier is not there
            # now, which is a failure to say, not "no key saved".
            raise HelperFailure(kind, text)
        return answer.get("value")


def helper_keyring() -> HelperKeyring | None:
    """The widget's keyring on Linux; None elsewhere, or when no helper can be started from here."""
    if not sys.platform.startswith("linux"):
        return None
    command = helper_command()
    if command is None:
        logger.info("No keyring helper beside this program: the keyring is read in-process")
        return None
    return HelperKeyring(  # the timeouts read here, not as defaults bound at import: tests shorten them
        command,
        cwd=HELPER_FOLDER,
        first_answer_timeout=FIRST_ANSWER_TIMEOUT,
        answer_timeout=ANSWER_TIMEOUT,
    )


# -- the helper's side ---------------------------------------------------------------------------


def serve(requests: IO[str], answers: IO[str]) -> int:
    """Answer the widget's requests until its end of the pipe closes."""
    from app.core.credentials import system_keyring
    from app.core.keyring_backends import backend_name, is_usable

    backend = system_keyring()  # what the widget would have used in-process
    usable = backend is not None and is_usable(backend)

    def say(answer: Mapping[str, object]) -> None:
        answers.write(json.dumps(answer) + "\n")
        answers.flush()

    say({"backend": backend_name(backend), "usable": usable})
    for line in requests:
        try:
            request = json.loads(line)
            op, service, username = request["op"], str(request["service"]), str(request["username"])
        except (ValueError, KeyError, TypeError):
            say({"error": "ValueError", "text": "not a keyring request"})
            continue
        try:
            if backend is None or not usable:
                from keyring.errors import NoKeyringError

                raise NoKeyringError("no keyring")
            if op == "get":
                say({"value": backend.get_password(service, username)})
            elif op == "set":
                backend.set_password(service, username, str(request["password"]))
                say({"value": None})
            elif op == "delete":
                backend.delete_password(service, username)
                say({"value": None})
            else:
                say({"error": "ValueError", "text": f"unknown operation {op!r}"})
        except Exception as error:
            # The widget blanks out any secret the text may echo (CredentialStore._reason).
            say({"error": type(error).__name__, "text": str(error)})
    return 0


def run_helper() -> int:
    """`ccc-break --keyring-helper`: stdin and stdout are the widget's pipes."""
    return serve(sys.stdin, sys.stdout)

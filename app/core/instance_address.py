"""Where the one-widget-per-session guard listens: private to this user and this login session.

On a shared desktop (terminal server, Citrix, fast user switching) every user and every session of a
user gets its own widget. A name under the machine-wide temp folder could be taken by anyone; the
socket lives in a folder only this user can write, and a folder that is not private is refused.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

from app.core.i18n import _


class InstanceAddress(NamedTuple):
    """What QLocalServer and QLocalSocket take: a socket path on Unix, a pipe name on Windows.
    `problem` says why no guard is possible; the widget then starts anyway and says so."""

    name: str
    problem: str | None = None


def _tag(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", text)[:40] or "default"


def session_tag(environ: Mapping[str, str]) -> str:
    """This login session: the display the widget shows on (the same for the autostart entry and the
    app launcher, which may differ in XDG_SESSION_ID), else systemd-logind's session id."""
    display = environ.get("WAYLAND_DISPLAY") or environ.get("DISPLAY") or ""
    if display:
        return "display" + _tag(display)
    if environ.get("XDG_SESSION_ID"):
        return _tag(environ["XDG_SESSION_ID"])
    return "default"


def private_dir_problem(path: Path, uid: int) -> str | None:
    """None when `path` is a real folder of `uid` that nobody else may write or enter."""
    try:
        info = path.lstat()
    except OSError as error:
        return _("{path} cannot be used ({error})").format(path=path, error=error.strerror or error)
    if not stat.S_ISDIR(info.st_mode):
        return _("{path} is not a folder").format(path=path)
    if info.st_uid != uid:
        return _("{path} belongs to another user").format(path=path)
    if info.st_mode & 0o077:
        return _("{path} can be used by other users").format(path=path)
    return None


def instance_address(
    app_id: str,
    *,
    environ: Mapping[str, str] | None = None,
    temp_root: Path | None = None,
    platform: str = sys.platform,
) -> InstanceAddress:
    environ = os.environ if environ is None else environ
    if platform == "win32":
        return _windows_address(app_id, environ)
    uid = os.getuid()
    session = session_tag(environ)
    runtime = environ.get("XDG_RUNTIME_DIR")
    folder: Path | None = Path(runtime) if runtime and private_dir_problem(Path(runtime), uid) is None else None
    if folder is None:
        # No usable per-user runtime folder: a private one of ours under the temp folder.
        import tempfile

        folder = (temp_root or Path(tempfile.gettempdir())) / f"{app_id}-{uid}"
        with contextlib.suppress(OSError):  # a folder we cannot make is reported just below
            folder.mkdir(mode=0o700, exist_ok=True)
        problem = private_dir_problem(folder, uid)
        if problem is not None:
            return InstanceAddress(
                str(folder / f"{app_id}-{session}.sock"),
                _("The check for a second CCC Break was skipped: {problem}. Ask IT to look at it.").format(
                    problem=problem
                ),
            )
    return InstanceAddress(str(folder / f"{app_id}-{session}.sock"))


def _windows_address(app_id: str, environ: Mapping[str, str]) -> InstanceAddress:
    # Pipe names are machine-wide on Windows: name the user by the SID of our own token (USERNAME is
    # only an environment variable anyone can set) and the Remote Desktop session. Another user can
    # still create a pipe of that name first; the widget checks who serves it (pipe_peer_sid).
    try:
        user = process_user_sid()
    except OSError as error:
        fallback = _tag(f"{environ.get('USERDOMAIN', '')}-{environ.get('USERNAME', '')}")
        return InstanceAddress(
            f"{app_id}-{fallback}-{_windows_session_id()}",
            _("The check for a second CCC Break was skipped: Windows did not say who you are ({error}).").format(
                error=error
            ),
        )
    return InstanceAddress(f"{app_id}-{user}-{_windows_session_id()}")


def _windows_session_id() -> int:
    import ctypes

    session = ctypes.c_uint32(0)
    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    if kernel32.ProcessIdToSessionId(kernel32.GetCurrentProcessId(), ctypes.byref(session)):
        return int(session.value)
    return 0


_TOKEN_QUERY = 0x0008
_TOKEN_USER = 1  # TOKEN_INFORMATION_CLASS.TokenUser
_PROCESS_QUERY_LIMITED_INFORMATION = 0x1000


def process_user_sid(pid: int | None = None) -> str:
    """The string SID ("S-1-5-21-...") of the user a process runs as; ours when `pid` is None (Windows)."""
    import ctypes
    from ctypes import wintypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
    advapi32 = ctypes.WinDLL("advapi32", use_last_error=True)  # type: ignore[attr-defined]
    kernel32.OpenProcess.restype = wintypes.HANDLE
    kernel32.GetCurrentProcess.restype = wintypes.HANDLE
    advapi32.OpenProcessToken.argtypes = [wintypes.HANDLE, wintypes.DWORD, ctypes.POINTER(wintypes.HANDLE)]
    advapi32.GetTokenInformation.argtypes = [
        wintypes.HANDLE, ctypes.c_int, ctypes.c_void_p, wintypes.DWORD, ctypes.POINTER(wintypes.DWORD)
    ]  # fmt: skip
    advapi32.ConvertSidToStringSidW.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_wchar_p)]
    kernel32.CloseHandle.argtypes = [wintypes.HANDLE]

    def failed(what: str) -> OSError:
        return OSError(f"{what} failed (error {ctypes.get_last_error()})")  # type: ignore[attr-defined]

    if pid is None:
        process = kernel32.GetCurrentProcess()  # a pseudo-handle: nothing to close
    else:
        process = kernel32.OpenProcess(_PROCESS_QUERY_LIMITED_INFORMATION, False, pid)
        if not process:
            raise failed("OpenProcess")
    token = wintypes.HANDLE()
    try:
        if not advapi32.OpenProcessToken(process, _TOKEN_QUERY, ctypes.byref(token)):
            raise failed("OpenProcessToken")
        try:
            size = wintypes.DWORD(0)
            advapi32.GetTokenInformation(token, _TOKEN_USER, None, 0, ctypes.byref(size))
            buffer = ctypes.create_string_buffer(size.value or 256)
            if not advapi32.GetTokenInformation(token, _TOKEN_USER, buffer, len(buffer), ctypes.byref(size)):
                raise failed("GetTokenInformation")
            sid = ctypes.c_void_p.from_buffer(buffer).value  # TOKEN_USER starts with SID_AND_ATTRIBUTES.Sid
            text = ctypes.c_wchar_p()
            if not advapi32.ConvertSidToStringSidW(sid, ctypes.byref(text)):
                raise failed("ConvertSidToStringSidW")
            try:
                return str(text.value)
            finally:
                kernel32.LocalFree(text)
        finally:
            kernel32.CloseHandle(token)
    finally:
        if pid is not None:
            kernel32.CloseHandle(process)


def pipe_peer_sid(pipe_handle: int, *, of_server: bool) -> str | None:
    """The SID of the user at the other end of a named pipe (Windows): the process serving it when
    `of_server` (we connected), else the client's (we serve). None when Windows cannot say."""
    import ctypes
    from ctypes import wintypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
    query = kernel32.GetNamedPipeServerProcessId if of_server else kernel32.GetNamedPipeClientProcessId
    query.argtypes = [wintypes.HANDLE, ctypes.POINTER(wintypes.ULONG)]
    pid = wintypes.ULONG(0)
    if not query(wintypes.HANDLE(pipe_handle), ctypes.byref(pid)) or not pid.value:
        return None
    try:
        return process_user_sid(int(pid.value))
    except OSError:
        return None

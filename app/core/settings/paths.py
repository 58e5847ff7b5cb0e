"""Where the settings files are on each platform, and which of them an administrator owns.

The organisation's file may lock settings; so that an agent cannot lock (or unlock) settings with a
file of their own, a file found through XDG_CONFIG_DIRS or CCC_BREAK_SYSTEM_CONFIG locks only when
`is_admin_owned` says so. Every file may still supply defaults.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

from app import APP_ID
from app.core.errors import ConfigError
from app.core.i18n import _

CONFIG_FILE_NAME = f"{APP_ID}.ini"
#: For tests and trials: one more organisation file, read before the platform's own (never instead).
SYSTEM_CONFIG_ENV = "CCC_BREAK_SYSTEM_CONFIG"
USER_CONFIG_DIR_ENV = "CCC_BREAK_CONFIG_DIR"
LOG_DIR_ENV = "CCC_BREAK_LOG_DIR"
LINUX_SYSTEM_DIR = "/etc/xdg"


class ConfigPaths(NamedTuple):
    user_file: Path
    system_files: tuple[Path, ...]  # highest priority first
    # Files that may give defaults but never lock, whoever owns them: on Windows, where ownership is
    # not checked, the file CCC_BREAK_SYSTEM_CONFIG names (an agent can set that variable).
    defaults_only: frozenset[Path] = frozenset()
    # Where this PC's own files go (the window's place per monitor setup, a state's remembered start):
    # %LOCALAPPDATA% on Windows, since the settings roam with the agent and these must not; beside the
    # settings elsewhere.
    machine_dir: Path | None = None
    # Where an earlier version kept the settings file (Windows: %LOCALAPPDATA%, before they roamed); the
    # store moves it to user_file once, so an upgrade loses nothing.
    earlier_user_file: Path | None = None

    @property
    def local_dir(self) -> Path:
        return self.machine_dir or self.user_file.parent


_PROFILE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def is_admin_owned(path: Path) -> bool:
    """True when `path` may lock settings: on Unix the file and its folder are owned by root and not
    writable by group or others (checked on the resolved path, so a symlink does not help).

    On Windows the rule is unchanged: the file under %ProgramData% is trusted as it is (ownership is not
    checked there, and cannot be tested on the Linux CI).
    """
    if os.name == "nt":
        return True
    try:
        real = path.resolve(strict=True)
        for target in (real, real.parent):
            status = os.stat(target)
            if status.st_uid != 0 or status.st_mode & 0o022:
                return False
    except (OSError, RuntimeError):
        return False
    return True


def _windows_app_dir(environ: Mapping[str, str], *, roaming: bool) -> Path:
    """%APPDATA%\\ccc-break (roaming: follows the agent from desk to desk) or %LOCALAPPDATA%\\ccc-break
    (this PC only). On Windows the shell says where (platformdirs asks it), whatever the environment
    says; elsewhere (tests) the environment."""
    if sys.platform == "win32":
        import platformdirs  # imported only where the OS is asked: on Linux it would be 2-3 ms of each start

        return Path(platformdirs.user_config_dir(APP_ID, appauthor=False, roaming=roaming))
    variable, fallback = ("APPDATA", "Roaming") if roaming else ("LOCALAPPDATA", "Local")
    base = environ.get(variable) or (environ.get("USERPROFILE", "C:\\Users\\Default") + "\\AppData\\" + fallback)
    return Path(base.rstrip("\\") + "\\" + APP_ID)


def _user_config_dir(environ: Mapping[str, str], platform: str) -> Path:
    override = environ.get(USER_CONFIG_DIR_ENV)
    if override:
        return Path(override)
    if platform == "win32":
        return _windows_app_dir(environ, roaming=True)
    if platform == "darwin":
        if sys.platform == "darwin":
            import platformdirs

            return Path(platformdirs.user_config_dir(APP_ID, appauthor=False))
        home = environ.get("HOME") or str(Path.home())
        return Path(home) / "Library" / "Application Support" / APP_ID
    # Linux and other Unix: what platformdirs does, but from `environ` so tests can pass their own.
    return _xdg_home(environ, "XDG_CONFIG_HOME", ".config") / APP_ID


def _xdg_home(environ: Mapping[str, str], variable: str, under_home: str) -> Path:
    """An XDG base directory: the variable when it is an absolute path (the spec ignores others), else
    its default under the home folder."""
    chosen = environ.get(variable, "").strip()
    if chosen and os.path.isabs(chosen):
        return Path(chosen)
    return Path(environ.get("HOME") or str(Path.home())) / under_home


def _platform_system_files(environ: Mapping[str, str], platform: str) -> list[Path]:
    if platform == "win32":
        program_data = _windows_program_data(environ).rstrip("\\")
        return [Path(f"{program_data}\\{APP_ID}\\{CONFIG_FILE_NAME}")]
    if platform == "darwin":
        return [Path("/Library/Application Support") / APP_ID / CONFIG_FILE_NAME]
    dirs = [d for d in environ.get("XDG_CONFIG_DIRS", "").split(":") if d and os.path.isabs(d)]
    if LINUX_SYSTEM_DIR not in dirs:
        dirs.append(LINUX_SYSTEM_DIR)
    return [Path(directory) / APP_ID / CONFIG_FILE_NAME for directory in dirs]


def _windows_program_data(environ: Mapping[str, str]) -> str:
    """%ProgramData% as Windows knows it: an agent can set the environment variable for their own
    session, so on Windows the shell is asked (FOLDERID_ProgramData); elsewhere (tests) the environment."""
    if sys.platform == "win32":
        import ctypes
        from ctypes import wintypes

        class _Guid(ctypes.Structure):
            _fields_ = [("a", wintypes.DWORD), ("b", wintypes.WORD), ("c", wintypes.WORD), ("d", ctypes.c_ubyte * 8)]

        program_data_id = _Guid(
            0x62AB5D82, 0xFDC1, 0x4DC3, (ctypes.c_ubyte * 8)(0xA9, 0xDD, 0x07, 0x0D, 0x1D, 0x49, 0x5D, 0x97)
        )
        found = ctypes.c_wchar_p()
        shell32 = ctypes.windll.shell32  # type: ignore[attr-defined]
        if shell32.SHGetKnownFolderPath(ctypes.byref(program_data_id), 0, None, ctypes.byref(found)) == 0:
            try:
                return str(found.value)
            finally:
                ctypes.windll.ole32.CoTaskMemFree(found)  # type: ignore[attr-defined]
    return environ.get("ProgramData") or environ.get("PROGRAMDATA") or "C:\\ProgramData"


def _system_files(environ: Mapping[str, str], platform: str) -> tuple[Path, ...]:
    # CCC_BREAK_SYSTEM_CONFIG adds a file; it never removes the organisation's (an empty value is unset).
    override = environ.get(SYSTEM_CONFIG_ENV, "")
    candidates = ([Path(override)] if override else []) + _platform_system_files(environ, platform)
    files: list[Path] = []
    for path in candidates:
        if path not in files:
            files.append(path)
    return tuple(files)


def default_config_paths(
    profile: str = "default", environ: Mapping[str, str] = os.environ, platform: str = sys.platform
) -> ConfigPaths:
    """The user file for `profile` ("demo" keeps demo settings apart) and the system files to read."""
    if not _PROFILE.match(profile):
        raise ConfigError(
            _("'{profile}' is not a valid profile name; use letters, digits, - and _.").format(profile=profile)
        )
    name = CONFIG_FILE_NAME if profile == "default" else f"{profile}.ini"
    override = environ.get(SYSTEM_CONFIG_ENV, "")
    on_windows = platform == "win32" and not environ.get(USER_CONFIG_DIR_ENV)
    local_dir = _windows_app_dir(environ, roaming=False) if on_windows else None
    return ConfigPaths(
        user_file=_user_config_dir(environ, platform) / name,
        system_files=_system_files(environ, platform),
        defaults_only=frozenset({Path(override)}) if override and platform == "win32" else frozenset(),
        machine_dir=local_dir,
        earlier_user_file=local_dir / name if local_dir is not None else None,
    )


def default_log_dir(environ: Mapping[str, str] = os.environ) -> Path:
    """Where the widget's log goes: CCC_BREAK_LOG_DIR, else the platform's place for an app's logs."""
    override = environ.get(LOG_DIR_ENV)
    if override:
        return Path(override)
    if sys.platform in ("win32", "darwin"):
        import platformdirs  # %LOCALAPPDATA%\ccc-break\Logs, ~/Library/Logs/ccc-break: the OS is asked

        return Path(platformdirs.user_log_dir(APP_ID, appauthor=False))
    # Linux and other Unix: platformdirs' answer ($XDG_STATE_HOME/ccc-break/log), without its 2-3 ms
    # import on the way to the first window.
    return _xdg_home(environ, "XDG_STATE_HOME", ".local/state") / APP_ID / "log"

"""Launch at login: the files and registry values each desktop reads at sign-in."""

from __future__ import annotations

import plistlib
import subprocess
import sys
from pathlib import Path

import pytest

from app.core.autostart import (
    LAUNCH_AGENT_LABEL,
    RUN_KEY,
    RUN_VALUE_NAME,
    AutoStartError,
    LaunchAgentAutoStart,
    NullAutoStart,
    WindowsRunKeyAutoStart,
    XdgAutoStart,
    autostart_for,
    launch_command,
)
from app.core.autostart.xdg import read_desktop_entry

SPACED = ["/opt/CCC Break/ccc-break", "--minimized"]


def parse_exec(value: str) -> list[str]:
    """Split an Exec= value the way the Desktop Entry spec says a launcher must (independent oracle)."""
    # 1. string-value escapes
    unescaped, i = [], 0
    while i < len(value):
        ch = value[i]
        if ch == "\\" and i + 1 < len(value):
            unescaped.append({"s": " ", "n": "\n", "t": "\t", "r": "\r", "\\": "\\"}.get(value[i + 1], "?"))
            i += 2
            continue
        unescaped.append(ch)
        i += 1
    text = "".join(unescaped)
    # 2. quoting
    args: list[str] = []
    current: list[str] = []
    in_arg = quoted = False
    i = 0
    while i < len(text):
        ch = text[i]
        if quoted:
            if ch == "\\" and text[i + 1] in '"`$\\':
                current.append(text[i + 1])
                i += 1
            elif ch == '"':
                quoted = False
            else:
                current.append(ch)
        elif ch == '"':
            quoted = in_arg = True
        elif ch == " ":
            if in_arg:
                args.append("".join(current))
                current, in_arg = [], False
        else:
            current.append(ch)
            in_arg = True
        i += 1
    assert not quoted, f"unterminated quote in {value!r}"
    if in_arg:
        args.append("".join(current))
    # 3. field codes: only %% may appear in our entries
    return [arg.replace("%%", "%") for arg in args]


@pytest.fixture
def xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    config_home = tmp_path / "config"
    system_dir = tmp_path / "etc-xdg"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config_home))
    monkeypatch.setenv("XDG_CONFIG_DIRS", f"{system_dir}:{tmp_path / 'other'}")
    return config_home, system_dir


def linux_backend() -> XdgAutoStart:
    backend = autostart_for("linux")
    assert isinstance(backend, XdgAutoStart)
    return backend


def write_system_entry(system_dir: Path, hidden: bool = False) -> Path:
    entry = system_dir / "autostart" / "ccc-break.desktop"
    entry.parent.mkdir(parents=True)
    entry.write_text(
        "[Desktop Entry]\nType=Application\nName=CCC Break\nExec=ccc-break --minimized\n"
        + ("Hidden=true\n" if hidden else "")
    )
    return entry


@pytest.mark.linux_only
def test_linux_enable_writes_a_user_entry_the_session_will_start(xdg: tuple[Path, Path]) -> None:
    config_home, _ = xdg
    backend = linux_backend()
    backend.command = SPACED

    assert not backend.is_enabled()
    backend.set_enabled(True)

    entry = config_home / "autostart" / "ccc-break.desktop"
    values = read_desktop_entry(entry)
    assert values["Type"] == "Application"
    assert values["X-GNOME-Autostart-enabled"] == "true"
    assert "Hidden" not in values
    assert parse_exec(values["Exec"]) == SPACED
    assert backend.is_enabled()
    assert str(entry) in backend.describe()


@pytest.mark.linux_only
def test_linux_disable_without_system_entry_removes_the_file(xdg: tuple[Path, Path]) -> None:
    config_home, _ = xdg
    backend = linux_backend()
    backend.set_enabled(True)
    backend.set_enabled(False)
    assert not (config_home / "autostart" / "ccc-break.desktop").exists()
    assert not backend.is_enabled()
    backend.set_enabled(False)  # disabling twice is not an error


@pytest.mark.linux_only
def test_linux_user_entry_masks_the_system_entry_and_removing_it_restores_it(
    xdg: tuple[Path, Path],
) -> None:
    config_home, system_dir = xdg
    system_entry = write_system_entry(system_dir)
    backend = linux_backend()
    user_entry = config_home / "autostart" / "ccc-break.desktop"

    assert backend.is_enabled(), "the package's system entry starts the app for everybody"
    assert str(system_entry) in backend.describe()

    backend.set_enabled(True)
    assert backend.is_enabled()

    backend.set_enabled(False)
    assert read_desktop_entry(user_entry)["Hidden"] == "true"
    assert system_entry.exists(), "a user must never need root to opt out"
    assert not backend.is_enabled()

    user_entry.unlink()  # the user removes the override by hand
    assert backend.is_enabled()


@pytest.mark.linux_only
def test_linux_disabled_system_entry_counts_as_off(xdg: tuple[Path, Path]) -> None:
    _, system_dir = xdg
    write_system_entry(system_dir, hidden=True)
    assert not linux_backend().is_enabled()


@pytest.mark.linux_only
@pytest.mark.parametrize(
    "arg",
    ["/plain/path", "/with space/x", 'quote"s', "dollar$HOME", "back\\slash", "tick`s", "100%", "a;b&c"],
)
def test_linux_exec_survives_awkward_paths(xdg: tuple[Path, Path], arg: str) -> None:
    config_home, _ = xdg
    backend = linux_backend()
    backend.command = [arg, "--minimized"]
    backend.set_enabled(True)
    values = read_desktop_entry(config_home / "autostart" / "ccc-break.desktop")
    assert parse_exec(values["Exec"]) == [arg, "--minimized"]


@pytest.mark.linux_only
def test_linux_relative_xdg_config_home_is_ignored(tmp_path: Path) -> None:
    backend = autostart_for("linux", {"XDG_CONFIG_HOME": "relative", "HOME": str(tmp_path)})
    assert isinstance(backend, XdgAutoStart)
    assert backend.user_entry == tmp_path / ".config" / "autostart" / "ccc-break.desktop"
    assert backend.config_dirs == [Path("/etc/xdg")]


@pytest.mark.linux_only
def test_linux_unwritable_home_gives_an_actionable_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    backend = XdgAutoStart(blocker, [], SPACED)
    with pytest.raises(AutoStartError, match="launch at login"):
        backend.set_enabled(True)


def test_macos_launch_agent_parses_back(tmp_path: Path) -> None:
    backend = autostart_for("darwin", {}, home=tmp_path)
    assert isinstance(backend, LaunchAgentAutoStart)
    backend.command = SPACED

    backend.set_enabled(True)
    with (tmp_path / "Library" / "LaunchAgents" / f"{LAUNCH_AGENT_LABEL}.plist").open("rb") as handle:
        agent = plistlib.load(handle)
    assert agent["Label"] == LAUNCH_AGENT_LABEL == "com.cccbreak.widget"
    assert agent["ProgramArguments"] == SPACED
    assert agent["RunAtLoad"] is True
    assert agent["ProcessType"] == "Interactive"
    assert backend.is_enabled()

    backend.set_enabled(False)
    assert not backend.is_enabled()
    assert not backend.plist_path.exists()


def test_macos_mentions_an_agent_it_installed_for_everybody(tmp_path: Path) -> None:
    system_dir = tmp_path / "Library-LaunchAgents"
    system_dir.mkdir()
    (system_dir / f"{LAUNCH_AGENT_LABEL}.plist").write_bytes(plistlib.dumps({"Label": LAUNCH_AGENT_LABEL}))
    backend = LaunchAgentAutoStart(tmp_path, SPACED, system_agents_dir=system_dir)
    assert "every user" in backend.describe()


class FakeRunKey:
    """In-memory stand-in for one registry key."""

    def __init__(self) -> None:
        self.values: dict[str, str] = {}

    def get_value(self, name: str) -> str | None:
        return self.values.get(name)

    def set_value(self, name: str, value: str) -> None:
        self.values[name] = value

    def delete_value(self, name: str) -> None:
        self.values.pop(name, None)


def test_windows_run_value_quotes_a_path_with_spaces() -> None:
    registry = FakeRunKey()
    backend = autostart_for("win32", {}, registry=registry)
    assert isinstance(backend, WindowsRunKeyAutoStart)
    backend.command = [r"C:\Program Files\CCC Break\ccc-break.exe", "--minimized"]

    backend.set_enabled(True)
    assert registry.values == {RUN_VALUE_NAME: r'"C:\Program Files\CCC Break\ccc-break.exe" --minimized'}
    assert backend.is_enabled()
    assert RUN_KEY in backend.describe() and "HKEY_CURRENT_USER" in backend.describe()

    backend.set_enabled(False)
    assert registry.values == {}
    assert not backend.is_enabled()


def test_windows_registry_refusal_becomes_an_autostart_error() -> None:
    class Refusing(FakeRunKey):
        def set_value(self, name: str, value: str) -> None:
            raise PermissionError(5, "Access is denied")

    backend = WindowsRunKeyAutoStart(Refusing(), SPACED)
    with pytest.raises(AutoStartError, match="HKEY_CURRENT_USER"):
        backend.set_enabled(True)


def test_windows_describe_mentions_the_machine_wide_value() -> None:
    machine = FakeRunKey()
    machine.values[RUN_VALUE_NAME] = r'"C:\Program Files\CCC Break\ccc-break.exe" --minimized'
    backend = WindowsRunKeyAutoStart(FakeRunKey(), SPACED, machine_registry=machine)
    assert "HKEY_LOCAL_MACHINE" in backend.describe()


def test_windows_without_a_reachable_registry_is_the_null_backend() -> None:
    expected = WindowsRunKeyAutoStart if sys.platform == "win32" else NullAutoStart
    assert isinstance(autostart_for("win32", {}), expected)


def test_unknown_platform_falls_back_to_doing_nothing() -> None:
    backend = autostart_for("plan9", {})
    assert isinstance(backend, NullAutoStart)
    assert backend.available is False
    backend.set_enabled(True)
    assert not backend.is_enabled()
    assert "plan9" in backend.describe()


def test_frozen_app_starts_itself() -> None:
    command = launch_command(frozen=True, executable="/opt/ccc-break/ccc-break", argv0="/usr/bin/ccc-break")
    assert command == ["/opt/ccc-break/ccc-break", "--minimized"]


def test_pip_install_uses_the_console_script_next_to_the_interpreter(tmp_path: Path) -> None:
    python = tmp_path / "bin" / "python3"
    python.parent.mkdir()
    python.write_text("")
    script = tmp_path / "bin" / "ccc-break"
    script.write_text("")
    assert launch_command(False, str(python), "/somewhere/else/pytest") == [str(script), "--minimized"]


def test_pip_install_prefers_the_script_it_was_started_through(tmp_path: Path) -> None:
    started = tmp_path / "local-bin" / "ccc-break"
    started.parent.mkdir()
    started.write_text("")
    command = launch_command(False, str(tmp_path / "venv" / "bin" / "python"), str(started))
    assert command == [str(started), "--minimized"]


def test_pip_install_on_windows_starts_the_windowed_launcher_from_the_scripts_folder(tmp_path: Path) -> None:
    """Not the console ccc-break.exe, even when started through it: that would open a console window
    at every sign-in (tests/windows/test_windows_autostart.py checks the real launcher's PE header)."""
    python = tmp_path / "Python311" / "python.exe"
    console = tmp_path / "Python311" / "Scripts" / "ccc-break.exe"
    windowed = tmp_path / "Python311" / "Scripts" / "ccc-break-gui.exe"
    console.parent.mkdir(parents=True)
    console.write_text("")
    windowed.write_text("")
    assert launch_command(False, str(python), str(console)) == [str(windowed), "--minimized"]


def test_on_windows_without_the_launcher_pythonw_runs_the_package(tmp_path: Path) -> None:
    python = tmp_path / "python.exe"
    pythonw = tmp_path / "pythonw.exe"
    pythonw.write_text("")
    assert launch_command(False, str(python), "-c") == [str(pythonw), "-m", "app", "--minimized"]


def test_without_console_script_the_interpreter_runs_the_package(tmp_path: Path) -> None:
    python = str(tmp_path / "python3")
    assert launch_command(False, python, "-c") == [python, "-m", "app", "--minimized"]


def test_windows_command_line_matches_list2cmdline() -> None:
    backend = WindowsRunKeyAutoStart(FakeRunKey(), ["C:\\a b\\c.exe", "--minimized"])
    assert backend.command_line() == subprocess.list2cmdline(["C:\\a b\\c.exe", "--minimized"])

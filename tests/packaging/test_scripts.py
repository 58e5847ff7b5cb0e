"""Installer scripts and manifests are valid before anyone runs them on a real desktop."""

from __future__ import annotations

import configparser
import plistlib
import subprocess
from pathlib import Path

import pytest

from .tools import PACKAGING, ROOT, require, run

SHELL_SCRIPTS = [*sorted(PACKAGING.rglob("*.sh")), PACKAGING / "macos" / "scripts" / "postinstall"]
PLISTS = sorted(PACKAGING.rglob("*.plist"))


def test_every_shell_script_is_covered() -> None:
    names = {p.relative_to(PACKAGING).as_posix() for p in SHELL_SCRIPTS}
    assert {"linux/build-deb.sh", "windows/build-msi-stub.sh", "macos/build-pkg.sh"} <= names


@pytest.mark.parametrize("script", SHELL_SCRIPTS, ids=lambda p: p.relative_to(PACKAGING).as_posix())
def test_shell_script_parses_and_is_shellcheck_clean(script: Path) -> None:
    run("bash", "-n", script)
    run(require("shellcheck", "shellcheck"), "-x", script)


@pytest.mark.parametrize("plist", PLISTS, ids=lambda p: p.name)
def test_plist_parses(plist: Path) -> None:
    with plist.open("rb") as handle:
        assert isinstance(plistlib.load(handle), dict)


def test_system_launch_agent_matches_the_per_user_one() -> None:
    from app.core.autostart import LAUNCH_AGENT_LABEL
    from app.core.autostart.launchd import launch_agent

    with (PACKAGING / "macos" / f"{LAUNCH_AGENT_LABEL}.plist").open("rb") as handle:
        system = plistlib.load(handle)
    user = launch_agent(system["ProgramArguments"])
    assert system == user
    assert system["ProgramArguments"][-1] == "--minimized"
    assert f'BUNDLE_ID = "{LAUNCH_AGENT_LABEL}"' in (PACKAGING / "ccc-break.spec").read_text()


def test_macos_postinstall_writes_config_and_agent(tmp_path: Path) -> None:
    resources = tmp_path / "Applications" / "CCC Break.app" / "Contents" / "Resources"
    resources.mkdir(parents=True)
    (resources / "com.cccbreak.widget.plist").write_bytes(
        (PACKAGING / "macos" / "com.cccbreak.widget.plist").read_bytes()
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "INSTANCEID": "ccc-test",
        "REGION": "ap-southeast-1",
        "AUTOSTART": "1",
        "LOCKED": "instance_id,region",
        "CCC_BREAK_INSTALL_OPTIONS": str(tmp_path / "none.plist"),
    }

    subprocess.run(
        ["bash", str(PACKAGING / "macos" / "scripts" / "postinstall"), "pkg", "/", str(tmp_path), "/"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(tmp_path / "Library" / "Application Support" / "ccc-break" / "ccc-break.ini")
    assert dict(parser["ccc-break"]) == {
        "instance_id": "ccc-test",
        "region": "ap-southeast-1",
        "locked": "instance_id,region",
    }
    assert (tmp_path / "Library" / "LaunchAgents" / "com.cccbreak.widget.plist").is_file()


def test_system_config_template_is_valid_ini_with_every_key_documented() -> None:
    text = (PACKAGING / "config" / "ccc-break.ini").read_text()
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string(text)
    assert parser.has_section("ccc-break")
    for key in (
        "region",
        "endpoint",
        "instance_id",
        "user_id",
        "user_domain",
        "device_id",
        "signature",
        "poll_interval",
        "request_timeout",
        "launch_at_login",
        "break_codes",
        "locked",
    ):
        assert f"#{key} =" in text, key


def test_desktop_entry_launches_the_console_script() -> None:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(ROOT / "resources" / "ccc-break.desktop")
    entry = parser["Desktop Entry"]
    assert entry["Name"] == "CCC Break"
    assert entry["Exec"] == "ccc-break"
    assert entry["Icon"] == "ccc-break"
    assert entry["Categories"] == "Office;Network;"
    assert entry["StartupNotify"] == "false"

"""The MSI under Wine's msiexec: a silent install applies IT's properties, the installed app honours
them, and uninstall leaves no file and no registry value behind. run_stage.sh builds it with wixl
(build-msi-stub.sh around the PyInstaller build made under Wine) and names it in CCC_BREAK_TEST_MSI."""

from __future__ import annotations

import configparser
import json
import os
import subprocess
import winreg
from pathlib import Path

import pytest

from app.core.autostart import RUN_KEY, RUN_VALUE_NAME
from app.core.settings.paths import default_config_paths

pytestmark = pytest.mark.windows_only

PROPERTIES = {
    "INSTANCEID": "ccc-wine",
    "REGION": "cn-beijing",
    "ENDPOINT": "https://ccc.example.test",
    "USERDOMAIN": "ccc-wine",
    "LOCKED": "instance_id,region",
    "AUTOSTART": "1",
}


def msiexec(*args: str) -> None:
    result = subprocess.run(["msiexec", *args, "/qn"], capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, f"msiexec {args[0]} failed ({result.returncode}): {result.stdout}{result.stderr}"


def hklm_value(key: str, name: str) -> str | None:
    try:
        with winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE, key, 0, winreg.KEY_READ | winreg.KEY_WOW64_64KEY) as handle:
            return str(winreg.QueryValueEx(handle, name)[0])
    except FileNotFoundError:
        return None


def hklm_key_exists(key: str) -> bool:
    try:
        winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE, key, 0, winreg.KEY_READ | winreg.KEY_WOW64_64KEY).Close()
    except FileNotFoundError:
        return False
    return True


def test_a_silent_install_applies_its_properties_and_uninstall_leaves_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    msi = os.environ.get("CCC_BREAK_TEST_MSI", "")
    assert msi and Path(msi).is_file(), "run through tests/windows/run_stage.sh, which builds the MSI"
    monkeypatch.delenv("CCC_BREAK_SYSTEM_CONFIG")
    system_file = default_config_paths().system_files[-1]  # %ProgramData%\ccc-break\ccc-break.ini
    program = Path(os.environ["PROGRAMW6432"]) / "CCC Break" / "ccc-break.exe"

    msiexec("/i", msi, *(f"{name}={value}" for name, value in PROPERTIES.items()))
    try:
        assert program.is_file()
        # The Qt-free console command comes with it, for IT's scripts (`ccc-break-cli status` in a console).
        cli = subprocess.run(
            [str(program.with_name("ccc-break-cli.exe")), "--version"], capture_output=True, text=True, timeout=120
        )
        assert cli.returncode == 0 and cli.stdout.startswith("ccc-break "), cli.stdout + cli.stderr
        ini = configparser.ConfigParser()
        assert ini.read(system_file, encoding="utf-8"), f"no settings file at {system_file}"
        assert dict(ini["ccc-break"]) == {
            "instance_id": "ccc-wine",
            "region": "cn-beijing",
            "endpoint": "https://ccc.example.test",
            "user_domain": "ccc-wine",
            "locked": "instance_id,region",
        }
        assert hklm_value(RUN_KEY, RUN_VALUE_NAME) == f'"{program}" --minimized'
        # The installed app reads them: its doctor report names IT's file and the locks.
        doctor = subprocess.run(
            [str(program), "doctor", "--json"], capture_output=True, text=True, timeout=120, check=False
        )
        config = next(check for check in json.loads(doctor.stdout)["checks"] if check["name"] == "Config files")
        assert str(system_file) in config["data"]["files"]
        # A locked region locks the endpoint too (docs/it-deployment.md, Locking).
        assert sorted(config["data"]["locked"]) == ["endpoint", "instance_id", "region"]
    finally:
        msiexec("/x", msi)

    assert not program.parent.exists(), "program files left behind"
    assert not system_file.parent.exists(), f"settings left behind in {system_file.parent}"
    assert hklm_value(RUN_KEY, RUN_VALUE_NAME) is None, "the machine-wide Run value survived uninstall"
    assert not hklm_key_exists(r"Software\ccc-break"), r"HKLM\Software\ccc-break survived uninstall"

"""The Windows installer, built with wixl from a stand-in payload: what msiexec /qn would do."""

from __future__ import annotations

from pathlib import Path

import pytest

from .tools import PACKAGING, VERSION, require, run

pytestmark = [pytest.mark.packaging, pytest.mark.timeout(300)]


@pytest.fixture(scope="module")
def msi(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require("wixl", "wixl")
    require("msibuild", "msitools")
    out = tmp_path_factory.mktemp("msi") / "ccc-break.msi"
    run("bash", PACKAGING / "windows" / "build-msi-stub.sh", out)
    return out


def table(msi: Path, name: str) -> list[dict[str, str]]:
    lines = run(require("msiinfo", "msitools"), "export", msi, name).stdout.splitlines()
    columns = lines[0].split("\t")
    return [dict(zip(columns, line.split("\t"), strict=False)) for line in lines[3:] if line]


def test_properties_make_a_per_machine_upgradeable_install(msi: Path) -> None:
    props = {row["Property"]: row["Value"] for row in table(msi, "Property")}
    assert props["ALLUSERS"] == "1", "per-machine: every agent on the desktop gets it"
    assert props["UpgradeCode"] == "{5C1D3E7A-8F42-4B6E-9A0D-3C2B1E4F5A60}", "never change: upgrades depend on it"
    assert props["ProductVersion"] == VERSION
    assert props["AUTOSTART"] == "0"
    secure = props["SecureCustomProperties"].split(";")
    for name in ("INSTANCEID", "REGION", "ENDPOINT", "USERDOMAIN", "AUTOSTART", "LOCKED"):
        assert name in secure, f"{name} would be dropped from a managed (elevated) silent install"


def test_machine_run_value_only_when_autostart_is_1(msi: Path) -> None:
    run_rows = [r for r in table(msi, "Registry") if r["Key"] == r"Software\Microsoft\Windows\CurrentVersion\Run"]
    assert len(run_rows) == 1
    row = run_rows[0]
    assert row["Root"] == "2", "HKLM"
    assert row["Name"] == "CCC Break"
    assert row["Value"] == '"[INSTALLDIR]ccc-break.exe" --minimized'
    components = {c["Component"]: c for c in table(msi, "Component")}
    assert components[row["Component_"]]["Condition"] == 'AUTOSTART = "1"'


def test_ini_values_go_to_the_system_config_only_when_given(msi: Path) -> None:
    components = {c["Component"]: c for c in table(msi, "Component")}
    rows = {r["Key"]: r for r in table(msi, "IniFile")}
    expected = {
        "instance_id": "INSTANCEID",
        "region": "REGION",
        "endpoint": "ENDPOINT",
        "user_domain": "USERDOMAIN",
        "locked": "LOCKED",
    }
    assert set(rows) == set(expected)
    for key, prop in expected.items():
        row = rows[key]
        assert (row["FileName"], row["DirProperty"], row["Section"]) == ("ccc-break.ini", "CONFIGDIR", "ccc-break")
        assert row["Value"] == f"[{prop}]"
        assert components[row["Component_"]]["Condition"] == prop
    directories = {d["Directory"]: d for d in table(msi, "Directory")}
    assert directories["CONFIGDIR"]["Directory_Parent"] == "CommonAppDataFolder"
    assert directories["CONFIGDIR"]["DefaultDir"] == "ccc-break"
    actions = {r["Action"] for r in table(msi, "InstallExecuteSequence")}
    assert {"WriteIniValues", "RemoveIniValues"} <= actions, "without these the IniFile rows do nothing"


def test_files_shortcut_and_install_folder(msi: Path) -> None:
    directories = {d["Directory"]: d for d in table(msi, "Directory")}
    assert directories["INSTALLDIR"]["Directory_Parent"] == "ProgramFiles64Folder"
    assert directories["INSTALLDIR"]["DefaultDir"].endswith("CCC Break")
    files = {f["FileName"] for f in table(msi, "File")}
    assert any(name.endswith("ccc-break.exe") for name in files)
    assert len(files) > 1, "the onedir payload besides the exe is harvested"
    shortcuts = table(msi, "Shortcut")
    assert [(s["Directory_"], s["Name"], s["Target"]) for s in shortcuts] == [
        ("ProgramMenuFolder", "CCC Break", "[INSTALLDIR]ccc-break.exe")
    ]
    components = table(msi, "Component")
    assert all(int(c["Attributes"]) & 256 for c in components), "64-bit components (no WOW64 redirection)"

"""The PyInstaller build for Windows, as an agent or IT runs it: its version, a doctor report for a
ticket, and a status round trip against `ccc-break simulator`. run_stage.sh builds it under Wine
and names its folder in CCC_BREAK_TEST_EXE_DIR."""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from app import __version__
from tests.test_cli import AGENT_ARGS

pytestmark = pytest.mark.windows_only


@pytest.fixture(scope="module")
def build() -> Path:
    folder = Path(os.environ.get("CCC_BREAK_TEST_EXE_DIR", ""))
    assert (folder / "ccc-break.exe").is_file(), "run through tests/windows/run_stage.sh, which builds it"
    return folder


def run(program: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(program), *args], capture_output=True, text=True, timeout=timeout, check=False)


@pytest.fixture
def simulator(build: Path) -> Iterator[str]:
    process = subprocess.Popen(
        [str(build / "ccc-break-cli.exe"), "simulator", "--port", "0"], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    first_line = process.stdout.readline()
    match = re.search(r"listening on (http://127\.0\.0\.1:\d+)", first_line)
    assert match, f"unexpected simulator output: {first_line!r}"
    yield match.group(1)
    process.terminate()  # Windows has no SIGTERM: TerminateProcess
    process.wait(timeout=30)


@pytest.mark.parametrize("program", ["ccc-break.exe", "ccc-break-cli.exe"])
def test_version_prints_through_a_pipe(build: Path, program: str) -> None:
    """The windowed build prints when its output is redirected, as docs/it-deployment.md promises."""
    result = run(build / program, "--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"ccc-break {__version__}"


def test_doctor_json_is_a_report_it_can_attach(build: Path) -> None:
    result = run(build / "ccc-break.exe", "doctor", "--json")
    report = json.loads(result.stdout)
    assert report["version"] == __version__
    assert {check["name"] for check in report["checks"]} >= {"Config files", "Settings"}
    assert result.returncode != 0 and report["ok"] is False, "no instance is configured here"


def test_status_against_the_simulator(build: Path, simulator: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "demo-access-key-id")
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "demo-access-key-secret")
    result = run(build / "ccc-break-cli.exe", "status", "--json", "--endpoint", simulator, *AGENT_ARGS, timeout=180)
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout)["Data"]["UserState"] == "READY"


def test_the_bundle_leaves_out_the_qt_parts_the_widget_never_uses(build: Path) -> None:
    """The MSI ships this folder: the same exclusions as the .deb (one spec's filter for both), so
    Qt's other languages, image formats, TLS backends and spare platforms stay out of it too."""
    files = [path.relative_to(build).as_posix() for path in build.rglob("*") if path.is_file()]
    kept = ("translations/qtbase_zh_CN.qm", "plugins/platforms/qwindows.dll", "plugins/imageformats/qsvg.dll")
    for needed in kept:
        assert any(path.endswith(needed) for path in files), f"{needed}: the widget needs it"
    assert any(path.endswith("resources/translations/ccc-break_zh_CN.qm") for path in files)
    dropped = [
        path
        for path in files
        if "PySide6/" in path
        and (
            re.search(r"/translations/(qt_|qt_help_|qtbase_(?!en|zh_CN))", path)
            or re.search(r"/plugins/(tls|generic)/.", path)
            or re.search(r"/plugins/imageformats/q(?!svg)", path)
            or re.search(r"/plugins/platforms/q(?!windows)", path)
            or path.endswith("opengl32sw.dll")
        )
    ]
    assert not dropped, f"unused Qt parts are in the Windows bundle: {dropped[:10]}"

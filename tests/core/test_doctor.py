"""`ccc-break doctor` finds what blocks a desktop, against a real simulator and a real X display."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sysconfig
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.core.autostart import NullAutoStart, XdgAutoStart
from app.core.doctor import Outcome, Report, run_doctor
from app.core.startup import build_context
from app.simulator import DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, Simulator, SimulatorConfig
from tests.fixtures.desktop import virtual_desktop

AGENT = {"instance_id": "ccc-test", "user_id": "user-test@ccc-test"}
DEMO_ENV = {
    "ALIBABA_CLOUD_ACCESS_KEY_ID": DEMO_ACCESS_KEY_ID,
    "ALIBABA_CLOUD_ACCESS_KEY_SECRET": DEMO_ACCESS_KEY_SECRET,
}


@pytest.fixture(scope="module")
def desktop_with_tray() -> Iterator[str]:
    with virtual_desktop(tray=True) as display:
        yield display


@pytest.fixture
def on_display(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    """Point the doctor's Qt probe at a real X display (not the offscreen plugin unit tests use)."""

    def use(display: str) -> None:
        monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
        monkeypatch.setenv("DISPLAY", display)

    return use


@pytest.fixture
async def simulator() -> AsyncIterator[Simulator]:
    async with Simulator() as sim:
        yield sim


async def doctor(endpoint: str, environ: dict[str, str] | None = None) -> Report:
    context = build_context({**AGENT, "endpoint": endpoint}, environ={**os.environ, **(environ or DEMO_ENV)})
    return await run_doctor(context)


def outcome(report: Report, name: str) -> Outcome:
    return next(check.outcome for check in report.checks if check.name == name)


@pytest.mark.linux_only
async def test_healthy_desktop_passes(
    simulator: Simulator, desktop_with_tray: str, on_display: Callable[[str], None]
) -> None:
    """A configured desktop with a tray gets a clean bill of health."""
    on_display(desktop_with_tray)
    report = await doctor(simulator.url)
    assert report.ok, report.to_text()
    assert [c.outcome for c in report.checks] == [Outcome.OK] * len(report.checks)
    names = [c.name for c in report.checks]
    assert names == [
        "Config files",
        "Settings",
        "Endpoint",
        "Credentials",
        "Proxy",
        "DNS",
        "Connection",
        "PollUserStatus",
        "Read APIs",
        "Clock",
        "Qt platform plugin",
        "System tray",
        "Launch at login",
    ]
    assert "READY" in report.to_text()


async def test_launch_at_login_says_whether_this_desktop_supports_it(simulator: Simulator, tmp_path: Path) -> None:
    """IT sees whether "Start at login" can work on this desktop, and why not when it cannot; a desktop
    without it still passes (a warning, not a blocker)."""
    context = build_context({**AGENT, "endpoint": simulator.url}, environ={**os.environ, **DEMO_ENV})

    def qt_probe() -> dict[str, object]:
        return {"loaded": True, "platform": "offscreen", "tray": True}

    missing = await run_doctor(context, qt_probe, NullAutoStart("no supported mechanism here"))
    xdg = XdgAutoStart(tmp_path / "config", [tmp_path / "xdg"], ["ccc-break", "--minimized"])
    present = await run_doctor(context, qt_probe, xdg)

    warned = next(check for check in missing.checks if check.name == "Launch at login")
    assert warned.outcome is Outcome.WARN and missing.ok
    assert "not available: no supported mechanism here" in warned.detail
    available = next(check for check in present.checks if check.name == "Launch at login")
    assert available.outcome is Outcome.OK
    assert str(tmp_path / "config" / "autostart" / "ccc-break.desktop") in available.detail


@pytest.mark.linux_only
async def test_no_credentials_blocks(
    simulator: Simulator, desktop_with_tray: str, on_display: Callable[[str], None]
) -> None:
    on_display(desktop_with_tray)
    report = await doctor(simulator.url, environ={"ALIBABA_CLOUD_ACCESS_KEY_ID": ""})
    assert not report.ok
    assert outcome(report, "Credentials") is Outcome.FAIL
    assert "ALIBABA_CLOUD_ACCESS_KEY_ID" in report.to_text()


@pytest.mark.linux_only
async def test_wrong_secret_blocks_with_code_and_request_id(
    simulator: Simulator, desktop_with_tray: str, on_display: Callable[[str], None]
) -> None:
    on_display(desktop_with_tray)
    secret = "doctor-DISTINCTIVE-wrong-secret"
    report = await doctor(simulator.url, {**DEMO_ENV, "ALIBABA_CLOUD_ACCESS_KEY_SECRET": secret})
    assert not report.ok and outcome(report, "PollUserStatus") is Outcome.FAIL
    text = report.to_text() + json.dumps(report.to_json())
    assert "SignatureDoesNotMatch" in text and "RequestId" in text
    assert secret not in text, "doctor output must never contain the secret"


@pytest.mark.linux_only
async def test_unreachable_endpoint_blocks(desktop_with_tray: str, on_display: Callable[[str], None]) -> None:
    on_display(desktop_with_tray)
    report = await doctor("http://127.0.0.1:9")
    assert not report.ok and outcome(report, "Connection") is Outcome.FAIL
    assert outcome(report, "PollUserStatus") is Outcome.FAIL


@pytest.mark.linux_only
async def test_unresolvable_endpoint_blocks(desktop_with_tray: str, on_display: Callable[[str], None]) -> None:
    on_display(desktop_with_tray)
    report = await doctor("https://ccc.no-such-region.invalid")
    assert not report.ok and outcome(report, "DNS") is Outcome.FAIL


@pytest.mark.linux_only
async def test_clock_an_hour_off_blocks(desktop_with_tray: str, on_display: Callable[[str], None]) -> None:
    """A PC clock an hour off is reported from the server's Date header, even though requests succeed."""
    on_display(desktop_with_tray)
    config = SimulatorConfig(clock=lambda: datetime.now(UTC) + timedelta(hours=1))
    async with Simulator(config) as simulator:
        report = await doctor(simulator.url)
    assert outcome(report, "PollUserStatus") is Outcome.OK
    assert outcome(report, "Clock") is Outcome.FAIL and not report.ok
    clock = next(c for c in report.checks if c.name == "Clock")
    assert 3500 < clock.data["skew_seconds"] < 3700 and "behind" in clock.detail


@pytest.mark.linux_only
async def test_no_tray_blocks(simulator: Simulator, on_display: Callable[[str], None]) -> None:
    with virtual_desktop(tray=False) as display:
        on_display(display)
        report = await doctor(simulator.url)
    assert outcome(report, "Qt platform plugin") is Outcome.OK
    assert outcome(report, "System tray") is Outcome.FAIL and not report.ok


async def test_broken_qt_plugin_is_reported_not_fatal(simulator: Simulator, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QT_QPA_PLATFORM", "no-such-platform")
    report = await doctor(simulator.url)
    assert outcome(report, "Qt platform plugin") is Outcome.FAIL and not report.ok


def test_doctor_command_prints_json_and_exits_non_zero(tmp_path: Path) -> None:
    """IT scripts read `doctor --json`; a blocking problem gives a non-zero exit code."""
    executable = shutil.which("ccc-break", path=sysconfig.get_path("scripts"))
    assert executable
    result = subprocess.run(
        [executable, "doctor", "--json", "--endpoint", "http://127.0.0.1:9", "--instance-id", "ccc-test"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    answer = json.loads(result.stdout)
    assert answer["ok"] is False and {c["name"] for c in answer["checks"]} >= {"Credentials", "Connection"}


async def test_doctor_says_which_endpoint_is_used_and_why(simulator: Simulator) -> None:
    """IT sees the endpoint the desktop really talks to, and where it came from."""
    report = await doctor(simulator.url)
    endpoint = next(check for check in report.checks if check.name == "Endpoint")
    assert simulator.url in endpoint.detail and "endpoint set by" in endpoint.detail
    assert endpoint.data["endpoint"] == simulator.url


def test_a_region_endpoint_is_explained_as_the_sdk_resolves_it() -> None:
    from app.core.doctor import endpoint_source
    from app.core.settings.model import Settings

    assert "central endpoint" in endpoint_source(Settings(region="ap-southeast-1"), {"region": "user"})
    assert "region's own endpoint" in endpoint_source(Settings(region="cn-shanghai"), {"region": "built-in"})

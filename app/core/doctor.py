"""`ccc-break doctor`: checks one desktop for IT and says what blocks use. Imports no Qt: the Qt
platform plugin and the tray are probed in a child process, so a broken Qt cannot take doctor down.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import socket
import ssl
import subprocess
import sys
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit

from app import __version__
from app.core.access_key import Credentials
from app.core.agent_reports import realtime_state, state_logs_between, totals_since_midnight, user_record
from app.core.autostart import AutoStart, autostart_for
from app.core.client import CccClient, Timeouts, open_session
from app.core.endpoint import CENTRAL_HOST, region_host
from app.core.errors import CccBreakError
from app.core.i18n import N_, _, language
from app.core.keyring_backends import backend_label
from app.core.models import state_words
from app.core.proxy import ProxySettings
from app.core.server_clock import ServerClock
from app.core.settings.model import Settings
from app.core.settings.values import validate_settings
from app.core.startup import RunContext, client_for
from app.core.text import for_terminal

MAX_SKEW = timedelta(minutes=15)  # what the service accepts
WARN_SKEW = timedelta(minutes=1)
NETWORK_TIMEOUT = 8.0
PROBE_TIMEOUT = 30.0


class Outcome(StrEnum):
    OK = "ok"
    WARN = "warn"
    FAIL = "fail"


@dataclass
class Check:
    name: str  # stable English (--json); shown as _(name), so each is marked with N_ where it is added
    outcome: Outcome
    detail: str
    hint: str = ""
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class Report:
    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(check.outcome is not Outcome.FAIL for check in self.checks)

    def add(self, name: str, outcome: Outcome, detail: str, hint: str = "", **data: Any) -> Check:
        check = Check(name, outcome, detail, hint, data)
        self.checks.append(check)
        return check

    def to_json(self) -> dict[str, Any]:
        return {
            "version": __version__,
            "ok": self.ok,
            "checks": [{**asdict(check), "outcome": check.outcome.value} for check in self.checks],
        }

    def to_text(self) -> str:
        # Translators: each mark is 6 columns wide (a Chinese character counts as two).
        marks = {Outcome.OK: _("[ OK ]"), Outcome.WARN: _("[WARN]"), Outcome.FAIL: _("[FAIL]")}
        lines = [_("CCC Break {version} doctor").format(version=__version__)]
        for check in self.checks:
            # Details quote the service and the system (messages, host names): terminal-safe only.
            line = _("{name}: {detail}").format(name=_(check.name), detail=for_terminal(check.detail))
            lines.append(f"{marks[check.outcome]} {line}")
            if check.hint:
                lines.append(f"       -> {for_terminal(check.hint)}")
        lines.append(_("Result: ready to use") if self.ok else _("Result: something blocks use (see FAIL above)"))
        return "\n".join(lines)


QtProbe = Callable[[], dict[str, Any]]


GUI_EXECUTABLE, CLI_EXECUTABLE = "ccc-break", "ccc-break-cli"  # the bundle's two (packaging/ccc-break.spec)


def probe_command(frozen: bool = bool(getattr(sys, "frozen", False))) -> list[str]:
    """How to run this app's own Qt probe, frozen or pip-installed."""
    if not frozen:
        return [sys.executable, "-m", "app", "--qt-probe"]
    # The bundle's console command has no Qt: the probe runs in the windowed executable beside it.
    executable = Path(sys.executable)
    return [str(executable.with_name(executable.name.replace(CLI_EXECUTABLE, GUI_EXECUTABLE))), "--qt-probe"]


def run_qt_probe(command: Sequence[str] | None = None) -> dict[str, Any]:
    try:
        result = subprocess.run(
            list(command or probe_command()), capture_output=True, text=True, timeout=PROBE_TIMEOUT, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return {"loaded": False, "error": _("the probe did not run ({kind})").format(kind=type(error).__name__)}
    if result.returncode != 0:
        tail = (result.stderr or result.stdout).strip().splitlines()[-3:]
        return {"loaded": False, "error": " ".join(tail) or _("exit code {code}").format(code=result.returncode)}
    try:
        answer: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return {"loaded": False, "error": _("the probe printed something unexpected")}
    return answer


async def run_doctor(
    context: RunContext, qt_probe: QtProbe = run_qt_probe, autostart: AutoStart | None = None
) -> Report:
    report = Report()
    loaded = context.loaded
    settings = loaded.settings
    sources = [str(path) for path in loaded.sources]
    files = ", ".join(sources) or _("none (built-in defaults)")
    report.add(
        N_("Config files"),
        Outcome.WARN if loaded.problems else Outcome.OK,
        _("{files}; locked: {keys}").format(files=files, keys=", ".join(sorted(loaded.locked)))
        if loaded.locked
        else _("{files}; nothing locked").format(files=files),
        " ".join(loaded.problems),
        files=sources,
        locked=sorted(loaded.locked),
        problems=list(loaded.problems),
    )
    problems = validate_settings(settings)
    if problems:
        report.add(
            N_("Settings"),
            Outcome.FAIL,
            "; ".join(f"{key}: {message}" for key, message in problems.items()),
            _("Set them in Settings, in the system config file, or with command-line options."),
            problems=problems,
        )
    else:
        report.add(
            N_("Settings"),
            Outcome.OK,
            _("instance {instance}, user {user}").format(instance=settings.instance_id, user=settings.full_user_id()),
        )
    report.add(
        N_("Endpoint"),
        Outcome.OK,
        f"{settings.endpoint_url()} ({endpoint_source(settings, loaded.origins)})",
        endpoint=settings.endpoint_url(),
    )

    loop = asyncio.get_running_loop()
    status = await loop.run_in_executor(None, context.credentials.status)
    try:
        credentials = await loop.run_in_executor(None, context.credentials.load)
    except CccBreakError as error:
        credentials = None
        report.add(N_("Credentials"), Outcome.FAIL, error.user_message, backend=status.backend_name)
    else:
        if credentials is None:
            report.add(
                N_("Credentials"),
                Outcome.FAIL,
                _("no AccessKey found (keyring backend: {backend})").format(backend=backend_label(status.backend_name)),
                _(
                    "Save the AccessKey in Settings, or set ALIBABA_CLOUD_ACCESS_KEY_ID and "
                    "ALIBABA_CLOUD_ACCESS_KEY_SECRET."
                ),
                backend=status.backend_name,
            )
        else:
            report.add(
                N_("Credentials"),
                Outcome.OK if status.persistent or status.source == "environment" else Outcome.WARN,
                _("AccessKey ID {id} from {source} (keyring backend: {backend})").format(
                    id=credentials.access_key_id, source=_(status.source), backend=backend_label(status.backend_name)
                ),
                status.problem or "",
                backend=status.backend_name,
                source=str(status.source),
                access_key_id=credentials.access_key_id,
                has_security_token=bool(credentials.security_token),
            )

    endpoint = settings.endpoint_url()
    proxy = ProxySettings.from_system().proxy_for(endpoint)
    if proxy:
        shown = _without_user_info(proxy)
        report.add(N_("Proxy"), Outcome.OK, _("requests go through {proxy}").format(proxy=shown), proxy=shown)
        reachable = True  # a direct connection may be firewalled; the PollUserStatus check goes via the proxy
    else:
        report.add(N_("Proxy"), Outcome.OK, _("none: direct connection"), proxy=None)
        reachable = await _check_network(report, endpoint)
    if reachable and credentials is not None and not problems:
        await _check_service(report, context, credentials)
    else:
        report.add(N_("PollUserStatus"), Outcome.FAIL, _("not tried: fix the problems above first"))

    probe = await loop.run_in_executor(None, qt_probe)
    if not probe.get("loaded"):
        report.add(
            N_("Qt platform plugin"),
            Outcome.FAIL,
            _("does not load: {error}").format(error=probe.get("error") or _("unknown error")),
            _("Install the X11/xcb libraries (e.g. libxcb-cursor0, libxkbcommon-x11-0) or reinstall the package."),
        )
        report.add(N_("System tray"), Outcome.FAIL, _("not checked: Qt did not start"))
    else:
        report.add(N_("Qt platform plugin"), Outcome.OK, _("loads ({platform})").format(platform=probe.get("platform")))
        if probe.get("tray"):
            report.add(N_("System tray"), Outcome.OK, _("available"))
        else:
            report.add(
                N_("System tray"),
                Outcome.FAIL,
                _("no system tray: the widget falls back to a plain window"),
                _("On GNOME install and enable the AppIndicator/KStatusNotifierItem extension."),
            )
    await loop.run_in_executor(None, _check_autostart, report, autostart)
    return report


def _check_autostart(report: Report, autostart: AutoStart | None) -> None:
    # Reads the desktop's autostart folders or the registry: off the event loop like the other checks.
    autostart = autostart_for() if autostart is None else autostart
    if autostart.available:
        report.add(N_("Launch at login"), Outcome.OK, _("available: {how}").format(how=autostart.describe()))
    else:
        report.add(
            N_("Launch at login"),
            Outcome.WARN,
            autostart.describe(),
            _("Agents start CCC Break themselves after signing in, or IT adds it to the desktop's startup."),
        )


async def _check_read_apis(report: Report, client: CccClient, agent_id: str) -> None:
    """Which of the read APIs (true state start, today's totals) this key may call: each is tried once.
    Denied ones only make the widget fall back, so this is a warning, never a failure."""
    now = datetime.now(UTC)
    midnight = now.astimezone().replace(hour=0, minute=0, second=0, microsecond=0)
    tries: dict[str, Callable[[], Awaitable[object]]] = {
        "ListRealtimeAgentStates": lambda: realtime_state(client, agent_id),
        "ListAgentStateLogs": lambda: state_logs_between(client, agent_id, midnight, now),
        "ListAgentSummaryReportsSinceMidnight": lambda: totals_since_midnight(client, agent_id),
        "GetUser": lambda: user_record(client, agent_id),
    }
    permitted: list[str] = []
    denied: dict[str, str] = {}
    for action, call in tries.items():
        try:
            await call()
        except CccBreakError as error:
            denied[action] = str(getattr(error, "code", type(error).__name__))
        else:
            permitted.append(action)
    detail = _("may call {actions}").format(actions=", ".join(permitted) or _("none of them"))
    if denied:
        detail = _("{permitted}; not: {denied}").format(
            permitted=detail, denied=", ".join(f"{action} ({code})" for action, code in denied.items())
        )
    report.add(
        N_("Read APIs"),
        Outcome.WARN if denied else Outcome.OK,
        detail,
        _("Without them the widget estimates when a state began. To allow them, see the RAM policy in the IT guide.")
        if denied
        else "",
        permitted=permitted,
        denied=denied,
    )


def endpoint_source(settings: Settings, origins: Mapping[str, str]) -> str:
    """Why this endpoint: set explicitly, or the region's, resolved as the official SDK does."""
    if settings.endpoint:
        return _("endpoint set by {origin}").format(origin=_(origins.get("endpoint", N_("settings"))))
    central = region_host(settings.region) == CENTRAL_HOST
    if central:
        how = _("the central endpoint for this region: region {region} from {origin}")
    else:
        how = _("the region's own endpoint: region {region} from {origin}")
    return how.format(region=settings.region, origin=_(origins.get("region", N_("settings"))))


def _without_user_info(url: str) -> str:
    """A proxy URL fit to print: a user name or password in it stays out of reports."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    return parts._replace(netloc=f"{host}:{parts.port}" if parts.port else host).geturl()


async def _check_network(report: Report, endpoint: str) -> bool:
    parts = urlsplit(endpoint)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    loop = asyncio.get_running_loop()
    try:
        infos = await asyncio.wait_for(loop.getaddrinfo(host, port, type=socket.SOCK_STREAM), NETWORK_TIMEOUT)
    except (OSError, TimeoutError) as error:
        report.add(
            N_("DNS"),
            Outcome.FAIL,
            _("{host} does not resolve ({kind})").format(host=host, kind=type(error).__name__),
            _("Check the network, the DNS settings and the endpoint or region."),
        )
        return False
    addresses = sorted({str(info[4][0]) for info in infos})
    report.add(N_("DNS"), Outcome.OK, f"{host} -> {', '.join(addresses[:4])}", addresses=addresses)
    tls = ssl.create_default_context() if parts.scheme == "https" else None
    name = N_("TLS") if tls else N_("Connection")
    try:
        _reader, writer = await asyncio.wait_for(
            asyncio.open_connection(host, port, ssl=tls, server_hostname=host if tls else None), NETWORK_TIMEOUT
        )
    except ssl.SSLCertVerificationError:
        report.add(
            name,
            Outcome.FAIL,
            _("the certificate of {host} could not be verified").format(host=host),
            _("A proxy or security product may intercept HTTPS; add its root certificate or exempt the endpoint."),
        )
        return False
    except (OSError, TimeoutError) as error:
        report.add(
            name,
            Outcome.FAIL,
            _("cannot connect to {host}:{port} ({kind})").format(host=host, port=port, kind=type(error).__name__),
            _("Check the firewall and proxy (HTTPS_PROXY) settings, and the endpoint."),
        )
        return False
    version = writer.get_extra_info("ssl_object").version() if tls else _("plain HTTP (loopback)")
    writer.close()
    await writer.wait_closed()
    report.add(name, Outcome.OK, _("{host}:{port} reachable, {version}").format(host=host, port=port, version=version))
    return True


async def _check_service(report: Report, context: RunContext, credentials: Credentials) -> None:
    settings = context.loaded.settings
    clock = ServerClock()
    async with open_session(Timeouts(total=settings.request_timeout)) as session:
        client = client_for(session, settings, credentials, clock, ProxySettings.from_system())
        try:
            status = await client.poll_user_status()
        except CccBreakError as error:
            code = getattr(error, "code", None)
            report.add(
                N_("PollUserStatus"),
                Outcome.FAIL,
                f"{code + ': ' if code else ''}{error.user_message}",
                _("RequestId {id}").format(id=error.request_id) if error.request_id else "",
                code=code,
                request_id=error.request_id,
            )
        else:
            report.add(
                N_("PollUserStatus"),
                Outcome.OK,
                _("UserState {state}, extension {extension}").format(
                    state=state_words(status.raw_user_state), extension=status.extension or "-"
                ),
                request_id=status.request_id,
                user_state=status.raw_user_state,
            )
            await _check_read_apis(report, client, status.user_id or client.identity.user_id)
    skew = clock.last_observed_skew
    if skew is None:
        report.add(N_("Clock"), Outcome.WARN, _("the service sent no Date header to compare with"))
        return
    seconds = skew.total_seconds()
    if seconds > 0:
        detail = _("this PC is {seconds} s behind the service").format(seconds=f"{abs(seconds):.0f}")
    else:
        detail = _("this PC is {seconds} s ahead of the service").format(seconds=f"{abs(seconds):.0f}")
    if abs(skew) > MAX_SKEW:
        outcome = Outcome.FAIL
        hint = _("Turn on automatic date and time (NTP); the service rejects requests more than 15 min off.")
    elif abs(skew) > WARN_SKEW:
        outcome, hint = Outcome.WARN, _("Turn on automatic date and time (NTP).")
    else:
        outcome, hint = Outcome.OK, ""
    report.add(N_("Clock"), outcome, detail, hint, skew_seconds=round(seconds, 1))


def run_doctor_command(args: argparse.Namespace, context: RunContext, stdout: TextIO) -> int:
    # IT's scripts parse --json and compare its texts: they are English whatever the user's language.
    with language("en") if args.json else contextlib.nullcontext(""):
        try:
            report = asyncio.run(run_doctor(context))
        except Exception as error:  # IT's scripts parse --json: they always get a report
            report = Report()
            report.add(
                N_("Doctor"),
                Outcome.FAIL,
                _("the check itself failed ({kind})").format(kind=type(error).__name__),
                _("Run again with -v."),
            )
        print(json.dumps(report.to_json(), indent=2) if args.json else report.to_text(), file=stdout)
    return 0 if report.ok else 1

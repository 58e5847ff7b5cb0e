"""Headless commands over the core: take-break, ready, status, simulator. Imports no Qt.

Exit codes: 0 ok, 1 the service answered with an error, 2 usage or configuration error,
3 network, timeout or an answer that is not CCC's.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import signal
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TextIO

from app.core.agent_reports import realtime_state
from app.core.client import CccClient, Timeouts, open_session
from app.core.errors import ApiError, CccBreakError, ConfigError, NetworkError, ProtocolError
from app.core.i18n import N_, _
from app.core.models import AgentStatus, state_words
from app.core.proxy import ProxySettings
from app.core.server_clock import ServerClock
from app.core.startup import RunContext, client_for
from app.core.text import display_width, for_terminal

logger = logging.getLogger(__name__)

EXIT_OK, EXIT_API, EXIT_USAGE, EXIT_NETWORK = 0, 1, 2, 3


def format_local_time(moment: datetime | None) -> str:
    if moment is None:
        return "-"
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S %Z").strip()


def format_age(seconds: float) -> str:
    seconds = max(0, int(seconds))
    if seconds < 3600:
        return _("{minutes} min {seconds} s ago").format(minutes=seconds // 60, seconds=seconds % 60)
    return _("{hours} h {minutes} min ago").format(hours=seconds // 3600, minutes=seconds % 3600 // 60)


# The status rows' names: the API's field names in English (IT greps for them), words in a translation.
_ROW_NAMES = {
    "UserState": N_("UserState"),
    "StateSince": N_("StateSince"),
    "Call": N_("Call"),
    "Extension": N_("Extension"),
    "Heartbeat": N_("Heartbeat"),
    "BreakCode": N_("BreakCode"),
    "WorkMode": N_("WorkMode"),
    "SkillGroups": N_("SkillGroups"),
    "DeviceId": N_("DeviceId"),
    "UserId": N_("UserId"),
    "RequestId": N_("RequestId"),
}


def format_status(status: AgentStatus, since: StateStart | None = None, now: datetime | None = None) -> str:
    # UserState, Extension and Heartbeat lead: they are what an agent and IT look at first.
    rows = [
        ("UserState", state_words(status.raw_user_state or status.user_state.value)),
        ("Extension", status.extension or "-"),
        ("Heartbeat", format_local_time(status.heartbeat)),
        ("BreakCode", status.break_code or "-"),
        ("WorkMode", status.work_mode or "-"),
        ("SkillGroups", ", ".join(status.signed_skill_groups) or "-"),
        ("DeviceId", status.device_id or "-"),
        ("UserId", status.user_id or "-"),
        ("RequestId", status.request_id or "-"),
    ]
    if since is not None:
        if since.at is None:
            shown = _("unknown: {why}").format(why=since.why or since.source)
        else:
            age = format_age(((now or datetime.now(UTC)) - since.at).total_seconds())
            shown = _("{time} ({age})").format(time=format_local_time(since.at), age=age)
        rows.insert(1, ("StateSince", shown))
    if status.call is not None:
        call = status.call
        kind, at = call.call_type or _("call"), format_local_time(call.since)
        if call.other_party:
            shown = _("{call} with {party}, since {time}").format(call=kind, party=call.other_party, time=at)
        else:
            shown = _("{call}, since {time}").format(call=kind, time=at)
        rows.insert(2, ("Call", shown))
    labels = [(_(_ROW_NAMES[name]) + _(":"), value) for name, value in rows]
    # Aligned in terminal columns: a Chinese character takes two.
    width = max(display_width(label) for label, _value in labels)
    # Every value came from the service: no escape sequence of its may reach the terminal.
    return "\n".join(f"{label}{' ' * (width - display_width(label))} {for_terminal(value)}" for label, value in labels)


def exit_code_for(error: BaseException) -> int:
    if isinstance(error, ApiError):
        return EXIT_API
    if isinstance(error, NetworkError | ProtocolError):
        return EXIT_NETWORK
    return EXIT_USAGE


def report_error(error: CccBreakError, stderr: TextIO) -> None:
    if isinstance(error, ApiError):
        print(
            _("Error {code}: {message}").format(code=for_terminal(error.code), message=error.user_message), file=stderr
        )
        if error.server_message:
            print(_("Service said: {message}").format(message=for_terminal(error.server_message)), file=stderr)
    else:
        print(error_line(error.user_message), file=stderr)
    if error.request_id:
        print(_("RequestId: {id}").format(id=for_terminal(error.request_id)), file=stderr)


def error_line(message: str) -> str:
    """One error for the terminal: "Error: <message>", in the user's language."""
    return _("Error: {message}").format(message=message)


@dataclass(frozen=True)
class StateStart:
    """When the agent's current state began, from ListRealtimeAgentStates, or why it is not known."""

    at: datetime | None
    source: str  # "ListRealtimeAgentStates", or "not available (<code>)": English, for status --json
    why: str = ""  # why it is not known, in the user's language


async def state_start(client: CccClient, status: AgentStatus) -> StateStart:
    # A read API the agent's key may not call: its absence is said, and never fails the command.
    agent = status.user_id or client.identity.user_id
    try:
        found = await realtime_state(client, agent) if agent else None
    except CccBreakError as error:
        code = getattr(error, "code", type(error).__name__)
        return StateStart(None, f"not available ({code})", _("not available ({code})").format(code=code))
    if found is None or found.state_time is None:
        return StateStart(
            None,
            "not available (the service did not list this agent)",
            _("not available (the service did not list this agent)"),
        )
    return StateStart(found.state_time, "ListRealtimeAgentStates")


async def run_action(context: RunContext, action: str, code: str | None) -> tuple[AgentStatus, StateStart | None]:
    settings = context.loaded.settings
    credentials = await asyncio.get_running_loop().run_in_executor(None, context.credentials.load)
    if credentials is None:
        raise ConfigError(
            _(
                "No AccessKey is set. Save it in the app's Settings, or set ALIBABA_CLOUD_ACCESS_KEY_ID "
                "and ALIBABA_CLOUD_ACCESS_KEY_SECRET."
            )
        )
    timeouts = Timeouts(total=settings.request_timeout)
    async with open_session(timeouts) as session:
        client = client_for(session, settings, credentials, ServerClock(), ProxySettings.from_system())
        if action == "take-break":
            return await client.take_break(code or ""), None
        if action == "ready":
            return await client.ready_keeping_mode(), None
        status = await client.poll_user_status()
        return status, await state_start(client, status)


def command_action(args: argparse.Namespace, context: RunContext, stdout: TextIO, stderr: TextIO) -> int:
    try:
        status, since = asyncio.run(run_action(context, args.command, getattr(args, "code", None)))
    except CccBreakError as error:
        report_error(error, stderr)
        return exit_code_for(error)
    now = datetime.now(UTC)
    if args.json:
        answer: dict[str, object] = {"RequestId": status.request_id, "Data": status.to_api_dict()}
        if since is not None:
            answer["StateStartedAt"] = None if since.at is None else int(since.at.timestamp() * 1000)
            answer["StateAgeSeconds"] = None if since.at is None else max(0, int((now - since.at).total_seconds()))
            answer["StateStartSource"] = since.source
        if status.call is not None:
            answer["Call"] = status.call.to_json()
        print(json.dumps(answer, indent=2), file=stdout)
    else:
        print(format_status(status, since, now), file=stdout)
    return EXIT_OK


def command_simulator(args: argparse.Namespace, stdout: TextIO) -> int:
    from app.simulator import DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, Simulator, demo_info, serve_forever

    def started(simulator: Simulator) -> None:
        # The demo key is public and throwaway; printing it is the point of this command.
        print(demo_info(simulator.url, simulator.control_token), file=stdout)
        command = (
            f"  ALIBABA_CLOUD_ACCESS_KEY_ID={DEMO_ACCESS_KEY_ID} "
            f"ALIBABA_CLOUD_ACCESS_KEY_SECRET={DEMO_ACCESS_KEY_SECRET} \\\n"
            f"  ccc-break take-break --code default --endpoint {simulator.url} "
            "--instance-id ccc-test --user-id user-test@ccc-test"
        )
        print(_("Try it:\n{command}\nPress Ctrl+C to stop.").format(command=command), file=stdout)
        stdout.flush()

    async def serve_until_stopped() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            # Windows has no loop signal handlers; Ctrl+C still raises KeyboardInterrupt there.
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(signum, stop.set)
        server = asyncio.create_task(serve_forever(args.host, args.port, on_started=started))
        stopped = asyncio.create_task(stop.wait())
        await asyncio.wait({server, stopped}, return_when=asyncio.FIRST_COMPLETED)
        stopped.cancel()
        if server.done():
            server.result()  # could not listen: the OSError goes to the caller
        server.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await server

    try:
        asyncio.run(serve_until_stopped())
    except KeyboardInterrupt:
        pass
    except OSError as error:
        print(
            error_line(
                _("cannot listen on {host}:{port} ({reason}).").format(
                    host=args.host, port=args.port, reason=error.strerror
                )
            ),
            file=sys.stderr,
        )
        return EXIT_USAGE
    return EXIT_OK


# Kept in app.core.startup, which the widget's start needs without the network stack this module imports.
from app.core.startup import OVERRIDABLE_SETTINGS, settings_overrides  # noqa: E402,F401

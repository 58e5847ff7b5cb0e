"""The real `ccc-break` command against a hostile server on loopback: whatever comes back, the terminal
gets a plain line and a documented exit code, never a traceback, an escape sequence or a broken pipe."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sysconfig

import pytest
from aiohttp import web

from tests.fixtures.hostile import OK_CONTEXT, HostileServer, envelope, json_response

EXECUTABLE = shutil.which("ccc-break", path=sysconfig.get_path("scripts"))
AGENT_ARGS = ["--instance-id", "ccc-test", "--user-id", "user-test@ccc-test"]
ESCAPES = "\x1b]0;pwned\x07\x1b[2J\x1b[31m"


async def run(*args: str, shell_pipe: str | None = None) -> tuple[int, str, str]:
    assert EXECUTABLE, "pip install -e . first"
    env = {
        **os.environ,
        "ALIBABA_CLOUD_ACCESS_KEY_ID": "key-id",
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "cli-DISTINCTIVE-hostile-secret",
    }
    if shell_pipe is None:
        process = await asyncio.create_subprocess_exec(
            EXECUTABLE, *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=env
        )
    else:
        command = " ".join([EXECUTABLE, *args]) + f" | {shell_pipe}; exit ${{PIPESTATUS[0]}}"
        process = await asyncio.create_subprocess_exec(
            "bash", "-c", command, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=env
        )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_deep_json_exits_3_with_one_line_and_the_request_id(hostile: HostileServer) -> None:
    """A RecursionError used to print a traceback and exit 1 (which means 'the service refused')."""

    async def deep(_request: web.Request) -> web.Response:
        return web.Response(body=b"[" * 100_000, content_type="application/json", headers={"x-acs-request-id": "D-1"})

    hostile.handler = deep
    code, out, err = await run("status", "--endpoint", hostile.url, *AGENT_ARGS)
    assert code == 3
    assert "Traceback" not in err and "RecursionError" not in err
    assert "cannot read" in err and "RequestId: D-1" in err
    assert out == ""


async def test_doctor_json_is_json_even_when_the_answer_is_hostile(hostile: HostileServer) -> None:
    """IT scripts parse `doctor --json`: it used to print nothing when the service answered deep JSON."""

    async def deep(_request: web.Request) -> web.Response:
        return web.Response(body=b'{"a":' * 50_000, content_type="application/json")

    hostile.handler = deep
    code, out, err = await run("doctor", "--json", "--endpoint", hostile.url, *AGENT_ARGS)
    report = json.loads(out)
    poll = next(check for check in report["checks"] if check["name"] == "PollUserStatus")
    assert poll["outcome"] == "fail" and "cannot read" in poll["detail"]
    assert code == 1 and "Traceback" not in err


async def test_escape_sequences_from_the_service_never_reach_the_terminal(hostile: HostileServer) -> None:
    """A message or field carrying terminal escapes (retitle the window, clear the screen) is printed
    without them, in errors and in the status table alike."""
    answers = iter(["error", "status"])

    async def sneaky(_request: web.Request) -> web.Response:
        if next(answers) == "error":
            body = {"RequestId": f"R{ESCAPES}1", "Code": f"Bad{ESCAPES}", "Message": f"click{ESCAPES} here"}
            return json_response(body, status=400)
        return json_response(envelope({"UserContext": {**OK_CONTEXT, "BreakCode": f"lunch{ESCAPES}"}}))

    hostile.handler = sneaky
    code, out, err = await run("take-break", "--code", "lunch", "--endpoint", hostile.url, *AGENT_ARGS)
    assert code == 1
    assert "\x1b" not in err and "\x07" not in err
    assert "Service said: click here" in err
    code, out, err = await run("status", "--endpoint", hostile.url, *AGENT_ARGS)
    assert code == 0 and "\x1b" not in out and "\x07" not in out
    assert "BreakCode:" in out and "lunch" in out


@pytest.mark.parametrize("command", [["status"], ["status", "--json"]])
async def test_a_reader_that_stops_reading_is_not_an_error(hostile: HostileServer, command: list[str]) -> None:
    """`ccc-break status | head -0` must not print a BrokenPipeError traceback: the call succeeded."""
    code, _out, err = await run(*command, "--endpoint", hostile.url, *AGENT_ARGS, shell_pipe="(exec 0<&-; true)")
    assert "Traceback" not in err and "BrokenPipe" not in err, err
    assert code == 0

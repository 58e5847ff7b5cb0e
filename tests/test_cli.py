"""The real `ccc-break` executable in a subprocess, against a real `ccc-break simulator` process."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import sysconfig
import urllib.request
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from app import __version__

SECRET = "cli-DISTINCTIVE-secret-90210"
EXECUTABLE = shutil.which("ccc-break", path=sysconfig.get_path("scripts"))
AGENT_ARGS = ["--instance-id", "ccc-test", "--user-id", "user-test@ccc-test"]


def ccc_break(*args: str, env: dict[str, str] | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    assert EXECUTABLE, "the ccc-break console script is not installed next to this Python: pip install -e ."
    return subprocess.run(
        [EXECUTABLE, *args], capture_output=True, text=True, timeout=timeout, env=env or dict(os.environ)
    )


CONTROL_TOKEN = "cli-tests-control-token"


@pytest.fixture(scope="module")
def simulator_url() -> Iterator[str]:
    assert EXECUTABLE, "the ccc-break console script is not installed next to this Python: pip install -e ."
    process = subprocess.Popen(
        [EXECUTABLE, "simulator", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "CCC_BREAK_CONTROL_TOKEN": CONTROL_TOKEN},
    )
    assert process.stdout is not None
    first_line = process.stdout.readline()
    match = re.search(r"listening on (http://127\.0\.0\.1:\d+)", first_line)
    assert match, f"unexpected simulator output: {first_line!r}"
    yield match.group(1)
    if sys.platform == "win32":
        # Windows has no SIGTERM: Popen.terminate() is TerminateProcess, which reports exit code 1.
        process.terminate()
        process.wait(timeout=10)
        return
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=10) == 0, "the simulator must stop cleanly on SIGTERM"


def control(url: str, path: str, body: dict[str, object] | None = None, method: str = "POST") -> dict[str, object]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"{url}/control/{path}", data=data, method=method)  # noqa: S310 - loopback
    request.add_header("Content-Type", "application/json")
    request.add_header("Authorization", f"Bearer {CONTROL_TOKEN}")
    with urllib.request.urlopen(request, timeout=10) as reply:  # noqa: S310 - loopback
        return json.loads(reply.read() or b"{}")


@pytest.fixture
def agent_env(simulator_url: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    control(simulator_url, "reset")
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "demo-access-key-id")
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "demo-access-key-secret")
    return dict(os.environ)


def test_version() -> None:
    """IT can check which version a desktop runs."""
    result = ccc_break("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"ccc-break {__version__}"


@pytest.mark.parametrize("scheme", ["v2", "v3"])
def test_take_break_status_ready(simulator_url: str, agent_env: dict[str, str], scheme: str) -> None:
    """take-break, status and ready work, and the output leads with UserState, Extension, Heartbeat."""
    common = ["--endpoint", simulator_url, *AGENT_ARGS, "--signature", scheme]
    result = ccc_break("take-break", "--code", "lunch", *common)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["UserState:", "BREAK"]
    assert lines[1].split() == ["Extension:", "80011474"]
    assert lines[2].startswith("Heartbeat:")
    heartbeat = datetime.strptime(lines[2].split(maxsplit=1)[1][:19], "%Y-%m-%d %H:%M:%S")
    assert abs((heartbeat - datetime.now()).total_seconds()) < 120, "heartbeat must be in local time"
    assert "BreakCode:   lunch" in result.stdout
    status = ccc_break("status", *common, "--json")
    assert status.returncode == 0, status.stderr
    data = json.loads(status.stdout)["Data"]
    assert data["UserState"] == "BREAK" and data["Extension"] == "80011474"
    assert data["SignedSkillGroupIdList"] == ["skill-group@ccc-test"] and isinstance(data["Heartbeat"], int)
    ready = ccc_break("ready", *common)
    assert ready.returncode == 0 and ready.stdout.startswith("UserState:   READY")


def test_api_error_exit_code_and_request_id(simulator_url: str, agent_env: dict[str, str]) -> None:
    """A refused action exits 1 with the code, a plain message and the RequestId on stderr."""
    control(simulator_url, "agents/ccc-test/user-test@ccc-test", {"state": "TALKING"}, method="PATCH")
    result = ccc_break("take-break", "--code", "default", "--endpoint", simulator_url, *AGENT_ARGS)
    assert result.returncode == 1
    assert "InvalidOperation.UserState" in result.stderr and "while your state is" in result.stderr
    assert re.search(r"RequestId: [0-9A-F-]{36}", result.stderr)
    assert result.stdout == ""


def test_wrong_secret_is_explained(simulator_url: str, agent_env: dict[str, str]) -> None:
    env = {**agent_env, "ALIBABA_CLOUD_ACCESS_KEY_SECRET": SECRET}
    result = ccc_break("status", "--endpoint", simulator_url, *AGENT_ARGS, "-v", env=env)
    assert result.returncode == 1
    assert "SignatureDoesNotMatch" in result.stderr and "AccessKey secret is wrong" in result.stderr
    assert SECRET not in result.stderr + result.stdout, "the secret must never be printed, even at DEBUG"
    assert "Signature=" not in result.stderr


def test_usage_and_configuration_errors_exit_2(simulator_url: str, agent_env: dict[str, str]) -> None:
    """Missing arguments, missing credentials and an unsafe endpoint are configuration errors."""
    assert ccc_break("take-break", "--endpoint", simulator_url, *AGENT_ARGS).returncode == 2  # no --code
    no_keys = {k: v for k, v in agent_env.items() if not k.startswith("ALIBABA_CLOUD")}
    result = ccc_break("status", "--endpoint", simulator_url, *AGENT_ARGS, env=no_keys)
    assert result.returncode == 2 and "AccessKey" in result.stderr
    result = ccc_break("status", "--endpoint", "http://ccc.example.com", *AGENT_ARGS)
    assert result.returncode == 2 and "https://" in result.stderr


def test_network_error_exits_3(agent_env: dict[str, str]) -> None:
    """Nothing listening: exit 3 with a message about the connection."""
    result = ccc_break("status", "--endpoint", "http://127.0.0.1:9", *AGENT_ARGS)
    assert result.returncode == 3 and "Cannot reach" in result.stderr


def test_settings_file_supplies_what_flags_do_not(simulator_url: str, agent_env: dict[str, str]) -> None:
    """An agent with a settings file needs no flags; a flag still wins for one run."""
    config_dir = Path(os.environ["CCC_BREAK_CONFIG_DIR"])
    (config_dir / "ccc-break.ini").write_text(
        f"[ccc-break]\nendpoint = {simulator_url}\ninstance_id = ccc-test\nuser_id = user-test@ccc-test\n"
    )
    assert ccc_break("status").returncode == 0
    assert ccc_break("status", "--instance-id", "ccc-nope").returncode == 1


def test_status_without_a_user_id_acts_as_the_keys_agent(simulator_url: str, agent_env: dict[str, str]) -> None:
    """UserId is optional: the demo key is mapped to the demo agent, and the command says who it is."""
    result = ccc_break("status", "--endpoint", simulator_url, "--instance-id", "ccc-test", env=agent_env)
    assert result.returncode == 0, result.stderr
    assert "user-test@ccc-test" in result.stdout


def test_status_json_carries_when_the_state_began(simulator_url: str, agent_env: dict[str, str]) -> None:
    """`status --json` says when the current state began (ListRealtimeAgentStates) and how long ago."""
    result = ccc_break("status", "--json", "--endpoint", simulator_url, *AGENT_ARGS, env=agent_env)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["StateStartSource"] == "ListRealtimeAgentStates"
    assert isinstance(answer["StateStartedAt"], int) and answer["StateAgeSeconds"] >= 0


def test_a_denied_read_api_falls_back_and_the_actions_still_work(simulator_url: str, agent_env: dict[str, str]) -> None:
    """An agent's key without ccc:ListRealtimeAgentStates still takes breaks and reads its status; the
    state start is then said to be unavailable, with the code, instead of failing the command."""
    control(simulator_url, "denials", {"access_key_id": "demo-access-key-id", "action": "ListRealtimeAgentStates"})
    try:
        status = ccc_break("status", "--json", "--endpoint", simulator_url, *AGENT_ARGS, env=agent_env)
        assert status.returncode == 0, status.stderr
        answer = json.loads(status.stdout)
        assert answer["StateStartedAt"] is None and "Forbidden.RAM" in answer["StateStartSource"]
        took = ccc_break("take-break", "--code", "lunch", "--endpoint", simulator_url, *AGENT_ARGS, env=agent_env)
        assert took.returncode == 0, took.stderr
        doctor = ccc_break("doctor", "--json", "--endpoint", simulator_url, *AGENT_ARGS, env=agent_env, timeout=120)
        checks = {check["name"]: check for check in json.loads(doctor.stdout)["checks"]}
        read = checks["Read APIs"]
        assert read["outcome"] == "warn"
        assert "ListRealtimeAgentStates" in read["data"]["denied"]
        assert {"ListAgentStateLogs", "ListAgentSummaryReportsSinceMidnight", "GetUser"} <= set(
            read["data"]["permitted"]
        )
    finally:
        control(simulator_url, "reset")


# -- language: Chinese for people, English for scripts --

CJK = re.compile(r"[\u4e00-\u9fff]")


def without_locale(env: dict[str, str], **language: str) -> dict[str, str]:
    clean = {k: v for k, v in env.items() if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")}
    return {**clean, **language}


def test_lang_zh_cn_prints_chinese_and_json_stays_english(simulator_url: str, agent_env: dict[str, str]) -> None:
    """An agent reading Chinese gets Chinese; IT's scripts parsing --json get the same English keys and values."""
    common = ["--endpoint", simulator_url, *AGENT_ARGS]
    cases = [
        (["--lang", "zh_CN", "status", *common], without_locale(agent_env)),
        (["status", "--lang", "zh_CN", *common], without_locale(agent_env, LANG="en_US.UTF-8")),
    ]
    if sys.platform != "win32":  # Windows gives the system's language from its UI language, not from LANG
        cases.append((["status", *common], without_locale(agent_env, LANG="zh_CN.UTF-8")))
    for args, env in cases:
        result = ccc_break(*args, env=env)
        assert result.returncode == 0, result.stderr
        first = result.stdout.splitlines()[0]
        assert first.startswith("坐席状态：") and "就绪 (READY)" in first, result.stdout
        assert "分机号：" in result.stdout and "80011474" in result.stdout
    english = ccc_break("--lang", "en", "status", *common, env=without_locale(agent_env, LANG="zh_CN.UTF-8"))
    assert english.stdout.startswith("UserState:   READY"), "--lang en wins over the system's Chinese"

    status = ccc_break("--lang", "zh_CN", "status", "--json", *common, env=agent_env)
    assert status.returncode == 0, status.stderr
    answer = json.loads(status.stdout)
    assert answer["Data"]["UserState"] == "READY" and answer["StateStartSource"] == "ListRealtimeAgentStates"
    assert not CJK.search(status.stdout)

    doctor = ccc_break("--lang", "zh_CN", "doctor", "--json", *common, env=agent_env, timeout=120)
    report = json.loads(doctor.stdout)
    assert {"version", "ok", "checks"} <= report.keys()
    assert [check["name"] for check in report["checks"]][:3] == ["Config files", "Settings", "Endpoint"]
    assert {check["outcome"] for check in report["checks"]} <= {"ok", "warn", "fail"}
    assert not CJK.search(doctor.stdout), "doctor --json is English whatever the language"


def test_errors_and_help_follow_the_language(simulator_url: str, agent_env: dict[str, str]) -> None:
    """Error advice, the service's RequestId line, usage errors and --help are Chinese with --lang zh_CN."""
    env = without_locale(agent_env)
    control(simulator_url, "agents/ccc-test/user-test@ccc-test", {"state": "TALKING"}, method="PATCH")
    refused = ccc_break("--lang", "zh_CN", "take-break", "--code", "default", "--endpoint", simulator_url, *AGENT_ARGS)
    assert refused.returncode == 1
    assert "错误 InvalidOperation.UserState：" in refused.stderr and "您当前的状态为 TALKING" in refused.stderr
    assert re.search(r"RequestId：[0-9A-F-]{36}", refused.stderr)
    usage = ccc_break("--lang", "zh_CN", "take-break", env=env)
    assert usage.returncode == 2 and "用法：" in usage.stderr and "缺少必需的参数：--code" in usage.stderr
    shown = ccc_break("--lang", "zh_CN", "--help", env=env)
    assert shown.returncode == 0 and "让坐席进入小休" in shown.stdout and "选项" in shown.stdout
    assert "options:" in ccc_break("--lang", "en", "--help", env=env).stdout


def test_the_language_setting_applies_unless_lang_is_given(simulator_url: str, agent_env: dict[str, str]) -> None:
    """Settings' language beats the system's; --lang beats both."""
    config_dir = Path(os.environ["CCC_BREAK_CONFIG_DIR"])
    (config_dir / "ccc-break.ini").write_text(
        f"[ccc-break]\nendpoint = {simulator_url}\ninstance_id = ccc-test\nuser_id = user-test@ccc-test\n"
        "language = zh_CN\n"
    )
    env = without_locale(agent_env, LANG="en_US.UTF-8")
    assert ccc_break("status", env=env).stdout.startswith("坐席状态：")
    assert ccc_break("--lang", "en", "status", env=env).stdout.startswith("UserState:")
    (config_dir / "ccc-break.ini").write_text(
        f"[ccc-break]\nendpoint = {simulator_url}\ninstance_id = ccc-test\nlanguage = en\n"
    )
    assert ccc_break("status", env=without_locale(agent_env, LANG="zh_CN.UTF-8")).stdout.startswith("UserState:")
    assert ccc_break("--lang", "fr_FR", "status", env=env).stdout.startswith("UserState:"), "no catalogue: English"


def test_no_cli_text_bypasses_the_catalogue(
    simulator_url: str,
    agent_env: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """With a pseudo-catalogue (every message ⟦English⟧), `status`, an error and --help have no word
    left outside ⟦⟧ but their data: a string that skips translation would show here."""
    import app.core.logs
    from app.__main__ import main
    from app.core import i18n
    from tests.core.pseudo_locale import PSEUDO, bypassed, write_pseudo_catalogue

    write_pseudo_catalogue(tmp_path)
    monkeypatch.setattr(i18n, "catalogue_dir", lambda: tmp_path)
    monkeypatch.setattr(app.core.logs, "configure_logging", lambda **_options: None)  # keep pytest's handlers
    zone = datetime.now().astimezone().strftime("%Z")
    try:
        assert main(["--lang", PSEUDO, "status", "--endpoint", simulator_url, *AGENT_ARGS]) == 0
        out = capsys.readouterr().out
        data = [simulator_url, zone, "80011474", "ON_SITE", "skill-group@ccc-test", "user-test@ccc-test", "lunch"]
        lines = out.splitlines()
        data += [line.split()[-1] for line in lines if "ACC-" in line or re.search(r"[0-9A-F]{8}-", line)]
        assert len(lines) >= 9 and all(not bypassed(line, data) for line in lines), out

        control(simulator_url, "agents/ccc-test/user-test@ccc-test", {"state": "TALKING"}, method="PATCH")
        assert (
            main(["--lang", PSEUDO, "take-break", "--code", "default", "--endpoint", simulator_url, *AGENT_ARGS]) == 1
        )
        err = capsys.readouterr().err
        request_id = re.findall(r"[0-9A-F-]{36}", err)
        server_said = [line.split("⟦Service said: ", 1)[1] for line in err.splitlines() if "Service said" in line]
        for line in err.splitlines():
            assert not bypassed(line, ["InvalidOperation.UserState", *request_id, *server_said]), err

        with pytest.raises(SystemExit):
            main(["--lang", PSEUDO, "--help"])
        help_text = capsys.readouterr().out
        names = re.findall(r"--?[a-z][a-z-]*|\b[A-Z_]{2,}\b|\{[a-z0-9,-]+\}", help_text)
        commands = [
            "ccc-break",
            "take-break",
            "ready",
            "status",
            "simulator",
            "doctor",
            "cn-shanghai",
            "ap-southeast-1",
        ]
        # argparse wraps help across lines, so the text is checked whole.
        assert not bypassed(help_text, [*names, *commands, "CCC Break", "https", "http", "name@domain"]), help_text
    finally:
        i18n.set_language("en")


PLAIN_WIDGET_STARTS = [[], ["--demo"], ["--minimized"], ["--demo", "--minimized"], ["--minimized", "--demo", "--demo"]]


@pytest.mark.parametrize("argv", PLAIN_WIDGET_STARTS)
def test_a_plain_widget_start_reads_as_the_parser_would(argv: list[str]) -> None:
    """The widget's own starts skip building the command line; what they get must be what it gives."""
    from app.__main__ import build_parser, plain_widget_start

    quick = plain_widget_start(argv)
    assert quick is not None and quick == build_parser().parse_args(argv)


@pytest.mark.parametrize(
    "argv",
    [
        ["status"],
        ["--demo", "status"],
        ["--help"],
        ["--version"],
        ["--dem"],  # an abbreviation: the parser's to read
        ["--demo", "--lang", "zh_CN"],
        ["--minimized", "--endpoint", "http://127.0.0.1:1"],
        ["--qt-probe"],
        ["--minimised"],  # a mistake: the parser says so
    ],
)
def test_any_other_command_line_goes_through_the_parser(argv: list[str]) -> None:
    from app.__main__ import plain_widget_start

    assert plain_widget_start(argv) is None


def test_a_mistyped_widget_option_is_still_reported() -> None:
    result = ccc_break("--minimised")
    assert result.returncode == 2 and "--minimised" in result.stderr


GC_PROBE = """
import gc, json, sys
import app.cli, app.ui.application
seen = {}
app.ui.application.run_gui = lambda context, minimized=False: seen.setdefault("widget", gc.isenabled()) and 0
app.cli.command_simulator = lambda args, out: seen.setdefault("simulator", gc.isenabled()) and 0
from app.__main__ import main
main(sys.argv[1:])
print(json.dumps({**seen, "after": gc.isenabled()}))
"""


@pytest.mark.parametrize(
    ("argv", "ran"),
    [(["--demo"], "widget"), (["--demo", "--lang", "en"], "widget"), (["simulator", "--port", "0"], "simulator")],
)
def test_the_collector_is_paused_for_a_widgets_start_only(argv: list[str], ran: str) -> None:
    """The widget starts without cyclic garbage collection (it turns it on after its first paint); a
    command keeps it, and whatever ran, the entry point leaves it on. (The settings go to the test's
    own folders, as every test's do.)"""
    result = subprocess.run(
        [sys.executable, "-c", GC_PROBE, *argv], capture_output=True, text=True, timeout=60, check=True
    )
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen == {ran: ran != "widget", "after": True}

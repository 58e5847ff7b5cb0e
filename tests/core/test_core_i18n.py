"""The core's messages in Simplified Chinese: a complete catalogue, and no message that bypasses it.

If these fail, an agent reading Chinese meets an English sentence (or a broken one) in an error, a
settings problem or `ccc-break doctor`.
"""

from __future__ import annotations

import io
import os
import string
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from app.core import i18n
from app.core.autostart import AutoStart
from app.core.credentials import CredentialStore
from app.core.doctor import Report, run_doctor
from app.core.errors import ApiError, ConfigError, DeniedAction, advice_for
from app.core.instance_address import instance_address, private_dir_problem
from app.core.memory_keyring import MemoryKeyring
from app.core.settings.model import SETTING_KEYS, Settings
from app.core.settings.paths import ConfigPaths
from app.core.settings.store import ConfigStore
from app.core.settings.values import parse_setting, validate_setting, validate_settings
from app.core.startup import build_context
from app.simulator import DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, Simulator
from tests.core.pseudo_locale import (
    CLOSE,
    OPEN,
    PSEUDO,
    TRANSLATIONS,
    bypassed,
    forms,
    fresh_extraction,
    write_pseudo_catalogue,
)

PO_FILE = TRANSLATIONS / "ccc-break-core_zh_CN.po"
MO_FILE = TRANSLATIONS / "ccc-break-core_zh_CN.mo"


def placeholders(text: str) -> list[str]:
    return sorted(name for _literal, name, _spec, _conversion in string.Formatter().parse(text) if name is not None)


def test_the_chinese_catalogue_has_every_message_finished() -> None:
    """Every core and CLI message has a finished Chinese translation with the same {placeholders}."""
    with PO_FILE.open("rb") as file:
        catalogue = read_po(file)
    extracted = fresh_extraction()
    problems: list[str] = []
    for message in extracted:
        if not message.id:
            continue
        translated = catalogue.get(message.id, context=message.context)
        if translated is None:
            problems.append(f"missing: {message.id!r}")
            continue
        if translated.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
        strings = forms(translated.string)
        if not strings or not all(s.strip() for s in strings):
            problems.append(f"empty: {message.id!r}")
            continue
        wanted = placeholders(forms(message.id)[0])
        for text in strings:
            if placeholders(text) != wanted:
                problems.append(f"placeholders differ: {message.id!r} -> {text!r}")
    assert not problems, "resources/translations/ccc-break-core_zh_CN.po, see README (Translating):\n" + "\n".join(
        problems
    )


def test_the_committed_catalogues_are_up_to_date() -> None:
    """The .pot lists what the source marks, and the .mo is what `pybabel compile` makes of the .po."""
    with (TRANSLATIONS / "ccc-break-core.pot").open("rb") as file:
        template = {message.id for message in read_po(file) if message.id}
    extracted = {message.id for message in fresh_extraction() if message.id}
    assert template == extracted, f"run the pybabel extract command in README; differs: {template ^ extracted}"
    with PO_FILE.open("rb") as file:
        catalogue = read_po(file, locale="zh_CN")
    compiled = io.BytesIO()
    write_mo(compiled, catalogue)
    assert MO_FILE.read_bytes() == compiled.getvalue(), "run pybabel compile (README, Translating)"


def test_chinese_is_chosen_from_the_code_or_the_system() -> None:
    """--lang, the setting and LANG/LC_ALL/LC_MESSAGES/LANGUAGE all pick Simplified Chinese."""
    assert i18n.set_language("zh_CN") == "zh_CN" == i18n.current_language()
    assert "设置" in advice_for("InvalidParameter", 400)
    for code in ("zh-CN", "zh_CN.UTF-8", "zh", "zh_Hans_CN"):
        assert i18n.choose_language(code) == "zh_CN", code
    assert i18n.choose_language("zh_TW") == "en"  # Traditional Chinese readers are not given Simplified
    linux = "linux"
    assert i18n.choose_language("", environ={"LANG": "zh_CN.UTF-8"}, platform=linux) == "zh_CN"
    assert i18n.choose_language(None, environ={"LC_ALL": "zh_CN.utf8", "LANG": "en_US"}, platform=linux) == "zh_CN"
    assert i18n.choose_language("", environ={"LC_MESSAGES": "zh_CN", "LANG": "C"}, platform=linux) == "zh_CN"
    assert i18n.choose_language("", environ={"LANGUAGE": "fr:zh_CN", "LANG": "fr_FR"}, platform=linux) == "zh_CN"
    assert i18n.choose_language("", environ={"LANG": "C.UTF-8"}, platform=linux) == "en"
    assert i18n.choose_language("", environ={}, platform=linux) == "en"
    i18n.set_language("en")
    assert i18n.current_language() == "en"
    assert advice_for("InvalidParameter", 400).startswith("A setting has an invalid value")


@pytest.mark.parametrize("code", ["fr_FR", "xx", "", "../../etc/passwd", "klingon", "C", "-", "\x00"])
def test_an_unknown_language_falls_back_to_english_and_never_raises(code: str, tmp_path: Path) -> None:
    """A language with no catalogue, or a damaged catalogue, leaves the app in English, working."""
    assert i18n.set_language(code, environ={"LANG": "de_DE.UTF-8"}, platform="linux") == "en"
    assert i18n.current_language() == "en"
    assert ApiError("Throttling", "", http_status=400, request_id=None).user_message.startswith("Too many")
    (tmp_path / f"{i18n.DOMAIN}_zh_CN.mo").write_bytes(b"not a catalogue")
    assert i18n.set_language("zh_CN", directory=tmp_path) == "en"
    assert i18n.set_language("zh_CN", directory=tmp_path / "missing") == "en"


def test_the_system_language_is_read_safely_on_every_platform() -> None:
    """Windows and macOS are asked for the UI language; where that fails the environment decides."""
    for platform in ("win32", "darwin", "linux", "freebsd"):
        found = i18n.system_languages({"LANG": "zh_CN.UTF-8"}, platform)
        assert found[-1] == "zh_CN.UTF-8", platform


# -- the pseudo-locale: a message that does not go through the catalogue shows up unbracketed --


@pytest.fixture
def pseudo_catalogue(tmp_path: Path) -> Iterator[Path]:
    write_pseudo_catalogue(tmp_path)
    with i18n.language(PSEUDO, directory=tmp_path) as chosen:
        assert chosen == PSEUDO
        yield tmp_path


def assert_wrapped(message: str) -> None:
    assert message.startswith(OPEN) and message.endswith(CLOSE), f"not from the catalogue: {message!r}"


@pytest.mark.usefixtures("pseudo_catalogue")
def test_error_advice_goes_through_the_catalogue() -> None:
    """Advice for documented codes, unknown ones, named parameters, state refusals and RAM denials."""
    for code in ("NotExists.InstanceId", "SignatureDoesNotMatch", "Throttling.User", "Throttling.Other", "Forbidden"):
        assert_wrapped(ApiError(code, "server words", http_status=400, request_id="R").user_message)
    assert_wrapped(advice_for("InvalidOperation.UserState", 400, ["TALKING", "READY,BREAK"]))
    assert_wrapped(advice_for("Forbidden.RAM", 403, denied=DeniedAction("ccc:TakeBreak", "agent@corp")))
    assert_wrapped(advice_for("Forbidden.RAM", 403, denied=DeniedAction("ccc:TakeBreak")))
    assert_wrapped(advice_for("MissingInstanceId", 400))
    assert_wrapped(advice_for("Never.Heard.Of", 400))
    assert_wrapped(advice_for("Never.Heard.Of", 503))
    assert_wrapped(ConfigError().user_message)


@pytest.mark.linux_only  # folder owners and modes
@pytest.mark.usefixtures("pseudo_catalogue")
def test_why_the_second_start_check_was_skipped_goes_through_the_catalogue(tmp_path: Path) -> None:
    """The agent is told, in their language, why two widgets may run side by side (the Unix reasons;
    Windows has one more, which says Windows did not name the user)."""
    lax = tmp_path / "lax"
    lax.mkdir(mode=0o777)
    lax.chmod(0o777)
    a_file = tmp_path / "a-file"
    a_file.write_text("")
    for problem in (
        private_dir_problem(tmp_path / "missing", os.getuid()),
        private_dir_problem(a_file, os.getuid()),
        private_dir_problem(tmp_path, os.getuid() + 1),
        private_dir_problem(lax, os.getuid()),
    ):
        assert problem is not None
        assert_wrapped(problem)
    (tmp_path / f"ccc-break-{os.getuid()}").mkdir(mode=0o777)
    (tmp_path / f"ccc-break-{os.getuid()}").chmod(0o777)
    address = instance_address("ccc-break", environ={"XDG_SESSION_ID": "7"}, temp_root=tmp_path)
    assert address.problem is not None
    assert_wrapped(address.problem)


@pytest.mark.usefixtures("pseudo_catalogue")
def test_settings_messages_go_through_the_catalogue(tmp_path: Path) -> None:
    """Validation of every setting, parsing, and the problems loading the files reports."""
    broken = Settings(
        instance_id="",
        user_id="a b",
        user_domain="x@y",
        region="Not A Region",
        endpoint="http://example.com",
        device_id="has space",
        poll_interval=1,
        request_timeout=0.1,
        overrun_reminder_minutes=0,
        auto_ready_after_overrun=-1,
        language="klingon",
        break_codes=(),
    )
    problems = validate_settings(broken)
    assert {"instance_id", "user_id", "region", "endpoint", "poll_interval", "language"} <= problems.keys()
    for message in problems.values():
        assert_wrapped(message)
    for key, text in [
        ("poll_interval", "abc"),
        ("signature", "v9"),
        ("launch_at_login", "maybe"),
        ("language", "klingon"),
        ("break_codes", "lunch|Lunch|x"),
        ("break_codes", "a|b|c|d|e"),
        ("break_codes", "lunch;lunch"),
        ("no_such_setting", "1"),
    ]:
        with pytest.raises(ConfigError) as raised:
            parse_setting(key, text)
        assert_wrapped(raised.value.user_message)
        if key in SETTING_KEYS:
            problem = validate_setting(key, text)
            assert problem is not None
            assert_wrapped(problem)
    system = tmp_path / "system.ini"
    system.write_text("[ccc-break]\nsecret = x\npoll_interval = fast\nno_such = 1\nlocked = nothing\n[other]\na = 1\n")
    user = tmp_path / "user.ini"
    user.write_text("[ccc-break]\nauto_ready_after_overrun = 5\n")
    store = ConfigStore(ConfigPaths(user, (system,)), is_admin_owned=lambda _path: True)
    loaded = store.load({"auto_ready_after_overrun": 3})
    assert len(loaded.problems) >= 5
    for problem in loaded.problems:
        assert_wrapped(problem)
    status = CredentialStore(backend=MemoryKeyring(), environ={"ALIBABA_CLOUD_ACCESS_KEY_ID": "id"}).status()
    assert status.problem is not None
    assert_wrapped(status.problem)


class _ReportedAutoStart(AutoStart):
    """app/core/autostart/ words its own descriptions (still English): this one is plain data."""

    available = True

    def is_enabled(self) -> bool:
        return False

    def set_enabled(self, enabled: bool) -> None:
        return None

    def describe(self) -> str:
        return "~/.config/autostart/ccc-break.desktop"


async def test_a_doctor_report_goes_through_the_catalogue(pseudo_catalogue: Path) -> None:
    """Every line of `ccc-break doctor` is translated but for its data (paths, hosts, codes)."""
    async with Simulator() as simulator:
        environ = {
            **os.environ,
            "ALIBABA_CLOUD_ACCESS_KEY_ID": DEMO_ACCESS_KEY_ID,
            "ALIBABA_CLOUD_ACCESS_KEY_SECRET": DEMO_ACCESS_KEY_SECRET,
        }
        overrides = {"instance_id": "ccc-test", "user_id": "user-test@ccc-test", "endpoint": simulator.url}
        context = build_context(overrides, environ=environ)
        healthy = await run_doctor(
            context,
            qt_probe=lambda: {"loaded": True, "platform": "offscreen", "tray": False},
            autostart=_ReportedAutoStart(),
        )
        context = build_context({"endpoint": simulator.url}, environ={**os.environ})
        broken = await run_doctor(
            context, qt_probe=lambda: {"loaded": False, "error": ""}, autostart=_ReportedAutoStart()
        )
    data = [
        simulator.url,
        "ccc-test",
        "user-test@ccc-test",
        DEMO_ACCESS_KEY_ID,
        "offscreen",
        "_ReportedAutoStart",
        "~/.config/autostart/ccc-break.desktop",
        *SETTING_KEYS,
        *(str(path) for path in context.loaded.sources),
        *(check.data.get("request_id") or "" for check in healthy.checks),
        "ListRealtimeAgentStates",
        "ListAgentStateLogs",
        "ListAgentSummaryReportsSinceMidnight",
        "GetUser",
    ]
    for report in (healthy, broken):
        text = report.to_text()
        assert OPEN in text
        for line in text.splitlines():
            assert not bypassed(line, data), f"not from the catalogue: {line!r}"
    assert Report().to_json()["checks"] == []

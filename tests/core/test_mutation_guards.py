"""Rules that mutation testing showed no other test guards: the exact size bound on an answer,
multi-member gzip and deflate bodies, stacked encodings, NaN in JSON, the OS proxy bypass list,
advice for unknown and throttling codes, and the exact edges of shown text."""

from __future__ import annotations

import gzip
import json
import random
import tracemalloc
import urllib.request
import zlib
from datetime import UTC, datetime

import aiohttp
import pytest
from aiohttp import web

from app.core.access_key import Credentials
from app.core.answer import MAX_ANSWER_BYTES, AnswerTooLarge, decode_body, parse_json
from app.core.client import AgentIdentity, CccClient
from app.core.errors import ApiError
from app.core.models import AgentStatus, UserState
from app.core.proxy import ProxySettings
from app.core.text import MAX_SHOWN_CHARS, bounded, without_markup
from tests.fixtures.hostile import OK_CONTEXT, HostileServer, envelope


async def _no_wait(_delay: float) -> None:
    return None


def _client(hostile: HostileServer, session: aiohttp.ClientSession) -> CccClient:
    return CccClient(
        session,
        endpoint=hostile.url,
        identity=AgentIdentity("ccc-test", "user-test@ccc-test", "desk-1"),
        credentials=Credentials("key-id", "guard-DISTINCTIVE-secret"),
        rng=random.Random(5),
        sleep=_no_wait,
    )


def _answer(body: bytes, encoding: str) -> web.Response:
    return web.Response(body=body, headers={"Content-Encoding": encoding, "Content-Type": "application/json"})


def test_an_answer_of_exactly_the_bound_is_read_and_one_byte_more_is_not() -> None:
    """A gateway answer of exactly 1 MiB (plain or gzipped) still shows the agent's status; were the
    bound off by one, a legitimate answer at the edge would be refused as "too large"."""
    at_bound = b"x" * MAX_ANSWER_BYTES
    assert decode_body(at_bound, "") == at_bound
    assert decode_body(gzip.compress(at_bound), "gzip") == at_bound
    with pytest.raises(AnswerTooLarge):
        decode_body(at_bound + b"x", "")
    with pytest.raises(AnswerTooLarge):
        decode_body(gzip.compress(at_bound + b"x"), "gzip")


def test_a_bomb_after_a_member_that_just_fills_the_bound_is_never_inflated() -> None:
    """A first gzip member that ends exactly one byte over the bound, then a 64 MiB bomb: refused
    while holding a few MB, not by inflating the bomb (the app would balloon by 64 MB or more)."""
    body = gzip.compress(b"a" * (MAX_ANSWER_BYTES + 1)) + gzip.compress(b"\0" * (64 << 20), compresslevel=9)
    tracemalloc.start()
    try:
        with pytest.raises(AnswerTooLarge):
            decode_body(body, "gzip")
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 16 * 1024 * 1024, f"{peak / 1e6:.0f} MB held for a bomb"


async def test_a_gzip_answer_in_several_members_is_read_whole(
    hostile: HostileServer, session: aiohttp.ClientSession
) -> None:
    """A gateway that streams its gzip answer as several members (valid gzip) still shows the agent's
    status; reading only one member would leave the agent with "cannot read" on every poll."""
    text = json.dumps(envelope()).encode()
    middle = len(text) // 2
    body = gzip.compress(text[:middle]) + gzip.compress(text[middle:])

    async def members(_request: web.Request) -> web.Response:
        return _answer(body, "gzip")

    hostile.handler = members
    status = await _client(hostile, session).poll_user_status()
    assert status.user_state is UserState.READY
    assert status.extension == OK_CONTEXT["Extension"]


@pytest.mark.parametrize(
    "compress",
    [zlib.compress, lambda data: zlib.compress(data)[2:-4]],
    ids=["zlib-wrapped", "raw-deflate"],
)
async def test_a_deflated_answer_is_read(hostile: HostileServer, session: aiohttp.ClientSession, compress) -> None:  # type: ignore[no-untyped-def]
    """We ask for deflate, so a gateway that sends it (RFC zlib-wrapped, or the raw deflate some
    servers send) must still show the agent's status, not "cannot read"."""
    body = compress(json.dumps(envelope()).encode())

    async def deflated(_request: web.Request) -> web.Response:
        return _answer(body, "deflate")

    hostile.handler = deflated
    status = await _client(hostile, session).poll_user_status()
    assert status.user_state is UserState.READY
    assert "deflate" in hostile.seen[0].headers.get("Accept-Encoding", "")


@pytest.mark.parametrize(
    ("encoding", "encode"),
    [
        ("identity", lambda data: data),
        ("Identity", lambda data: data),
        ("x-gzip", gzip.compress),
        ("GZIP", gzip.compress),
        ("gzip, identity", gzip.compress),
        ("deflate, gzip", lambda data: gzip.compress(zlib.compress(data))),
        ("deflate,gzip", lambda data: gzip.compress(zlib.compress(data))),
    ],
)
def test_every_spelling_of_an_encoding_we_accept_is_undone(encoding: str, encode) -> None:  # type: ignore[no-untyped-def]
    """Content-Encoding values a proxy may legitimately send (any case, the x-gzip alias, identity,
    or two codings stacked) are undone; otherwise the agent sees "cannot read" from a working service."""
    text = json.dumps(envelope()).encode()
    assert decode_body(encode(text), encoding) == text


def test_nan_and_infinity_in_an_answer_become_null() -> None:
    """NaN or Infinity where a field belongs shows as empty, never as "nan" or "inf" (or a 0 that
    would read as a real value) in the agent's status."""
    parsed = parse_json(b'{"Extension": NaN, "Heartbeat": Infinity, "Reserved": -Infinity, "Ok": 1}')
    assert parsed == {"Extension": None, "Heartbeat": None, "Reserved": None, "Ok": 1}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-32-be"])
def test_an_answer_in_any_json_unicode_encoding_is_read(encoding: str) -> None:
    """JSON may come as UTF-8, -16 or -32 (RFC 8259 readers must accept them): the body is read as
    Python's json reads bytes, so a gateway that re-encodes its answers still works."""
    text = json.dumps(envelope(), ensure_ascii=False).replace("READY", "READY 午餐")
    assert parse_json(text.encode(encoding)) == json.loads(text)


@pytest.mark.parametrize(
    ("code", "status", "advice"),
    [
        ("Throttling.Tenant", 400, "Too many requests"),
        ("Odd.Fault", 500, "had a problem. Try again in a minute"),
        ("Odd.Fault", 503, "had a problem. Try again in a minute"),
        ("Odd.Refusal", 400, "refused the request. Check Settings"),
        ("Odd.Refusal", 499, "refused the request. Check Settings"),
    ],
)
def test_advice_for_codes_the_table_does_not_list(code: str, status: int, advice: str) -> None:
    """A new throttling code still says "wait a minute", a new 5xx says "try again later" and a new
    4xx says "check Settings": otherwise the agent is told to fix settings for a server outage."""
    error = ApiError(code, "server words", http_status=status, request_id="R-1")
    assert advice in error.user_message
    assert error.retryable is (status >= 500 or code.startswith("Throttling"))


def test_a_huge_error_code_is_cut_to_one_hundred_characters() -> None:
    """An error code of 10,000 characters is shown as at most 100, so the message stays readable."""
    error = ApiError("C" * 10_000, "", http_status=400, request_id=None)
    assert len(error.code) == 100
    assert error.code.endswith("…")


def test_text_of_exactly_the_shown_length_is_not_cut() -> None:
    """A service message of exactly 500 characters is shown whole, without a misleading "…"."""
    text = "y" * MAX_SHOWN_CHARS
    assert bounded(text) == text
    assert bounded(text + "y") == "y" * (MAX_SHOWN_CHARS - 1) + "…"


def test_notification_brackets_become_the_look_alike_quotes_only() -> None:
    """A break code "<Lunch>" reads as "‹Lunch›" in a notification, with nothing else added."""
    assert without_markup("<Lunch>") == "\u2039Lunch\u203a"


def test_the_os_bypass_list_applies_when_no_proxy_variable_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    """On Windows/macOS with a system proxy and an intranet host on the OS bypass list, requests to
    that host go direct; otherwise an agent on an intranet CCC endpoint could not connect at all."""
    monkeypatch.setattr(urllib.request, "getproxies", lambda: {"HTTPS": "http://corp-proxy:3128"})
    monkeypatch.setattr(urllib.request, "getproxies_environment", lambda: {})
    monkeypatch.setattr(urllib.request, "proxy_bypass", lambda host: host == "ccc.intranet.example")
    settings = ProxySettings.from_system()
    assert settings.proxy_for("https://ccc.intranet.example") is None
    assert settings.proxy_for("https://ccc.aliyuncs.com") == "http://corp-proxy:3128"


def test_an_unreadable_os_proxy_configuration_means_no_bypass(monkeypatch: pytest.MonkeyPatch) -> None:
    """If the OS bypass list cannot be read, the configured proxy is still used (no crash, no silent
    direct connection that a corporate firewall would drop)."""

    def unreadable(_host: str) -> bool:
        raise OSError("registry unreadable")

    monkeypatch.setattr(urllib.request, "getproxies", lambda: {"https": "http://corp-proxy:3128"})
    monkeypatch.setattr(urllib.request, "getproxies_environment", lambda: {})
    monkeypatch.setattr(urllib.request, "proxy_bypass", unreadable)
    assert ProxySettings.from_system().proxy_for("https://ccc.aliyuncs.com") == "http://corp-proxy:3128"


def test_a_url_without_a_host_never_goes_through_the_proxy() -> None:
    """An endpoint with no host name is never handed to the corporate proxy."""
    assert ProxySettings({"https": "http://proxy:3128", "all": "http://proxy:3128"}).proxy_for("https:///") is None


@pytest.mark.parametrize("raw", ["ACW", "acw", " Acw "])
def test_after_call_work_shows_as_working(raw: str) -> None:
    """CCC's "ACW" (after-call work) shows as Working, so Take break and Ready stay possible."""
    assert UserState.parse(raw) is UserState.WORKING


def test_every_field_of_the_agent_context_is_kept() -> None:
    """`ccc-break status --json` and the widget show each field the service sent, under its own name,
    with the seed's odd types (numbers as floats, booleans as text, lists as comma text) normalised."""
    context = {
        "UserState": "ACW",
        "BreakCode": "Lunch",
        "Extension": 8001.0,
        "Heartbeat": "1609249563836",
        "Reserved": 0,
        "WorkMode": "ON_SITE",
        "DeviceId": "ACC-1",
        "JobId": "job-9",
        "Mobile": True,
        "OutboundScenario": " TRUE ",
        "SignedSkillGroupIdList": "sg-1, sg-2",
        "InstanceId": "ccc-test",
        "UserId": "user-test@ccc-test",
    }
    status = AgentStatus.from_context(context, request_id="R-9")
    assert status.user_state is UserState.WORKING
    assert status.to_api_dict() == {
        "UserState": "ACW",
        "BreakCode": "Lunch",
        "Extension": "8001",
        "Heartbeat": 1609249563836,
        "Reserved": None,
        "WorkMode": "ON_SITE",
        "DeviceId": "ACC-1",
        "JobId": "job-9",
        "Mobile": "true",
        "OutboundScenario": True,
        "SignedSkillGroupIdList": ["sg-1", "sg-2"],
        "InstanceId": "ccc-test",
        "UserId": "user-test@ccc-test",
    }
    assert status.request_id == "R-9"

    def varied(**fields: object) -> AgentStatus:
        return AgentStatus.from_context({**context, **fields}, request_id=None)

    assert varied(Heartbeat="0").heartbeat is None
    assert varied(Reserved="1609249563836").to_api_dict()["Reserved"] == 1609249563836
    assert varied(OutboundScenario=True).outbound_scenario is True
    assert len(varied(SignedSkillGroupIdList=[f"sg-{n}" for n in range(500)]).signed_skill_groups) == 100
    assert varied(OutboundScenario="false").outbound_scenario is False
    assert varied(Mobile=False).mobile == "false"
    assert varied(SignedSkillGroupIdList=7).signed_skill_groups == ("7",)
    assert varied(SignedSkillGroupIdList=None).signed_skill_groups == ()


def test_the_moment_an_answer_arrived_is_kept_and_is_timezone_aware() -> None:
    """The widget's "updated N s ago" counts from when the answer arrived: a given moment is kept, and
    a missing one is now in UTC (a naive or missing time would break or skew that count)."""
    arrived = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert AgentStatus.from_context(OK_CONTEXT, request_id=None, received_at=arrived).received_at == arrived
    before = datetime.now(UTC)
    stamped = AgentStatus.from_context(OK_CONTEXT, request_id=None).received_at
    assert stamped.tzinfo is not None
    assert before <= stamped <= datetime.now(UTC)


def test_a_timestamp_sent_as_a_float_still_shows() -> None:
    """The seed's JSON mixes numbers and strings: a Heartbeat of 1609249563836.0 is still a heartbeat."""
    from app.core.models import as_moment, as_text

    moment = as_moment(1609249563836.0)
    assert moment is not None and moment.year == 2020
    assert as_moment("1609249563836.0") == moment
    assert as_moment(1609249563836) == as_moment("1609249563836") == moment, "a number or its text: one moment"
    assert as_moment(float("inf")) is None and as_moment(-5) is None
    assert len(as_text(1e300)) <= 200, "a huge whole float must be capped like any text"


def test_more_encoding_layers_than_any_real_answer_are_refused() -> None:
    """Each layer costs time on the GUI thread: a header naming gzip a thousand times is not undone."""
    from app.core.answer import AnswerUnreadable, decode_body

    with pytest.raises(AnswerUnreadable):
        decode_body(b"x", ", ".join(["gzip"] * 1000))


def test_no_proxy_configured_means_no_bypass_lookup() -> None:
    """The OS bypass check may resolve names (DNS) and ran on the GUI thread even with no proxy."""
    from app.core.proxy import ProxySettings

    def must_not_run(_host: str) -> bool:
        raise AssertionError("the bypass list was consulted with no proxy to bypass")

    assert ProxySettings({}, system_bypass=must_not_run).proxy_for("https://ccc.aliyuncs.com") is None

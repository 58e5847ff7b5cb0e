"""The client against a deliberately hostile server on loopback: oversized and gzip-bombed bodies,
deep or mistyped JSON, redirects, absurd dates and a server that never answers. Each must end in a
plain message and a bounded cost, never a crash, a wedge or a forged success."""

from __future__ import annotations

import asyncio
import gzip
import json
import random
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import aiohttp
import pytest
from aiohttp import web

from app.core.access_key import Credentials
from app.core.answer import MAX_ANSWER_BYTES
from app.core.client import AgentIdentity, CccClient, RetryPolicy, Timeouts
from app.core.errors import ApiError, ProtocolError, RequestTimeout
from app.core.models import UserState
from app.core.server_clock import ServerClock
from app.core.signature_scheme import SignatureScheme
from tests.fixtures.hostile import OK_CONTEXT, HostileServer, envelope, json_response

SECRET = "hostile-DISTINCTIVE-secret-1"
AGENT = AgentIdentity("ccc-test", "user-test@ccc-test", "desk-1")


async def _no_wait(_delay: float) -> None:
    return None


MakeClient = Callable[..., CccClient]


@pytest.fixture
def client_for(hostile: HostileServer, session: aiohttp.ClientSession) -> MakeClient:
    def make(**kwargs: object) -> CccClient:
        options: dict[str, object] = {"rng": random.Random(3), "sleep": _no_wait, **kwargs}
        return CccClient(
            session,
            endpoint=hostile.url,
            identity=AGENT,
            credentials=Credentials("key-id", SECRET),
            **options,  # type: ignore[arg-type]
        )

    return make


def _gzip_bomb() -> bytes:
    """About 1 MB that inflates to 1 GiB: 64 gzip members of 16 MiB of zeros each (valid gzip)."""
    member = gzip.compress(b"\0" * (16 << 20), compresslevel=6)
    return member * 64


async def test_a_gzip_bomb_is_refused_without_inflating_it(hostile: HostileServer, client_for: MakeClient) -> None:
    """1 MB of gzip that inflates to 1 GiB: the agent gets a message about the service, and the app
    never holds more than a few MB for it (it used to take 2 GB)."""

    async def bomb(_request: web.Request) -> web.Response:
        return web.Response(body=bomb_body, headers={"Content-Encoding": "gzip", "Content-Type": "application/json"})

    bomb_body = _gzip_bomb()
    hostile.handler = bomb
    assert len(bomb_body) < 1_100_000
    tracemalloc.start()
    try:
        with pytest.raises(ProtocolError) as caught:
            await client_for().poll_user_status()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "larger than 1024 KiB" in caught.value.user_message
    assert peak < 16 * 1024 * 1024, f"{peak / 1e6:.0f} MB held for a bomb"
    assert len(hostile.seen) == 1, "an oversized 200 answer is not worth retrying"


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
async def test_an_oversized_plain_body_is_refused(
    hostile: HostileServer, client_for: MakeClient, declared: bool
) -> None:
    """5 MB where CCC sends a few KB: refused as the service's fault, whether or not it says its size."""
    huge = json.dumps(envelope(Message="x" * 5_000_000)).encode()

    async def oversized(request: web.Request) -> web.StreamResponse:
        if declared:
            return web.Response(body=huge, content_type="application/json")
        response = web.StreamResponse(headers={"Content-Type": "application/json"})
        response.enable_chunked_encoding()
        await response.prepare(request)
        for start in range(0, len(huge), 65536):
            await response.write(huge[start : start + 65536])
        await response.write_eof()
        return response

    hostile.handler = oversized
    with pytest.raises(ProtocolError, match="larger than 1024 KiB"):
        await client_for().poll_user_status()


async def test_a_long_error_message_is_cut_to_a_readable_length(hostile: HostileServer, client_for: MakeClient) -> None:
    """An error message of 900,000 characters (under the size bound) reaches the agent as at most
    500 characters, so the window cannot freeze laying it out."""

    async def wordy(_request: web.Request) -> web.Response:
        body = {"RequestId": "R-LONG", "Code": "InvalidParameter", "Message": "blah " * 180_000}
        return json_response(body, status=400)

    hostile.handler = wordy
    with pytest.raises(ApiError) as caught:
        await client_for().poll_user_status()
    assert len(caught.value.server_message) <= 500
    assert caught.value.server_message.endswith("…")
    assert caught.value.request_id == "R-LONG"


async def test_deeply_nested_json_is_an_unexpected_answer_with_its_request_id(
    hostile: HostileServer, client_for: MakeClient
) -> None:
    """JSON nested 100,000 deep used to raise RecursionError through the CLI; now it is an answer
    the app cannot read, with the RequestId the gateway sent."""

    async def deep(_request: web.Request) -> web.Response:
        return web.Response(
            body=b"[" * 100_000 + b"]" * 100_000,
            content_type="application/json",
            headers={"x-acs-request-id": "DEEP-1"},
        )

    hostile.handler = deep
    with pytest.raises(ProtocolError) as caught:
        await client_for().poll_user_status()
    assert "cannot read" in caught.value.user_message
    assert caught.value.request_id == "DEEP-1"


@pytest.mark.parametrize(
    ("context", "expect"),
    [
        ({**OK_CONTEXT, "SignedSkillGroupIdList": {"a": 1}}, lambda s: s.signed_skill_groups == ()),
        ({**OK_CONTEXT, "Heartbeat": 10**30}, lambda s: s.heartbeat is None),
        ({**OK_CONTEXT, "Heartbeat": 10**400}, lambda s: s.heartbeat is None),
        ({**OK_CONTEXT, "UserState": None}, lambda s: s.user_state is UserState.UNKNOWN),
        ({**OK_CONTEXT, "Heartbeat": float("nan")}, lambda s: s.heartbeat is None),
        ({**OK_CONTEXT, "Extension": ["8001"]}, lambda s: s.extension == ""),
        ({**OK_CONTEXT, "BreakCode": "b" * 10_000}, lambda s: len(s.break_code) <= 200),
    ],
    ids=[
        "skill-groups-object",
        "heartbeat-1e30",
        "heartbeat-beyond-any-float",
        "null-state",
        "nan-heartbeat",
        "extension-list",
        "huge-code",
    ],
)
async def test_odd_field_types_are_coerced_not_fatal(
    hostile: HostileServer, client_for: MakeClient, context: dict[str, object], expect: Callable[..., bool]
) -> None:
    """A field of the wrong type shows as unknown or empty; the rest of the status still shows."""

    async def odd(_request: web.Request) -> web.Response:
        text = json.dumps(envelope({"UserContext": context}), allow_nan=True)
        return web.Response(text=text, content_type="application/json")

    hostile.handler = odd
    status = await client_for().poll_user_status()
    assert expect(status), status
    assert status.user_id == "user-test@ccc-test"


@pytest.mark.parametrize("data", [[1, 2], "text", None], ids=["list", "string", "missing"])
async def test_a_success_without_an_agent_context_is_unexpected(
    hostile: HostileServer, client_for: MakeClient, data: object
) -> None:
    """HTTP 200 and Code OK but no agent context: an unexpected answer, never a blank READY."""

    async def empty(_request: web.Request) -> web.Response:
        body = envelope()
        body["Data"] = {"UserContext": data} if data is not None else None
        return json_response(body)

    hostile.handler = empty
    with pytest.raises(ProtocolError) as caught:
        await client_for().poll_user_status()
    assert caught.value.request_id == "HOSTILE-REQUEST-1"


@pytest.mark.parametrize("status", [301, 302, 307, 308])
async def test_a_redirect_is_an_error_and_never_followed(
    hostile: HostileServer, elsewhere: HostileServer, client_for: MakeClient, status: int
) -> None:
    """CCC never redirects. Following one (even to plain http on another host) would send the signed
    request there and believe whatever OK it forged."""
    elsewhere.handler = lambda _request: _forged_ok()

    async def redirect(_request: web.Request) -> web.Response:
        return web.Response(status=status, headers={"Location": f"{elsewhere.url}/?forged=1"})

    hostile.handler = redirect
    with pytest.raises(ProtocolError, match="redirect"):
        await client_for().take_break("lunch")
    assert elsewhere.seen == [], "the redirect target must never be contacted"
    assert len(hostile.seen) == 1, "a redirect is an answer, not a fault to retry"


async def _forged_ok() -> web.Response:
    return json_response(envelope({**OK_CONTEXT, "UserState": "BREAK"}))


def _http_date(moment: datetime) -> str:
    return format_datetime(moment, usegmt=True)


@pytest.mark.parametrize("year", [9999, 1970])
@pytest.mark.parametrize("scheme", [SignatureScheme.V3, SignatureScheme.V2])
async def test_an_absurd_date_header_never_moves_the_clock(
    hostile: HostileServer, client_for: MakeClient, year: int, scheme: SignatureScheme
) -> None:
    """An InvalidTimeStamp answer dated 9999 (or 1970) used to be believed: every later request was
    signed in that year and the widget stayed broken until restarted."""
    answers = iter(["expired", "ok"])

    async def lying(_request: web.Request) -> web.Response:
        if next(answers) == "expired":
            body = {"RequestId": "R-TS", "Code": "InvalidTimeStamp.Expired", "Message": "Specified time stamp expired."}
            absurd = datetime(year, 6, 1, tzinfo=UTC)
            return json_response(body, status=400, Date=_http_date(absurd))
        return json_response(envelope())

    hostile.handler = lying
    clock = ServerClock()
    client = client_for(clock=clock, signature=scheme)
    with pytest.raises(ApiError, match="clock"):
        await client.poll_user_status()
    assert clock.offset == timedelta(0)
    await client.poll_user_status()  # the next request is signed with this PC's own time, and works
    assert _signed_year(hostile, scheme) == datetime.now(UTC).year


def _signed_year(hostile: HostileServer, scheme: SignatureScheme) -> int:
    last = hostile.seen[-1]
    if scheme is SignatureScheme.V3:
        stamp = last.headers["x-acs-date"]
    else:
        from urllib.parse import parse_qs, urlsplit

        stamp = parse_qs(urlsplit(last.path).query)["Timestamp"][0]
    return int(stamp[:4])


async def test_a_wrong_correction_is_undone_by_the_next_good_answer(
    hostile: HostileServer, client_for: MakeClient
) -> None:
    """A correction that went stale (here two hours, within the bound) follows the service's own
    Date again as soon as an answer is good, instead of lasting until restart."""

    async def honest(_request: web.Request) -> web.Response:
        return json_response(envelope(), Date=_http_date(datetime.now(UTC)))

    hostile.handler = honest
    clock = ServerClock(offset=timedelta(hours=2))
    await client_for(clock=clock).poll_user_status()
    assert abs(clock.offset) < timedelta(seconds=5)


async def test_the_timeout_message_states_the_real_wait(hostile: HostileServer, session: aiohttp.ClientSession) -> None:
    """Three tries of 0.4 s each: the message says how long the agent really waited (about 1.2 s and
    three tries), not one try's limit."""

    async def silent(_request: web.Request) -> web.Response:
        await asyncio.sleep(30)
        return json_response(envelope())

    hostile.handler = silent
    client = CccClient(
        session,
        endpoint=hostile.url,
        identity=AGENT,
        credentials=Credentials("key-id", SECRET),
        timeouts=Timeouts(connect=0.4, total=0.4),
        retry=RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.01),
    )
    started = time.monotonic()
    with pytest.raises(RequestTimeout) as caught:
        await client.poll_user_status()
    waited = time.monotonic() - started
    shown = float(caught.value.user_message.split("within ")[1].split(" s")[0])
    assert abs(shown - waited) <= 0.15, (shown, waited)
    assert shown >= 1.2
    assert "(3 tries)" in caught.value.user_message


async def test_a_4xx_html_page_is_not_retried(hostile: HostileServer, client_for: MakeClient) -> None:
    """A proxy's 403 page is an answer: retrying it only delays the message (a 5xx page is retried)."""

    async def portal(_request: web.Request) -> web.Response:
        return web.Response(text="<html>Access denied</html>", status=403, content_type="text/html")

    hostile.handler = portal
    with pytest.raises(ProtocolError, match="HTTP 403"):
        await client_for().poll_user_status()
    assert len(hostile.seen) == 1


async def test_a_gzipped_real_answer_still_works(hostile: HostileServer, client_for: MakeClient) -> None:
    """Compression the client asked for is undone: a gateway that gzips its answers still works."""

    async def zipped(_request: web.Request) -> web.Response:
        body = gzip.compress(json.dumps(envelope()).encode())
        return web.Response(body=body, headers={"Content-Encoding": "gzip", "Content-Type": "application/json"})

    hostile.handler = zipped
    status = await client_for().poll_user_status()
    assert status.user_state is UserState.READY
    assert "gzip" in hostile.seen[0].headers.get("Accept-Encoding", "")


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
async def test_an_answer_of_exactly_the_bound_is_read_and_one_byte_more_is_refused(
    hostile: HostileServer, client_for: MakeClient, declared: bool
) -> None:
    """A 1 MiB answer (padded with JSON whitespace) still shows the agent's status whether or not it
    says its size; one byte more is refused as the service's fault."""
    text = json.dumps(envelope()).encode()
    bodies = iter([text + b" " * (MAX_ANSWER_BYTES - len(text)), text + b" " * (MAX_ANSWER_BYTES + 1 - len(text))])

    async def padded(request: web.Request) -> web.StreamResponse:
        body = next(bodies)
        if declared:
            return web.Response(body=body, content_type="application/json")
        response = web.StreamResponse(headers={"Content-Type": "application/json"})
        response.enable_chunked_encoding()
        await response.prepare(request)
        for start in range(0, len(body), 65536):
            await response.write(body[start : start + 65536])
        await response.write_eof()
        return response

    hostile.handler = padded
    status = await client_for().poll_user_status()
    assert status.user_state is UserState.READY
    with pytest.raises(ProtocolError, match="larger than 1024 KiB"):
        await client_for().poll_user_status()

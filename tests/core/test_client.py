"""The client against the real simulator over loopback: what an agent's click actually gets back."""

from __future__ import annotations

import logging
import random
import ssl
import subprocess
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from app.core.access_key import Credentials
from app.core.client import AgentIdentity, CccClient, RetryPolicy, open_session
from app.core.errors import ApiError, ConfigError, NetworkError, ProtocolError, RequestTimeout
from app.core.models import UserState
from app.core.server_clock import ServerClock
from app.core.signature_scheme import SignatureScheme
from app.simulator import AccessKey, FaultKind, Simulator, SimulatorConfig, seed_agent

SECRET = "Zq8-DISTINCTIVE-secret-7734"
TOKEN = "sts-DISTINCTIVE-token-5521"
AGENT = AgentIdentity("ccc-test", "user-test@ccc-test", "desk-42")
GOOD = Credentials("good-key", SECRET)


@pytest.fixture
async def simulator() -> AsyncIterator[Simulator]:
    config = SimulatorConfig(
        access_keys={
            "good-key": AccessKey(SECRET),
            "off-key": AccessKey(SECRET, active=False),
            "poll-only-key": AccessKey(SECRET, allowed_actions=frozenset({"PollUserStatus"})),
            "sts-key": AccessKey(SECRET, security_token=TOKEN),
        },
        agents=[seed_agent()],
    )
    async with Simulator(config) as sim:
        yield sim


class RecordedSleep:
    """Backoff delays are recorded instead of waited, so retry tests stay fast and exact."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


MakeClient = Callable[..., CccClient]


@pytest.fixture
def make_client(simulator: Simulator, session: aiohttp.ClientSession) -> MakeClient:
    def make(
        credentials: Credentials = GOOD,
        *,
        signature: SignatureScheme = SignatureScheme.V3,
        identity: AgentIdentity = AGENT,
        clock: ServerClock | None = None,
        sleep: RecordedSleep | None = None,
        endpoint: str | None = None,
        **kwargs: object,
    ) -> CccClient:
        return CccClient(
            session,
            endpoint=endpoint or simulator.url,
            identity=identity,
            credentials=credentials,
            signature=signature,
            clock=clock,
            rng=random.Random(7),
            sleep=sleep or RecordedSleep(),
            **kwargs,  # type: ignore[arg-type]
        )

    return make


def attempts(simulator: Simulator, action: str) -> int:
    return sum(1 for record in simulator.requests if record.action == action)


@pytest.mark.parametrize("scheme", [SignatureScheme.V2, SignatureScheme.V3])
async def test_break_poll_ready_round_trip(make_client: MakeClient, scheme: SignatureScheme) -> None:
    """Take Break puts the agent in BREAK with the code, the poll agrees, Ready makes them READY."""
    client = make_client(signature=scheme)
    status = await client.take_break("lunch")
    assert status.user_state is UserState.BREAK and status.break_code == "lunch"
    assert status.extension == "80011474" and status.request_id
    assert status.heartbeat is not None and status.heartbeat.tzinfo is not None
    assert abs(status.heartbeat - datetime.now(UTC)) < timedelta(seconds=30)
    polled = await client.poll_user_status()
    assert polled.user_state is UserState.BREAK and polled.signed_skill_groups == ("skill-group@ccc-test",)
    ready = await client.ready_for_service()
    assert ready.user_state is UserState.READY and ready.break_code == ""


async def test_unicode_break_code_is_signed_and_kept(make_client: MakeClient) -> None:
    """A contact centre's own break codes (any language, spaces, symbols) work in both schemes."""
    for scheme in SignatureScheme:
        status = await make_client(signature=scheme).take_break("午餐 & café ~*")
        assert status.break_code == "午餐 & café ~*"


async def test_sts_token_is_sent_in_both_schemes(make_client: MakeClient) -> None:
    """Agents on temporary STS credentials can work; a missing token is explained."""
    for scheme in SignatureScheme:
        status = await make_client(Credentials("sts-key", SECRET, TOKEN), signature=scheme).poll_user_status()
        assert status.user_state is UserState.READY
    with pytest.raises(ApiError) as caught:
        await make_client(Credentials("sts-key", SECRET)).poll_user_status()
    assert caught.value.code.startswith("InvalidSecurityToken")
    assert "STS" in caught.value.user_message


async def test_seed_json_shapes_are_normalised(simulator: Simulator, make_client: MakeClient) -> None:
    """The seed's odd JSON (numbers for Extension, the group list as a string) still shows correctly."""
    simulator.faults.fail(FaultKind.SEED_JSON_SHAPES)
    status = await make_client().poll_user_status()
    assert status.extension == "80011474" and status.mobile == "13900000001"
    assert status.signed_skill_groups == ("skill-group@ccc-test",)


ErrorCase = tuple[str, Callable[[Simulator, MakeClient], Awaitable[object]], type[Exception], str]


async def _unknown_instance(sim: Simulator, make: MakeClient) -> object:
    return await make(identity=AgentIdentity("ccc-nope", "user-test@ccc-test", "d")).poll_user_status()


async def _unknown_user(sim: Simulator, make: MakeClient) -> object:
    return await make(identity=AgentIdentity("ccc-test", "ghost@ccc-test", "d")).poll_user_status()


async def _blank_code(sim: Simulator, make: MakeClient) -> object:
    return await make().take_break("")


async def _blank_user(sim: Simulator, make: MakeClient) -> object:
    return await make(identity=AgentIdentity("ccc-test", "", "d")).poll_user_status()


async def _while_talking(sim: Simulator, make: MakeClient) -> object:
    sim.directory.set_state("ccc-test", "user-test@ccc-test", "TALKING")
    return await make().take_break("default")


async def _channel_open(sim: Simulator, make: MakeClient) -> object:
    sim.directory.set_state("ccc-test", "user-test@ccc-test", channel_open=True)
    return await make().ready_for_service()


async def _unknown_key(sim: Simulator, make: MakeClient) -> object:
    return await make(Credentials("no-such-key", SECRET)).poll_user_status()


async def _inactive_key(sim: Simulator, make: MakeClient) -> object:
    return await make(Credentials("off-key", SECRET)).poll_user_status()


async def _wrong_secret(sim: Simulator, make: MakeClient) -> object:
    return await make(Credentials("good-key", "wrong-" + SECRET)).poll_user_status()


async def _wrong_secret_v2(sim: Simulator, make: MakeClient) -> object:
    return await make(Credentials("good-key", "wrong-" + SECRET), signature=SignatureScheme.V2).poll_user_status()


async def _not_permitted(sim: Simulator, make: MakeClient) -> object:
    return await make(Credentials("poll-only-key", SECRET)).take_break("default")


ERROR_CASES: list[ErrorCase] = [
    ("NotExists.InstanceId", _unknown_instance, ApiError, "instance ID is wrong"),
    ("NotExists.UserId", _unknown_user, ApiError, "user ID was not found"),
    ("Parameter.Blank", _blank_code, ApiError, "required value is empty"),
    ("Parameter.Blank", _blank_user, ApiError, "required value is empty"),
    ("InvalidOperation.UserState", _while_talking, ApiError, "not possible while your state is TALKING"),
    ("InvalidOperation.ChannelState", _channel_open, ApiError, "call is still connected"),
    ("InvalidAccessKeyId.NotFound", _unknown_key, ApiError, "AccessKey ID is wrong"),
    ("InvalidAccessKeyId.Inactive", _inactive_key, ApiError, "AccessKey is disabled"),
    ("SignatureDoesNotMatch", _wrong_secret, ApiError, "AccessKey secret is wrong"),
    ("SignatureDoesNotMatch", _wrong_secret_v2, ApiError, "AccessKey secret is wrong"),
    ("Forbidden.RAM", _not_permitted, ApiError, "ccc:TakeBreak"),
]


@pytest.mark.parametrize(("code", "cause", "kind", "advice"), ERROR_CASES, ids=[c[1].__name__ for c in ERROR_CASES])
async def test_each_service_error_has_its_type_message_and_request_id(
    simulator: Simulator,
    make_client: MakeClient,
    code: str,
    cause: Callable[[Simulator, MakeClient], Awaitable[object]],
    kind: type[Exception],
    advice: str,
) -> None:
    """Every refusal shows a sentence that says what to do, plus the RequestId, and is tried once."""
    with pytest.raises(kind) as caught:
        await cause(simulator, make_client)
    error = caught.value
    assert isinstance(error, ApiError)
    assert error.code == code
    assert advice in error.user_message
    assert error.request_id and len(error.request_id) >= 8
    assert len(simulator.requests) == 1, "a client error must never be retried"


async def test_unknown_instance_keeps_the_seed_message(make_client: MakeClient, simulator: Simulator) -> None:
    """IT sees the service's own words too, with the instance that was wrong."""
    with pytest.raises(ApiError) as caught:
        await _unknown_instance(simulator, make_client)
    assert caught.value.server_message == "The specified instance ccc-nope does not exist."
    assert caught.value.http_status == 404


async def test_state_error_carries_current_and_allowed_states(simulator: Simulator, make_client: MakeClient) -> None:
    """The refusal says which state the agent is in, so the widget can show it."""
    with pytest.raises(ApiError) as caught:
        await _while_talking(simulator, make_client)
    assert caught.value.params == ("TALKING", "BREAK,READY,WORKING")


@pytest.mark.parametrize(
    ("kind", "code"),
    [(FaultKind.INTERNAL_ERROR, "InternalError"), (FaultKind.SERVICE_UNAVAILABLE, "ServiceUnavailable")],
)
async def test_server_faults_are_retried_then_succeed(
    simulator: Simulator, make_client: MakeClient, kind: FaultKind, code: str
) -> None:
    """A passing server fault costs the agent nothing: two failures, then the break is taken."""
    simulator.faults.fail(kind, "TakeBreak", count=2)
    sleep = RecordedSleep()
    status = await make_client(sleep=sleep).take_break("default")
    assert status.user_state is UserState.BREAK
    assert [r.code for r in simulator.requests] == [code, code, "OK"]
    assert len(sleep.delays) == 2 and all(0 <= d <= 1.0 for d in sleep.delays)


async def test_persistent_server_fault_gives_up_after_bounded_attempts(
    simulator: Simulator, make_client: MakeClient
) -> None:
    """A down service is reported after three tries, not retried forever."""
    simulator.faults.fail(FaultKind.SERVICE_UNAVAILABLE)
    with pytest.raises(ApiError) as caught:
        await make_client(retry=RetryPolicy(max_attempts=3)).poll_user_status()
    assert caught.value.code == "ServiceUnavailable" and "temporarily unavailable" in caught.value.user_message
    assert attempts(simulator, "PollUserStatus") == 3


async def test_throttling_backs_off_and_reports(simulator: Simulator, make_client: MakeClient) -> None:
    """Throttled requests are retried with growing, jittered delays, then explained."""
    simulator.faults.throttle(0)
    sleep = RecordedSleep()
    with pytest.raises(ApiError) as caught:
        await make_client(sleep=sleep, retry=RetryPolicy(max_attempts=4, base_delay=0.5)).poll_user_status()
    assert caught.value.code == "Throttling.User" and "Too many requests" in caught.value.user_message
    assert attempts(simulator, "PollUserStatus") == 4
    # The simulator's throttle (qps 0) asks for x-acs-retry-after: 1000 ms, as the real service does;
    # each wait is at least that, and the jittered backoff (<= 0.5, 1.0, 2.0 s) only lengthens it.
    assert len(sleep.delays) == 3 and sleep.delays[:2] == [1.0, 1.0] and 1.0 <= sleep.delays[2] <= 2.0


@pytest.mark.parametrize("scheme", [SignatureScheme.V2, SignatureScheme.V3])
async def test_a_retry_after_a_verified_attempt_is_signed_afresh(
    simulator: Simulator, make_client: MakeClient, scheme: SignatureScheme
) -> None:
    """A throttled attempt passed signature checks, so the service remembers its nonce: the retry
    (same parameters, encoded once) must carry a new nonce and signature, or the break is lost."""
    simulator.faults.throttle(0, "TakeBreak", count=1)
    status = await make_client(signature=scheme).take_break("午餐 & café")
    assert status.user_state is UserState.BREAK and status.break_code == "午餐 & café"
    assert [r.code for r in simulator.requests] == ["Throttling.User", "OK"]


async def test_one_client_sends_each_break_code_it_is_asked_for(make_client: MakeClient) -> None:
    """A client kept all day sends the code of this click, not one it encoded before, however many
    different codes (or report date ranges) it has sent."""
    client = make_client()
    codes = [f"code {number}" for number in range(40)]
    for code in [*codes, codes[0], "午餐", codes[39], "午餐"]:
        status = await client.take_break(code)
        assert status.break_code == code


async def test_a_parameter_name_that_needs_encoding_is_still_signed_right(
    simulator: Simulator, make_client: MakeClient
) -> None:
    """V3 signs parameter names as they are and sends them encoded: an odd name still verifies."""
    params = {"InstanceId": AGENT.instance_id, "UserId": AGENT.user_id, "DeviceId": AGENT.device_id}
    data, request_id = await make_client().request("PollUserStatus", {**params, "Odd name/é": "x y"})
    assert data["UserContext"]["UserState"] == "READY" and request_id
    assert [r.code for r in simulator.requests] == ["OK"]


async def test_dropped_connection_is_retried(simulator: Simulator, make_client: MakeClient) -> None:
    """A connection cut by the network is tried again and the break still happens."""
    simulator.faults.fail(FaultKind.DROP, "TakeBreak", count=1)
    status = await make_client().take_break("default")
    assert status.user_state is UserState.BREAK
    assert attempts(simulator, "TakeBreak") == 2


async def test_dropped_connection_every_time_is_a_network_error(simulator: Simulator, make_client: MakeClient) -> None:
    simulator.faults.fail(FaultKind.DROP)
    with pytest.raises(NetworkError) as caught:
        await make_client().poll_user_status()
    assert "interrupted" in caught.value.user_message
    assert attempts(simulator, "PollUserStatus") == 3


async def test_html_page_instead_of_json_is_a_protocol_error(simulator: Simulator, make_client: MakeClient) -> None:
    """A captive portal's page is reported as an unreadable answer and is not retried."""
    simulator.faults.html(200)
    with pytest.raises(ProtocolError) as caught:
        await make_client().poll_user_status()
    assert "cannot read" in caught.value.user_message
    assert attempts(simulator, "PollUserStatus") == 1


async def test_proxy_error_page_is_retried(simulator: Simulator, make_client: MakeClient) -> None:
    """A proxy's 502 page is transient: retried, then the poll succeeds."""
    simulator.faults.html(502, count=1)
    status = await make_client().poll_user_status()
    assert status.user_state is UserState.READY
    assert attempts(simulator, "PollUserStatus") == 2


async def test_slow_service_times_out(simulator: Simulator, make_client: MakeClient) -> None:
    """A hung service does not hang the agent: a timeout with a plain message."""
    from app.core.client import Timeouts

    simulator.faults.latency(3000)
    with pytest.raises(RequestTimeout) as caught:
        await make_client(timeouts=Timeouts(total=0.3), retry=RetryPolicy(max_attempts=2)).poll_user_status()
    assert "did not answer" in caught.value.user_message


async def test_nothing_listening_is_a_network_error(make_client: MakeClient) -> None:
    """No network or wrong endpoint: a message about the connection, tried a bounded number of times."""
    sleep = RecordedSleep()
    with pytest.raises(NetworkError) as caught:
        await make_client(endpoint="http://127.0.0.1:9", sleep=sleep).poll_user_status()
    assert "Cannot reach" in caught.value.user_message
    assert len(sleep.delays) == 2


@pytest.mark.parametrize("scheme", [SignatureScheme.V2, SignatureScheme.V3])
async def test_clock_one_hour_off_is_corrected_from_the_date_header(
    simulator: Simulator, make_client: MakeClient, scheme: SignatureScheme
) -> None:
    """A PC whose clock is an hour off still works, and later calls need no second correction."""
    clock = ServerClock(local_now=lambda: datetime.now(UTC) - timedelta(hours=1))
    client = make_client(clock=clock, signature=scheme)
    status = await client.take_break("default")
    assert status.user_state is UserState.BREAK
    assert [r.code for r in simulator.requests] == ["InvalidTimeStamp.Expired", "OK"]
    assert timedelta(minutes=59) < clock.offset < timedelta(minutes=61)
    await client.ready_for_service()
    assert [r.code for r in simulator.requests][-1] == "OK" and len(simulator.requests) == 3


def test_plain_http_is_refused_unless_loopback() -> None:
    """Credentials are never sent in clear text over a network."""

    async def build() -> None:
        async with open_session() as session:
            CccClient(session, endpoint="http://ccc.example.com", identity=AGENT, credentials=GOOD)

    import asyncio

    with pytest.raises(ConfigError) as caught:
        asyncio.run(build())
    assert "https://" in caught.value.user_message


async def test_no_secret_or_signature_in_logs_or_errors(
    simulator: Simulator, make_client: MakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    """With DEBUG logging, nothing written anywhere contains the secret, the token or a signature."""
    caplog.set_level(logging.DEBUG)
    texts: list[str] = []
    for scheme in SignatureScheme:
        client = make_client(Credentials("sts-key", SECRET, TOKEN), signature=scheme)
        await client.take_break("default")
        await client.poll_user_status()
        failing = [
            make_client(Credentials("good-key", "x" + SECRET), signature=scheme),
            make_client(Credentials("sts-key", SECRET, TOKEN), endpoint="http://127.0.0.1:9", signature=scheme),
        ]
        for failing_client in failing:
            with pytest.raises((ApiError, NetworkError)) as caught:
                await failing_client.poll_user_status()
            texts += [str(caught.value), repr(caught.value), caught.value.user_message]
    simulator.faults.fail(FaultKind.DROP)
    with pytest.raises(NetworkError) as dropped:
        await make_client(Credentials("sts-key", SECRET, TOKEN), signature=SignatureScheme.V2).take_break("x")
    texts += [str(dropped.value), repr(dropped.value)]
    texts += [record.getMessage() for record in caplog.records]
    texts += [str(record.exc_info) for record in caplog.records if record.exc_info]
    everything = "\n".join(texts)
    assert SECRET not in everything and TOKEN not in everything
    assert "Signature=" not in everything and "Signature%3D" not in everything
    assert caplog.records, "DEBUG logging was expected to record the requests"


@pytest.mark.linux_only
async def test_tls_verification_refuses_an_untrusted_certificate(
    tmp_path: Path, session: aiohttp.ClientSession
) -> None:
    """A server with a self-signed certificate (an intercepting proxy, a fake endpoint) never gets
    the signed request: TLS verification is always on."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )
    received: list[str] = []

    async def handler(request: web.Request) -> web.Response:
        received.append(request.path_qs)
        return web.json_response({})

    app = web.Application()
    app.router.add_route("*", "/", handler)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=context)
    await site.start()
    port = runner.addresses[0][1]
    sleep = RecordedSleep()
    try:
        client = CccClient(
            session,
            endpoint=f"https://127.0.0.1:{port}",
            identity=AGENT,
            credentials=GOOD,
            sleep=sleep,
        )
        with pytest.raises(NetworkError) as caught:
            await client.poll_user_status()
    finally:
        await runner.cleanup()
    assert "certificate" in caught.value.user_message
    assert received == [], "no request may reach a server whose certificate is not trusted"
    assert sleep.delays == [], "an untrusted certificate is not retried: it will not change in a second"


@pytest.mark.parametrize("known", [True, False], ids=["from-the-last-status", "polled-first"])
async def test_ready_keeps_an_outbound_only_agent_in_that_mode(
    simulator: Simulator, make_client: MakeClient, known: bool
) -> None:
    """The service reads a missing OutboundScenario as false: a plain Ready would silently switch an
    agent in outbound-only mode back to taking inbound calls."""
    agent = simulator.directory.get("ccc-test", "user-test@ccc-test")
    assert agent is not None
    agent.outbound_scenario = True
    client = make_client()
    status = await client.take_break("lunch")
    ready = await client.ready_keeping_mode(status if known else None)
    assert ready.outbound_scenario is True and agent.outbound_scenario is True
    await client.take_break("lunch")
    await client.ready_for_service()  # what the widget used to send
    assert agent.outbound_scenario is False, "the simulator must end the mode as the real service does"

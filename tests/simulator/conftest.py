"""A real simulator on a free loopback port, a settable clock, and a client that signs with app.core.signing."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import aiohttp
import pytest
from alibabacloud_ccc20200701.client import Client
from alibabacloud_tea_openapi.models import Config

from app.core import signing
from app.core.access_key import Credentials
from app.simulator import DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, Simulator, SimulatorConfig

DEMO = Credentials(DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET)
AGENT = {"InstanceId": "ccc-test", "UserId": "user-test@ccc-test", "DeviceId": "test-device"}


class FakeClock:
    """The simulator's clock, starting at real time so the official SDK's timestamps are in the window."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC).replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Reply:
    status: int
    headers: Mapping[str, str]
    text: str
    json: dict[str, Any] = field(default_factory=dict)

    @property
    def code(self) -> str:
        return str(self.json.get("Code", ""))


@dataclass
class CccCaller:
    """Sends CCC requests signed the way the product signs them."""

    session: aiohttp.ClientSession
    simulator: Simulator
    clock: FakeClock

    async def call(
        self,
        action: str,
        params: Mapping[str, str] | None = None,
        *,
        scheme: str = "v3",
        method: str = "POST",
        credentials: Credentials = DEMO,
        now: datetime | None = None,
        nonce: str | None = None,
        form: bool = False,
        tamper: Any = None,
    ) -> Reply:
        """`form` puts business parameters in a form body; `tamper(query, headers)` edits before sending."""
        business = dict(AGENT if params is None else params)
        moment = now or self.clock.now
        nonce = nonce or uuid.uuid4().hex
        host = self.simulator.endpoint
        headers: dict[str, str] = {}
        body = b""
        if scheme == "v2":
            query = signing.sign_v2(method, action, business, credentials, now=moment, nonce=nonce)
            if form:
                # V2 signs every parameter wherever it travels; move the business ones to the body.
                body = urlencode({k: query.pop(k) for k in list(business)}).encode()
                headers["content-type"] = "application/x-www-form-urlencoded"
        else:
            query = business
            content_type = None
            if form:
                body = urlencode(business).encode()
                query = {}
                content_type = "application/x-www-form-urlencoded"
            headers = signing.sign_v3(
                method,
                host,
                action,
                query,
                credentials,
                now=moment,
                nonce=nonce,
                body=body,
                content_type=content_type,
            )
        if tamper is not None:
            tamper(query, headers)
        url = f"{self.simulator.url}/?{urlencode(query, quote_via=_quote)}" if query else f"{self.simulator.url}/"
        async with self.session.request(method, url, headers=headers, data=body or None) as response:
            text = await response.text()
            try:
                data = await response.json(content_type=None)
            except ValueError:
                data = None
            return Reply(response.status, response.headers, text, data if isinstance(data, dict) else {})

    async def control(self, method: str, path: str, body: Any = None) -> Reply:
        url = f"{self.simulator.url}/control/{path}"
        headers = self.simulator.control_headers
        async with self.session.request(method, url, json=body, headers=headers) as response:
            return Reply(response.status, response.headers, await response.text(), await response.json())


def _quote(text: str, safe: str = "", encoding: str | None = None, errors: str | None = None) -> str:
    return signing.percent_encode(text)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def config(clock: FakeClock) -> SimulatorConfig:
    return SimulatorConfig(clock=clock)


@pytest.fixture
async def simulator(config: SimulatorConfig) -> AsyncIterator[Simulator]:
    async with Simulator(config) as running:
        yield running


@pytest.fixture
async def ccc(simulator: Simulator, clock: FakeClock) -> AsyncIterator[CccCaller]:
    # A session that never reuses connections, so a dropped connection cannot leak into the next test.
    connector = aiohttp.TCPConnector(force_close=True)
    async with aiohttp.ClientSession(connector=connector) as session:
        yield CccCaller(session, simulator, clock)


StartSimulator = Callable[[SimulatorConfig], Awaitable[CccCaller]]


@pytest.fixture
async def start_simulator(clock: FakeClock) -> AsyncIterator[StartSimulator]:
    """Start extra simulators with their own config (keys, agents); all stopped at the end of the test."""
    async with AsyncExitStack() as stack:
        session = await stack.enter_async_context(
            aiohttp.ClientSession(connector=aiohttp.TCPConnector(force_close=True))
        )

        async def start(config: SimulatorConfig) -> CccCaller:
            simulator = await stack.enter_async_context(Simulator(config))
            return CccCaller(session, simulator, clock)

        yield start


# The official SDK as a client of the simulator, signing V3 (its default) or V2.
def sdk(
    simulator: Simulator,
    scheme: str,
    *,
    access_key_id: str = DEMO_ACCESS_KEY_ID,
    secret: str = DEMO_ACCESS_KEY_SECRET,
) -> Client:
    config = Config(
        access_key_id=access_key_id,
        access_key_secret=secret,
        endpoint=simulator.endpoint,
        protocol="HTTP",
    )
    if scheme == "v2":
        config.signature_algorithm = "v2"
    return Client(config)

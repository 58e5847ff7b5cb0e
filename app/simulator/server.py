"""Running the simulator: one aiohttp server holding the CCC endpoint at `/` and the control API."""

from __future__ import annotations

import asyncio
import email.utils
import os
import secrets
from collections import deque
from collections.abc import Callable
from datetime import UTC
from types import TracebackType

from aiohttp import web

from app.simulator.agents import SEED_INSTANCE_ID, SEED_USER_ID, SYSTEM_BREAK_CODES, AgentDirectory
from app.simulator.config import DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, SimulatorConfig
from app.simulator.control import Handler, control_app
from app.simulator.faults import FaultPlan
from app.simulator.service import CccService, RequestRecord

CONTROL_TOKEN_VARIABLE = "CCC_BREAK_CONTROL_TOKEN"  # noqa: S105 - a variable name


class Simulator:
    """One running CCC simulator; usable as `async with Simulator() as sim:` on a free loopback port."""

    def __init__(self, config: SimulatorConfig | None = None, control_token: str | None = None) -> None:
        self.config = config if config is not None else SimulatorConfig()
        self.service = CccService(self.config)
        # Per run, so a web page cannot guess it; CCC_BREAK_CONTROL_TOKEN fixes it for scripted training.
        self.control_token = control_token or os.environ.get(CONTROL_TOKEN_VARIABLE) or secrets.token_urlsafe(24)
        self._runner: web.AppRunner | None = None
        self._url = ""

    @property
    def url(self) -> str:
        """Base URL, e.g. http://127.0.0.1:40123; empty until started."""
        return self._url

    @property
    def endpoint(self) -> str:
        """host:port, the form the official SDK's `endpoint` setting wants."""
        return self._url.removeprefix("http://")

    @property
    def port(self) -> int:
        return int(self._url.rsplit(":", 1)[1]) if self._url else 0

    @property
    def directory(self) -> AgentDirectory:
        return self.service.directory

    @property
    def faults(self) -> FaultPlan:
        return self.service.faults

    @property
    def requests(self) -> deque[RequestRecord]:
        return self.service.requests

    def reset(self) -> None:
        self.service.reset()

    @property
    def control_headers(self) -> dict[str, str]:
        """What every control API request carries."""
        return {"Authorization": f"Bearer {self.control_token}", "Content-Type": "application/json"}

    def build_app(self) -> web.Application:
        @web.middleware
        async def date_from_clock(request: web.Request, handler: Handler) -> web.StreamResponse:
            # The Date header is how clients detect a skewed PC clock, so it must be the clock
            # signatures are checked against (real time unless a test injected another).
            response = await handler(request)
            # A clock in a local timezone (the since-midnight reports use it) still says GMT here.
            now = self.service.now()
            now = now.astimezone(UTC) if now.tzinfo is not None else now.replace(tzinfo=UTC)
            response.headers["Date"] = email.utils.format_datetime(now, usegmt=True)
            return response

        app = web.Application(middlewares=[date_from_clock])
        app.router.add_get("/", self.service.handle)
        app.router.add_post("/", self.service.handle)
        app.add_subapp("/control/", control_app(self.service, self.control_token))
        return app

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        if self._runner is not None:
            raise RuntimeError("the simulator is already running")
        # access_log=None: aiohttp's access log would write the query string, which holds the
        # V2 Signature.
        runner = web.AppRunner(self.build_app(), access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        try:
            await site.start()
        except OSError:
            await runner.cleanup()
            raise
        self._runner = runner
        bound_host, bound_port = _bound_address(runner, host, port)
        self._url = f"http://{bound_host}:{bound_port}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Simulator:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()


def _bound_address(runner: web.AppRunner, host: str, port: int) -> tuple[str, int]:
    for address in runner.addresses:
        if isinstance(address, tuple) and len(address) >= 2:
            bound_host = str(address[0])
            return (f"[{bound_host}]" if ":" in bound_host else bound_host), int(address[1])
    return host, port


def demo_info(url: str, control_token: str) -> str:
    """What to print for a person starting the simulator: endpoint, demo AccessKey, agent, control API."""
    return "\n".join(
        [
            f"CCC simulator listening on {url}",
            f"  endpoint (SDK form):   {url.removeprefix('http://')}   protocol: HTTP",
            f"  AccessKey ID:          {DEMO_ACCESS_KEY_ID}",
            f"  AccessKey secret:      {DEMO_ACCESS_KEY_SECRET}   (public demo key, accepted only here)",
            f"  instance:              {SEED_INSTANCE_ID}",
            f"  user:                  {SEED_USER_ID}   (starts READY; the demo AccessKey acts as it"
            " when UserId is left out)",
            f"  system break codes:    {', '.join(SYSTEM_BREAK_CODES)} (set them via the control API)",
            f"  control API:           {url}/control/agents, /control/faults, /control/requests, /control/reset"
            " (this computer only)",
            f"  control token:         {control_token}   (send 'Authorization: Bearer <token>' and JSON bodies)",
        ]
    )


async def serve_forever(
    host: str = "127.0.0.1",
    port: int = 0,
    config: SimulatorConfig | None = None,
    *,
    on_started: Callable[[Simulator], None] | None = None,
) -> None:
    """Run a simulator until cancelled; `on_started` gets it once the port is bound (e.g. to print)."""
    simulator = Simulator(config)
    await simulator.start(host, port)
    try:
        if on_started is not None:
            on_started(simulator)
        await asyncio.Event().wait()
    finally:
        await simulator.stop()

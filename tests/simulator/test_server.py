"""Starting and stopping the simulator the ways the CLI, the GUI's --demo and tests do."""

from __future__ import annotations

import asyncio
import email.utils
import ipaddress
import socket
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest

from app.simulator import (
    DEMO_ACCESS_KEY_ID,
    DEMO_ACCESS_KEY_SECRET,
    Simulator,
    SimulatorConfig,
    demo_info,
    serve_forever,
)
from tests.simulator.conftest import CccCaller, FakeClock


async def test_default_simulator_uses_real_time_and_demo_key() -> None:
    """With no config, the demo key works and the Date header is real UTC time (for clock-skew checks)."""
    async with Simulator() as simulator, aiohttp.ClientSession() as session:
        assert simulator.url.startswith("http://127.0.0.1:")
        assert simulator.port > 0
        # FakeClock() starts at the real time; the simulator itself runs on its default real clock.
        reply = await CccCaller(session, simulator, FakeClock()).call("PollUserStatus")
    assert reply.status == 200, reply.text
    served = email.utils.parsedate_to_datetime(reply.headers["Date"])
    assert abs(served - datetime.now(UTC)) < timedelta(seconds=5)


async def test_two_simulators_get_different_free_ports() -> None:
    """Port 0 picks a free port, so tests and a --demo GUI can run side by side."""
    async with Simulator() as first, Simulator() as second:
        assert first.port != second.port


async def test_start_twice_is_an_error_and_stop_is_idempotent() -> None:
    """A simulator cannot be started twice by mistake; stopping twice is harmless."""
    simulator = Simulator()
    await simulator.start()
    with pytest.raises(RuntimeError):
        await simulator.start()
    await simulator.stop()
    await simulator.stop()


async def test_port_in_use_raises_and_leaves_nothing_running() -> None:
    """Asking for a port that is taken fails loudly (the CLI reports it) instead of hanging."""
    async with Simulator() as running:
        other = Simulator()
        with pytest.raises(OSError):
            await other.start("127.0.0.1", running.port)
        assert other.url == ""


async def test_serve_forever_reports_its_address_and_stops_on_cancel() -> None:
    """The CLI's `ccc-break simulator` serves until interrupted and can print where it listens."""
    started: asyncio.Queue[Simulator] = asyncio.Queue()
    task = asyncio.create_task(serve_forever("127.0.0.1", 0, on_started=started.put_nowait))
    simulator = await asyncio.wait_for(started.get(), timeout=10)
    async with (
        aiohttp.ClientSession(headers=simulator.control_headers) as session,
        session.get(f"{simulator.url}/control/agents") as response,
    ):
        assert response.status == 200
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    async with aiohttp.ClientSession() as session:
        with pytest.raises(aiohttp.ClientConnectionError):
            async with session.get(f"{simulator.url}/control/agents"):
                pass


def test_demo_info_tells_how_to_connect() -> None:
    """The printed demo info has the endpoint, the demo AccessKey, the instance and the user."""
    info = demo_info("http://127.0.0.1:40123", "token-123")
    for needle in (
        "http://127.0.0.1:40123",
        "127.0.0.1:40123",
        DEMO_ACCESS_KEY_ID,
        DEMO_ACCESS_KEY_SECRET,
        "ccc-test",
        "user-test@ccc-test",
        "/control/",
        "Bearer",
        "token-123",
    ):
        assert needle in info


def _non_loopback_ipv4() -> str | None:
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("198.51.100.1", 9))  # no packet is sent; this only picks the outgoing interface
        address = str(probe.getsockname()[0])
    except OSError:
        return None
    finally:
        probe.close()
    parsed = ipaddress.ip_address(address)
    return None if parsed.is_loopback or parsed.is_unspecified else address


async def test_control_api_refuses_a_non_loopback_peer(clock: FakeClock) -> None:
    """Bound to a network address, the simulator serves CCC but refuses the control API to the network."""
    address = _non_loopback_ipv4()
    if address is None:
        pytest.skip("this machine has no non-loopback IPv4 address")
    simulator = Simulator(SimulatorConfig(clock=clock))
    await simulator.start(address, 0)
    try:
        async with aiohttp.ClientSession(headers=simulator.control_headers) as session:
            async with session.get(f"{simulator.url}/control/agents") as response:
                assert response.status == 403
                assert "loopback" in (await response.json())["error"]
            reply = await CccCaller(session, simulator, clock).call("PollUserStatus")
            assert reply.status == 200
    finally:
        await simulator.stop()

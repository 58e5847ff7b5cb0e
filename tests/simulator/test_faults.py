"""Fault injection: what the widget must survive (slow answers, 5xx, throttling, HTML pages, cut connections).

If one of these fails, tests of the product's retries and error messages would pass against a
simulator that never actually produced the fault.
"""

from __future__ import annotations

import time

import aiohttp
import pytest

from app.simulator import FaultKind
from tests.simulator.conftest import AGENT, CccCaller, FakeClock

BREAK = {**AGENT, "Code": "Lunch"}


@pytest.mark.parametrize(
    ("kind", "code", "status"),
    [
        (FaultKind.INTERNAL_ERROR, "InternalError", 500),
        (FaultKind.SERVICE_UNAVAILABLE, "ServiceUnavailable", 503),
    ],
)
async def test_server_faults_fire_count_times_then_expire(
    ccc: CccCaller, kind: FaultKind, code: str, status: int
) -> None:
    """A 5xx fault with count 2 fails exactly the next two calls; the third succeeds, so retries can be tested."""
    ccc.simulator.faults.fail(kind, count=2)
    replies = [await ccc.call("PollUserStatus") for _ in range(3)]
    assert [(r.status, r.code) for r in replies] == [(status, code), (status, code), (200, "OK")]
    assert set(replies[0].json) == {"RequestId", "HostId", "Code", "Message", "Recommend"}
    assert ccc.simulator.faults.all() == []


async def test_fault_only_hits_its_action(ccc: CccCaller) -> None:
    """A fault aimed at TakeBreak leaves polling alone and the agent unchanged when it fires."""
    ccc.simulator.faults.fail(FaultKind.INTERNAL_ERROR, action="TakeBreak")
    assert (await ccc.call("PollUserStatus")).status == 200
    assert (await ccc.call("TakeBreak", BREAK)).code == "InternalError"
    assert ccc.simulator.directory.get("ccc-test", "user-test@ccc-test").state == "READY"  # type: ignore[union-attr]


async def test_latency_delays_the_answer(ccc: CccCaller) -> None:
    """Added latency really delays the answer (the widget's timeouts and spinners depend on it)."""
    ccc.simulator.faults.latency(300, action="PollUserStatus", count=1)
    started = time.monotonic()
    assert (await ccc.call("PollUserStatus")).status == 200
    assert time.monotonic() - started >= 0.3
    started = time.monotonic()
    await ccc.call("PollUserStatus")
    assert time.monotonic() - started < 0.3


async def test_throttle_limits_requests_per_second(ccc: CccCaller, clock: FakeClock) -> None:
    """Over the QPS limit the answer is Throttling.User; a second later calls get through again."""
    ccc.simulator.faults.throttle(qps=2)
    replies = [await ccc.call("PollUserStatus") for _ in range(3)]
    assert [r.code for r in replies] == ["OK", "OK", "Throttling.User"]
    assert replies[2].status == 400
    clock.advance(seconds=1)
    assert (await ccc.call("PollUserStatus")).code == "OK"


async def test_throttle_with_count_expires(ccc: CccCaller) -> None:
    """qps 0 with count 1 throttles exactly one call, then the fault is gone."""
    ccc.simulator.faults.throttle(qps=0, count=1)
    assert (await ccc.call("PollUserStatus")).code == "Throttling.User"
    assert (await ccc.call("PollUserStatus")).code == "OK"


async def test_throttled_call_does_not_change_state(ccc: CccCaller) -> None:
    """A throttled TakeBreak leaves the agent as it was."""
    ccc.simulator.faults.throttle(qps=0, action="TakeBreak", count=1)
    assert (await ccc.call("TakeBreak", BREAK)).code == "Throttling.User"
    assert ccc.simulator.directory.get("ccc-test", "user-test@ccc-test").state == "READY"  # type: ignore[union-attr]


@pytest.mark.parametrize("status", [200, 502])
async def test_html_body_instead_of_json(ccc: CccCaller, status: int) -> None:
    """A captive portal or proxy page (HTML, 200 or 502) reaches the client once, then JSON is back."""
    ccc.simulator.faults.html(status=status, count=1)
    reply = await ccc.call("PollUserStatus")
    assert reply.status == status
    assert reply.headers["Content-Type"].startswith("text/html")
    assert reply.text.startswith("<!DOCTYPE html>")
    assert reply.json == {}
    assert (await ccc.call("PollUserStatus")).code == "OK"


async def test_dropped_connection_gets_no_response(ccc: CccCaller) -> None:
    """A dropped connection closes with no HTTP response at all; the next call works."""
    ccc.simulator.faults.fail(FaultKind.DROP, count=1)
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await ccc.call("TakeBreak", BREAK)
    assert ccc.simulator.directory.get("ccc-test", "user-test@ccc-test").state == "READY"  # type: ignore[union-attr]
    assert (await ccc.call("PollUserStatus")).code == "OK"
    assert [r.code for r in ccc.simulator.requests] == ["ConnectionDropped", "OK"]


async def test_seed_json_shapes_fault(ccc: CccCaller) -> None:
    """The seed_json_shapes fault makes the next answer use the seed's shapes, then normal types return."""
    ccc.simulator.faults.fail(FaultKind.SEED_JSON_SHAPES, action="PollUserStatus", count=1)
    odd = (await ccc.call("PollUserStatus")).json["Data"]["UserContext"]
    normal = (await ccc.call("PollUserStatus")).json["Data"]["UserContext"]
    assert (odd["Extension"], odd["SignedSkillGroupIdList"]) == (80011474, '["skill-group@ccc-test"]')
    assert (normal["Extension"], normal["SignedSkillGroupIdList"]) == ("80011474", ["skill-group@ccc-test"])


async def test_clear_removes_every_fault(ccc: CccCaller) -> None:
    """Clearing faults brings the service straight back."""
    ccc.simulator.faults.fail(FaultKind.SERVICE_UNAVAILABLE)
    assert (await ccc.call("PollUserStatus")).code == "ServiceUnavailable"
    ccc.simulator.faults.latency(60_000)
    ccc.simulator.faults.clear()
    started = time.monotonic()
    assert (await ccc.call("PollUserStatus")).code == "OK"
    assert time.monotonic() - started < 5

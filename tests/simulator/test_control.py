"""The control API: trainers and tests play supervisor and phone system, and break things on purpose.

A failure here means a trainer's scenario (a missed call, a forced sign-out, a flaky network) cannot be
set up, or shows something other than what the agent's widget then displays.
"""

from __future__ import annotations

import pytest

from app.simulator.control import is_loopback, is_loopback_host_header
from tests.simulator.conftest import AGENT, CccCaller

SEED_PATH = "agents/ccc-test/user-test@ccc-test"


async def test_list_and_get_agents(ccc: CccCaller) -> None:
    """The seed agent is listed and readable, starting READY with the seed's extension."""
    listed = await ccc.control("GET", "agents")
    assert [a["user_id"] for a in listed.json["agents"]] == ["user-test@ccc-test"]
    agent = await ccc.control("GET", SEED_PATH)
    assert (agent.status, agent.json["state"], agent.json["extension"]) == (200, "READY", "80011474")
    missing = await ccc.control("GET", "agents/ccc-test/ghost@ccc-test")
    assert missing.status == 404
    assert "ghost@ccc-test" in missing.json["error"]


@pytest.mark.parametrize("method", ["PATCH", "POST"])
async def test_supervisor_state_changes_reach_poll(ccc: CccCaller, method: str) -> None:
    """A state set by the supervisor or phone system is what the widget's next poll shows."""
    cases = [
        ({"state": "TALKING", "job_id": "job-1"}, "TALKING", "", "job-1"),
        ({"state": "OFFLINE"}, "OFFLINE", "", None),
        ({"state": "BREAK", "break_code": "RingingTimeout"}, "BREAK", "RingingTimeout", None),
        ({"state": "working"}, "WORKING", "", None),
    ]
    for body, state, break_code, job_id in cases:
        changed = await ccc.control(method, SEED_PATH, body)
        assert changed.status == 200, changed.text
        assert changed.json["state"] == state
        context = (await ccc.call("PollUserStatus")).json["Data"]["UserContext"]
        assert (context["UserState"], context["BreakCode"], context["JobId"]) == (state, break_code, job_id)


async def test_channel_open_flag_blocks_ready(ccc: CccCaller) -> None:
    """channel_open set through the control API makes ReadyForService fail with ChannelState."""
    await ccc.control("PATCH", SEED_PATH, {"state": "BREAK", "break_code": "Lunch", "channel_open": True})
    assert (await ccc.call("ReadyForService", dict(AGENT))).code == "InvalidOperation.ChannelState"
    await ccc.control("PATCH", SEED_PATH, {"channel_open": False})
    assert (await ccc.call("ReadyForService", dict(AGENT))).code == "OK"


async def test_added_agent_can_take_a_break(ccc: CccCaller) -> None:
    """An agent added through the control API (even in a new instance) works with the CCC actions."""
    added = await ccc.control(
        "POST",
        "agents",
        {"instance_id": "ccc-training", "user_id": "trainee@ccc-training", "extension": "80011475",
         "skill_groups": ["sg@ccc-training"], "state": "BREAK", "break_code": "Warm-up"},
    )  # fmt: skip
    assert added.status == 201, added.text
    params = {"InstanceId": "ccc-training", "UserId": "trainee@ccc-training", "DeviceId": "d"}
    polled = (await ccc.call("PollUserStatus", params)).json["Data"]["UserContext"]
    assert (polled["UserState"], polled["BreakCode"], polled["Extension"]) == ("BREAK", "Warm-up", "80011475")
    assert (await ccc.call("ReadyForService", params)).json["Data"]["UserState"] == "READY"


@pytest.mark.parametrize(
    "body",
    [
        {"user_id": "a@b"},
        {"instance_id": "ccc-test", "user_id": ""},
        {"instance_id": "ccc-test", "user_id": "a@b", "state": "SLEEPING"},
        {"instance_id": "ccc-test", "user_id": "a@b", "skill_groups": "sg"},
        {"instance_id": "ccc-test", "user_id": "a@b", "work_mode": "HOME"},
        ["not", "an", "object"],
    ],
)
async def test_bad_agent_body_is_400_with_a_reason(ccc: CccCaller, body: object) -> None:
    """A malformed body is refused with a readable reason and adds nothing."""
    reply = await ccc.control("POST", "agents", body)
    assert reply.status == 400
    assert reply.json["error"]
    assert len((await ccc.control("GET", "agents")).json["agents"]) == 1


async def test_bad_state_change_is_400(ccc: CccCaller) -> None:
    """An unknown state is refused and the agent keeps its state."""
    assert (await ccc.control("PATCH", SEED_PATH, {"state": "ASLEEP"})).status == 400
    assert (await ccc.control("PATCH", SEED_PATH, {"channel_open": "yes"})).status == 400
    assert (await ccc.control("PATCH", "agents/ccc-test/ghost@ccc-test", {"state": "READY"})).status == 404
    assert (await ccc.control("GET", SEED_PATH)).json["state"] == "READY"


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        ({"kind": "internal_error", "count": 1}, (500, "InternalError")),
        ({"kind": "service_unavailable", "action": "PollUserStatus", "count": 1}, (503, "ServiceUnavailable")),
        ({"kind": "throttle", "qps": 0, "count": 1}, (400, "Throttling.User")),
        ({"kind": "html", "status": 502, "count": 1}, (502, "")),
        ({"kind": "latency", "latency_ms": 10, "count": 1}, (200, "OK")),
    ],
)
async def test_faults_through_the_control_api(
    ccc: CccCaller, fault: dict[str, object], expected: tuple[int, str]
) -> None:
    """Each fault kind can be injected over HTTP, fires once with count 1, then the service is normal."""
    added = await ccc.control("POST", "faults", fault)
    assert added.status == 201, added.text
    assert added.json["kind"] == fault["kind"]
    reply = await ccc.call("PollUserStatus")
    assert (reply.status, reply.code) == expected
    assert (await ccc.control("GET", "faults")).json["faults"] == []
    assert (await ccc.call("PollUserStatus")).code == "OK"


async def test_drop_through_the_control_api(ccc: CccCaller) -> None:
    """A drop fault added over HTTP cuts the next connection only."""
    import aiohttp

    await ccc.control("POST", "faults", {"kind": "drop", "count": 1})
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await ccc.call("PollUserStatus")
    assert (await ccc.call("PollUserStatus")).code == "OK"


async def test_fault_list_remove_and_clear(ccc: CccCaller) -> None:
    """Faults are listed with ids, one can be removed, and clearing removes the rest."""
    first = (await ccc.control("POST", "faults", {"kind": "internal_error", "action": "TakeBreak"})).json
    await ccc.control("POST", "faults", {"kind": "latency", "latency_ms": 5, "action": "*"})
    listed = (await ccc.control("GET", "faults")).json["faults"]
    assert [(f["kind"], f["action"], f["count"]) for f in listed] == [
        ("internal_error", "TakeBreak", None),
        ("latency", None, None),
    ]
    remaining = (await ccc.control("DELETE", f"faults/{first['id']}")).json["faults"]
    assert [f["kind"] for f in remaining] == ["latency"]
    assert (await ccc.control("DELETE", f"faults/{first['id']}")).status == 404
    assert (await ccc.control("DELETE", "faults")).json == {"faults": []}


@pytest.mark.parametrize(
    "fault",
    [
        {"kind": "earthquake"},
        {"kind": "latency"},
        {"kind": "latency", "latency_ms": -1},
        {"kind": "internal_error", "count": 0},
        {"kind": "html", "status": 700},
        {"kind": "drop", "action": 5},
    ],
)
async def test_bad_fault_is_400(ccc: CccCaller, fault: dict[str, object]) -> None:
    """A fault the simulator cannot honour is refused with a reason rather than silently ignored."""
    reply = await ccc.control("POST", "faults", fault)
    assert reply.status == 400
    assert reply.json["error"]


async def test_request_log_lists_calls_without_secrets(ccc: CccCaller) -> None:
    """The request log shows action, scheme, method and outcome, and never a signature."""
    await ccc.call("TakeBreak", {**AGENT, "Code": "Lunch"}, scheme="v2", method="GET")
    await ccc.call("PollUserStatus", {**AGENT, "InstanceId": "ccc-nope"})
    log = await ccc.control("GET", "requests")
    assert [(r["action"], r["scheme"], r["method"], r["code"], r["status"]) for r in log.json["requests"]] == [
        ("TakeBreak", "v2", "GET", "OK", 200),
        ("PollUserStatus", "v3", "POST", "NotExists.InstanceId", 404),
    ]
    assert "Signature" not in log.text
    assert "secret" not in log.text
    await ccc.control("DELETE", "requests")
    assert (await ccc.control("GET", "requests")).json["requests"] == []


async def test_reset_restores_everything(ccc: CccCaller) -> None:
    """Reset brings back the configured agents, removes faults and added agents, and empties the log."""
    await ccc.call("TakeBreak", {**AGENT, "Code": "Lunch"}, nonce="reused")
    await ccc.control("POST", "agents", {"instance_id": "ccc-x", "user_id": "x@ccc-x"})
    await ccc.control("POST", "faults", {"kind": "internal_error", "action": "ReadyForService"})
    assert (await ccc.control("POST", "reset")).status == 200
    assert [a["state"] for a in (await ccc.control("GET", "agents")).json["agents"]] == ["READY"]
    assert (await ccc.control("GET", "faults")).json["faults"] == []
    assert (await ccc.control("GET", "requests")).json["requests"] == []
    # Nonces are forgotten too, so a test can replay a scripted sequence after a reset.
    assert (await ccc.call("PollUserStatus", nonce="reused")).code == "OK"


async def test_control_api_is_not_signed_ccc(ccc: CccCaller) -> None:
    """The control API answers plain JSON without CCC signing, and CCC's `/` is not reachable under it."""
    assert (await ccc.control("GET", "agents")).status == 200
    url = f"{ccc.simulator.url}/control/nothing-here"
    async with ccc.session.get(url, headers=ccc.simulator.control_headers) as response:
        assert response.status == 404


@pytest.mark.parametrize(
    ("remote", "allowed"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("::ffff:127.0.0.1", True),
        ("192.168.1.20", False),
        ("10.0.0.1", False),
        ("::ffff:10.0.0.1", False),
        ("fe80::1%eth0", False),
        ("0.0.0.0", False),  # noqa: S104 - a peer address to classify, not a bind
        ("localhost", False),
        ("", False),
        (None, False),
    ],
)
def test_only_loopback_peers_may_use_the_control_api(remote: str | None, allowed: bool) -> None:
    """Someone on the office network cannot change agents or inject faults in a trainer's simulator."""
    assert is_loopback(remote) is allowed


async def test_a_web_page_cannot_drive_the_control_api(ccc: CccCaller) -> None:
    """A page the agent visits can send a 'simple' cross-site POST (text/plain, no preflight) to
    127.0.0.1, or reach it through a rebound DNS name. None of those may change the demo agent."""
    url = f"{ccc.simulator.url}/control/{SEED_PATH}"
    token = ccc.simulator.control_token
    attempts = [
        # a form or fetch() with no credentials: no token
        ({"Content-Type": "text/plain"}, 401),
        ({"Content-Type": "application/json"}, 401),
        ({"Content-Type": "application/json", "Authorization": "Bearer guessed"}, 401),
        # the token leaked somehow, but the page can only send a simple request
        ({"Content-Type": "text/plain", "Authorization": f"Bearer {token}"}, 415),
        # DNS rebinding: the browser sends the attacker's host name
        ({"Content-Type": "application/json", "Authorization": f"Bearer {token}", "Host": "evil.example:80"}, 403),
    ]
    for headers, status in attempts:
        async with ccc.session.patch(url, data=b'{"state": "OFFLINE"}', headers=headers) as reply:
            assert reply.status == status, (headers, reply.status)
            assert "error" in await reply.json()
    agent = await ccc.control("GET", SEED_PATH)
    assert agent.json["state"] == "READY", "a refused request must change nothing"
    changed = await ccc.control("PATCH", SEED_PATH, {"state": "OFFLINE"})
    assert changed.status == 200 and changed.json["state"] == "OFFLINE"


@pytest.mark.parametrize(
    ("host", "allowed"),
    [
        ("127.0.0.1:8787", True),
        ("localhost:8787", True),
        ("[::1]:8787", True),
        ("127.0.0.1", True),
        ("evil.example:8787", False),
        ("127.0.0.1.evil.example", False),
        ("[::ffff:10.0.0.1]:80", False),
    ],
)
def test_only_a_loopback_host_header_is_accepted(host: str, allowed: bool) -> None:
    assert is_loopback_host_header(host) is allowed

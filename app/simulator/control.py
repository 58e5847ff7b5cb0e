"""Control API of the CCC simulator: JSON over HTTP under `/control/`, loopback only, with a token.

Trainers, IT and tests use it to play the supervisor or phone system and to break things on purpose.
A web page the agent visits must not be able to do the same (cross-site requests, DNS rebinding), so
every request needs all of:
- a loopback peer (127.0.0.0/8 or ::1), else 403;
- a loopback Host header (127.x.x.x, [::1] or localhost, any port), else 403;
- `Authorization: Bearer <token>`, the per-run token `ccc-break simulator` prints (or
  CCC_BREAK_CONTROL_TOKEN when set), else 401;
- for a request with a body, `Content-Type: application/json`, else 415.
Bodies are JSON; errors are `{"error": "<what is wrong>"}` with 400 (bad body) or 404 (no such agent / fault).

Agents (an agent is keyed by instance_id and user_id; a new instance_id creates that instance)
    GET    /control/agents                          -> {"agents": [agent, ...]}
    POST   /control/agents                          add or replace an agent -> 201 agent
           {"instance_id": "ccc-test", "user_id": "agent2@ccc-test", "extension": "80011475",
            "mobile": "13900000002", "skill_groups": ["skill-group@ccc-test"], "work_mode": "ON_SITE",
            "state": "READY", "break_code": "", "channel_open": false, "seed_json_shapes": false,
            "device_id": "ACC-YUNBS-1.0.10-bs..."}
           (only instance_id and user_id are required; device_id, the softphone device every answer
           names as DeviceId, defaults to a fixed value derived from instance_id and user_id)
    GET    /control/agents/{instance_id}/{user_id}  -> agent
    PATCH  /control/agents/{instance_id}/{user_id}  (POST works too) change it as a supervisor or the
           phone system would; every field is optional -> agent
           {"state": "TALKING", "job_id": "job-1"}     a call is up (ReadyForService/TakeBreak refused)
           {"state": "OFFLINE"}                         signed out
           {"state": "BREAK", "break_code": "RingingTimeout"}   system break (also Warm-up, RejectCall)
           {"channel_open": true}                       ReadyForService -> InvalidOperation.ChannelState
           {"seed_json_shapes": true}                   answer with the seed's JSON shapes for this agent
           {"state": "BREAK", "break_code": "lunch", "since_ms": 1767225600000}
                                                        the (new) current state began at since_ms
                                                        (epoch ms, not after the simulator's now):
                                                        "a break started 25 minutes ago elsewhere";
                                                        StateTime, Duration, the state log and the
                                                        since-midnight totals all follow it
    An agent reads back as {"instance_id", "user_id", "extension", "mobile", "skill_groups",
    "work_mode", "state", "break_code", "device_id", "job_id", "outbound_scenario", "channel_open",
    "heartbeat_ms", "reserved_ms", "context_id", "seed_json_shapes", "display_name",
    "state_since_ms", "state_log": [{"state", "break_code", "start_ms", "work_mode",
    "outbound_scenario"}, ...], "call": null | {"job_id", "direction", "other_party", "started_ms",
    "answered_ms"}}. POST /control/agents also takes "display_name" (GetUser's DisplayName; default
    the login name, the part of user_id before "@").
    Every state change (TakeBreak, ReadyForService, these changes, calls) appends to the agent's state
    log at the simulator clock's now; the read APIs (ListRealtimeAgentStates, ListAgentStateLogs,
    ListAgentSummaryReportsSinceMidnight, GetUser; see app.simulator.reports) are computed from it.

Calls (the phone system; each step is logged in the state log; while a call is up PollUserStatus
answers a CallContext with two ChannelContexts, the customer's and the agent's, and
UserContext.ParallelJobList; no call: CallContext null)
    POST   /control/agents/{instance_id}/{user_id}/call     -> 201 agent
           {"direction": "INBOUND", "other_party": "13900001111"}   RINGING (agent channel RINGING)
           {"direction": "OUTBOUND", "other_party": "13900001111"}  DIALING (customer channel RINGING)
           optional "job_id" (default a fresh job-<digits>); 409 when the agent is already on a call
           or OFFLINE
    POST   /control/agents/{instance_id}/{user_id}/call/answer  -> agent   TALKING, both ANSWERED
    POST   /control/agents/{instance_id}/{user_id}/call/end     -> agent   WORKING (after-call work,
           JobId kept) or, with {"after_call_work": false}, READY; CallContext null again
    answer / end without a call in progress: 409.

Faults ("action": "TakeBreak" | "ReadyForService" | "PollUserStatus" | a read API, or null / "*" / absent for all;
"count": N applies the fault to the next N matching requests, then it expires; absent = until cleared)
    GET    /control/faults                          -> {"faults": [fault with its "id", ...]}
    POST   /control/faults                          -> 201 fault
           {"kind": "latency", "latency_ms": 1500, "action": "PollUserStatus"}
           {"kind": "internal_error", "count": 2}            HTTP 500 InternalError
           {"kind": "service_unavailable", "count": 1}       HTTP 503 ServiceUnavailable
           {"kind": "throttle", "qps": 1}                    >1 request/second -> Throttling.User (400);
                                                             qps 0 throttles every request; count
                                                             counts throttled answers
           {"kind": "html", "status": 502, "count": 1}       an HTML page instead of JSON (200 or 5xx)
           {"kind": "drop", "count": 1}                      connection closed with no response
           {"kind": "seed_json_shapes", "count": 1}          seed JSON shapes (numbers, list as string)
    DELETE /control/faults                          remove every fault -> {"faults": []}
    DELETE /control/faults/{id}                     remove one fault -> {"faults": [remaining]}
    Latency adds to any other fault. Drop, html, internal_error and service_unavailable act before
    the signature is checked (they stand for the network and the gateway's front); throttle acts
    after it, and its Throttling.User answers carry `x-acs-retry-after` (milliseconds).

RAM denials (a RAM policy without `ccc:<Action>`; on top of an AccessKey's allowed_actions)
    GET    /control/denials                         -> {"denials": [{"access_key_id", "action"}, ...]}
    POST   /control/denials                         -> 201 denial
           {"access_key_id": "demo-access-key-id", "action": "TakeBreak"}
           access_key_id null / absent = every AccessKey; action null / "*" / absent = every action.
           Also for the read APIs (ListRealtimeAgentStates, ListAgentStateLogs,
           ListAgentSummaryReportsSinceMidnight, GetUser): denied, they answer 403.
           A denied request, once its signature checks out, gets HTTP 403 in the gateway envelope:
           {"RequestId", "HostId", "Code": "Forbidden.RAM",
            "Message": "User not authorized to operate on the specified resource.", "Recommend",
            "AccessDeniedDetail": {"AuthAction": "ccc:TakeBreak", "AuthPrincipalType": "SubUser",
             "AuthPrincipalDisplayName": <the key's RAM user>, "AuthPrincipalOwnerId",
             "NoPermissionType": "ImplicitDeny", "PolicyType": "AccountLevelIdentityBasedPolicy",
             "EncodedDiagnosticMessage"}}
    DELETE /control/denials                         remove every denial -> {"denials": []}

Request log and reset
    GET    /control/requests     -> {"requests": [{"action", "scheme": "v2"|"v3"|"none", "method",
                                    "code": "OK"|error Code|"ConnectionDropped"|"NonJsonBody",
                                    "status", "time", "access_key_id", "user_id"}, ...]}
    DELETE /control/requests     empty the log
    POST   /control/reset        configured agents back, faults and denials cleared, nonces forgotten,
                                 log emptied
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from app.simulator.agents import CALL_DIRECTIONS, WORK_MODES, Agent, UserState
from app.simulator.faults import Fault
from app.simulator.service import CccService

SERVICE_KEY: web.AppKey[CccService] = web.AppKey("ccc_service", CccService)
TOKEN_KEY: web.AppKey[str] = web.AppKey("control_token", str)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def is_loopback(remote: str | None) -> bool:
    """True for 127.0.0.0/8, ::1 and IPv4-mapped loopback; False for anything else or unknown."""
    if not remote:
        return False
    try:
        address = ipaddress.ip_address(remote.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped.is_loopback
    return address.is_loopback


def is_loopback_host_header(host: str) -> bool:
    """The Host a browser sends names the page's site: a rebound DNS name is not loopback."""
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    name = name.strip("[]").lower()
    return name == "localhost" or is_loopback(name)


@web.middleware
async def loopback_only(request: web.Request, handler: Handler) -> web.StreamResponse:
    if not is_loopback(request.remote):
        return _error(403, "The control API only answers on this computer (loopback).")
    if not is_loopback_host_header(request.host):
        return _error(403, "The control API only answers to a loopback Host (127.0.0.1, [::1] or localhost).")
    expected = f"Bearer {request.app[TOKEN_KEY]}"
    if not hmac.compare_digest(request.headers.get("Authorization", "").encode(), expected.encode()):
        return _error(401, "The control API needs 'Authorization: Bearer <token>' (printed by ccc-break simulator).")
    if request.can_read_body and request.content_type != "application/json":
        return _error(415, "The control API takes JSON bodies only (Content-Type: application/json).")
    return await handler(request)


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


def _service(request: web.Request) -> CccService:
    return request.app[SERVICE_KEY]


async def _json_body(request: web.Request) -> dict[str, Any]:
    try:
        data = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise ValueError("the body must be a JSON object") from None
    if not isinstance(data, dict):
        raise ValueError("the body must be a JSON object")
    return data


def _string(data: dict[str, Any], name: str, default: str | None = None) -> str:
    value = data.get(name, default)
    if not isinstance(value, str) or (default is None and not value):
        raise ValueError(f"{name} must be a non-empty string" if default is None else f"{name} must be a string")
    return value


def _bool(data: dict[str, Any], name: str) -> bool | None:
    value = data.get(name)
    if value is not None and not isinstance(value, bool):
        raise ValueError(f"{name} must be true or false")
    return value


def _state(data: dict[str, Any]) -> UserState | None:
    value = data.get("state")
    if value is None:
        return None
    try:
        return UserState(str(value).upper())
    except ValueError:
        raise ValueError(f"state must be one of {', '.join(s.value for s in UserState)}") from None


def agent_from_json(data: dict[str, Any]) -> Agent:
    """An Agent from a control API body; ValueError names the first bad field."""
    skill_groups = data.get("skill_groups", [])
    if not isinstance(skill_groups, list) or not all(isinstance(s, str) for s in skill_groups):
        raise ValueError("skill_groups must be a list of strings")
    work_mode = _string(data, "work_mode", "ON_SITE")
    if work_mode not in WORK_MODES:
        raise ValueError(f"work_mode must be one of {', '.join(WORK_MODES)}")
    agent = Agent(
        instance_id=_string(data, "instance_id"),
        user_id=_string(data, "user_id"),
        extension=_string(data, "extension", "80011474"),
        mobile=_string(data, "mobile", ""),
        skill_groups=list(skill_groups),
        work_mode=work_mode,
        state=_state(data) or UserState.READY,
        break_code=_string(data, "break_code", ""),
        channel_open=bool(_bool(data, "channel_open")),
        seed_json_shapes=bool(_bool(data, "seed_json_shapes")),
        device_id=_string(data, "device_id", ""),
        display_name=_string(data, "display_name", ""),
    )
    job_id = data.get("job_id")
    if job_id is not None:
        agent.job_id = _string(data, "job_id")
    return agent


async def list_agents(request: web.Request) -> web.Response:
    return web.json_response({"agents": [a.to_control_json() for a in _service(request).directory.all()]})


async def add_agent(request: web.Request) -> web.Response:
    service = _service(request)
    try:
        agent = agent_from_json(await _json_body(request))
    except ValueError as error:
        return _error(400, str(error))
    now_ms = int(service.now().timestamp() * 1000)
    agent.heartbeat_ms = agent.reserved_ms = now_ms
    agent.start_log(now_ms)
    service.directory.add(agent)
    return web.json_response(agent.to_control_json(), status=201)


async def get_agent(request: web.Request) -> web.Response:
    instance_id, user_id = request.match_info["instance_id"], request.match_info["user_id"]
    agent = _service(request).directory.get(instance_id, user_id)
    if agent is None:
        return _error(404, f"no agent {user_id} in instance {instance_id}")
    return web.json_response(agent.to_control_json())


async def change_agent(request: web.Request) -> web.Response:
    instance_id, user_id = request.match_info["instance_id"], request.match_info["user_id"]
    directory = _service(request).directory
    if directory.get(instance_id, user_id) is None:
        return _error(404, f"no agent {user_id} in instance {instance_id}")
    try:
        data = await _json_body(request)
        state = _state(data)
        break_code = data.get("break_code")
        if break_code is not None and not isinstance(break_code, str):
            raise ValueError("break_code must be a string")
        job_id = data.get("job_id")
        if job_id is not None and not isinstance(job_id, str):
            raise ValueError("job_id must be a string (empty to clear)")
        channel_open = _bool(data, "channel_open")
        seed_shapes = _bool(data, "seed_json_shapes")
        since_ms = data.get("since_ms")
        if since_ms is not None and (
            isinstance(since_ms, bool) or not isinstance(since_ms, int) or not 0 <= since_ms <= directory.now_ms()
        ):
            raise ValueError("since_ms must be epoch milliseconds, not after the simulator's now")
    except ValueError as error:
        return _error(400, str(error))
    agent = directory.set_state(
        instance_id, user_id, state, break_code=break_code, channel_open=channel_open, job_id=job_id, since_ms=since_ms
    )
    if seed_shapes is not None:
        agent.seed_json_shapes = seed_shapes
    return web.json_response(agent.to_control_json())


def _agent_in_path(request: web.Request) -> Agent | None:
    return _service(request).directory.get(request.match_info["instance_id"], request.match_info["user_id"])


def _no_such_agent(request: web.Request) -> web.Response:
    return _error(404, f"no agent {request.match_info['user_id']} in instance {request.match_info['instance_id']}")


def _new_job_id() -> str:
    return f"job-{secrets.randbelow(10**18):018d}"


async def start_call(request: web.Request) -> web.Response:
    """The phone system offers the agent an inbound call (RINGING) or the agent dials out (DIALING)."""
    directory = _service(request).directory
    agent = _agent_in_path(request)
    if agent is None:
        return _no_such_agent(request)
    try:
        data = await _json_body(request)
        direction = _string(data, "direction", "INBOUND").upper()
        if direction not in CALL_DIRECTIONS:
            raise ValueError(f"direction must be one of {', '.join(CALL_DIRECTIONS)}")
        other_party = _string(data, "other_party")
        job_id = _string(data, "job_id", "") or _new_job_id()
    except ValueError as error:
        return _error(400, str(error))
    now_ms = directory.now_ms()
    agent.start_log(now_ms)
    try:
        agent.start_call(direction, other_party, job_id, at_ms=now_ms)
    except ValueError as error:
        return _error(409, str(error))
    return web.json_response(agent.to_control_json(), status=201)


async def answer_call(request: web.Request) -> web.Response:
    directory = _service(request).directory
    agent = _agent_in_path(request)
    if agent is None:
        return _no_such_agent(request)
    try:
        agent.answer_call(at_ms=directory.now_ms())
    except ValueError as error:
        return _error(409, str(error))
    return web.json_response(agent.to_control_json())


async def end_call(request: web.Request) -> web.Response:
    directory = _service(request).directory
    agent = _agent_in_path(request)
    if agent is None:
        return _no_such_agent(request)
    try:
        data = await _json_body(request) if request.can_read_body else {}
        after_call_work = _bool(data, "after_call_work")
    except ValueError as error:
        return _error(400, str(error))
    try:
        agent.end_call(after_call_work=after_call_work is not False, at_ms=directory.now_ms())
    except ValueError as error:
        return _error(409, str(error))
    return web.json_response(agent.to_control_json())


async def list_faults(request: web.Request) -> web.Response:
    return web.json_response({"faults": [f.to_json() for f in _service(request).faults.all()]})


async def add_fault(request: web.Request) -> web.Response:
    try:
        fault = Fault.from_json(await _json_body(request))
    except ValueError as error:
        return _error(400, str(error))
    return web.json_response(_service(request).faults.add(fault).to_json(), status=201)


async def clear_faults(request: web.Request) -> web.Response:
    _service(request).faults.clear()
    return web.json_response({"faults": []})


async def remove_fault(request: web.Request) -> web.Response:
    faults = _service(request).faults
    try:
        fault_id = int(request.match_info["fault_id"])
    except ValueError:
        return _error(404, "no such fault")
    if not faults.remove(fault_id):
        return _error(404, f"no fault {fault_id}")
    return web.json_response({"faults": [f.to_json() for f in faults.all()]})


async def list_denials(request: web.Request) -> web.Response:
    return web.json_response({"denials": [d.to_json() for d in _service(request).denials]})


async def add_denial(request: web.Request) -> web.Response:
    try:
        data = await _json_body(request)
        access_key_id = data.get("access_key_id")
        if access_key_id is not None and (not isinstance(access_key_id, str) or not access_key_id):
            raise ValueError("access_key_id must be a non-empty string, or null for every AccessKey")
        action = data.get("action")
        if action in ("", "*"):
            action = None
        if action is not None and not isinstance(action, str):
            raise ValueError('action must be an action name, or null / "*" for every action')
    except ValueError as error:
        return _error(400, str(error))
    denial = _service(request).deny(action, access_key_id)
    return web.json_response(denial.to_json(), status=201)


async def clear_denials(request: web.Request) -> web.Response:
    _service(request).denials.clear()
    return web.json_response({"denials": []})


async def list_requests(request: web.Request) -> web.Response:
    return web.json_response({"requests": [r.to_json() for r in _service(request).requests]})


async def clear_requests(request: web.Request) -> web.Response:
    _service(request).requests.clear()
    return web.json_response({"requests": []})


async def reset(request: web.Request) -> web.Response:
    _service(request).reset()
    return web.json_response({"reset": True})


def control_app(service: CccService, token: str) -> web.Application:
    """The `/control/` sub-application bound to one simulated service, answering to `token`."""
    app = web.Application(middlewares=[loopback_only])
    app[SERVICE_KEY] = service
    app[TOKEN_KEY] = token
    app.router.add_get("/agents", list_agents)
    app.router.add_post("/agents", add_agent)
    app.router.add_get("/agents/{instance_id}/{user_id}", get_agent)
    app.router.add_patch("/agents/{instance_id}/{user_id}", change_agent)
    app.router.add_post("/agents/{instance_id}/{user_id}", change_agent)
    app.router.add_post("/agents/{instance_id}/{user_id}/call", start_call)
    app.router.add_post("/agents/{instance_id}/{user_id}/call/answer", answer_call)
    app.router.add_post("/agents/{instance_id}/{user_id}/call/end", end_call)
    app.router.add_get("/faults", list_faults)
    app.router.add_post("/faults", add_fault)
    app.router.add_delete("/faults", clear_faults)
    app.router.add_delete("/faults/{fault_id}", remove_fault)
    app.router.add_get("/denials", list_denials)
    app.router.add_post("/denials", add_denial)
    app.router.add_delete("/denials", clear_denials)
    app.router.add_get("/requests", list_requests)
    app.router.add_delete("/requests", clear_requests)
    app.router.add_post("/reset", reset)
    return app

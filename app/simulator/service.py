"""The CCC endpoint itself: one aiohttp handler for `/` that verifies, injects faults and answers.

Only the action and its outcome are ever logged (at DEBUG): the query string carries the V2
Signature, so neither it nor any header is written anywhere.
"""

from __future__ import annotations

import asyncio
import copy
import logging
import uuid
from collections import deque
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from app.core.signature_scheme import SignatureScheme
from app.core.signing import API_VERSION
from app.simulator import actions, errors, reports
from app.simulator.agents import AgentDirectory, epoch_ms
from app.simulator.auth import IncomingRequest, NonceCache, claimed_action, detect_scheme, verify
from app.simulator.config import AccessKey, SimulatorConfig
from app.simulator.errors import ApiError, Envelope
from app.simulator.faults import FaultKind, FaultPlan

logger = logging.getLogger(__name__)

DEFAULT_HOST_ID = "ccc.cn-shanghai.aliyuncs.com"
OUTCOME_DROPPED = "ConnectionDropped"
REQUEST_LOG_LIMIT = 1000
OUTCOME_HTML = "NonJsonBody"


@dataclass(frozen=True)
class Denial:
    """A RAM policy that lacks `ccc:<action>` for one AccessKey (None: every key / every action)."""

    access_key_id: str | None = None
    action: str | None = None

    def matches(self, access_key_id: str, action: str) -> bool:
        return self.access_key_id in (None, access_key_id) and self.action in (None, action)

    def to_json(self) -> dict[str, Any]:
        return {"access_key_id": self.access_key_id, "action": self.action}


@dataclass(frozen=True)
class RequestRecord:
    """One request as the simulator saw it; deliberately holds no signature, secret or token."""

    action: str
    scheme: str  # "v2", "v3" or "none"
    method: str
    code: str  # "OK", an error Code, or ConnectionDropped / NonJsonBody for injected faults
    status: int  # HTTP status sent; 0 when the connection was dropped
    time: datetime
    access_key_id: str = ""
    user_id: str = ""

    @property
    def outcome(self) -> str:
        return self.code

    def to_json(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "scheme": self.scheme,
            "method": self.method,
            "code": self.code,
            "status": self.status,
            "time": self.time.isoformat(),
            "access_key_id": self.access_key_id,
            "user_id": self.user_id,
        }


def _html_page(status: int) -> str:
    title = "Welcome" if status == 200 else f"{status} Bad Gateway"
    return (
        f"<!DOCTYPE html><html><head><title>{title}</title></head>"
        f"<body><h1>{title}</h1><p>This page is not the CCC API.</p></body></html>"
    )


def _headers(request: web.Request) -> dict[str, str]:
    # Lower-cased names; repeated headers joined sorted with ",", as the SDK canonicalises them.
    joined: dict[str, list[str]] = {}
    for name, value in request.headers.items():
        joined.setdefault(name.lower(), []).append(value.strip())
    return {name: ",".join(sorted(values)) for name, values in joined.items()}


class CccService:
    """State of one simulated CCC: agents, faults, nonces and the request log."""

    def __init__(self, config: SimulatorConfig) -> None:
        self.config = config
        self.directory = AgentDirectory((copy.deepcopy(agent) for agent in config.agents), clock=config.clock)
        self.faults = FaultPlan()
        self.nonces = NonceCache()
        # Bounded: a trainer's demo runs all day, and tests only ever look at the latest requests.
        self.requests: deque[RequestRecord] = deque(maxlen=REQUEST_LOG_LIMIT)
        # RAM denials set through the control API, on top of each AccessKey's allowed_actions.
        self.denials: list[Denial] = []
        self._stamp_agents()

    def deny(self, action: str | None = None, access_key_id: str | None = None) -> Denial:
        """Answer Forbidden.RAM to `action` (None: all) for `access_key_id` (None: every key)."""
        denial = Denial(access_key_id, action)
        if denial not in self.denials:
            self.denials.append(denial)
        return denial

    def is_denied(self, access_key_id: str, access_key: AccessKey, action: str) -> bool:
        if access_key.allowed_actions is not None and action not in access_key.allowed_actions:
            return True
        return any(denial.matches(access_key_id, action) for denial in self.denials)

    def _stamp_agents(self) -> None:
        # Configured agents signed in "now": their Heartbeat and Reserved start at the clock.
        now_ms = epoch_ms(self.now())
        for agent in self.directory.all():
            agent.heartbeat_ms = agent.heartbeat_ms or now_ms
            agent.reserved_ms = agent.reserved_ms or now_ms
            agent.start_log(now_ms)  # the state log begins with the sign-in

    def now(self) -> datetime:
        return self.config.clock()

    def reset(self) -> None:
        """Back to the configured agents, no faults or denials, no remembered nonces, an empty log."""
        self.directory.replace_all(self.config.agents)
        self.faults.clear()
        self.denials.clear()
        self.nonces.clear()
        self.requests.clear()
        self._stamp_agents()

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """The aiohttp handler for `/`: a bug in the simulator still answers with the gateway envelope."""
        try:
            return await self._handle(request)
        except (web.HTTPException, asyncio.CancelledError, ConnectionError):
            raise
        except Exception as error:
            # Only the type: an exception's text could quote a parameter, and parameters hold signatures.
            logger.error("CCC simulator: unexpected %s while answering a request", type(error).__name__)
            body = _error_body(errors.internal_error(), str(uuid.uuid4()).upper(), request.host or DEFAULT_HOST_ID)
            return web.json_response(body, status=500)

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        form: dict[str, str] = {}
        if request.content_type == "application/x-www-form-urlencoded" and body:
            form = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        incoming = IncomingRequest(
            method=request.method,
            query={name: request.query[name] for name in request.query},
            form=form,
            headers=_headers(request),
            body=body,
        )
        scheme = detect_scheme(incoming)
        action = claimed_action(incoming, scheme)
        record = _Recorder(self, action, scheme, request.method, incoming.params.get("UserId", ""))

        delay_ms = self.faults.latency_ms(action)
        if delay_ms:
            await asyncio.sleep(delay_ms / 1000)

        fault = self.faults.pre_auth(action)
        if fault is not None and fault.kind is FaultKind.DROP:
            record(OUTCOME_DROPPED, 0)
            if request.transport is not None:
                request.transport.close()
            # The transport is gone; this only ends the handler without a response being written.
            raise web.HTTPNoContent()
        if fault is not None and fault.kind is FaultKind.HTML:
            record(OUTCOME_HTML, fault.status)
            return web.Response(status=fault.status, text=_html_page(fault.status), content_type="text/html")

        request_id = str(uuid.uuid4()).upper()
        host_id = request.host or DEFAULT_HOST_ID
        try:
            if fault is not None:
                raise (
                    errors.internal_error() if fault.kind is FaultKind.INTERNAL_ERROR else errors.service_unavailable()
                )
            now = self.now()
            caller = verify(incoming, self.config.access_keys, self.nonces, now)
            record.access_key_id = caller.access_key_id
            self._check_action(incoming, caller.scheme, action)
            # RAM authorises a real API before it runs, whether or not the simulator carries it out.
            if self.is_denied(caller.access_key_id, caller.access_key, action):
                raise errors.forbidden_ram(action, caller.access_key.ram_user or caller.access_key_id)
            if action not in actions.SERVED_ACTIONS:
                raise errors.invalid_action(action)
            wait_ms = self.faults.throttle_wait_ms(action, now)
            if wait_ms is not None:
                raise errors.throttling_user(wait_ms)
            record.user_id = actions.effective_user_id(incoming.params, caller.access_key.user_id)
            if action in reports.READ_ACTIONS:
                answer = reports.run(action, incoming.params, self.directory, now)
            else:
                data = actions.run(
                    action,
                    incoming.params,
                    self.directory,
                    now,
                    mapped_user_id=caller.access_key.user_id,
                    seed_shapes=self.faults.seed_json_shapes(action),
                )
                answer = {"Data": data}
        except ApiError as error:
            record(error.code, error.status)
            return web.json_response(
                _error_body(error, request_id, host_id), status=error.status, headers=error.headers or None
            )
        record("OK", 200)
        return web.json_response(
            {"RequestId": request_id, "HttpStatusCode": 200, "Code": "OK", "Message": "", "Params": [], **answer}
        )

    @staticmethod
    def _check_action(incoming: IncomingRequest, scheme: SignatureScheme, action: str) -> None:
        if scheme is SignatureScheme.V3:
            version = incoming.headers.get("x-acs-version")
            action_name, version_name = "x-acs-action", "x-acs-version"
        else:
            version = incoming.params.get("Version")
            action_name, version_name = "Action", "Version"
        if not action:
            raise errors.missing_parameter(action_name)
        if not version:
            raise errors.missing_parameter(version_name)
        if version != API_VERSION:
            raise errors.invalid_parameter(version_name, f"This service only speaks {API_VERSION}.")
        if action not in actions.SERVED_ACTIONS and action not in actions.KNOWN_UNSIMULATED_ACTIONS:
            raise errors.invalid_action(action)


class _Recorder:
    def __init__(
        self, service: CccService, action: str, scheme: SignatureScheme | None, method: str, user_id: str
    ) -> None:
        self._service = service
        self._action = action
        self._scheme = scheme.value if scheme is not None else "none"
        self._method = method
        self.user_id = user_id
        self.access_key_id = ""

    def __call__(self, code: str, status: int) -> None:
        self._service.requests.append(
            RequestRecord(
                action=self._action,
                scheme=self._scheme,
                method=self._method,
                code=code,
                status=status,
                time=self._service.now(),
                access_key_id=self.access_key_id,
                user_id=self.user_id,
            )
        )
        logger.debug("CCC simulator: %s (%s) -> %s", self._action or "<no action>", self._scheme, code)


def _error_body(error: ApiError, request_id: str, host_id: str) -> dict[str, Any]:
    if error.envelope is Envelope.CCC:
        return {
            "Code": error.code,
            "HttpStatusCode": error.status,
            "Message": error.message,
            "Params": list(error.params),
            "RequestId": request_id,
            **error.body_extra,
        }
    return {
        "RequestId": request_id,
        "HostId": host_id,
        "Code": error.code,
        "Message": error.message,
        "Recommend": f"https://api.aliyun.com/troubleshoot?q={error.code}&product=CCC&requestId={request_id}",
        **error.body_extra,
    }

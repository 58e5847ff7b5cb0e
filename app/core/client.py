"""The async CCC client: signs, sends, retries where safe, corrects clock skew, parses defensively.

One `aiohttp.ClientSession` is owned by the caller (see `open_session`) and shared by every client
built for it; a client is cheap and is rebuilt when settings or credentials change.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from yarl import URL

from app import APP_ID, __version__
from app.core.endpoint import endpoint_problem
from app.core.errors import ApiError, CertificateError, ConfigError, NetworkError, ProtocolError, RequestTimeout
from app.core.models import AgentStatus
from app.core.signing import Credentials, SignatureScheme, percent_encode, sign_v2, sign_v3

logger = logging.getLogger(__name__)

USER_AGENT = f"{APP_ID}/{__version__} (+Alibaba Cloud CCC 2020-07-01)"


@dataclass(frozen=True)
class Timeouts:
    connect: float = 5.0
    total: float = 10.0


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded exponential backoff with full jitter (delay drawn from [0, min(cap, base * 2**n)])."""

    max_attempts: int = 3
    base_delay: float = 0.5
    max_delay: float = 8.0

    def delay(self, retry_number: int, rng: random.Random) -> float:
        return rng.uniform(0.0, min(self.max_delay, self.base_delay * (2**retry_number)))


@dataclass
class ServerClock:
    """This PC's clock corrected by what the service's Date header said; shared by all clients."""

    local_now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    offset: timedelta = timedelta(0)
    last_observed_skew: timedelta | None = None

    def now(self) -> datetime:
        return self.local_now() + self.offset

    def observe(self, date_header: str | None) -> timedelta | None:
        server_time = _parse_http_date(date_header)
        if server_time is None:
            return None
        # The Date header has 1 s resolution: only record a skew, never correct on it alone.
        self.last_observed_skew = server_time - self.local_now()
        return self.last_observed_skew

    def correct_from(self, date_header: str | None) -> bool:
        skew = self.observe(date_header)
        if skew is None:
            return False
        self.offset = skew
        logger.info("Clock corrected by %.0f s from the service's Date header", skew.total_seconds())
        return True


def _parse_http_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def open_session(timeouts: Timeouts = Timeouts()) -> aiohttp.ClientSession:
    """The one session of the app. TLS verification stays on (aiohttp's default; never disabled);
    proxies come from HTTPS_PROXY/HTTP_PROXY/NO_PROXY (trust_env)."""
    return aiohttp.ClientSession(
        timeout=aiohttp.ClientTimeout(total=timeouts.total, sock_connect=timeouts.connect),
        headers={"User-Agent": USER_AGENT},
        trust_env=True,
    )


@dataclass(frozen=True)
class _Reply:
    status: int
    body: bytes
    date_header: str | None
    request_id: str | None


@dataclass(frozen=True)
class AgentIdentity:
    instance_id: str
    user_id: str
    device_id: str


class CccClient:
    def __init__(
        self,
        session: aiohttp.ClientSession,
        *,
        endpoint: str,
        identity: AgentIdentity,
        credentials: Credentials,
        signature: SignatureScheme = SignatureScheme.V3,
        clock: ServerClock | None = None,
        retry: RetryPolicy = RetryPolicy(),
        timeouts: Timeouts = Timeouts(),
        rng: random.Random | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        problem = endpoint_problem(endpoint)
        if problem:
            raise ConfigError(problem)
        if not identity.instance_id:
            raise ConfigError("The instance ID is missing. Enter it in Settings.")
        if not credentials.access_key_id or not credentials.access_key_secret:
            raise ConfigError("The AccessKey ID or secret is missing. Enter them in Settings.")
        self._session = session
        self._endpoint = endpoint.rstrip("/")
        self._host = urlsplit(self._endpoint).netloc
        self._identity = identity
        self._credentials = credentials
        self._signature = SignatureScheme(signature)
        self.clock = clock or ServerClock()
        self._retry = retry
        self._timeout = aiohttp.ClientTimeout(total=timeouts.total, sock_connect=timeouts.connect)
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not security
        self._sleep = sleep

    @property
    def endpoint(self) -> str:
        return self._endpoint

    @property
    def identity(self) -> AgentIdentity:
        return self._identity

    async def take_break(self, code: str) -> AgentStatus:
        data, request_id = await self._call("TakeBreak", {"Code": code})
        return AgentStatus.from_context(data, request_id=request_id)

    async def ready_for_service(self, outbound_scenario: bool | None = None) -> AgentStatus:
        extra = {} if outbound_scenario is None else {"OutboundScenario": str(outbound_scenario).lower()}
        data, request_id = await self._call("ReadyForService", extra)
        return AgentStatus.from_context(data, request_id=request_id)

    async def poll_user_status(self) -> AgentStatus:
        data, request_id = await self._call("PollUserStatus", {})
        context = data.get("UserContext") if isinstance(data, Mapping) else None
        if not isinstance(context, Mapping):
            raise ProtocolError(
                "The contact centre's status answer had no agent context. Try again; if it persists, contact IT.",
                request_id=request_id,
            )
        return AgentStatus.from_context(context, request_id=request_id)

    # --- transport --------------------------------------------------------------------------------

    async def _call(self, action: str, extra: Mapping[str, str]) -> tuple[Mapping[str, Any], str | None]:
        params = {
            "InstanceId": self._identity.instance_id,
            "UserId": self._identity.user_id,
            "DeviceId": self._identity.device_id,
            **extra,
        }
        clock_corrected = False
        attempt = 0
        while True:
            attempt += 1
            try:
                reply = await self._send_once(action, params, attempt)
                return self._parse(action, reply)
            except ApiError as error:
                if (
                    error.code == "InvalidTimeStamp.Expired"
                    and not clock_corrected
                    and self.clock.correct_from(error.server_date)
                ):
                    # One extra try with the corrected time; it is not one of the bounded attempts.
                    clock_corrected = True
                    attempt -= 1
                    continue
                if not error.retryable or attempt >= self._retry.max_attempts:
                    raise
                await self._backoff(action, attempt, error.code)
            except (NetworkError, ProtocolError) as error:
                if isinstance(error, ProtocolError):
                    retryable = (error.http_status or 0) >= 500  # a proxy's error page may pass
                else:
                    retryable = not isinstance(error, CertificateError)
                if not retryable or attempt >= self._retry.max_attempts:
                    raise
                await self._backoff(action, attempt, type(error).__name__)

    async def _backoff(self, action: str, attempt: int, reason: str) -> None:
        delay = self._retry.delay(attempt - 1, self._rng)
        logger.info("%s failed (%s); retry %d in %.2f s", action, reason, attempt, delay)
        await self._sleep(delay)

    async def _send_once(self, action: str, params: Mapping[str, str], attempt: int) -> _Reply:
        now = self.clock.now()
        nonce = uuid.uuid4().hex
        if self._signature is SignatureScheme.V2:
            query = sign_v2("POST", action, params, self._credentials, now=now, nonce=nonce)
            headers: dict[str, str] = {}
        else:
            query = dict(params)
            headers = sign_v3("POST", self._host, action, query, self._credentials, now=now, nonce=nonce)
            headers.pop("host")  # aiohttp sends Host itself, with the same value
        query_string = "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in query.items())
        url = URL(f"{self._endpoint}/?{query_string}", encoded=True)
        logger.debug("POST %s Action=%s attempt=%d scheme=%s", self._host, action, attempt, self._signature)
        try:
            async with self._session.post(url, headers=headers, timeout=self._timeout) as response:
                reply = _Reply(
                    status=response.status,
                    body=await response.read(),
                    date_header=response.headers.get("Date"),
                    request_id=response.headers.get("x-acs-request-id"),
                )
        except TimeoutError:
            raise RequestTimeout(
                f"The contact centre did not answer within {self._timeout.total:.0f} s. Check your "
                "network connection and try again."
            ) from None
        except aiohttp.ClientConnectorCertificateError:
            raise CertificateError(
                "The contact centre's certificate could not be verified, so the connection was "
                "refused. Your network may be intercepting secure connections: contact IT."
            ) from None
        except aiohttp.ClientConnectorError:
            raise NetworkError(
                f"Cannot reach the contact centre at {self._host}. Check your network connection "
                "or proxy; if it works for colleagues, check the endpoint in Settings."
            ) from None
        except (aiohttp.ClientError, OSError) as error:
            # The exception text can hold the signed URL: report only its kind.
            raise NetworkError(
                "The connection to the contact centre was interrupted "
                f"({type(error).__name__}). Check your network connection and try again."
            ) from None
        self.clock.observe(reply.date_header)
        return reply

    def _parse(self, action: str, reply: _Reply) -> tuple[Mapping[str, Any], str | None]:
        status, header_request_id = reply.status, reply.request_id
        try:
            envelope = json.loads(reply.body)
        except (ValueError, UnicodeDecodeError):
            envelope = None
        if not isinstance(envelope, dict):
            logger.debug("%s: HTTP %d with a body that is not a CCC envelope", action, status)
            raise ProtocolError(
                f"The contact centre sent an answer this app cannot read (HTTP {status}). "
                "Check the endpoint in Settings; if it is right, try again later.",
                http_status=status,
                request_id=header_request_id,
            )
        request_id = _text_or_none(envelope.get("RequestId")) or header_request_id
        code = _text_or_none(envelope.get("Code"))
        if status == 200 and code in (None, "OK", "200"):
            data = envelope.get("Data")
            if not isinstance(data, Mapping):
                raise ProtocolError(
                    "The contact centre's answer had no data. Try again; if it persists, contact IT.",
                    http_status=status,
                    request_id=request_id,
                )
            logger.debug("%s: OK RequestId=%s", action, request_id)
            return data, request_id
        params = envelope.get("Params")
        http_status = status if status != 200 else _int(envelope.get("HttpStatusCode"), 400)
        error = ApiError(
            code or f"HTTP{status}",
            _text_or_none(envelope.get("Message")) or "",
            http_status=http_status,
            request_id=request_id,
            params=[str(p) for p in params] if isinstance(params, list) else (),
            server_date=reply.date_header,
        )
        logger.debug("%s: %s HTTP %d RequestId=%s", action, error.code, http_status, request_id)
        raise error


def _text_or_none(value: object) -> str | None:
    return None if value is None or value == "" else str(value)


def _int(value: object, default: int) -> int:
    try:
        return int(str(value))
    except ValueError:
        return default

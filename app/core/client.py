"""The async CCC client: signs, sends, retries where safe, corrects clock skew, parses defensively.

One `aiohttp.ClientSession` is owned by the caller (see `open_session`) and shared by every client
built for it; a client is cheap and is rebuilt when settings or credentials change.
"""

from __future__ import annotations

import asyncio
import logging
import random
import secrets
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp
from yarl import URL

from app import APP_ID, __version__
from app.core.access_key import Credentials
from app.core.answer import (
    ACCEPT_ENCODING,
    MAX_ANSWER_BYTES,
    AnswerTooLarge,
    AnswerUnreadable,
    decode_body,
    parse_json,
)
from app.core.endpoint import endpoint_problem, signed_host
from app.core.errors import (
    ApiError,
    CertificateError,
    ConfigError,
    DeniedAction,
    NetworkError,
    ProtocolError,
    RequestTimeout,
)
from app.core.i18n import _
from app.core.models import AgentStatus, CallInfo, as_text, as_text_list
from app.core.proxy import ProxySettings
from app.core.server_clock import ServerClock
from app.core.signature_scheme import SignatureScheme
from app.core.signing import (
    percent_encode,
    sign_v2,
    sign_v3_canonical,
    v3_canonical_query,
)

logger = logging.getLogger(__name__)

USER_AGENT = f"{APP_ID}/{__version__} (+Alibaba Cloud CCC 2020-07-01)"
MAX_ASKED_WAIT = 30.0  # s: an agent's click waits at most this long for a throttled retry
MAX_FIELD_CHARS = 2000  # any one text the envelope carries (code, message, RequestId)
MAX_KEPT_QUERIES = 32  # encoded V3 queries a client keeps (its three actions need a handful)


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


def open_session(timeouts: Timeouts = Timeouts()) -> aiohttp.ClientSession:
    """The one session of the app. TLS verification stays on (aiohttp's default; never disabled).
    Proxies are chosen per client from `ProxySettings`, never by aiohttp from the environment; bodies
    are decompressed by us, within bounds; redirects are never followed."""
    return aiohttp.ClientSession(
        timeout=aiohttp.ClientTimeout(total=timeouts.total, sock_connect=timeouts.connect),
        headers={"User-Agent": USER_AGENT, "Accept-Encoding": ACCEPT_ENCODING},
        trust_env=False,
        auto_decompress=False,
    )


@dataclass(frozen=True, slots=True)
class _Reply:
    status: int
    body: bytes  # as received: still compressed when the service compressed it
    date_header: str | None
    request_id: str | None
    content_encoding: str = ""
    retry_after: str | None = None  # x-acs-retry-after, milliseconds, on throttling


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
        proxies: ProxySettings | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        problem = endpoint_problem(endpoint)
        if problem:
            raise ConfigError(problem)
        if not identity.instance_id:
            raise ConfigError(_("The instance ID is missing. Enter it in Settings."))
        if not credentials.access_key_id or not credentials.access_key_secret:
            raise ConfigError(_("The AccessKey ID or secret is missing. Enter them in Settings."))
        self._session = session
        self._endpoint = endpoint.rstrip("/")
        self._host = signed_host(self._endpoint)  # what aiohttp puts in Host, so V3 signs the same
        self._identity = identity
        self._credentials = credentials
        self._signature = SignatureScheme(signature)
        self.clock = clock or ServerClock()
        self._retry = retry
        self._timeout = aiohttp.ClientTimeout(total=timeouts.total, sock_connect=timeouts.connect)
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not security
        self._sleep = sleep
        self._proxy = (proxies or ProxySettings()).proxy_for(self._endpoint)
        self._monotonic = monotonic
        self._v3_queries: dict[tuple[tuple[str, str], ...], tuple[URL, str]] = {}

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

    async def ready_keeping_mode(self, known: AgentStatus | None = None) -> AgentStatus:
        """Ready with the agent's own OutboundScenario (from `known`, else a poll first): the service
        reads a missing value as false, so a plain Ready takes an outbound-only agent out of that mode."""
        if known is None:
            known = await self.poll_user_status()
        return await self.ready_for_service(known.outbound_scenario)

    async def poll_user_status(self, *, retry: bool = True) -> AgentStatus:
        """The live state. `retry=False` for background polls: one attempt, since the next poll
        comes anyway, and during an outage retries would triple a whole fleet's load."""
        data, request_id = await self._call("PollUserStatus", {}, max_attempts=None if retry else 1)
        context = data.get("UserContext") if isinstance(data, Mapping) else None
        if not isinstance(context, Mapping):
            raise ProtocolError(
                "The contact centre's status answer had no agent context. Try again; if it persists, contact IT.",
                request_id=request_id,
            )
        return AgentStatus.from_context(
            context,
            request_id=request_id,
            call=CallInfo.from_context(data.get("CallContext"), as_text(context.get("UserId"))),
            parallel_jobs=as_text_list(context.get("ParallelJobList")),
        )

    # --- transport --------------------------------------------------------------------------------

    async def _call(
        self, action: str, extra: Mapping[str, str], *, max_attempts: int | None = None
    ) -> tuple[Any, str | None]:
        """One of the agent's three actions, on behalf of this client's agent and device."""
        agent = {"UserId": self._identity.user_id} if self._identity.user_id else {}  # else: the key's own agent
        params = {"InstanceId": self._identity.instance_id, **agent, "DeviceId": self._identity.device_id, **extra}
        return await self.request(action, params, max_attempts=max_attempts)

    async def request(
        self,
        action: str,
        params: Mapping[str, str],
        *,
        data_key: str = "Data",
        max_attempts: int | None = None,
    ) -> tuple[Any, str | None]:
        """Any CCC action with these parameters: the answer's `data_key` value and its RequestId.
        Signed, bounded, retried and clock-corrected like the three actions."""
        attempts_allowed = max_attempts or self._retry.max_attempts
        clock_corrected = False
        attempt = 0
        started = self._monotonic()
        # V3 sends the same query on every attempt (only headers change): encode and sign it once.
        v3_query = self._v3_query(params) if self._signature is SignatureScheme.V3 else None
        while True:
            attempt += 1
            try:
                reply = await self._send_once(action, params, attempt, v3_query)
                answer = self._parse(action, reply, data_key)
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
                if not error.retryable or attempt >= attempts_allowed:
                    raise
                await self._backoff(action, attempt, error.code, error.retry_after)
            except (NetworkError, ProtocolError) as error:
                if isinstance(error, ProtocolError):
                    retryable = (error.http_status or 0) >= 500  # a proxy's error page may pass
                else:
                    retryable = not isinstance(error, CertificateError)
                if not retryable or attempt >= attempts_allowed:
                    if isinstance(error, RequestTimeout):
                        raise self._honest_timeout(started, attempt) from None
                    raise
                await self._backoff(action, attempt, type(error).__name__)
            else:
                self.clock.settle(reply.date_header)
                return answer

    def _honest_timeout(self, started: float, attempts: int) -> RequestTimeout:
        """The time the agent really waited, over every try, not one try's limit."""
        waited = self._monotonic() - started
        shown = f"{waited:.0f}" if waited >= 10 else f"{waited:.1f}"
        tries = f" ({attempts} tries)" if attempts > 1 else ""
        return RequestTimeout(
            f"The contact centre did not answer within {shown} s{tries}. Check your network connection and try again."
        )

    async def _backoff(self, action: str, attempt: int, reason: str, asked: float | None = None) -> None:
        delay = self._retry.delay(attempt - 1, self._rng)
        if asked is not None:  # the service said how long (x-acs-retry-after): wait that, within reason
            delay = max(delay, min(asked, MAX_ASKED_WAIT))
        logger.info("%s failed (%s); retry %d in %.2f s", action, reason, attempt, delay)
        await self._sleep(delay)

    def _v3_query(self, params: Mapping[str, str]) -> tuple[URL, str]:
        """The URL with `params` as its query, and the canonical query V3 signs. The two are the same
        string (sorted, values encoded) unless a name needs encoding, which no CCC parameter does.
        Kept per parameter set: an agent's client sends the same few again and again."""
        key = tuple(params.items())
        known = self._v3_queries.get(key)
        if known is not None:
            return known
        canonical = v3_canonical_query(params)
        if all(percent_encode(name) == name for name in params):
            query_string = canonical
        else:
            query_string = "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in params.items())
        prepared = URL(f"{self._endpoint}/?{query_string}", encoded=True), canonical
        if len(self._v3_queries) >= MAX_KEPT_QUERIES:  # e.g. report pages or date ranges: start afresh
            self._v3_queries.clear()
        self._v3_queries[key] = prepared
        return prepared

    async def _send_once(
        self, action: str, params: Mapping[str, str], attempt: int, v3_query: tuple[URL, str] | None = None
    ) -> _Reply:
        now = self.clock.now()
        nonce = secrets.token_hex(16)  # 128 random bits, fresh for every attempt
        if self._signature is SignatureScheme.V2:
            query = sign_v2("POST", action, params, self._credentials, now=now, nonce=nonce)
            headers: dict[str, str] = {}
            query_string = "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in query.items())
            url = URL(f"{self._endpoint}/?{query_string}", encoded=True)
        else:
            url, canonical_query = v3_query or self._v3_query(params)
            headers = sign_v3_canonical(
                "POST", self._host, action, canonical_query, self._credentials, now=now, nonce=nonce
            )
            headers.pop("host")  # aiohttp sends Host itself, with the same value
        logger.debug("POST %s Action=%s attempt=%d scheme=%s", self._host, action, attempt, self._signature)
        try:
            async with self._session.post(
                url, headers=headers, timeout=self._timeout, allow_redirects=False, proxy=self._proxy
            ) as response:
                reply = _Reply(
                    status=response.status,
                    body=await _read_bounded(response),
                    date_header=response.headers.get("Date"),
                    request_id=_bounded_text(response.headers.get("x-acs-request-id")),
                    content_encoding=response.headers.get("Content-Encoding", ""),
                    retry_after=response.headers.get("x-acs-retry-after"),
                )
        except TimeoutError:
            raise RequestTimeout(
                _(
                    "The contact centre did not answer within {seconds} s. Check your network connection and try again."
                ).format(seconds=f"{self._timeout.total:.0f}")
            ) from None
        except AnswerTooLarge:
            raise ProtocolError(
                _(
                    "The contact centre sent an answer larger than {size} KiB, far more than any real one, so it "
                    "was not read. Check the endpoint in Settings; if it is right, contact IT."
                ).format(size=MAX_ANSWER_BYTES // 1024),
                http_status=response.status,
                request_id=_bounded_text(response.headers.get("x-acs-request-id")),
            ) from None
        except aiohttp.ClientConnectorCertificateError:
            raise CertificateError(
                _(
                    "The contact centre's certificate could not be verified, so the connection was "
                    "refused. Your network may be intercepting secure connections: contact IT."
                )
            ) from None
        except aiohttp.ClientConnectorError:
            raise NetworkError(
                _(
                    "Cannot reach the contact centre at {host}. Check your network connection "
                    "or proxy; if it works for colleagues, check the endpoint in Settings."
                ).format(host=self._host)
            ) from None
        except (aiohttp.ClientError, OSError) as error:
            # The exception text can hold the signed URL: report only its kind.
            raise NetworkError(
                _(
                    "The connection to the contact centre was interrupted ({kind}). Check your network "
                    "connection and try again."
                ).format(kind=type(error).__name__)
            ) from None
        self.clock.observe(reply.date_header)
        return reply

    def _parse(self, action: str, reply: _Reply, data_key: str = "Data") -> tuple[Any, str | None]:
        status, header_request_id = reply.status, reply.request_id
        if 300 <= status < 400:
            # CCC never redirects; following one could hand a forged answer (or our request) elsewhere.
            logger.warning("%s: HTTP %d redirect refused", action, status)
            raise ProtocolError(
                _(
                    "The contact centre's address answered with a redirect (HTTP {status}), which the real "
                    "service never sends, so it was not followed. Check the endpoint in Settings, or ask IT "
                    "whether a proxy or sign-in page is in the way."
                ).format(status=status),
                http_status=status,
                request_id=header_request_id,
            )
        try:
            envelope = parse_json(decode_body(reply.body, reply.content_encoding))
        except AnswerTooLarge:
            raise ProtocolError(
                _(
                    "The contact centre sent an answer larger than {size} KiB once unpacked, far more than any "
                    "real one, so it was not read. Check the endpoint in Settings; if it is right, contact IT."
                ).format(size=MAX_ANSWER_BYTES // 1024),
                http_status=status,
                request_id=header_request_id,
            ) from None
        except AnswerUnreadable as unreadable:
            logger.debug("%s: HTTP %d, unreadable body (%s)", action, status, unreadable)
            envelope = None
        if not isinstance(envelope, dict):
            logger.debug("%s: HTTP %d with a body that is not a CCC envelope", action, status)
            raise ProtocolError(
                _(
                    "The contact centre sent an answer this app cannot read (HTTP {status}). "
                    "Check the endpoint in Settings; if it is right, try again later."
                ).format(status=status),
                http_status=status,
                request_id=header_request_id,
            )
        request_id = _text_or_none(envelope.get("RequestId")) or header_request_id
        code = _text_or_none(envelope.get("Code"))
        if status == 200 and code in (None, "OK", "200"):
            data = envelope.get(data_key)
            if not isinstance(data, Mapping | list):
                raise ProtocolError(
                    _("The contact centre's answer had no data. Try again; if it persists, contact IT."),
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
            params=[str(p)[:MAX_FIELD_CHARS] for p in params[:10]] if isinstance(params, list) else (),
            server_date=reply.date_header,
            denied=_denied_action(envelope.get("AccessDeniedDetail")),
            retry_after=_retry_after_seconds(reply.retry_after),
        )
        logger.debug("%s: %s HTTP %d RequestId=%s", action, error.code, http_status, request_id)
        raise error


def _denied_action(detail: object) -> DeniedAction | None:
    """A RAM denial's AccessDeniedDetail: which action and whose key, for the message to IT."""
    if not isinstance(detail, Mapping):
        return None
    action = _text_or_none(detail.get("AuthAction")) or ""
    if not action:
        return None
    return DeniedAction(
        action=action[:100],
        principal=(_text_or_none(detail.get("AuthPrincipalDisplayName")) or "")[:100],
        policy_type=(_text_or_none(detail.get("PolicyType")) or "")[:100],
    )


def _retry_after_seconds(header: str | None) -> float | None:
    try:
        milliseconds = float(header) if header else None
    except ValueError:
        return None
    if milliseconds is None or not 0 < milliseconds < 3_600_000:
        return None
    return milliseconds / 1000


async def _read_bounded(response: aiohttp.ClientResponse) -> bytes:
    """The raw body, refusing one over the bound before it is all in memory."""
    declared = response.content_length
    if declared is not None and declared > MAX_ANSWER_BYTES:
        raise AnswerTooLarge
    if declared is not None and "Transfer-Encoding" not in response.headers:
        # The parser stops at Content-Length, so no more than the bound can arrive: read it whole,
        # without an async iterator's round trips (the usual answer comes in one piece).
        whole = await response.read()
        if len(whole) > MAX_ANSWER_BYTES:  # cannot happen while the parser keeps to Content-Length
            raise AnswerTooLarge
        return whole
    body = bytearray()
    async for chunk in response.content.iter_chunked(64 * 1024):
        body += chunk
        if len(body) > MAX_ANSWER_BYTES:
            raise AnswerTooLarge
    return bytes(body)


def _bounded_text(value: str | None, limit: int = 100) -> str | None:
    return None if value is None else value[:limit]


def _text_or_none(value: object) -> str | None:
    if value is None or value == "" or isinstance(value, dict | list):
        return None
    return str(value)[:MAX_FIELD_CHARS]


def _int(value: object, default: int) -> int:
    """An HTTP status from the envelope; anything that is not one gives `default`."""
    try:
        number = int(str(value)[:3]) if len(str(value)) == 3 else default
    except ValueError:
        return default
    return number if 100 <= number <= 599 else default

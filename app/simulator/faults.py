"""Fault injection: what a flaky network, an overloaded gateway or a proxy's error page does to a client.

A fault matches one action (or every action when `action` is None) and, with `count`, fires for the
next `count` matching requests and then expires, so a test can check that a client retries.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any


class FaultKind(StrEnum):
    LATENCY = "latency"  # delay the answer by `latency_ms`; combines with any other fault
    INTERNAL_ERROR = "internal_error"  # HTTP 500 InternalError (gateway envelope)
    SERVICE_UNAVAILABLE = "service_unavailable"  # HTTP 503 ServiceUnavailable
    THROTTLE = "throttle"  # more than `qps` requests in one second -> Throttling.User
    HTML = "html"  # a non-JSON HTML page with HTTP `status` (e.g. 200 captive portal, 502 proxy)
    DROP = "drop"  # close the connection without any response
    SEED_JSON_SHAPES = "seed_json_shapes"  # answer with the seed example's JSON shapes


# Faults that replace the answer; checked before the signature, as they come from the network or
# the gateway's front. Throttling needs to know the caller, so it is checked after the signature.
PRE_AUTH_KINDS = (FaultKind.DROP, FaultKind.HTML, FaultKind.INTERNAL_ERROR, FaultKind.SERVICE_UNAVAILABLE)


@dataclass
class Fault:
    kind: FaultKind
    action: str | None = None
    count: int | None = None
    latency_ms: int = 0
    status: int = 502
    qps: int = 0
    id: int = 0
    # Times of the requests a throttle let through during the last second.
    _passed: deque[datetime] = field(default_factory=deque, repr=False)

    def matches(self, action: str) -> bool:
        return (self.action is None or self.action == action) and (self.count is None or self.count > 0)

    def consume(self) -> None:
        if self.count is not None:
            self.count -= 1

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "kind": self.kind.value, "action": self.action, "count": self.count}
        if self.kind is FaultKind.LATENCY:
            data["latency_ms"] = self.latency_ms
        if self.kind is FaultKind.HTML:
            data["status"] = self.status
        if self.kind is FaultKind.THROTTLE:
            data["qps"] = self.qps
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Fault:
        """Build from a control API body; ValueError names what is wrong."""
        try:
            kind = FaultKind(str(data["kind"]))
        except (KeyError, ValueError):
            raise ValueError(f"kind must be one of {', '.join(k.value for k in FaultKind)}") from None
        action = data.get("action")
        if action in (None, "", "*"):
            action = None
        elif not isinstance(action, str):
            raise ValueError('action must be an action name, or null / "*" for every action')
        count = _optional_int(data, "count", minimum=1)
        fault = cls(kind=kind, action=action, count=count)
        if kind is FaultKind.LATENCY:
            fault.latency_ms = _required_int(data, "latency_ms", minimum=0)
        elif kind is FaultKind.HTML:
            status = _optional_int(data, "status", minimum=100)
            fault.status = 502 if status is None else status
            if fault.status > 599:
                raise ValueError("status must be an HTTP status")
        elif kind is FaultKind.THROTTLE:
            qps = _optional_int(data, "qps", minimum=0)
            fault.qps = 0 if qps is None else qps
        return fault


def _optional_int(data: dict[str, Any], name: str, *, minimum: int) -> int | None:
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}")
    return value


def _required_int(data: dict[str, Any], name: str, *, minimum: int) -> int:
    value = _optional_int(data, name, minimum=minimum)
    if value is None:
        raise ValueError(f"{name} is required")
    return value


class FaultPlan:
    """The faults in force; the server asks it at each stage of a request."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._next_id = 1

    def add(self, fault: Fault) -> Fault:
        fault.id = self._next_id
        self._next_id += 1
        self._faults.append(fault)
        return fault

    # Shorthands for tests and trainers driving the simulator from Python.
    def latency(self, latency_ms: int, action: str | None = None, count: int | None = None) -> Fault:
        return self.add(Fault(FaultKind.LATENCY, action, count, latency_ms=latency_ms))

    def fail(self, kind: FaultKind, action: str | None = None, count: int | None = None) -> Fault:
        return self.add(Fault(kind, action, count))

    def html(self, status: int = 502, action: str | None = None, count: int | None = None) -> Fault:
        return self.add(Fault(FaultKind.HTML, action, count, status=status))

    def throttle(self, qps: int, action: str | None = None, count: int | None = None) -> Fault:
        return self.add(Fault(FaultKind.THROTTLE, action, count, qps=qps))

    def all(self) -> list[Fault]:
        self._expire()
        return list(self._faults)

    def clear(self) -> None:
        self._faults.clear()

    def remove(self, fault_id: int) -> bool:
        before = len(self._faults)
        self._faults = [f for f in self._faults if f.id != fault_id]
        return len(self._faults) < before

    def latency_ms(self, action: str) -> int:
        """Total added latency for this request; consumes the latency faults that matched."""
        total = 0
        for fault in self._matching(action, (FaultKind.LATENCY,)):
            total += fault.latency_ms
            fault.consume()
        self._expire()
        return total

    def pre_auth(self, action: str) -> Fault | None:
        """The first network/gateway fault that replaces this answer, consumed; None if none."""
        return self._fire(action, PRE_AUTH_KINDS)

    def throttled(self, action: str, now: datetime) -> bool:
        return self.throttle_wait_ms(action, now) is not None

    def throttle_wait_ms(self, action: str, now: datetime) -> int | None:
        """None if a request now passes; else the milliseconds until one would (x-acs-retry-after)."""
        window = timedelta(seconds=1)
        for fault in self._matching(action, (FaultKind.THROTTLE,)):
            while fault._passed and now - fault._passed[0] >= window:
                fault._passed.popleft()
            if len(fault._passed) >= fault.qps:
                fault.consume()
                self._expire()
                if not fault._passed:  # qps 0: nothing ever passes; a second is as good as any
                    return 1000
                return max(1, int((fault._passed[0] + window - now) / timedelta(milliseconds=1)))
            fault._passed.append(now)
        return None

    def seed_json_shapes(self, action: str) -> bool:
        return self._fire(action, (FaultKind.SEED_JSON_SHAPES,)) is not None

    def _matching(self, action: str, kinds: tuple[FaultKind, ...]) -> list[Fault]:
        return [f for f in self._faults if f.kind in kinds and f.matches(action)]

    def _fire(self, action: str, kinds: tuple[FaultKind, ...]) -> Fault | None:
        for fault in self._matching(action, kinds):
            fault.consume()
            self._expire()
            return fault
        return None

    def _expire(self) -> None:
        self._faults = [f for f in self._faults if f.count is None or f.count > 0]

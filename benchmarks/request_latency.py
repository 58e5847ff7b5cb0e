"""What the app's client adds to a warm request: CccClient against raw aiohttp sending the same signed
action to the same in-process simulator, on loopback.

    python benchmarks/request_latency.py [-n 300] [-r 1]

Measured, each timed alone, both sides with a warm keep-alive connection:
  - PollUserStatus: `CccClient.poll_user_status()` against the floor's PollUserStatus;
  - TakeBreak: `CccClient.take_break()` against the floor's TakeBreak, each from READY. Every TakeBreak
    is followed by a ReadyForService from the same side (timed too), so the agent is READY again and
    both sides always ask the simulator for exactly the same work.

The floor is what raw aiohttp must do at the least for a correct CCC request, written inline as a
competent engineer would for one fixed agent:
  - its own plain `aiohttp.ClientSession` with the same timeouts as the app's;
  - per request, a V3 (ACS3-HMAC-SHA256) signature: this PC's UTC time, a fresh random nonce (16
    random bytes as hex; the service refuses a replayed one), the SHA-256 of the canonical request
    and the HMAC of it. The canonical query, the URL and the header names are fixed for one agent and
    action, so they are built once;
  - `POST`, `await response.read()`, `json.loads`, and a check that the answer is HTTP 200 with Code OK.
It does not bound the answer's size, undo encodings within bounds, reject deep JSON, correct the clock
from the Date header, retry, or turn the answer into an AgentStatus: that is the app's extra work, and
what the ratio shows. The simulator's own work (verifying the signature, running the action, answering)
is the same for both sides and in both timings, as the service's would be.

Runs interleaved, the order of the two sides alternating from round to round, so both see the same
machine. Refuses to report unless the simulator saw exactly the expected requests, every one answered
OK (so a retry inside the client cannot hide a failure).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
import secrets
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from urllib.parse import quote

import aiohttp

from app.core.access_key import Credentials
from app.core.client import AgentIdentity, CccClient, Timeouts, open_session
from app.simulator import DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, Simulator

WARMUP = 20
IDENTITY = AgentIdentity("ccc-test", "user-test@ccc-test", "bench")
BREAK_CODE = "Lunch"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
KINDS = ("PollUserStatus", "TakeBreak", "ReadyForService")
REQUESTS_PER_ROUND = 2 * len(KINDS)

Call = Callable[[], Awaitable[object]]


class RawCcc:
    """The floor: raw aiohttp, one fixed agent, V3-signed POSTs with the parameters in the query."""

    def __init__(self, session: aiohttp.ClientSession, endpoint: str, host: str, key_id: str, secret: str) -> None:
        self._session = session
        self._host = host
        self._key_id = key_id
        self._secret = secret.encode()
        self._prepared: dict[str, tuple[str, str]] = {}
        base = {"InstanceId": IDENTITY.instance_id, "UserId": IDENTITY.user_id, "DeviceId": IDENTITY.device_id}
        for action, extra in (("PollUserStatus", {}), ("TakeBreak", {"Code": BREAK_CODE}), ("ReadyForService", {})):
            params = {**base, **extra}
            query = "&".join(f"{name}={quote(params[name], safe='~')}" for name in sorted(params))
            self._prepared[action] = (f"{endpoint}/?{query}", query)

    async def call(self, action: str) -> object:
        url, query = self._prepared[action]
        date = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        nonce = secrets.token_hex(16)
        canonical = (
            f"POST\n/\n{query}\nhost:{self._host}\nx-acs-action:{action}\nx-acs-content-sha256:{EMPTY_SHA256}\n"
            f"x-acs-date:{date}\nx-acs-signature-nonce:{nonce}\nx-acs-version:2020-07-01\n\n"
            f"host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version\n{EMPTY_SHA256}"
        )
        to_sign = f"ACS3-HMAC-SHA256\n{hashlib.sha256(canonical.encode()).hexdigest()}"
        signature = hmac.new(self._secret, to_sign.encode(), hashlib.sha256).hexdigest()
        headers = {
            "x-acs-action": action,
            "x-acs-version": "2020-07-01",
            "x-acs-date": date,
            "x-acs-signature-nonce": nonce,
            "x-acs-content-sha256": EMPTY_SHA256,
            "Authorization": f"ACS3-HMAC-SHA256 Credential={self._key_id},SignedHeaders=host;x-acs-action;"
            f"x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature={signature}",
        }
        async with self._session.post(url, headers=headers) as response:
            answer = json.loads(await response.read())
            if response.status != 200 or answer.get("Code") != "OK":
                raise SystemExit(f"the floor's {action} failed: HTTP {response.status} {answer.get('Code')}")
            return answer["Data"]


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


async def timed(call: Call) -> float:
    started = time.perf_counter()
    await call()
    return (time.perf_counter() - started) * 1000


Timings = dict[str, dict[str, list[float]]]  # side ("app", "floor") -> action -> ms


async def measure(count: int) -> Timings:
    timeouts = Timeouts()
    async with (
        Simulator() as sim,
        open_session(timeouts) as app_session,
        aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=timeouts.total, sock_connect=timeouts.connect)
        ) as raw_session,
    ):
        client = CccClient(
            app_session,
            endpoint=sim.url,
            identity=IDENTITY,
            credentials=Credentials(DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET),
        )
        raw = RawCcc(raw_session, sim.url, sim.url.removeprefix("http://"), DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET)
        calls: dict[str, dict[str, Call]] = {
            "app": {
                "PollUserStatus": client.poll_user_status,
                "TakeBreak": lambda: client.take_break(BREAK_CODE),
                "ReadyForService": client.ready_for_service,
            },
            "floor": {action: (lambda action=action: raw.call(action)) for action in KINDS},
        }
        timings: Timings = {side: {action: [] for action in KINDS} for side in calls}

        def check_round() -> None:
            seen = list(sim.requests)
            sim.requests.clear()
            failed = [r for r in seen if r.code != "OK"]
            if failed or len(seen) != REQUESTS_PER_ROUND:
                raise SystemExit(f"{len(seen)} requests in a round of {REQUESTS_PER_ROUND}, {len(failed)} failed")

        sim.requests.clear()
        for number in range(WARMUP + count):
            first, second = ("app", "floor") if number % 2 == 0 else ("floor", "app")
            round_ms = {
                (first, "PollUserStatus"): await timed(calls[first]["PollUserStatus"]),
                (second, "PollUserStatus"): await timed(calls[second]["PollUserStatus"]),
            }
            for side in (first, second):  # the agent is READY before each TakeBreak
                round_ms[side, "TakeBreak"] = await timed(calls[side]["TakeBreak"])
                round_ms[side, "ReadyForService"] = await timed(calls[side]["ReadyForService"])
            check_round()
            if number >= WARMUP:
                for (side, action), ms in round_ms.items():
                    timings[side][action].append(ms)
        return timings


def report(timings: Timings) -> dict[str, float]:
    ratios: dict[str, float] = {}
    for action in KINDS:
        app_ms, floor_ms = timings["app"][action], timings["floor"][action]
        app_median, floor_median = statistics.median(app_ms), statistics.median(floor_ms)
        ratios[action] = app_median / floor_median
        print(
            f"{action:16} app median {app_median:.3f} ms p95 {percentile(app_ms, 0.95):.3f}"
            f" | floor median {floor_median:.3f} ms p95 {percentile(floor_ms, 0.95):.3f}"
            f" | ratio {ratios[action]:.2f} (n={len(app_ms)})"
        )
    return ratios


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--count", type=int, default=300, help="rounds per run (default 300)")
    parser.add_argument("-r", "--runs", type=int, default=1, help="runs, each with a fresh simulator (default 1)")
    args = parser.parse_args()
    all_ratios: list[dict[str, float]] = []
    for run in range(args.runs):
        if args.runs > 1:
            print(f"run {run + 1}:")
        all_ratios.append(report(asyncio.run(measure(args.count))))
    if args.runs > 1:
        for action in KINDS:
            values = [ratios[action] for ratios in all_ratios]
            print(
                f"{action:16} ratio over {args.runs} runs: median {statistics.median(values):.2f},"
                f" {min(values):.2f}-{max(values):.2f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())

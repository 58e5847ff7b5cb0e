"""What the app's client adds to a request: CccClient.poll_user_status() against the in-process simulator,
compared with a bare aiohttp GET to the same server on the same session (the floor).

    python benchmarks/request_latency.py [-n 300]

Both go to the loopback simulator only; the difference is signing, the signed POST's parsing and
verification on the server, and the app's reply parsing. Runs interleaved so both see the same machine.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time

from app.core.client import AgentIdentity, CccClient, open_session
from app.core.signing import Credentials
from app.simulator import DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, Simulator

WARMUP = 20


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


async def measure(count: int) -> tuple[list[float], list[float]]:
    # trust_env is on in the app's session: make sure no proxy ever sits between us and loopback.
    os.environ["NO_PROXY"] = ",".join(filter(None, [os.environ.get("NO_PROXY"), "127.0.0.1", "localhost"]))
    async with Simulator() as sim, open_session() as session:
        client = CccClient(
            session,
            endpoint=sim.url,
            identity=AgentIdentity("ccc-test", "user-test@ccc-test", "bench"),
            credentials=Credentials(DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET),
        )
        floor_url = f"{sim.url}/control/agents"

        async def bare_get() -> None:
            async with session.get(floor_url, headers=sim.control_headers) as response:
                response.raise_for_status()
                await response.read()

        async def timed(call: object) -> float:
            started = time.perf_counter()
            await call()  # type: ignore[operator]
            return (time.perf_counter() - started) * 1000

        for _ in range(WARMUP):
            await client.poll_user_status()
            await bare_get()
        app_ms: list[float] = []
        floor_ms: list[float] = []
        for _ in range(count):
            app_ms.append(await timed(client.poll_user_status))
            floor_ms.append(await timed(bare_get))
        # The simulator keeps a request log; keep the run honest that every call was answered OK.
        failed = [r for r in sim.requests if r.code != "OK"]
        if failed:
            raise SystemExit(f"{len(failed)} requests failed, e.g. {failed[0]}")
        return app_ms, floor_ms


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--count", type=int, default=300, help="requests of each kind (default 300)")
    args = parser.parse_args()
    app_ms, floor_ms = asyncio.run(measure(args.count))
    app_median, floor_median = statistics.median(app_ms), statistics.median(floor_ms)
    print(
        f"poll_user_status: median {app_median:.2f} ms, p95 {percentile(app_ms, 0.95):.2f} ms (n={len(app_ms)})\n"
        f"bare aiohttp GET: median {floor_median:.2f} ms, p95 {percentile(floor_ms, 0.95):.2f} ms (n={len(floor_ms)})\n"
        f"request latency: ratio {app_median / floor_median:.2f} (median client / median floor)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

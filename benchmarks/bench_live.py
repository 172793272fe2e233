"""Live updates: delivery latency and memory per idle subscription.

    uv run python -m benchmarks.bench_live [--writes 200] [--idle 1000]

`server.py` runs under uvicorn on the embedded engine (a child process, as a developer
runs it). One athlete subscribes to `viewerEvents`; each workout it logs is timed from the
mutation's answer to the event's arrival (the stream is polled every 0.1 s). Then
`--idle` more subscriptions are opened, one connection each, and the server process's RSS
is compared before and after.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from contextlib import AsyncExitStack
from pathlib import Path

import httpx

from auth import mint_dev_token
from benchmarks.serving import server_process
from devserver.live_client import live

VIEWER = "subscription { viewerEvents { action entityId } }"
LOG = """mutation($i: LogWorkoutInput!) { logWorkout(input: $i) { workout { workoutId } } }"""


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def run(writes: int, idle: int) -> None:
    limits = {
        "NEONPANDA_MAX_SUBSCRIPTIONS_PER_USER": str(idle + 10),
        "NEONPANDA_MAX_CONNECTIONS_PER_USER": str(idle + 10),
        "NEONPANDA_MAX_CONNECTIONS": str(idle + 100),
    }
    async with (
        server_process(limits) as served,
        httpx.AsyncClient(base_url=served.url, timeout=30) as http,
    ):
        url = served.url
        token = mint_dev_token(served.secret, "demo")
        headers = {"Authorization": f"Bearer {token}"}
        latencies = []
        async with live(url, token) as client:
            await client.subscribe(VIEWER)
            await asyncio.sleep(0.5)
            for n in range(writes):
                variables = {
                    "i": {
                        "workoutName": f"bench {n}",
                        "discipline": "RUNNING",
                        "completedAt": "2026-11-01T10:00:00Z",
                    }
                }
                response = await http.post(
                    "/graphql", json={"query": LOG, "variables": variables}, headers=headers
                )
                acknowledged = time.perf_counter()
                assert "errors" not in response.json(), response.text
                while True:  # the workout's event (the counters item brings none)
                    message = await asyncio.wait_for(client.message(), 10)
                    if message.get("type") == "next":
                        break
                latencies.append(time.perf_counter() - acknowledged)
        latencies.sort()
        print(f"\n### delivery: {writes} workouts logged, each awaited\n")
        print("| p50 ms | p99 ms | max ms |")
        print("|---|---|---|")
        print(
            f"| {statistics.median(latencies) * 1000:.0f} "
            f"| {latencies[int(len(latencies) * 0.99) - 1] * 1000:.0f} "
            f"| {latencies[-1] * 1000:.0f} |"
        )

        before = _rss_mb(served.proc.pid)
        async with AsyncExitStack() as stack:
            for _ in range(idle):
                idle_client = await stack.enter_async_context(live(url, token))
                await idle_client.subscribe(VIEWER)
            await asyncio.sleep(2)
            after = _rss_mb(served.proc.pid)
        print(f"\n### {idle:,} idle subscriptions (one connection each)\n")
        print("| server RSS before | after | per subscription |")
        print("|---|---|---|")
        per = (after - before) * 1024 / max(idle, 1)
        print(f"| {before:.0f} MB | {after:.0f} MB | {per:.1f} KB |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--writes", type=int, default=200)
    parser.add_argument("--idle", type=int, default=1000)
    args = parser.parse_args()
    asyncio.run(run(args.writes, args.idle))


if __name__ == "__main__":
    main()

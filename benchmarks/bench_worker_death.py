"""What clients see when one of `server.py --workers 2` dies under load (kill -9).

    uv run python -m benchmarks.bench_worker_death [--clients 16] [--seconds 12]

`--clients` loops, each alternating the dashboard query and a createMemory (with an
idempotency key, retried with the same key when the answer says to retry), run against
`server.py --workers 2` on the embedded engine. A third of the way in, one of the two
workers (their pids from `X-Served-By`) is killed with SIGKILL. Printed:
every answer by kind (ok, each GraphQL error code, HTTP status, connection error) before
and after the kill, p50/p99 latency after it, how long until the replacement worker
answered, and whether every acknowledged memory is in the table at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from typing import Any

import httpx

from auth import mint_dev_token
from benchmarks.serving import ROOT, free_port
from devserver.queries import DASHBOARD

CREATE = """mutation($input: CreateMemoryInput!) {
  createMemory(input: $input) { memory { memoryId } } }"""


def kind(response: httpx.Response) -> str:
    if response.status_code != 200:
        return f"HTTP {response.status_code}"
    body = response.json()
    if body.get("errors"):
        codes = sorted({str(e.get("extensions", {}).get("code")) for e in body["errors"]})
        return ",".join(codes)
    return "ok"


async def main(clients: int, seconds: float) -> None:
    port = free_port()
    secret = secrets.token_urlsafe(32)
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "NEONPANDA_DATA_DIR": tmp,
            "NEONPANDA_DEV_SECRET": secret,
            "NEONPANDA_RATE_LIMIT_COST_PER_WINDOW": str(10**12),
        }
        proc = subprocess.Popen(  # noqa: ASYNC220 - started once
            [sys.executable, "server.py", "--port", str(port), "--workers", "2"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            await run(f"http://127.0.0.1:{port}", secret, clients, seconds)
        finally:
            proc.send_signal(signal.SIGINT)
            await asyncio.to_thread(proc.wait, 120)


async def run(url: str, secret: str, clients: int, seconds: float) -> None:
    headers = {"Authorization": f"Bearer {mint_dev_token(secret, 'demo')}"}
    async with httpx.AsyncClient(base_url=url, timeout=30, headers=headers) as http:
        deadline = time.monotonic() + 120
        while True:
            try:
                if (await http.get("/healthz")).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "the server did not start"
            await asyncio.sleep(0.2)

        tally: dict[str, Counter[str]] = {"before": Counter(), "after": Counter()}
        latencies: list[float] = []
        acknowledged: set[str] = set()
        killed: dict[str, Any] = {}
        seen: set[str] = set()  # the workers that answered before the kill
        stop = asyncio.Event()

        async def client(n: int) -> None:
            i = 0
            while not stop.is_set():
                i += 1
                phase = "after" if killed else "before"
                started = time.perf_counter()
                try:
                    if i % 2:
                        response = await http.post("/graphql", json={"query": DASHBOARD})
                    else:
                        memory_id = f"c{n}-m{i}"
                        key = str(uuid.uuid4())
                        for _attempt in range(5):  # the same key: a retry writes once
                            response = await http.post(
                                "/graphql",
                                json={
                                    "query": CREATE,
                                    "variables": {
                                        "input": {
                                            "memoryId": memory_id,
                                            "content": "x",
                                            "memoryType": "PREFERENCE",
                                            "idempotencyKey": key,
                                        }
                                    },
                                },
                            )
                            if kind(response) == "ok":
                                acknowledged.add(memory_id)
                                break
                            retry = response.json().get("errors", [{}])[0].get("extensions", {})
                            if "retryAfterSeconds" not in retry:
                                break
                            await asyncio.sleep(min(1.0, float(retry["retryAfterSeconds"])))
                    tally[phase][kind(response)] += 1
                    served = response.headers.get("x-served-by")
                    if served and not killed:
                        seen.add(served)
                    elif served and served not in seen and "replaced" not in killed:
                        killed["replaced"] = time.monotonic() - killed["at"]
                except httpx.HTTPError as err:
                    tally[phase][f"connection error ({type(err).__name__})"] += 1
                if phase == "after":
                    latencies.append((time.perf_counter() - started) * 1000)

        tasks = [asyncio.create_task(client(n)) for n in range(clients)]
        await asyncio.sleep(seconds / 3)
        pid = sorted(seen)[0]  # one of the two workers
        killed.update(pid=pid, at=time.monotonic())
        os.kill(int(pid), signal.SIGKILL)
        await asyncio.sleep(seconds * 2 / 3)
        stop.set()
        await asyncio.gather(*tasks)

        for phase in ("before", "after"):
            print(f"{phase} the kill: " + ", ".join(f"{k} {v}" for k, v in tally[phase].items()))
        if latencies:
            ordered = sorted(latencies)
            p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
            print(f"after the kill: p50 {statistics.median(ordered):.0f} ms, p99 {p99:.0f} ms")
        replaced = killed.get("replaced")
        print(
            "a new worker answered "
            + (f"{replaced:.1f} s after the kill" if replaced is not None else "(not seen)")
        )
        missing = []
        for memory_id in sorted(acknowledged):
            query = "query($id: ID!) { viewer { memory(memoryId: $id) { memoryId } } }"
            body = (
                await http.post("/graphql", json={"query": query, "variables": {"id": memory_id}})
            ).json()
            if not (body.get("data") or {}).get("viewer", {}).get("memory"):
                missing.append(memory_id)
        print(f"acknowledged memories: {len(acknowledged)}, missing afterwards: {len(missing)}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=12.0)
    args = parser.parse_args()
    asyncio.run(main(args.clients, args.seconds))

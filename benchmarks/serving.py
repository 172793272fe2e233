"""`server.py` as a developer runs it (a child process on the embedded engine), for the
benchmarks that measure the server from outside."""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

import lifeline

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Served:
    proc: subprocess.Popen[bytes]
    url: str
    secret: str  # its dev-token secret


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def wait_ready(http: httpx.AsyncClient) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if (await http.get("/healthz")).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        await asyncio.sleep(0.2)
    raise RuntimeError("server did not become ready")


@asynccontextmanager
async def server_process(settings: dict[str, str]) -> AsyncIterator[Served]:
    """A fresh data directory, the rate limit out of the way, `settings` on top
    (NEONPANDA_* variables); ready when yielded, stopped (and waited for) after."""
    secret = secrets.token_urlsafe(32)
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "NEONPANDA_DATA_DIR": tmp,
            "NEONPANDA_DEV_SECRET": secret,
            "NEONPANDA_RATE_LIMIT_COST_PER_WINDOW": str(10**12),
            # Ready means the demo athletes are there (benchmarks read them at once).
            "NEONPANDA_DEMO_DATA_AFTER_START": "false",
            **settings,
        }
        proc = subprocess.Popen(  # noqa: ASYNC220 - a benchmark, started once
            [sys.executable, "server.py", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=lifeline.parent_death_signal,
        )
        try:
            served = Served(proc, f"http://127.0.0.1:{port}", secret)
            async with httpx.AsyncClient(base_url=served.url, timeout=30) as http:
                await wait_ready(http)
            yield served
        finally:
            proc.terminate()
            await asyncio.to_thread(proc.wait, 60)


async def timed_queries(
    http: httpx.AsyncClient, headers: dict[str, str], query: str, requests: int
) -> tuple[list[float], dict[str, Any]]:
    """`query` posted once to warm up, then `requests` times in a row: each one's time in
    ms and the last answer (an answer with errors stops the benchmark)."""

    async def run() -> dict[str, Any]:
        response = await http.post("/graphql", json={"query": query}, headers=headers)
        body: dict[str, Any] = response.json()
        assert "errors" not in body, body["errors"]
        return body

    body = await run()
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        body = await run()
        times.append((time.perf_counter() - started) * 1000)
    return times, body

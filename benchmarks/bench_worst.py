"""The worst single requests we could find: how long each holds the event loop.

    uv run python -m benchmarks.bench_worst

Each request is sent to the app (in process under uvicorn on loopback, demo data, dev
settings, embedded engine) while a probe task ticks on the same event loop; the longest
gap between ticks is how long that request kept every other request (and /healthz)
waiting. Two parts:

1. The crafted requests of earlier reviews, each 5 times (the worst run printed).
2. A search: every shape of devserver/hostile.py, anonymous and signed in, over HTTP or
   the WebSocket, at sizes doubling until it is refused by a limit or passes the body
   cap; for each shape the size and answer that held the loop longest. Then the longest
   hold found anywhere.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx

from app import create_app
from auth import mint_dev_token
from devserver import hostile
from devserver.asgi import listening
from devserver.engine import EmbeddedEngine
from devserver.live_client import live
from settings import Settings


def fan_out(levels: int, width: int = 10) -> str:
    parts = ["query{...F0}"]
    for i in range(levels):
        parts.append(f"fragment F{i} on Query{{" + " ".join([f"...F{i + 1}"] * width) + "}")
    parts.append(f"fragment F{levels} on Query{{__typename}}")
    return "\n".join(parts)


def nested_json(levels: int) -> Any:
    value: Any = 1
    for _ in range(levels):
        value = {"a": value}
    return value


def wide_json(total_bytes: int) -> Any:
    """An object of many small keys, ~total_bytes as JSON (at most 32 levels: allowed)."""
    return {f"k{n}": "x" * 90 for n in range(total_bytes // 100)}


UPDATE = "mutation($i: UpdateProfileInput!) { updateProfile(input: $i) { user { version } } }"

ATTACKS: list[tuple[str, Callable[[], dict[str, Any]]]] = [
    ("fragment fan-out, 8 levels x 10", lambda: {"query": fan_out(8)}),
    ("fragment fan-out, 20 levels x 10", lambda: {"query": fan_out(20)}),
    (
        "1,500 aliases of __typename",
        lambda: {"query": "{" + " ".join(f"a{n}: __typename" for n in range(1500)) + "}"},
    ),
    (
        "1,400 unknown directives",
        lambda: {"query": "{ viewer { userId " + " ".join(f"@d{n}" for n in range(1400)) + " } }"},
    ),
    (
        "400 unknown fields",
        lambda: {"query": "{ viewer { " + " ".join(f"f{n}" for n in range(400)) + " } }"},
    ),
    ("selection nested 1,000 deep", lambda: {"query": "{ a" * 1000 + " }" * 1000}),
    (
        "list literal nested 1,000 deep",
        lambda: {
            "query": "{ viewer { workouts(first: " + "[" * 1000 + "1" + "]" * 1000 + ") { "
            "totalCount } } }"
        },
    ),
    (
        "1.9 MB string literal",
        lambda: {"query": '{ publicProfile(username: "' + "x" * 1_900_000 + '") { username } }'},
    ),
    (
        "1.9 MB of whitespace around a query",
        lambda: {"query": " " * 1_900_000 + "{ viewer { userId } }"},
    ),
    (
        "300 operations, the last one named",
        lambda: {
            "query": " ".join(f"query Q{n} {{ viewer {{ userId }} }}" for n in range(300)),
            "operationName": "Q299",
        },
    ),
    (
        "1,000 variable definitions",
        lambda: {
            "query": "query(" + " ".join(f"$v{n}: Int" for n in range(1000)) + ") { __typename }"
        },
    ),
    (
        "JSON variable nested 200 deep",
        lambda: {
            "query": UPDATE,
            "variables": {"i": {"expectedVersion": 1, "fitness": nested_json(200)}},
        },
    ),
    (
        "JSON variable of 1.5 MB",
        lambda: {
            "query": UPDATE,
            "variables": {"i": {"expectedVersion": 1, "fitness": wide_json(1_500_000)}},
        },
    ),
    ("JSON body nested 100,000 deep", lambda: {"raw": b"[" * 100_000}),
    ("invalid UTF-8 body", lambda: {"raw": b'{"query": "\xff"}'}),
    (
        "the dashboard (a normal request)",
        lambda: {
            "query": "{ viewer { username coaches(first: 10) { edges { node { coachId } } } "
            "workouts(first: 20) { edges { node { workoutName completedAt } } } } }"
        },
    ),
]


class Probe:
    """Ticks every millisecond; remembers the longest gap between two ticks."""

    def __init__(self) -> None:
        self.worst = 0.0
        self._running = True

    async def run(self) -> None:
        last = time.perf_counter()
        while self._running:
            await asyncio.sleep(0.001)
            now = time.perf_counter()
            self.worst = max(self.worst, now - last)
            last = now

    def stop(self) -> None:
        self._running = False


async def held(send: Callable[[], Awaitable[str]]) -> tuple[float, str]:
    """How long `send` held the loop (seconds), and its answer."""
    probe = Probe()
    ticking = asyncio.create_task(probe.run())
    await asyncio.sleep(0.01)
    probe.worst = 0.0
    try:
        answer = await send()
    finally:
        probe.stop()
        await ticking
    return probe.worst, answer


def _codes(data: dict[str, Any]) -> str:
    found = sorted(
        {
            str(e.get("extensions", {}).get("limit") or e.get("extensions", {}).get("code"))
            for e in data.get("errors", [])
        }
    )
    return ",".join(found) or "data"


# What a limit's refusal names (extensions.limit), or the parser's token cap.
LIMITS = (
    "fieldComparisons",
    "cost",
    "aliases",
    "depth",
    "introspection",
    "operations",
    "fragments",
    "variableElements",
    "variableDepth",
    "documentBytes",
    "QUERY_TOO_COMPLEX",
    "RATE_LIMITED",
)


async def search(http: httpx.AsyncClient, url: str, token: str, body_cap: int) -> None:
    print("\n| shape | caller | worst size | its answer | held the loop (ms) |")
    print("|---|---|---|---|---|")
    overall = (0.0, "")
    for name, shape, first, way in hostile.SHAPES:
        for caller in ("anonymous", "signed in"):
            if way == "ws" and caller == "anonymous":
                continue  # a socket without a token is closed at connection_init
            headers = {"content-type": "application/json"}
            if caller == "signed in":
                headers["Authorization"] = f"Bearer {token}"
            worst = (0.0, 0, "")
            for n in hostile.sizes(first):
                payload = json.dumps(shape(n))
                if len(payload) > body_cap:
                    break
                if way == "http":

                    async def send(
                        payload: str = payload, headers: dict[str, str] = headers
                    ) -> str:
                        response = await http.post("/graphql", content=payload, headers=headers)
                        return f"{response.status_code} {_codes(response.json())}"
                else:

                    async def send(payload: str = payload) -> str:
                        async with live(url, token) as client:
                            message = {
                                "id": "1",
                                "type": "subscribe",
                                "payload": json.loads(payload),
                            }
                            await client.socket.send(json.dumps(message))
                            try:
                                answer = await asyncio.wait_for(client.message(), 2)
                            except TimeoutError:
                                return "subscribed data"  # accepted: waiting for events
                        errors = {"errors": answer.get("payload") or []}
                        return f"{answer['type']} {_codes(errors)}"

                seconds, answer = await held(send)
                if seconds >= worst[0]:
                    worst = (seconds, n, answer)
                if any(limit in answer for limit in LIMITS):
                    break  # refused by a limit: larger sizes are refused the same way
            print(f"| {name} | {caller} | {worst[1]:,} | {worst[2]} | {worst[0] * 1000:.1f} |")
            if worst[0] > overall[0]:
                overall = (worst[0], f"{name} ({caller}, size {worst[1]:,})")
    print(f"\nLongest hold found: {overall[0] * 1000:.1f} ms, {overall[1]}")


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp, EmbeddedEngine() as engine:
        settings = Settings(
            data_dir=Path(tmp),
            dev_secret=secrets.token_urlsafe(32),
            seed_demo_data=True,
            # The search sends thousands of requests as one athlete: measured, not limited.
            rate_limit_cost_per_window=10**9,
            ws_subscribe_burst=10**6,
        )
        token = mint_dev_token(settings.dev_secret or "", "demo")
        headers = {"Authorization": f"Bearer {token}", "content-type": "application/json"}
        app = create_app(settings, engine=engine)
        async with listening(app) as url, httpx.AsyncClient(base_url=url, timeout=60) as http:
            # Warm up (the first request imports and compiles what the rest reuse).
            await http.post("/graphql", json={"query": "{ viewer { userId } }"}, headers=headers)
            print("| request | body bytes | answer | held the loop, worst of 5 (ms) |")
            print("|---|---|---|---|")
            for name, build in ATTACKS:
                payload = build()
                raw = payload.pop("raw", None)
                body = raw if raw is not None else json.dumps(payload).encode()
                worst, answer = 0.0, ""
                for _ in range(5):

                    async def send(body: bytes = body) -> str:
                        response = await http.post("/graphql", content=body, headers=headers)
                        return f"{response.status_code} {_codes(response.json())}"

                    seconds, answer = await held(send)
                    worst = max(worst, seconds)
                print(f"| {name} | {len(body):,} | {answer} | {worst * 1000:.1f} |")
            await search(http, url, token, settings.max_body_bytes)


if __name__ == "__main__":
    asyncio.run(main())

"""The worst single requests we could find: how long each holds the event loop.

    uv run python -m benchmarks.bench_worst

Each crafted request is sent to the app (in process, demo data, dev settings, embedded
engine) while a probe task ticks on the same event loop; the longest gap between ticks
is how long that request kept every other request (and /healthz) waiting. Each request
runs 5 times; the worst run is printed.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app import create_app
from auth import mint_dev_token
from devserver.asgi import served
from devserver.engine import EmbeddedEngine
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


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp, EmbeddedEngine() as engine:
        settings = Settings(
            data_dir=Path(tmp), dev_secret=secrets.token_urlsafe(32), seed_demo_data=True
        )
        token = mint_dev_token(settings.dev_secret or "", "demo")
        headers = {"Authorization": f"Bearer {token}", "content-type": "application/json"}
        async with served(create_app(settings, engine=engine)) as (http, _):
            print("| request | body bytes | answer | held the loop, worst of 5 (ms) |")
            print("|---|---|---|---|")
            for name, build in ATTACKS:
                payload = build()
                raw = payload.pop("raw", None)
                body = raw if raw is not None else json.dumps(payload).encode()
                worst, answer = 0.0, ""
                for _ in range(5):
                    probe = Probe()
                    ticking = asyncio.create_task(probe.run())
                    await asyncio.sleep(0.01)
                    probe.worst = 0.0
                    response = await http.post("/graphql", content=body, headers=headers)
                    probe.stop()
                    await ticking
                    worst = max(worst, probe.worst)
                    data = response.json()
                    codes = sorted({e["extensions"]["code"] for e in data.get("errors", [])})
                    answer = f"{response.status_code} {','.join(codes) or 'data'}"
                print(f"| {name} | {len(body):,} | {answer} | {worst * 1000:.1f} |")


if __name__ == "__main__":
    asyncio.run(main())

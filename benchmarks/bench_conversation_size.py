"""List cost against conversation length: the dashboard and a conversations page.

    uv run python -m benchmarks.bench_conversation_size [--requests 30]

One athlete per size, each with one coach and 4 conversations of N messages (~420
characters each; at 480 a conversation item is ~200 KB). For each size, sequentially
through the app (in process, embedded engine): p50 latency, backend calls and waves of
the dashboard and of `conversations(first: 10)` reading titles, with the conversation
list's projection (messages left out, as served) and without it (whole items, as before).
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app import create_app
from auth import mint_dev_token
from devserver.asgi import served
from devserver.builders import athlete, bulk_put, coach, conversation
from devserver.engine import EmbeddedEngine
from devserver.queries import DASHBOARD
from settings import Settings

SIZES = (10, 200, 480)
CONVERSATIONS = 4
TITLES = "{ viewer { conversations(first: 10) { edges { node { conversationId title } } } } }"


async def main(requests: int) -> None:
    now = datetime.now(UTC)
    print(f"{CONVERSATIONS} conversations per athlete; p50 of {requests} sequential requests")
    print(
        f"{'messages':>9} {'list read':>11} {'query':>10} {'p50 ms':>8} {'calls':>6} {'waves':>6}"
    )
    with tempfile.TemporaryDirectory() as tmp, EmbeddedEngine() as engine:
        settings = Settings(
            data_dir=Path(tmp),
            dev_secret=secrets.token_urlsafe(32),
            rate_limit_cost_per_window=10**12,  # the per-user limit would stop a benchmark
        )
        async with served(create_app(settings, engine=engine), "http://bench") as (http, rt):
            stores = rt.stores
            projection = stores.conversations.list_projection
            for size in SIZES:
                user = f"bench{size}"
                await athlete(stores, user)
                items = [coach(user, "c1", now).to_item()]
                items += [
                    conversation(user, "c1", n, size, now).to_item() for n in range(CONVERSATIONS)
                ]
                await bulk_put(stores, items)
                headers = {
                    "Authorization": f"Bearer {mint_dev_token(settings.dev_secret or '', user)}"
                }

                async def run(query: str, h: dict[str, str] = headers) -> dict[str, Any]:
                    response = await http.post("/graphql", json={"query": query}, headers=h)
                    body: dict[str, Any] = response.json()
                    assert "errors" not in body, body["errors"]
                    return body

                for mode, chosen in (("projected", projection), ("whole", None)):
                    stores.conversations.list_projection = chosen  # type: ignore[misc]
                    for name, query in (("dashboard", DASHBOARD), ("titles", TITLES)):
                        await run(query)  # warm
                        times = []
                        for _ in range(requests):
                            started = time.perf_counter()
                            body = await run(query)
                            times.append((time.perf_counter() - started) * 1000)
                        ddb = body["extensions"]["cost"]["dynamodb"]
                        print(
                            f"{size:>9} {mode:>11} {name:>10} {statistics.median(times):>8.1f} "
                            f"{ddb['calls']:>6} {ddb['waves']:>6}"
                        )
                stores.conversations.list_projection = projection  # type: ignore[misc]


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=30)
    asyncio.run(main(parser.parse_args().requests))

"""List cost against conversation length: the dashboard and a conversations page.

    uv run python -m benchmarks.bench_conversation_size [--requests 30]

One athlete per size, each with one coach and 4 conversations of N messages (~420
characters each; at 480 a conversation item is ~200 KB). For each size, sequentially
through the app (in process, embedded engine): p50 latency, backend calls and waves of
the dashboard and of `conversations(first: 10)` reading titles, with the conversation
list's projection (messages left out, as served) and without it (whole items, as before).
Then a partition recount (`datasources/counts.py`) of an athlete with `--recount` such
conversations of 480 messages: in pages of `RECOUNT_PAGE` items (as served) and in 1 MB
pages (as before), total time and the longest single request.
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
from benchmarks.serving import timed_queries
from datasources import counts, keys
from devserver.asgi import served
from devserver.builders import athlete, bulk_put, coach, conversation
from devserver.engine import EmbeddedEngine
from devserver.queries import DASHBOARD
from settings import Settings

SIZES = (10, 200, 480)
CONVERSATIONS = 4
TITLES = "{ viewer { conversations(first: 10) { edges { node { conversationId title } } } } }"


async def main(requests: int, recount: int) -> None:
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

                modes: tuple[tuple[str, Any], ...] = (("projected", projection), ("whole", None))
                for mode, chosen in modes:
                    stores.conversations.list_projection = chosen  # type: ignore[misc]
                    for name, query in (("dashboard", DASHBOARD), ("titles", TITLES)):
                        times, body = await timed_queries(http, headers, query, requests)
                        ddb = body["extensions"]["cost"]["dynamodb"]
                        print(
                            f"{size:>9} {mode:>11} {name:>10} {statistics.median(times):>8.1f} "
                            f"{ddb['calls']:>6} {ddb['waves']:>6}"
                        )
                stores.conversations.list_projection = projection  # type: ignore[misc]

            user = "recount"
            await athlete(stores, user)
            items = [coach(user, "c1", now).to_item()]
            items += [conversation(user, "c1", n, 480, now).to_item() for n in range(recount)]
            table = stores.table
            for item in items:  # one by one: 25 of them in a batch outlast the read timeout
                await table.put(item)
            original = table._call
            longest = [0.0]
            requests_made = [0]

            async def timed(operation: str, **params: Any) -> Any:
                started = time.perf_counter()
                try:
                    return await original(operation, **params)
                finally:
                    requests_made[0] += operation == "Query"
                    longest[0] = max(longest[0], (time.perf_counter() - started) * 1000)

            table._call = timed  # type: ignore[method-assign]
            print(f"\nrecount of {recount} conversations of 480 messages (+ profile, coach)")
            print(f"{'pages':>12} {'total ms':>9} {'longest call ms':>16} {'queries':>8}")
            paged = counts.RECOUNT_PAGE
            for label, page in ((f"{paged} items", paged), ("1 MB", None)):
                counts.RECOUNT_PAGE = page  # type: ignore[assignment]
                await table.delete(*counts.key_of(keys.user_pk(user)))  # count from scratch
                longest[0], requests_made[0] = 0.0, 0
                started = time.perf_counter()
                await stores.recount(user)
                total = (time.perf_counter() - started) * 1000
                print(f"{label:>12} {total:>9.0f} {longest[0]:>16.0f} {requests_made[0]:>8}")
            table._call = original  # type: ignore[method-assign]


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--recount", type=int, default=60)
    args = parser.parse_args()
    asyncio.run(main(args.requests, args.recount))

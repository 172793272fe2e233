"""The dashboard as the table and the athlete grow: flat in history and conversation size?

    uv run python -m benchmarks.bench_dashboard_scale [--requests 30] [--items 100000]

Through the app in process against the embedded engine (indexer and live updates off, so
that only the requests run): p50 and p99 latency, DynamoDB calls and waves of the
dashboard (`devserver/queries.py`) for

1. a small athlete (one coach, 4 conversations of 10 messages, 20 workouts) in a table
   holding nothing else: the baseline;
2. the same athlete after the table has grown to `--items` items (other athletes' workouts,
   100 each);
3. a big athlete in that table: 10,000 workouts and 4 conversations of 480 messages (~200
   KB each: at the archive threshold, `datasources/stores/conversation.py`).

Each figure is printed with its ratio to the baseline's p50.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from app import create_app
from auth import mint_dev_token
from benchmarks.serving import timed_queries
from datasources.stores import Stores
from devserver.asgi import served
from devserver.builders import athlete, bulk_put, coach, conversation, workout
from devserver.engine import EmbeddedEngine
from devserver.queries import DASHBOARD
from settings import Settings

PER_OTHER = 100  # workouts per other athlete


async def make_athlete(
    stores: Stores, user: str, workouts: int, messages: int, now: datetime
) -> None:
    await athlete(stores, user)
    items = [coach(user, "c1", now).to_item()]
    items += [conversation(user, "c1", n, messages, now).to_item() for n in range(4)]
    items += [
        workout(user, f"w{n}", now - timedelta(hours=n), coach_ids=["c1"]).to_item()
        for n in range(workouts)
    ]
    await bulk_put(stores, items)  # and counted again, as the indexer would


async def measure(
    http: httpx.AsyncClient, secret: str, user: str, requests: int
) -> tuple[float, float, int, int]:
    headers = {"Authorization": f"Bearer {mint_dev_token(secret, user)}"}
    times, body = await timed_queries(http, headers, DASHBOARD, requests)
    ddb = body["extensions"]["cost"]["dynamodb"]
    p99 = statistics.quantiles(times, n=100)[98] if len(times) >= 2 else times[0]
    return statistics.median(times), p99, ddb["calls"], ddb["waves"]


async def main(requests: int, total: int) -> None:
    now = datetime.now(UTC)
    secret = secrets.token_urlsafe(32)
    with tempfile.TemporaryDirectory() as tmp, EmbeddedEngine() as engine:
        settings = Settings(
            data_dir=Path(tmp),
            dev_secret=secret,
            seed_demo_data=False,
            indexer=False,
            live_updates=False,
            rate_limit_cost_per_window=10**12,  # the per-user limit would stop a benchmark
        )
        async with served(create_app(settings, engine=engine), "http://bench") as (http, rt):
            stores = rt.stores
            print(f"dashboard, p50/p99 of {requests} sequential requests")
            print(f"{'case':<52} {'p50 ms':>7} {'p99 ms':>7} {'calls':>6} {'waves':>6} {'x':>5}")
            rows: list[tuple[str, tuple[float, float, int, int]]] = []

            def show(case: str, figures: tuple[float, float, int, int]) -> None:
                base = rows[0][1][0] if rows else figures[0]
                rows.append((case, figures))
                p50, p99, calls, waves = figures
                print(
                    f"{case:<52} {p50:>7.1f} {p99:>7.1f} {calls:>6} {waves:>6} {p50 / base:>5.2f}"
                )

            await make_athlete(stores, "small", 20, 10, now)
            show(
                "small athlete, table of ~30 items", await measure(http, secret, "small", requests)
            )

            started = time.perf_counter()
            others = max(0, total - 10_030) // PER_OTHER
            for n in range(others):
                user = f"other{n}"
                items = [
                    workout(user, f"w{i}", now - timedelta(days=i)).to_item()
                    for i in range(PER_OTHER)
                ]
                await bulk_put(stores, items, recount=False)
            await make_athlete(stores, "big", 10_000, 480, now)
            loaded = others * PER_OTHER + 10_000 + 30
            print(f"(loaded {loaded:,} items in {time.perf_counter() - started:.0f} s)")
            show(
                f"small athlete, table of {loaded:,} items",
                await measure(http, secret, "small", requests),
            )
            show(
                "big athlete: 10,000 workouts, 4 x 480 messages",
                await measure(http, secret, "big", requests),
            )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--items", type=int, default=100_000)
    args = parser.parse_args()
    asyncio.run(main(args.requests, args.items))

"""The cost of `viewer.trainingStats` for an athlete with 5 years of daily workouts.

    uv run python -m benchmarks.bench_training_stats [--requests 20] [--years 5]

One athlete with one workout a day for `--years` years (1,826 for 5; the builders' daily
running workouts, ~0.5 KB each), one with 30 days, in a migrated table (the `lists`
index). Sequentially through the app (in process, embedded engine): p50 and max latency,
DynamoDB calls, waves, items read and the consumed capacity the engine reports, for
`trainingStats` alone and for the dashboard with it. moto reports a flat 1.0 read unit
per Query page whatever it read (NOTES.md), so the AWS figure is estimated beside it:
DynamoDB charges a Query by the size of the items it reads (the whole items, whatever
the projection), 4 KB per unit, halved for an eventually consistent read.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import statistics
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from app import create_app
from auth import mint_dev_token
from benchmarks.serving import timed_queries
from devserver.asgi import served
from devserver.builders import athlete, bulk_put, daily_workouts
from devserver.engine import EmbeddedEngine
from devserver.queries import DASHBOARD
from settings import Settings

STATS = """{ viewer { trainingStats { timezone currentStreak longestStreak workoutsThisWeek
  workoutsThisMonth totalWorkouts calendar { day count } disciplineMix { discipline count }
  recentRecords { day } } } }"""
DASHBOARD_WITH_STATS = DASHBOARD.replace(
    "{ viewer {",
    "{ viewer { trainingStats { currentStreak longestStreak calendar { day count } }",
    1,
)


async def main(requests: int, years: int) -> None:
    now = datetime.now(UTC)
    sizes = {"athlete_30d": 30, f"athlete_{years}y": years * 365 + years // 4 + 1}
    print(f"p50/max of {requests} sequential requests; embedded engine (moto), in process")
    print(
        f"{'athlete':>12} {'workouts':>9} {'query':>16} {'p50 ms':>8} {'max ms':>8} "
        f"{'calls':>6} {'waves':>6} {'items':>6} {'RCU moto':>9} {'RCU AWS est':>12}"
    )
    with tempfile.TemporaryDirectory() as tmp, EmbeddedEngine() as engine:
        settings = Settings(
            data_dir=Path(tmp),
            dev_secret=secrets.token_urlsafe(32),
            rate_limit_cost_per_window=10**12,  # the per-user limit would stop a benchmark
        )
        async with served(create_app(settings, engine=engine), "http://bench") as (http, rt):
            for user, count in sizes.items():
                await athlete(rt.stores, user)
                items = daily_workouts(user, count, now)
                await bulk_put(rt.stores, items)
                whole_kb = sum(len(json.dumps(i, default=str)) for i in items) / 1024
                aws_rcu = whole_kb / 4 / 2  # eventually consistent: half a unit per 4 KB
                token = mint_dev_token(settings.dev_secret or "", user)
                headers = {"Authorization": f"Bearer {token}"}

                for name, query in (
                    ("trainingStats", STATS),
                    ("dashboard+stats", DASHBOARD_WITH_STATS),
                ):
                    times, body = await timed_queries(http, headers, query, requests)
                    ddb = body["extensions"]["cost"]["dynamodb"]
                    print(
                        f"{user:>12} {count:>9} {name:>16} {statistics.median(times):>8.1f} "
                        f"{max(times):>8.1f} {ddb['calls']:>6} {ddb['waves']:>6} "
                        f"{ddb['itemsRead']:>6} {ddb['consumedReadUnits']:>9} {aws_rcu:>12.1f}"
                    )
                _, answer = await timed_queries(http, headers, STATS, 0)
                stats = answer["data"]["viewer"]["trainingStats"]
                print(
                    f"{'':>12} streak {stats['currentStreak']} (longest {stats['longestStreak']}), "
                    f"{len(stats['calendar'])} calendar days, {stats['totalWorkouts']} workouts"
                )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--years", type=int, default=5)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.requests, arguments.years))

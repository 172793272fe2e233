"""The embedded engine as data grows: per-operation latency, memory, recovery, soak.

    uv run python -m benchmarks.bench_engine [--sizes 0,100,10000,100000] [--unpatched]

For each table size (workouts, ~1 KB items, 100 per athlete, with list keys; one S3
object per 10 items), through an aioboto3 client over HTTP, median and p99 ms of:
GetItem, Query (one athlete's 20 newest, base table), Query on the lists GSI, Query on
GSI3 (entityType, Limit 20), a 3-action TransactWriteItems, PutItem, DeleteItem,
S3 PutObject and GetObject (20 KB). Then the engine's RSS, its data directory (journal
and snapshot), and how long a restart (recovery) takes. Size 0 is the empty table (reads
find nothing); size 100 (one athlete) is the like-for-like baseline: the same reads return
the same 20 items at every size after it.

Soak (`--soak-minutes`, default 10): light mixed load over a fixed key space on a
10,000-item table; the engine's RSS as it goes, to show it flat.

`--unpatched` runs moto without devserver/moto_patches.py, for the before figures
(expect minutes per size above 10k).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from datasources.aws import AwsClients, open_clients
from datasources.definition import (
    ACCELERATOR_GSIS,
    accelerator_index_update,
    create_bucket,
    create_table,
)
from devserver.builders import bulk_put, daily_workouts
from devserver.engine import ENGINE_CREDENTIALS, EmbeddedEngine
from settings import Settings

TABLE = "bench"
BUCKET = "bench-bucket"
PER_ATHLETE = 100
SAMPLES = 200


def rss_mb(pid: int | None) -> float:
    if pid is None:
        return 0.0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def dir_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def items_for(total: int) -> list[dict[str, Any]]:
    last = datetime(2026, 11, 1, tzinfo=UTC)
    items: list[dict[str, Any]] = []
    for athlete in range(max(1, total // PER_ATHLETE) if total else 0):
        items += daily_workouts(f"bench-{athlete}", PER_ATHLETE, last)
    return items[:total]


async def timed(fn: Callable[[int], Awaitable[Any]], samples: int) -> tuple[float, float]:
    for n in range(5):
        await fn(n)
    times = []
    for n in range(samples):
        started = time.perf_counter()
        await fn(n)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.99) - 1]


def ops(clients: AwsClients, athletes: int) -> dict[str, Callable[[int], Awaitable[Any]]]:
    db, s3 = clients.dynamodb, clients.s3
    payload = b"x" * 20_000

    def who(n: int) -> str:
        return f"user#bench-{n % max(athletes, 1)}"

    async def get_item(n: int) -> Any:
        return await db.get_item(
            TableName=TABLE, Key={"pk": {"S": who(n)}, "sk": {"S": "workout#w00042"}}
        )

    async def query_base(n: int) -> Any:
        return await db.query(
            TableName=TABLE,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :p)",
            ExpressionAttributeValues={":pk": {"S": who(n)}, ":p": {"S": "workout#"}},
            ScanIndexForward=False,
            Limit=20,
        )

    async def query_lists(n: int) -> Any:
        return await db.query(
            TableName=TABLE,
            IndexName="lists",
            KeyConditionExpression="pk = :pk AND begins_with(listsk, :p)",
            ExpressionAttributeValues={":pk": {"S": who(n)}, ":p": {"S": "workout#"}},
            ScanIndexForward=False,
            Limit=20,
        )

    async def query_gsi3(n: int) -> Any:
        return await db.query(
            TableName=TABLE,
            IndexName="gsi3",
            KeyConditionExpression="entityType = :t",
            ExpressionAttributeValues={":t": {"S": "workout"}},
            Limit=20,
        )

    async def transact(n: int) -> Any:
        puts = [
            {
                "Put": {
                    "TableName": TABLE,
                    "Item": {
                        "pk": {"S": f"user#soak-{n % 50}"},
                        "sk": {"S": f"memory#{k}"},
                        "entityType": {"S": "userMemory"},
                        "n": {"N": str(n)},
                    },
                }
            }
            for k in range(3)
        ]
        return await db.transact_write_items(TransactItems=puts)

    async def put_item(n: int) -> Any:
        return await db.put_item(
            TableName=TABLE,
            Item={"pk": {"S": "user#put"}, "sk": {"S": f"memory#{n % 100}"}, "n": {"N": str(n)}},
        )

    async def delete_item(n: int) -> Any:
        return await db.delete_item(
            TableName=TABLE, Key={"pk": {"S": "user#put"}, "sk": {"S": f"memory#{n % 100}"}}
        )

    async def s3_put(n: int) -> Any:
        return await s3.put_object(Bucket=BUCKET, Key=f"bench/put-{n % 100}", Body=payload)

    async def s3_get(n: int) -> Any:
        response = await s3.get_object(Bucket=BUCKET, Key=f"bench/put-{n % 100}")
        async with response["Body"] as body:
            return await body.read()

    return {
        "GetItem": get_item,
        "Query base (20 newest)": query_base,
        "Query lists GSI (20)": query_lists,
        "Query GSI3 entityType (20)": query_gsi3,
        "TransactWriteItems (3 puts)": transact,
        "PutItem": put_item,
        "DeleteItem": delete_item,
        "S3 PutObject 20 KB": s3_put,
        "S3 GetObject 20 KB": s3_get,
    }


async def with_clients(engine: EmbeddedEngine, fn: Callable[[AwsClients], Awaitable[Any]]) -> Any:
    settings = Settings(data_dir=Path(tempfile.gettempdir()))
    async with AsyncExitStack() as stack:
        clients = await open_clients(stack, settings, engine.endpoint_url, ENGINE_CREDENTIALS)
        return await fn(clients)


async def load(clients: AwsClients, items: list[dict[str, Any]]) -> None:
    from datasources.table import Table

    await create_table(clients.dynamodb, TABLE)
    await clients.dynamodb.update_table(
        TableName=TABLE, **accelerator_index_update(ACCELERATOR_GSIS[0])
    )
    await create_bucket(clients.s3, BUCKET, "us-east-1")
    await bulk_put(Table(clients.dynamodb, TABLE), items)
    blob = b"y" * 2_000
    for n in range(0, len(items), 10):
        await clients.s3.put_object(Bucket=BUCKET, Key=f"logs/{n}.json", Body=blob)


async def one_size(total: int, patched: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "engine"
        engine = EmbeddedEngine(Path(tmp) / "engine.log", data_dir=data, patched=patched)
        engine.start()
        try:
            items = items_for(total)
            started = time.perf_counter()
            await with_clients(engine, lambda c: load(c, items))
            load_s = time.perf_counter() - started
            athletes = max(1, total // PER_ATHLETE)

            async def measure(clients: AwsClients) -> dict[str, tuple[float, float]]:
                return {
                    name: await timed(fn, SAMPLES) for name, fn in ops(clients, athletes).items()
                }

            figures = await with_clients(engine, measure)
            rss = rss_mb(engine.pid)
        finally:
            engine.stop()
        on_disk = dir_mb(data)
        # Recovery: a restart loads the final snapshot (a clean stop leaves no journal).
        restarted = EmbeddedEngine(Path(tmp) / "engine.log", data_dir=data, patched=patched)
        started = time.perf_counter()
        restarted.start()
        recover_s = time.perf_counter() - started
        restarted.stop()
    print(
        f"\n### {total:,} items ({'patched' if patched else 'unpatched moto'}): loaded in "
        f"{load_s:.1f} s; engine RSS {rss:.0f} MB; data dir {on_disk:.1f} MB; "
        f"restart {recover_s:.2f} s\n"
    )
    print("| operation | p50 ms | p99 ms |")
    print("|---|---|---|")
    for name, (p50, p99) in figures.items():
        print(f"| {name} | {p50:.2f} | {p99:.2f} |")


async def soak(minutes: float, keys: int, patched: bool) -> None:
    """Light mixed load for `minutes` over a fixed key space (the data stays the same size):
    puts, in-place updates, deletes, 3-action transactions, queries, S3 puts and gets. The
    engine's RSS is sampled every tenth of the way; flat means nothing leaks."""
    with tempfile.TemporaryDirectory() as tmp:
        engine = EmbeddedEngine(
            Path(tmp) / "engine.log", data_dir=Path(tmp) / "engine", patched=patched
        )
        engine.start()
        try:

            async def churn(clients: AwsClients) -> list[tuple[float, int, float]]:
                await load(clients, items_for(10_000))
                workload = ops(clients, 100)
                for n in range(100):  # the objects the S3 GETs read
                    await workload["S3 PutObject 20 KB"](n)
                db = clients.dynamodb
                curve = [(0.0, 0, rss_mb(engine.pid))]
                started = time.perf_counter()
                end = started + minutes * 60
                next_sample = started + minutes * 6
                n = 0
                while time.perf_counter() < end:
                    n += 1
                    key = {"pk": {"S": f"user#soak-{n % keys}"}, "sk": {"S": "memory#1"}}
                    step = n % 8
                    if step == 0:
                        item = {**key, "body": {"S": "z" * 500}, "n": {"N": str(n)}}
                        await db.put_item(TableName=TABLE, Item=item)
                    elif step == 1:
                        await db.update_item(
                            TableName=TABLE,
                            Key=key,
                            UpdateExpression="SET n = :n",
                            ExpressionAttributeValues={":n": {"N": str(n)}},
                        )
                    elif step == 2:
                        await db.delete_item(TableName=TABLE, Key=key)
                    elif step == 3:
                        await workload["TransactWriteItems (3 puts)"](n)
                    elif step == 4:
                        await workload["Query lists GSI (20)"](n)
                    elif step == 5:
                        await workload["S3 PutObject 20 KB"](n)
                    elif step == 6:
                        await workload["S3 GetObject 20 KB"](n)
                    else:
                        await workload["GetItem"](n)
                    now = time.perf_counter()
                    if now >= next_sample:
                        curve.append((now - started, n, rss_mb(engine.pid)))
                        next_sample += minutes * 6
                curve.append((time.perf_counter() - started, n, rss_mb(engine.pid)))
                return curve

            curve = await with_clients(engine, churn)
        finally:
            engine.stop()
    print(f"\n### soak: {minutes:g} minutes of mixed load on 10,000 items, {keys:,} keys churned\n")
    print("| minute | requests so far | engine RSS MB |")
    print("|---|---|---|")
    for seconds, n, rss in curve:
        print(f"| {seconds / 60:.1f} | {n:,} | {rss:.0f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="0,100,10000,100000")
    parser.add_argument("--soak-minutes", type=float, default=10.0, help="0: no soak")
    parser.add_argument("--soak-keys", type=int, default=1_000)
    parser.add_argument("--unpatched", action="store_true")
    args = parser.parse_args()
    patched = not args.unpatched
    for size in (int(s) for s in args.sizes.split(",") if s):
        asyncio.run(one_size(size, patched))
    if args.soak_minutes:
        asyncio.run(soak(args.soak_minutes, args.soak_keys, patched))


if __name__ == "__main__":
    main()

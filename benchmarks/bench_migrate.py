"""The migration on the embedded engine: a seed-exact table holding N app-shaped items.

uv run python -m benchmarks.bench_migrate [--items 20000]

Prints the first run's time and items/s (what it wrote), then a second run's (which
writes nothing).
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

from datasources.aws import open_clients
from datasources.definition import create_table
from datasources.migrate import migrate
from datasources.table import Table
from devserver.builders import app_written, bulk_put
from devserver.engine import ENGINE_CREDENTIALS, EmbeddedEngine
from settings import Settings

USERS = 20


def app_items(total: int) -> list[dict[str, Any]]:
    """Profiles keyed as typed, and workouts without list keys: what the app writes."""
    return app_written(USERS, max(1, total // USERS - 1), user_prefix="bench", name="Bench")


async def run(total: int) -> None:
    with tempfile.TemporaryDirectory() as tmp, EmbeddedEngine() as engine:
        settings = Settings(data_dir=Path(tmp))
        async with AsyncExitStack() as stack:
            clients = await open_clients(stack, settings, engine.endpoint_url, ENGINE_CREDENTIALS)
            await create_table(clients.dynamodb, "bench")
            table = Table(clients.dynamodb, "bench")
            items = app_items(total)
            started = time.perf_counter()
            await bulk_put(table, items)
            print(f"loaded {len(items)} items in {time.perf_counter() - started:.1f} s")
            first = await migrate(table)
            print("first run:")
            print(first.summary())
            second = await migrate(table)
            print("second run:")
            print(second.summary())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=20_000)
    args = parser.parse_args()
    asyncio.run(run(args.items))


if __name__ == "__main__":
    main()

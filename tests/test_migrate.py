"""The migration command: seed checks, idempotence, resuming after kill -9, cost gating."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import pytest

import lifeline
from datasources import counts
from datasources.accelerators import read_accelerators
from datasources.aws import AwsClients, open_clients
from datasources.definition import create_table, table_spec
from datasources.migrate import SeedMismatch, TableMissing, migrate
from datasources.table import Table, deserialize_item
from devserver.builders import app_written, bulk_put
from devserver.engine import ENGINE_CREDENTIALS, EmbeddedEngine
from tests.conftest import make_settings

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
async def clients(engine: EmbeddedEngine, tmp_path: Path) -> AsyncIterator[AwsClients]:
    engine.reset()
    async with AsyncExitStack() as stack:
        yield await open_clients(
            stack, make_settings(tmp_path), engine.endpoint_url, ENGINE_CREDENTIALS
        )


async def _seed_table(clients: AwsClients, name: str, users: int = 3, workouts: int = 40) -> Table:
    """A seed-exact table holding what the app writes: profiles keyed as typed (no claims),
    workouts without list keys."""
    await create_table(clients.dynamodb, name)
    table = Table(clients.dynamodb, name)
    await bulk_put(table, app_written(users, workouts))
    return table


async def _dump(table: Table) -> dict[tuple[str, str], dict[str, Any]]:
    """Every item but the migration's own bookkeeping."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    params: dict[str, Any] = {"TableName": table.name, "ConsistentRead": True}
    while True:
        response = await table.client.scan(**params)
        for raw in response.get("Items", []):
            item = deserialize_item(raw)
            item.pop(counts.COUNTED_AT, None)  # when the lists were counted differs
            if not str(item["pk"]).startswith("meta#"):
                found[(item["pk"], item["sk"])] = item
        if not response.get("LastEvaluatedKey"):
            return found
        params["ExclusiveStartKey"] = response["LastEvaluatedKey"]


async def test_a_table_that_is_not_the_seeds_is_refused_and_left_alone(
    clients: AwsClients,
) -> None:
    spec = table_spec("not-seed")
    spec["GlobalSecondaryIndexes"] = spec["GlobalSecondaryIndexes"][:1]  # no gsi2, no gsi3
    spec["AttributeDefinitions"] = [
        a
        for a in spec["AttributeDefinitions"]
        if a["AttributeName"] in {"pk", "sk", "gsi1pk", "gsi1sk"}
    ]
    await clients.dynamodb.create_table(**spec)
    with pytest.raises(SeedMismatch) as refused:
        await migrate(Table(clients.dynamodb, "not-seed"))
    message = str(refused.value)
    assert "GSI gsi2 is missing" in message and "GSI gsi3 is missing" in message
    assert "TTL is not enabled" in message
    described = (await clients.dynamodb.describe_table(TableName="not-seed"))["Table"]
    assert [g["IndexName"] for g in described["GlobalSecondaryIndexes"]] == ["gsi1"]
    assert not (described.get("StreamSpecification") or {}).get("StreamEnabled")
    with pytest.raises(TableMissing):
        await migrate(Table(clients.dynamodb, "no-such-table"))


async def test_migration_backfills_and_a_second_run_changes_nothing(clients: AwsClients) -> None:
    table = await _seed_table(clients, "app-table")
    before = await read_accelerators(clients.dynamodb, "app-table")
    assert (before.lists, before.claims, before.stream_arn) == (False, False, None)

    first = await migrate(table)
    assert first.index_created and first.stream_enabled
    assert first.list_keys_written == 3 * 40 and first.claims_written == 3 * 2
    after = await read_accelerators(clients.dynamodb, "app-table")
    assert after.lists and after.claims and after.stream_arn

    state = await _dump(table)
    second = await migrate(table)
    assert (second.list_keys_written, second.claims_written) == (0, 0)
    assert not second.index_created and not second.stream_enabled
    assert await _dump(table) == state


async def test_dry_run_changes_nothing(clients: AwsClients) -> None:
    table = await _seed_table(clients, "dry")
    state = await _dump(table)
    report = await migrate(table, dry_run=True)
    assert report.list_keys_written == 3 * 40 and report.index_created
    assert await _dump(table) == state
    described = (await clients.dynamodb.describe_table(TableName="dry"))["Table"]
    assert len(described["GlobalSecondaryIndexes"]) == 3


CLI = [sys.executable, "server.py", "migrate"]


def _cli_env(engine: EmbeddedEngine, tmp_path: Path, table: str) -> dict[str, str]:
    return {
        **os.environ,
        "NEONPANDA_ENDPOINT_URL": engine.endpoint_url,
        "NEONPANDA_TABLE_NAME": table,
        "NEONPANDA_DATA_DIR": str(tmp_path / "cli"),
        "AWS_ACCESS_KEY_ID": ENGINE_CREDENTIALS["aws_access_key_id"],
        "AWS_SECRET_ACCESS_KEY": ENGINE_CREDENTIALS["aws_secret_access_key"],
    }


@pytest.mark.slow(seconds=35)
async def test_a_migration_killed_half_way_resumes_to_the_same_state(
    engine: EmbeddedEngine, clients: AwsClients, tmp_path: Path
) -> None:
    whole = await _seed_table(clients, "whole", users=4, workouts=300)
    await migrate(whole)
    killed = await _seed_table(clients, "killed", users=4, workouts=300)

    env = _cli_env(engine, tmp_path, "killed")
    process = await asyncio.create_subprocess_exec(
        *CLI,
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        preexec_fn=lifeline.parent_death_signal,
    )
    assert process.stdout is not None
    # Plain progress lines (not a terminal): kill -9 once part of the table is done.
    progressed = False
    async for raw in process.stdout:
        line = raw.decode()
        if line.startswith("migrate:") and int(line.split()[1].split("/")[0]) >= 300:
            progressed = True
            process.send_signal(signal.SIGKILL)
            break
    await process.wait()
    assert progressed and process.returncode == -signal.SIGKILL
    half = await read_accelerators(clients.dynamodb, "killed")
    assert not half.lists  # not relied on until the backfill completes

    rerun = await asyncio.create_subprocess_exec(
        *CLI,
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        preexec_fn=lifeline.parent_death_signal,
    )
    out, err = await rerun.communicate()
    assert rerun.returncode == 0, err.decode()
    assert "resumed" in out.decode()
    resumed, reference = await _dump(killed), await _dump(whole)
    # Per athlete: the profile, 300 workouts and the list counters; 8 claims.
    assert len(resumed) == len(reference) == 4 * 302 + 8
    assert all(resumed[(f"user#user-{n}", "counts")]["workouts"] == 300 for n in range(4))
    assert resumed == reference


def test_missing_table_says_how_to_create_it(engine: EmbeddedEngine, tmp_path: Path) -> None:
    run = subprocess.run(
        CLI,
        cwd=ROOT,
        env=_cli_env(engine, tmp_path, "absent"),
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 1
    assert "uv run server.py create-table" in run.stderr
    assert "Traceback" not in run.stderr

"""Read-graph benchmark: round trips, server CPU split, latency under uvicorn.

    uv run python -m benchmarks.bench_read [--requests 300]

1. Backend calls and waves per canonical query (from extensions.cost).
2. CPU per request, in this process, sequentially:
   - GraphQL execution: strawberry executing the document over the same items held in
     memory (MemoryTable: no I/O), resolvers, loaders and record parsing included;
   - floor: raw graphql-core executing the same document over the response data already
     in memory (default resolvers), measured in the same run;
   - AWS client work: the request's DynamoDB calls replayed through the same aioboto3
     client (request building, signing, parsing, turning items into dicts; the engine's
     own time excluded), twice: as the server does it now (datasources/raw_reads.py: json.loads
     and a direct unwrap) and as it did before (botocore's generic parser and boto3's
     TypeDeserializer).
3. Latency and throughput with the real server (`server.py` under uvicorn, embedded
   engine) at concurrency 1 and 16, and the server process's CPU per request; the
   dashboard also with NEONPANDA_AWS_RAW_READS=false (botocore's parser) in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import secrets
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import graphql
import httpx
from aiobotocore.parsers import AioResponseParserFactory
from boto3.dynamodb.types import TypeDeserializer

from app import create_app
from auth import Principal, mint_dev_token
from benchmarks.memory_table import MemoryTable
from benchmarks.serving import server_process
from datasources import table as table_module
from datasources.loaders import Loaders
from datasources.stores import Stores
from devserver.asgi import served
from devserver.engine import EmbeddedEngine
from devserver.queries import CANONICAL
from resolvers.context import Context
from resolvers.pagination import CursorCodec
from schema.build import build_schema
from settings import Settings

ROOT = Path(__file__).resolve().parent.parent


async def measure_cpu(fn: Any, runs: int) -> float:
    for _ in range(max(5, runs // 10)):
        await fn()
    gc.collect()
    start = time.process_time()
    for _ in range(runs):
        await fn()
    return (time.process_time() - start) / runs


_READS = {"GetItem", "BatchGetItem", "Query", "Scan"}


class CallRecorder:
    """Wraps Table._call to keep the (operation, params) of one request for replay."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.original = table_module.Table._call

    def __enter__(self) -> CallRecorder:
        recorder = self

        async def recording(table: Any, operation: str, **params: Any) -> Any:
            if operation in _READS:  # not the rate limiter's own counter update
                recorder.calls.append((operation, params))
            return await recorder.original(table, operation, **params)

        table_module.Table._call = recording  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: object) -> None:
        table_module.Table._call = self.original  # type: ignore[method-assign]


async def in_process(runs: int) -> list[dict[str, Any]]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp, EmbeddedEngine() as engine:
        # The per-user rate limit would stop a benchmark; it measures everything else.
        settings = Settings(
            data_dir=Path(tmp),
            dev_secret=secrets.token_urlsafe(32),
            rate_limit_cost_per_window=10**12,
        )
        app = create_app(settings, engine=engine)
        async with served(app, "http://bench") as (http, runtime):
            token = mint_dev_token(settings.dev_secret or "", "demo")
            all_items = await _scan(runtime.stores)
            memory_stores = Stores.build(MemoryTable(all_items), runtime.stores.content)
            schema = build_schema(settings)
            sdl_schema = graphql.build_schema(schema.as_str())
            principal = Principal(user_id="demo")
            codec = CursorCodec(b"bench")

            for name, query in CANONICAL.items():
                with CallRecorder() as recorded:
                    response = await http.post(
                        "/graphql",
                        json={"query": query},
                        headers={"Authorization": f"Bearer {token}"},
                    )
                body = response.json()
                assert "errors" not in body, body.get("errors")
                cost = body["extensions"]["cost"]

                async def execute(stores: Stores = memory_stores, q: str = query) -> None:
                    context = Context(
                        principal=principal,
                        stores=stores,
                        loaders=Loaders(stores.table, stores.content),
                        cursors=codec,
                    )
                    result = await schema.execute(q, context_value=context)
                    assert not result.errors, result.errors

                document = graphql.parse(query)
                data = body["data"]

                async def floor(doc: Any = document, root: Any = data) -> None:
                    result = graphql.execute(sdl_schema, doc, root_value=root)
                    assert not result.errors, result.errors

                async def replay(calls: list[Any] = recorded.calls) -> None:
                    client = runtime.clients.dynamodb
                    for operation, params in calls:
                        method = getattr(client, table_module._snake(operation))
                        for item in _items(await method(**params)):
                            table_module.deserialize_item(item)

                async def replay_stock(calls: list[Any] = recorded.calls) -> None:
                    client = runtime.clients.dynamodb
                    endpoint = client._endpoint
                    fast = endpoint._response_parser_factory
                    endpoint._response_parser_factory = AioResponseParserFactory()
                    try:
                        for operation, params in calls:
                            method = getattr(client, table_module._snake(operation))
                            for item in _items(await method(**params)):
                                {k: _deserializer.deserialize(v) for k, v in item.items()}
                    finally:
                        endpoint._response_parser_factory = fast

                uses_s3 = cost["s3"]["calls"] > 0
                graphql_cpu = await measure_cpu(execute, runs) if not uses_s3 else None
                floor_cpu = await measure_cpu(floor, runs)
                aws_cpu = await measure_cpu(replay, max(20, runs // 4))
                stock_cpu = await measure_cpu(replay_stock, max(20, runs // 4))
                rows.append(
                    {
                        "query": name,
                        "ddb_calls": cost["dynamodb"]["calls"],
                        "ddb_waves": cost["dynamodb"]["waves"],
                        "by_op": cost["dynamodb"]["byOperation"],
                        "items_read": cost["dynamodb"]["itemsRead"],
                        "s3_gets": cost["s3"]["gets"],
                        "s3_waves": cost["s3"]["waves"],
                        "graphql_ms": None if graphql_cpu is None else graphql_cpu * 1000,
                        "floor_ms": floor_cpu * 1000,
                        "aws_client_ms": aws_cpu * 1000,
                        "aws_stock_ms": stock_cpu * 1000,
                    }
                )
    return rows


_deserializer = TypeDeserializer()


def _items(response: dict[str, Any]) -> list[dict[str, Any]]:
    if "Item" in response:
        return [response["Item"]]
    if "Items" in response:
        return list(response["Items"])
    return [i for items in response.get("Responses", {}).values() for i in items]


async def _scan(stores: Stores) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    params: dict[str, Any] = {"TableName": stores.table.name}
    while True:
        response = await stores.table.client.scan(**params)
        items += [table_module.deserialize_item(i) for i in response.get("Items", [])]
        if not response.get("LastEvaluatedKey"):
            return items
        params["ExclusiveStartKey"] = response["LastEvaluatedKey"]


def _proc_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def under_uvicorn(requests: int) -> list[dict[str, Any]]:
    rows = await _one_server(requests, ("dashboard", "workout_detail"), raw_reads=True)
    rows += await _one_server(requests, ("dashboard",), raw_reads=False)
    return rows


async def _one_server(
    requests: int, names: tuple[str, ...], *, raw_reads: bool
) -> list[dict[str, Any]]:
    rows = []
    reads = {"NEONPANDA_AWS_RAW_READS": "true" if raw_reads else "false"}
    async with server_process(reads) as served:
        pid = served.proc.pid
        async with httpx.AsyncClient(base_url=served.url, timeout=30) as http:
            headers = {"Authorization": f"Bearer {mint_dev_token(served.secret, 'demo')}"}
            for name in names:
                query = CANONICAL[name]
                for concurrency in (1, 16):
                    row = await _load(http, pid, name, query, headers, concurrency, requests)
                    row["reads"] = "json.loads" if raw_reads else "botocore"
                    rows.append(row)
    return rows


async def _load(
    http: httpx.AsyncClient,
    pid: int,
    name: str,
    query: str,
    headers: dict[str, str],
    concurrency: int,
    total: int,
) -> dict[str, Any]:
    errors: list[str] = []

    async def one() -> float:
        start = time.perf_counter()
        response = await http.post("/graphql", json={"query": query}, headers=headers)
        body = response.json()
        if response.status_code != 200 or "errors" in body:
            errors.append(str(body.get("errors"))[:300])
        return time.perf_counter() - start

    for _ in range(20):
        await one()
    latencies: list[float] = []
    queue = iter(range(total))

    async def worker() -> None:
        for _ in queue:
            latencies.append(await one())

    cpu_before = _proc_cpu(pid)
    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - start
    cpu = _proc_cpu(pid) - cpu_before
    latencies.sort()
    return {
        "query": name,
        "concurrency": concurrency,
        "requests": total,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
        "rps": total / elapsed,
        "server_cpu_ms": cpu / total * 1000,
        "errors": len(errors),
        "first_error": errors[0] if errors else "",
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--cpu-runs", type=int, default=200)
    args = parser.parse_args()

    rows = asyncio.run(in_process(args.cpu_runs))
    print("\n## Round trips and CPU per request (in process, sequential)\n")
    print(
        "| query | DynamoDB calls | waves | by operation | items read | S3 GETs (waves) "
        "| GraphQL CPU ms | graphql-core floor ms | ratio | AWS client CPU ms "
        "| AWS client CPU ms, botocore parser + TypeDeserializer |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        ops = ", ".join(f"{k} {v}" for k, v in r["by_op"].items())
        gql = "n/a" if r["graphql_ms"] is None else f"{r['graphql_ms']:.2f}"
        ratio = "n/a" if r["graphql_ms"] is None else f"{r['graphql_ms'] / r['floor_ms']:.2f}x"
        print(
            f"| {r['query']} | {r['ddb_calls']} | {r['ddb_waves']} | {ops} | {r['items_read']} "
            f"| {r['s3_gets']} ({r['s3_waves']}) | {gql} | {r['floor_ms']:.2f} | {ratio} "
            f"| {r['aws_client_ms']:.2f} | {r['aws_stock_ms']:.2f} |"
        )

    latency = asyncio.run(under_uvicorn(args.requests))
    print("\n## Latency under uvicorn (embedded engine, loopback)\n")
    print(
        "| query | item reads | concurrency | requests | p50 ms | p99 ms | p99/p50 | req/s "
        "| server CPU ms/req | errors |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in latency:
        print(
            f"| {r['query']} | {r['reads']} | {r['concurrency']} | {r['requests']} "
            f"| {r['p50_ms']:.1f} "
            f"| {r['p99_ms']:.1f} | {r['p99_ms'] / r['p50_ms']:.2f} | {r['rps']:.0f} "
            f"| {r['server_cpu_ms']:.2f} | {r['errors']} |"
        )
    for r in latency:
        if r["errors"]:
            print(f"first error ({r['query']}, c={r['concurrency']}): {r['first_error']}")


if __name__ == "__main__":
    main()

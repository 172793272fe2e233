"""Memory mutations: validation, versions, idempotency, atomic use counts, faults."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from boto3.dynamodb.conditions import Attr

from datasources import keys
from datasources.errors import BackendUnavailable
from datasources.transaction import Update
from tests.conftest import Api, cost
from tests.faults import FaultPlan

CREATE = """mutation($input: CreateMemoryInput!) { createMemory(input: $input) {
    memory { memoryId content memoryType importance version usageCount coach { coachId } } } }"""
UPDATE = """mutation($input: UpdateMemoryInput!) { updateMemory(input: $input) {
    memory { memoryId content importance version tags } } }"""
DELETE = (
    """mutation($input: DeleteMemoryInput!) { deleteMemory(input: $input) { deletedMemoryId } }"""
)
USE = """mutation($input: RecordMemoryUseInput!) { recordMemoryUse(input: $input) {
    memory { usageCount lastUsed version } } }"""
LIST = "{ viewer { memories { totalCount edges { node { memoryId content importance } } } } }"


async def _create(api: Api, **fields: Any) -> dict[str, Any]:
    body = await api.gql(
        CREATE, {"input": {"content": "Likes rowing", "memoryType": "PREFERENCE", **fields}}
    )
    assert "errors" not in body, body["errors"]
    memory: dict[str, Any] = body["data"]["createMemory"]["memory"]
    return memory


async def _count(api: Api) -> int:
    body = await api.gql(LIST)
    total: int = body["data"]["viewer"]["memories"]["totalCount"]
    return total


async def test_create_is_visible_through_the_read_graph(demo_api: Api) -> None:
    before = await _count(demo_api)
    memory = await _create(demo_api, importance="HIGH", coachId="demo_coach_1", tags=["water"])
    assert memory["version"] == 1 and memory["usageCount"] == 0
    assert memory["coach"] == {"coachId": "demo_coach_1"}
    assert await _count(demo_api) == before + 1
    body = await demo_api.gql(
        "query($id: ID!) { viewer { memory(memoryId: $id) { content } } }",
        {"id": memory["memoryId"]},
    )
    assert body["data"]["viewer"]["memory"] == {"content": "Likes rowing"}


async def test_invalid_input_is_bad_user_input_and_writes_nothing(demo_api: Api) -> None:
    before = await _count(demo_api)
    body = await demo_api.gql(CREATE, {"input": {"content": "", "memoryType": "GOAL"}})
    error = body["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["field"] == ["input", "content"]
    assert error["path"] == ["createMemory"]
    body = await demo_api.gql(
        CREATE, {"input": {"content": "x", "memoryType": "GOAL", "tags": ["ok", ""]}}
    )
    assert body["errors"][0]["extensions"]["field"] == ["input", "tags", 1]
    assert cost(body)["dynamodb"]["calls"] == 0
    assert await _count(demo_api) == before


async def test_unknown_coach_is_not_found_and_nothing_is_written(demo_api: Api) -> None:
    before = await _count(demo_api)
    body = await demo_api.gql(
        CREATE, {"input": {"content": "x", "memoryType": "GOAL", "coachId": "no_such_coach"}}
    )
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert await _count(demo_api) == before


async def test_stale_version_is_a_conflict_and_never_overwrites(demo_api: Api) -> None:
    memory = await _create(demo_api)
    first = await demo_api.gql(
        UPDATE,
        {
            "input": {
                "memoryId": memory["memoryId"],
                "expectedVersion": 1,
                "content": "Loves rowing",
                "importance": "HIGH",
                "tags": ["rowing"],
            }
        },
    )
    assert first["data"]["updateMemory"]["memory"] == {
        "memoryId": memory["memoryId"],
        "content": "Loves rowing",
        "importance": "HIGH",
        "version": 2,
        "tags": ["rowing"],
    }
    stale = await demo_api.gql(
        UPDATE,
        {
            "input": {
                "memoryId": memory["memoryId"],
                "expectedVersion": 1,
                "content": "Hates rowing",
            }
        },
    )
    error = stale["errors"][0]
    assert error["extensions"] == {"code": "CONFLICT", "currentVersion": 2}
    body = await demo_api.gql(
        "query($id: ID!) { viewer { memory(memoryId: $id) { content version } } }",
        {"id": memory["memoryId"]},
    )
    assert body["data"]["viewer"]["memory"] == {"content": "Loves rowing", "version": 2}


async def test_importance_change_reorders_the_default_list(demo_api: Api) -> None:
    memory = await _create(demo_api, importance="LOW")
    await demo_api.gql(
        UPDATE,
        {"input": {"memoryId": memory["memoryId"], "expectedVersion": 1, "importance": "HIGH"}},
    )
    body = await demo_api.gql(LIST)
    order = [e["node"]["importance"] for e in body["data"]["viewer"]["memories"]["edges"]]
    assert order == sorted(order, key=["HIGH", "MEDIUM", "LOW"].index)
    assert memory["memoryId"] in [
        e["node"]["memoryId"] for e in body["data"]["viewer"]["memories"]["edges"][:3]
    ]


async def test_idempotency_key_replays_and_refuses_other_payloads(demo_api: Api) -> None:
    before = await _count(demo_api)
    first = await _create(demo_api, idempotencyKey="k-1")
    again = await _create(demo_api, idempotencyKey="k-1")
    assert again["memoryId"] == first["memoryId"]
    assert await _count(demo_api) == before + 1

    body = await demo_api.gql(
        CREATE,
        {
            "input": {
                "content": "Something else",
                "memoryType": "PREFERENCE",
                "idempotencyKey": "k-1",
            }
        },
    )
    assert body["errors"][0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "field": ["input", "idempotencyKey"],
    }
    # Keys are per athlete: demo2 may use the same one.
    other = await demo_api.gql(
        CREATE,
        {"input": {"content": "Likes rowing", "memoryType": "PREFERENCE", "idempotencyKey": "k-1"}},
        user="demo2",
    )
    assert other["data"]["createMemory"]["memory"]["memoryId"] != first["memoryId"]


async def test_delete_with_version_then_gone(demo_api: Api) -> None:
    memory = await _create(demo_api)
    stale = await demo_api.gql(
        DELETE, {"input": {"memoryId": memory["memoryId"], "expectedVersion": 3}}
    )
    assert stale["errors"][0]["extensions"] == {"code": "CONFLICT", "currentVersion": 1}
    body = await demo_api.gql(
        DELETE, {"input": {"memoryId": memory["memoryId"], "expectedVersion": 1}}
    )
    assert body["data"]["deleteMemory"] == {"deletedMemoryId": memory["memoryId"]}
    again = await demo_api.gql(
        DELETE, {"input": {"memoryId": memory["memoryId"], "expectedVersion": 1}}
    )
    assert again["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_concurrent_uses_are_all_counted(demo_api: Api) -> None:
    memory = await _create(demo_api)
    results = await asyncio.gather(
        *(demo_api.gql(USE, {"input": {"memoryId": memory["memoryId"]}}) for _ in range(8))
    )
    assert all("errors" not in r for r in results), [r.get("errors") for r in results]
    body = await demo_api.gql(
        "query($id: ID!) { viewer { memory(memoryId: $id) { usageCount lastUsed version } } }",
        {"id": memory["memoryId"]},
    )
    final = body["data"]["viewer"]["memory"]
    assert final["usageCount"] == 8 and final["version"] == 9 and final["lastUsed"]
    # The list order follows the count: 8 uses now rank above the MEDIUM memory with 7.
    listed = await demo_api.gql("{ viewer { memories { edges { node { content usageCount } } } } }")
    order = [e["node"]["content"] for e in listed["data"]["viewer"]["memories"]["edges"]]
    assert order.index("Likes rowing") < order.index("Left shoulder gets cranky with kipping")


async def test_lost_response_retried_by_botocore_reports_success_once(demo_api: Api) -> None:
    runtime = demo_api.runtime
    before = await _count(demo_api)
    with FaultPlan(runtime.clients.dynamodb, {"TransactWriteItems": ["drop"]}) as plan:
        body = await demo_api.gql(CREATE, {"input": {"content": "Once", "memoryType": "GOAL"}})
    assert plan.injected == [("TransactWriteItems", "drop")]
    assert "errors" not in body, body["errors"]
    assert cost(body)["dynamodb"]["retries"] == {"TransactWriteItems": 1}
    assert await _count(demo_api) == before + 1


async def test_throttling_and_5xx_are_retried(demo_api: Api) -> None:
    runtime = demo_api.runtime
    faults = {"TransactWriteItems": ["throttle", "5xx"]}
    with FaultPlan(runtime.clients.dynamodb, faults) as plan:
        body = await demo_api.gql(CREATE, {"input": {"content": "Retry me", "memoryType": "GOAL"}})
    assert len(plan.injected) == 2
    assert "errors" not in body, body["errors"]
    assert cost(body)["dynamodb"]["byOperation"]["TransactWriteItems"] == 3


async def test_a_transaction_that_collided_with_another_is_sent_again(demo_api: Api) -> None:
    """DynamoDB cancels a transaction that meets another writer's transaction on one of
    its items (here: the partition's counter, which every create touches). Nothing failed
    its condition and nothing was written, so the write is sent again; moto never
    collides, so the collision is injected."""
    runtime = demo_api.runtime
    before = await _count(demo_api)
    with FaultPlan(runtime.clients.dynamodb, {"TransactWriteItems": ["conflict"] * 2}) as plan:
        body = await demo_api.gql(CREATE, {"input": {"content": "Busy", "memoryType": "GOAL"}})
    assert plan.injected == [("TransactWriteItems", "conflict")] * 2
    assert "errors" not in body, body["errors"]
    assert cost(body)["dynamodb"]["byOperation"]["TransactWriteItems"] == 3
    assert await _count(demo_api) == before + 1

    # Colliding every time: CONFLICT (a retry with the same idempotency key may land), and
    # nothing written.
    key = {"idempotencyKey": "collides-1"}
    with FaultPlan(runtime.clients.dynamodb, {"TransactWriteItems": ["conflict"] * 3}):
        refused = await demo_api.gql(
            CREATE, {"input": {"content": "Stuck", "memoryType": "GOAL", **key}}
        )
    assert refused["errors"][0]["extensions"]["code"] == "CONFLICT", refused
    assert refused["errors"][0]["path"] == ["createMemory"]
    assert cost(refused)["dynamodb"]["byOperation"]["TransactWriteItems"] == 3
    assert await _count(demo_api) == before + 1
    again = await demo_api.gql(CREATE, {"input": {"content": "Stuck", "memoryType": "GOAL", **key}})
    assert "errors" not in again, again["errors"]
    assert await _count(demo_api) == before + 2


async def test_a_single_write_that_collided_with_a_transaction_is_sent_again(
    demo_api: Api,
) -> None:
    """An UpdateItem on an item a transaction holds: TransactionConflictException (nothing
    written), which botocore does not retry; the table sends it again, and past its
    attempts the backend is reported unavailable (a retryable code)."""
    table = demo_api.runtime.stores.table
    memory = await _create(demo_api)
    key = (keys.user_pk("demo"), keys.memory_sk(memory["memoryId"]))
    tags = Update(set={("attributes", "tags"): ["busy"]})
    with FaultPlan(table.client, {"UpdateItem": ["conflict", "conflict"]}) as plan:
        updated = await table.update(key, tags, condition=Attr("pk").exists())
    assert plan.injected == [("UpdateItem", "conflict")] * 2
    assert updated["attributes"]["tags"] == ["busy"]

    with (
        FaultPlan(table.client, {"UpdateItem": ["conflict"] * 3}) as plan,
        pytest.raises(BackendUnavailable, match="busy with other transactions"),
    ):
        await table.update(key, Update(set={("attributes", "tags"): ["stuck"]}))
    assert len(plan.injected) == 3
    stored = await table.get(*key, consistent=True)
    assert stored is not None and stored["attributes"]["tags"] == ["busy"]

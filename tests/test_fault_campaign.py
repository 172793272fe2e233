"""A seeded fault campaign: throttling, 5xx and dropped responses (after the write
happened) on DynamoDB and S3, under a workload of mutations a client retries with the same
idempotency key. Nothing may be lost, duplicated, or left pointing at a missing object.

The figures in docs/guide.md come from this test (`uv run pytest -s
tests/test_fault_campaign.py`).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import Any

import pytest

from datasources.aws import AwsClients
from tests.conftest import Api
from tests.faults import FaultPlan

LOG = """mutation($input: LogWorkoutInput!) { logWorkout(input: $input) {
    workout { workoutId } } }"""
MEMORY = """mutation($input: CreateMemoryInput!) { createMemory(input: $input) {
    memory { memoryId } } }"""
SEND = """mutation($input: SendMessageInput!) { sendMessage(input: $input) {
    conversation { totalMessages } } }"""
RETRYABLE = {"SERVICE_UNAVAILABLE", "CONFLICT"}


async def _until_done(api: Api, query: str, variables: dict[str, Any], tries: list[int]) -> Any:
    """What a client does: retry the same request (same idempotency key) until it lands."""
    for attempt in range(1, 9):
        body = await api.gql(query, variables)
        if "errors" not in body:
            tries.append(attempt)
            return body["data"]
        assert body["errors"][0]["extensions"]["code"] in RETRYABLE, body["errors"]
    raise AssertionError("never succeeded")


@pytest.mark.slow
async def test_fault_campaign_loses_and_duplicates_nothing(demo_api: Api, aws: AwsClients) -> None:
    runtime = demo_api.runtime
    ddb_faults = FaultPlan(
        runtime.clients.dynamodb,
        rate=0.25,
        seed=7,
        operations=("TransactWriteItems", "GetItem", "Query", "BatchGetItem"),
    )
    s3_faults = FaultPlan(
        runtime.clients.s3, rate=0.25, seed=11, operations=("PutObject", "GetObject")
    )
    tries: list[int] = []
    workout_ids, memory_ids = [], []
    with ddb_faults, s3_faults:
        for n in range(10):
            data = await _until_done(
                demo_api,
                LOG,
                {
                    "input": {
                        "completedAt": f"2026-02-{n + 1:02d}T07:00:00Z",
                        "workoutName": f"Run {n}",
                        "discipline": "RUNNING",
                        "detailedLog": {"n": n, "notes": "x" * 200},
                        "idempotencyKey": f"log-{n}",
                    }
                },
                tries,
            )
            workout_ids.append(data["logWorkout"]["workout"]["workoutId"])
            data = await _until_done(
                demo_api,
                MEMORY,
                {
                    "input": {
                        "content": f"memory {n}",
                        "memoryType": "CONTEXT",
                        "idempotencyKey": f"mem-{n}",
                    }
                },
                tries,
            )
            memory_ids.append(data["createMemory"]["memory"]["memoryId"])
            await _until_done(
                demo_api,
                SEND,
                {
                    "input": {
                        "conversationId": "demo_conv_2",
                        "coachId": "demo_coach_2",
                        "messages": [
                            {"messageId": f"f{n}a", "role": "USER", "content": "hi"},
                            {"messageId": f"f{n}b", "role": "ASSISTANT", "content": "yo"},
                        ],
                        "idempotencyKey": f"send-{n}",
                    }
                },
                tries,
            )
    injected = Counter(kind for _, kind in ddb_faults.injected + s3_faults.injected)

    # Verify without faults.
    body = await demo_api.gql("""{ viewer {
        workouts(first: 100) { totalCount edges { node { workoutId detailedLog { key sha256 } } } }
        memories(first: 100) { totalCount }
        conversation(conversationId: "demo_conv_2") { totalMessages
          messages(first: 100) { edges { node { messageId } } } } } }""")
    viewer = body["data"]["viewer"]
    assert len(set(workout_ids)) == 10 and len(set(memory_ids)) == 10
    assert viewer["workouts"]["totalCount"] == 32 + 10  # none lost, none twice
    assert viewer["memories"]["totalCount"] == 5 + 10
    message_ids = [e["node"]["messageId"] for e in viewer["conversation"]["messages"]["edges"]]
    assert len(message_ids) == len(set(message_ids)) == 8 + 20
    assert viewer["conversation"]["totalMessages"] == 8 + 20

    dangling = 0
    for edge in viewer["workouts"]["edges"]:
        log = edge["node"]["detailedLog"]
        if log is None:
            continue
        obj = await aws.s3.get_object(Bucket=demo_api.settings.bucket, Key=log["key"])
        async with obj["Body"] as stream:
            if hashlib.sha256(await stream.read()).hexdigest() != log["sha256"]:
                dangling += 1
    assert dangling == 0

    total = sum(injected.values())
    print(
        f"\nfault campaign: {total} faults injected ({dict(injected)}), "
        f"{len(tries)} mutations, {sum(t > 1 for t in tries)} needed a client retry, "
        f"0 lost, 0 duplicated, {dangling} dangling pointers"
    )
    assert total >= 20 and {"throttle", "5xx", "drop"} <= set(injected)

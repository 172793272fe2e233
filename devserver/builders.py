"""Small builders for test data written through records (and in bulk for big partitions)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from datasources import counts, keys
from datasources.inputs.profile import CreateProfile
from datasources.records import (
    CoachAttributes,
    CoachRecord,
    ConversationAttributes,
    ConversationRecord,
    Message,
    WorkoutAttributes,
    WorkoutData,
    WorkoutRecord,
)
from datasources.records.conversation import ConversationMetadata
from datasources.stores import Stores
from datasources.table import Table, serialize_item


async def athlete(stores: Stores, user_id: str) -> None:
    await stores.users.create(
        user_id, CreateProfile(email=f"{user_id}@example.com", username=user_id)
    )


def coach(user_id: str, coach_id: str, now: datetime) -> CoachRecord:
    return CoachRecord.new(
        user_id, CoachAttributes(coach_id=coach_id, coach_name=f"Coach {coach_id}"), now
    )


def workout(
    user_id: str,
    workout_id: str,
    completed: datetime,
    *,
    coach_ids: list[str] | None = None,
    discipline: str = "running",
    name: str | None = None,
    confidence: float | None = 0.9,
) -> WorkoutRecord:
    return WorkoutRecord.new(
        WorkoutAttributes(
            workout_id=workout_id,
            user_id=user_id,
            coach_ids=coach_ids or [],
            completed_at=completed,
            workout_data=WorkoutData(workout_name=name or workout_id, discipline=discipline),
            extraction_metadata=None if confidence is None else {"confidence": confidence},
        ),
        completed,
    )


def conversation(
    user_id: str, coach_id: str, n: int, messages: int, now: datetime, *, chars: int = 400
) -> ConversationRecord:
    """Conversation `conv<n>` with `messages` messages of about `chars` characters, last
    active `n` hours before `now` (so conv0 lists first)."""
    said = [
        Message(
            id=f"m{n}-{i:04d}",
            role="user" if i % 2 == 0 else "assistant",
            content=f"message {i} " + "x" * chars,
            timestamp=now - timedelta(minutes=messages - i),
        )
        for i in range(messages)
    ]
    last = now - timedelta(hours=n)
    return ConversationRecord.new(
        ConversationAttributes(
            user_id=user_id,
            coach_id=coach_id,
            conversation_id=f"conv{n}",
            title=f"Conversation {n}",
            messages=said,
            metadata=ConversationMetadata(
                started_at=now, last_activity=last, total_messages=messages
            ),
        ),
        now,
    )


async def bulk_put(
    target: Stores | Table, items: list[dict[str, Any]], *, recount: bool = True
) -> None:
    """BatchWriteItem in chunks of 25 (AWS's limit; the engine would accept more).

    Writes around the stores leave the partitions' list counters behind; as the stream
    indexer would, partitions that have counters are counted again (`recount=False`:
    leave them stale, as with no indexer running)."""
    table = target.table if isinstance(target, Stores) else target
    client, name = table.client, table.name
    for start in range(0, len(items), 25):
        request = {
            name: [{"PutRequest": {"Item": serialize_item(i)}} for i in items[start : start + 25]]
        }
        while request:
            response = await client.batch_write_item(RequestItems=request)
            request = response.get("UnprocessedItems") or {}
    if not recount:
        return
    partitions = {str(i["pk"]) for i in items if str(i["pk"]).startswith(keys.USER_PREFIX)}
    for pk in sorted(partitions):
        if await table.get(*counts.key_of(pk), consistent=True) is not None:
            await counts.Recount(table)(keys.user_id_from_pk(pk))


def app_written(
    users: int, workouts: int, *, user_prefix: str = "user", name: str = "Person"
) -> list[dict[str, Any]]:
    """What NeonPanda's app writes and this API must migrate: profiles keyed by email and
    username as typed (no claims), and daily workouts without list keys or versions.
    Athletes `<user_prefix>-<n>`, named `<name>_<n>` / `<name>.<n>@Example.com`."""
    items: list[dict[str, Any]] = []
    last = datetime(2026, 5, 1, tzinfo=UTC)
    stamp = "2026-05-01T00:00:00.000Z"
    for u in range(users):
        user = f"{user_prefix}-{u}"
        items.append(
            {
                "pk": f"user#{user}",
                "sk": "profile",
                "entityType": "user",
                "createdAt": stamp,
                "updatedAt": stamp,
                "gsi1pk": f"email#{name}.{u}@Example.com",
                "gsi1sk": "profile",
                "gsi2pk": f"username#{name}_{u}",
                "gsi2sk": "profile",
                "attributes": {
                    "userId": user,
                    "email": f"{name}.{u}@Example.com",
                    "username": f"{name}_{u}",
                },
            }
        )
        for item in daily_workouts(user, workouts, last - timedelta(days=u)):
            item.pop("listsk", None)
            item.pop("version", None)
            items.append(item)
    return items


def daily_workouts(user_id: str, count: int, last: datetime) -> list[dict[str, Any]]:
    return [workout(user_id, f"w{n:05d}", last - timedelta(days=n)).to_item() for n in range(count)]

"""createMemory / updateMemory / deleteMemory / recordMemoryUse."""

from __future__ import annotations

import uuid
from typing import Any

from boto3.dynamodb.conditions import Attr

from datasources import keys
from datasources.records import MemoryAttributes, MemoryRecord, utcnow
from datasources.records.memory import memory_order_key
from datasources.table import TransactAction
from resolvers.context import Info
from resolvers.errors import ApiError, Code, not_found
from resolvers.writes import Commit, Replayed, conflict, raise_for_reasons

MAX_USE_RETRIES = 5


def coach_exists(user_id: str, coach_id: str) -> TransactAction:
    return TransactAction(
        "ConditionCheck",
        keys.user_pk(user_id),
        keys.coach_sk(coach_id),
        condition=Attr("pk").exists(),
    )


async def _load(info: Info, memory_id: str) -> MemoryRecord:
    user_id = info.context.require_user().user_id
    record = await info.context.stores.memories.get_by_key(
        keys.user_pk(user_id), keys.memory_sk(memory_id), consistent=True
    )
    if record is None:
        raise not_found("Memory")
    return record


async def _replayed(info: Info, result_key: tuple[str, str] | None) -> MemoryRecord:
    if result_key is None:
        raise not_found("Memory")
    record = await info.context.stores.memories.get_by_key(*result_key, consistent=True)
    if record is None:
        raise not_found("Memory")
    return record


async def create_memory(info: Info, data: Any) -> MemoryRecord:
    user_id = info.context.require_user().user_id
    commit = Commit(
        info, "createMemory", data, data.idempotency_key, owner_pk=keys.user_pk(user_id)
    )
    previous = await commit.replay_of()
    if previous is not False:
        return await _replayed(info, previous)  # type: ignore[arg-type]
    now = utcnow()
    record = MemoryRecord.new(
        MemoryAttributes.model_validate(
            {
                "memory_id": f"memory_{uuid.uuid4().hex}",
                "user_id": user_id,
                "coach_id": data.coach_id,
                "content": data.content,
                "memory_type": data.memory_type.value,
                "metadata": {
                    "created_at": now,
                    "usage_count": 0,
                    "source": data.source or "api",
                    "importance": data.importance.value,
                    "tags": list(data.tags or []),
                },
            }
        ),
        now,
    )
    actions = [
        TransactAction(
            "Put", record.pk, record.sk, item=record.to_item(), condition=Attr("pk").not_exists()
        )
    ]
    if data.coach_id:
        actions.append(coach_exists(user_id, data.coach_id))
    try:
        reasons = await commit.run(actions, record.key)
    except Replayed as replay:
        return await _replayed(info, replay.result_key)
    if reasons:
        if len(reasons) > 1 and reasons[1] == "ConditionalCheckFailed":
            raise not_found("Coach")
        raise_for_reasons(reasons, commit.current, "Memory")
    return record


async def update_memory(info: Info, data: Any) -> MemoryRecord:
    user_id = info.context.require_user().user_id
    commit = Commit(
        info, "updateMemory", data, data.idempotency_key, owner_pk=keys.user_pk(user_id)
    )
    previous = await commit.replay_of()
    if previous is not False:
        return await _replayed(info, previous)  # type: ignore[arg-type]
    record = await _load(info, data.memory_id)
    if record.version != data.expected_version:
        raise conflict(record.version)
    attrs = record.attributes
    if data.content is not None:
        attrs.content = data.content
    if data.memory_type is not None:
        attrs.memory_type = data.memory_type.value
    if data.importance is not None:
        attrs.metadata.importance = data.importance.value
    if data.tags is not None:
        attrs.metadata.tags = list(data.tags)
    now = utcnow()
    record.updated_at = now
    record.version += 1
    record.lsi1sk = memory_order_key(attrs, record.created_at)
    sets = {
        "attributes.content": attrs.content,
        "attributes.memoryType": attrs.memory_type,
        "attributes.metadata.importance": attrs.metadata.importance,
        "attributes.metadata.tags": list(attrs.metadata.tags),
        "lsi1sk": record.lsi1sk,
        "updatedAt": record.to_item()["updatedAt"],
        "version": record.version,
    }
    update = TransactAction(
        "Update",
        record.pk,
        record.sk,
        set_values=sets,
        condition=_version_is(data.expected_version),
    )
    try:
        reasons = await commit.run([update], record.key)
    except Replayed as replay:
        return await _replayed(info, replay.result_key)
    if reasons:
        raise_for_reasons(reasons, commit.current, "Memory")
    return record


def _version_is(version: int) -> Any:
    """The item exists at `version` (items written before versioning count as 1)."""
    condition = Attr("pk").exists() & Attr("version").eq(version)
    if version == 1:
        condition = Attr("pk").exists() & (Attr("version").eq(1) | Attr("version").not_exists())
    return condition


async def delete_memory(info: Info, data: Any) -> str:
    user_id = info.context.require_user().user_id
    commit = Commit(
        info, "deleteMemory", data, data.idempotency_key, owner_pk=keys.user_pk(user_id)
    )
    if await commit.replay_of() is not False:
        return str(data.memory_id)
    pk, sk = keys.user_pk(user_id), keys.memory_sk(data.memory_id)
    delete = TransactAction("Delete", pk, sk, condition=_version_is(data.expected_version))
    try:
        reasons = await commit.run([delete], None)
    except Replayed:
        return str(data.memory_id)
    if reasons:
        raise_for_reasons(reasons, commit.current, "Memory")
    return str(data.memory_id)


async def record_memory_use(info: Info, data: Any) -> MemoryRecord:
    """usageCount + 1 and lastUsed, atomically: a compare-and-set on usageCount."""
    user_id = info.context.require_user().user_id
    commit = Commit(
        info, "recordMemoryUse", data, data.idempotency_key, owner_pk=keys.user_pk(user_id)
    )
    previous = await commit.replay_of()
    if previous is not False:
        return await _replayed(info, previous)  # type: ignore[arg-type]
    for _ in range(MAX_USE_RETRIES):
        record = await _load(info, data.memory_id)
        meta = record.attributes.metadata
        seen = meta.usage_count
        now = utcnow()
        meta.usage_count = seen + 1
        meta.last_used = now
        record.updated_at = now
        record.version += 1
        record.lsi1sk = memory_order_key(record.attributes, record.created_at)
        item = record.to_item()
        usage = Attr("attributes.metadata.usageCount")
        update = TransactAction(
            "Update",
            record.pk,
            record.sk,
            set_values={
                "attributes.metadata.usageCount": meta.usage_count,
                "attributes.metadata.lastUsed": item["attributes"]["metadata"]["lastUsed"],
                "lsi1sk": record.lsi1sk,
                "updatedAt": item["updatedAt"],
                "version": record.version,
            },
            condition=Attr("pk").exists()
            & (usage.eq(seen) | usage.not_exists() if seen == 0 else usage.eq(seen)),
        )
        try:
            reasons = await commit.run([update], record.key)
        except Replayed as replay:
            return await _replayed(info, replay.result_key)
        if not reasons:
            return record
        if commit.current and commit.current[0] is None:
            raise not_found("Memory")
        # Someone else counted a use in between (nothing was written): read again, retry.
    raise ApiError(Code.CONFLICT, "Too many concurrent uses; retry")

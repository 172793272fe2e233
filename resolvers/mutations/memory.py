"""createMemory / updateMemory / deleteMemory / recordMemoryUse."""

from __future__ import annotations

import contextlib
import uuid
from typing import Any

from boto3.dynamodb.conditions import Attr

from datasources import keys
from datasources.errors import ConditionFailed
from datasources.records import MemoryAttributes, MemoryRecord, utcnow
from datasources.records.base import format_timestamp
from datasources.records.memory import memory_order_key
from datasources.stores.coach import CoachStore
from datasources.table import TransactAction
from resolvers.context import Info
from resolvers.errors import not_found
from resolvers.writes import (
    Commit,
    Replayed,
    bump,
    commit_record,
    current,
    raise_for_reasons,
    reload,
    version_is,
)

WHAT = "Memory"


async def create_memory(info: Info, data: Any) -> MemoryRecord:
    user_id, commit = Commit.for_caller(info, "createMemory", data)
    store = info.context.stores.memories
    if await commit.seen():
        return await commit.replay(store, WHAT)
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
        actions.append(CoachStore.exists_check(user_id, data.coach_id))
    try:
        reasons = await commit.run(actions, record.key)
    except Replayed as replay:
        return await reload(store, replay.result_key, WHAT)
    if reasons[1:2] == ["ConditionalCheckFailed"]:
        raise not_found("Coach")
    if reasons:
        raise_for_reasons(reasons, commit.current, WHAT)
    return record


async def update_memory(info: Info, data: Any) -> MemoryRecord:
    user_id, commit = Commit.for_caller(info, "updateMemory", data)
    store = info.context.stores.memories
    if await commit.seen():
        return await commit.replay(store, WHAT)
    key = (keys.user_pk(user_id), keys.memory_sk(data.memory_id))
    record = await current(store, key, WHAT, data.expected_version)
    attrs = record.attributes
    if data.content is not None:
        attrs.content = data.content
    if data.memory_type is not None:
        attrs.memory_type = data.memory_type.value
    if data.importance is not None:
        attrs.metadata.importance = data.importance.value
    if data.tags is not None:
        attrs.metadata.tags = list(data.tags)
    record.lsi1sk = memory_order_key(attrs, record.created_at)
    sets = {
        **bump(record),
        "attributes.content": attrs.content,
        "attributes.memoryType": attrs.memory_type,
        "attributes.metadata.importance": attrs.metadata.importance,
        "attributes.metadata.tags": list(attrs.metadata.tags),
        "lsi1sk": record.lsi1sk,
    }
    update = TransactAction(
        "Update", *key, set_values=sets, condition=version_is(data.expected_version)
    )
    return await commit_record(commit, store, [update], record, WHAT)


async def delete_memory(info: Info, data: Any) -> str:
    user_id, commit = Commit.for_caller(info, "deleteMemory", data)
    if await commit.seen():
        return str(data.memory_id)
    key = (keys.user_pk(user_id), keys.memory_sk(data.memory_id))
    delete = TransactAction("Delete", *key, condition=version_is(data.expected_version))
    try:
        reasons = await commit.run([delete], None)
    except Replayed:
        return str(data.memory_id)
    if reasons:
        raise_for_reasons(reasons, commit.current, WHAT)
    return str(data.memory_id)


async def record_memory_use(info: Info, data: Any) -> MemoryRecord:
    """usageCount + 1 and lastUsed, atomically (ADD: concurrent uses never collide).

    The list order key depends on the count, so it is brought up to date after, with a
    write conditioned on the count it was computed from: if another use lands in between,
    that use's own follow-up sets the key for the newer count.
    """
    user_id, commit = Commit.for_caller(info, "recordMemoryUse", data)
    store = info.context.stores.memories
    if await commit.seen():
        return await commit.replay(store, WHAT)
    key = (keys.user_pk(user_id), keys.memory_sk(data.memory_id))
    now = format_timestamp(utcnow())
    update = TransactAction(
        "Update",
        *key,
        set_values={"attributes.metadata.lastUsed": now, "updatedAt": now},
        add_values={"attributes.metadata.usageCount": 1, "version": 1},
        condition=Attr("pk").exists(),
    )
    try:
        reasons = await commit.run([update], key)
    except Replayed as replay:
        return await reload(store, replay.result_key, WHAT)
    if reasons:
        raise not_found(WHAT)
    record = await current(store, key, WHAT)
    order_key = memory_order_key(record.attributes, record.created_at)
    if record.lsi1sk != order_key:
        with contextlib.suppress(ConditionFailed):
            await info.context.stores.table.update(
                *key,
                set_values={"lsi1sk": order_key},
                condition=Attr("attributes.metadata.usageCount").eq(
                    record.attributes.metadata.usage_count
                ),
            )
        record.lsi1sk = order_key
    return record

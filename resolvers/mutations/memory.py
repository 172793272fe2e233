"""createMemory / updateMemory / deleteMemory / recordMemoryUse."""

from __future__ import annotations

import strawberry

from datasources.inputs.memory import CreateMemory, DeleteMemory, RecordMemoryUse, UpdateMemory
from resolvers.context import Info
from schema.memory import UserMemory
from schema.mutations.common import validated
from schema.mutations.memory import (
    CreateMemoryInput,
    CreateMemoryPayload,
    DeleteMemoryInput,
    DeleteMemoryPayload,
    RecordMemoryUseInput,
    RecordMemoryUsePayload,
    UpdateMemoryInput,
    UpdateMemoryPayload,
)


async def create_memory(info: Info, input: CreateMemoryInput) -> CreateMemoryPayload:
    user_id = info.context.require_user().user_id
    record = await info.context.stores.memories.create(user_id, validated(input, CreateMemory))
    return CreateMemoryPayload(memory=UserMemory.from_record(record))


async def update_memory(info: Info, input: UpdateMemoryInput) -> UpdateMemoryPayload:
    user_id = info.context.require_user().user_id
    record = await info.context.stores.memories.update(user_id, validated(input, UpdateMemory))
    return UpdateMemoryPayload(memory=UserMemory.from_record(record))


async def delete_memory(info: Info, input: DeleteMemoryInput) -> DeleteMemoryPayload:
    user_id = info.context.require_user().user_id
    deleted = await info.context.stores.memories.delete(user_id, validated(input, DeleteMemory))
    return DeleteMemoryPayload(deleted_memory_id=strawberry.ID(deleted))


async def record_memory_use(info: Info, input: RecordMemoryUseInput) -> RecordMemoryUsePayload:
    user_id = info.context.require_user().user_id
    data = validated(input, RecordMemoryUse)
    record = await info.context.stores.memories.record_use(user_id, data)
    return RecordMemoryUsePayload(memory=UserMemory.from_record(record))

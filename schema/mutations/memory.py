"""Memory mutation inputs, payloads and resolvers."""

from __future__ import annotations

import strawberry
from strawberry.experimental.pydantic import input as pydantic_input

from datasources.inputs.memory import CreateMemory, DeleteMemory, RecordMemoryUse, UpdateMemory
from resolvers.context import Info
from schema.enums import Importance, MemoryType  # noqa: F401 (registered before the inputs)
from schema.memory import UserMemory
from schema.mutations.common import validated
from schema.mutations.elsewhere import MEMORY_VECTOR, UnreachableCopy


@pydantic_input(model=CreateMemory, all_fields=True)
class CreateMemoryInput:
    coach_id: strawberry.ID | None = None
    memory_id: strawberry.ID | None = None


@pydantic_input(model=UpdateMemory, all_fields=True)
class UpdateMemoryInput:
    memory_id: strawberry.ID


@pydantic_input(model=DeleteMemory, all_fields=True)
class DeleteMemoryInput:
    memory_id: strawberry.ID


@pydantic_input(model=RecordMemoryUse, all_fields=True)
class RecordMemoryUseInput:
    memory_id: strawberry.ID


@strawberry.type
class CreateMemoryPayload:
    memory: UserMemory


@strawberry.type
class UpdateMemoryPayload:
    memory: UserMemory


@strawberry.type
class DeleteMemoryPayload:
    deleted_memory_id: strawberry.ID
    not_deleted: list[UnreachableCopy] = strawberry.field(
        default_factory=lambda: [MEMORY_VECTOR],
        description="Copies of the memory outside this API's reach (the app's Pinecone vector).",
    )


@strawberry.type
class RecordMemoryUsePayload:
    memory: UserMemory


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


MUTATIONS = {
    "create_memory": strawberry.mutation(resolver=create_memory),
    "update_memory": strawberry.mutation(resolver=update_memory),
    "delete_memory": strawberry.mutation(resolver=delete_memory),
    "record_memory_use": strawberry.mutation(resolver=record_memory_use),
}

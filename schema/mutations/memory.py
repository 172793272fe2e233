"""Memory mutations: inputs, payloads and fields."""

from __future__ import annotations

import strawberry
from pydantic import BaseModel, Field
from strawberry.experimental.pydantic import input as pydantic_input

from resolvers.context import Info
from resolvers.mutations import memory as writes
from schema.memory import Importance, MemoryType, UserMemory
from schema.mutations.common import Id, IdempotencyKey, Tag, Version, to_model


class CreateMemory(BaseModel):
    content: str = Field(min_length=1, max_length=2000)
    memory_type: MemoryType
    importance: Importance = Importance.MEDIUM
    coach_id: Id | None = None
    tags: list[Tag] | None = Field(default=None, max_length=20)
    source: str | None = Field(default=None, max_length=50)
    idempotency_key: IdempotencyKey | None = None


class UpdateMemory(BaseModel):
    memory_id: Id
    expected_version: Version
    content: str | None = Field(default=None, min_length=1, max_length=2000)
    memory_type: MemoryType | None = None
    importance: Importance | None = None
    tags: list[Tag] | None = Field(default=None, max_length=20)
    idempotency_key: IdempotencyKey | None = None


class DeleteMemory(BaseModel):
    memory_id: Id
    expected_version: Version
    idempotency_key: IdempotencyKey | None = None


class RecordMemoryUse(BaseModel):
    memory_id: Id
    idempotency_key: IdempotencyKey | None = None


@pydantic_input(model=CreateMemory, all_fields=True)
class CreateMemoryInput:
    coach_id: strawberry.ID | None = None


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


@strawberry.type
class RecordMemoryUsePayload:
    memory: UserMemory


async def create_memory(info: Info, input: CreateMemoryInput) -> CreateMemoryPayload:
    data = to_model(input, CreateMemory)
    return CreateMemoryPayload(
        memory=UserMemory.from_record(await writes.create_memory(info, data))
    )


async def update_memory(info: Info, input: UpdateMemoryInput) -> UpdateMemoryPayload:
    data = to_model(input, UpdateMemory)
    return UpdateMemoryPayload(
        memory=UserMemory.from_record(await writes.update_memory(info, data))
    )


async def delete_memory(info: Info, input: DeleteMemoryInput) -> DeleteMemoryPayload:
    data = to_model(input, DeleteMemory)
    return DeleteMemoryPayload(
        deleted_memory_id=strawberry.ID(await writes.delete_memory(info, data))
    )


async def record_memory_use(info: Info, input: RecordMemoryUseInput) -> RecordMemoryUsePayload:
    data = to_model(input, RecordMemoryUse)
    record = await writes.record_memory_use(info, data)
    return RecordMemoryUsePayload(memory=UserMemory.from_record(record))

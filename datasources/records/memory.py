"""User memory: pk `user#<userId>`, sk `userMemory#<memoryId>`; coachId absent = global."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pydantic import Field

from datasources import keys
from datasources.records.base import CamelModel, ItemRecord, Timestamp


class MemoryMetadata(CamelModel):
    created_at: Timestamp | None = None
    last_used: Timestamp | None = None
    usage_count: int = 0
    source: str | None = None
    importance: str = "medium"
    tags: list[str] = Field(default_factory=list)


class MemoryAttributes(CamelModel):
    memory_id: str
    user_id: str
    coach_id: str | None = None
    content: str
    memory_type: str
    metadata: MemoryMetadata = Field(default_factory=MemoryMetadata)


def memory_order_key(attrs: MemoryAttributes, created_at: datetime) -> str:
    meta = attrs.metadata
    return keys.memory_lsi(
        meta.importance, meta.usage_count, meta.created_at or created_at, attrs.memory_id
    )


class MemoryRecord(ItemRecord):
    ENTITY_TYPE: ClassVar[str] = keys.MEMORY
    attributes: MemoryAttributes

    @classmethod
    def new(cls, attrs: MemoryAttributes, now: datetime) -> MemoryRecord:
        return cls.create(
            pk=keys.user_pk(attrs.user_id),
            sk=keys.memory_sk(attrs.memory_id),
            entity_type=keys.MEMORY,
            created_at=now,
            updated_at=now,
            lsi1sk=memory_order_key(attrs, now),
            attributes=attrs,
        )

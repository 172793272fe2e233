"""`UserMemory`: something the athlete asked their coaches to remember."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import TypeVar

import strawberry

from datasources.records import MemoryRecord
from resolvers.context import Info
from schema.coach import Coach
from schema.enums import Importance, MemoryType
from schema.node import Node, encode_global_id

E = TypeVar("E", bound=Enum)


def _enum(cls: type[E], value: str | None) -> E | None:
    try:
        return cls((value or "").lower())
    except ValueError:
        return None


@strawberry.type
class UserMemory(Node):
    memory_id: strawberry.ID
    content: str
    memory_type: MemoryType | None = strawberry.field(
        description="Null only for a stored value outside the known types."
    )
    importance: Importance | None
    coach_id: strawberry.ID | None = strawberry.field(description="Null for a global memory.")
    usage_count: int
    last_used: datetime | None
    source: str | None
    tags: list[str]
    created_at: datetime
    updated_at: datetime
    version: int

    @strawberry.field
    def id(self) -> strawberry.ID:
        return encode_global_id("UserMemory", self.memory_id)

    @strawberry.field(description="The coach this memory is for; null for a global memory.")
    async def coach(self, info: Info) -> Coach | None:
        if not self.coach_id:
            return None
        user_id = info.context.require_user().user_id
        record = await info.context.loaders.coach_by_key.load((user_id, self.coach_id))
        return Coach.from_record(record) if record else None

    @staticmethod
    def from_record(record: MemoryRecord) -> UserMemory:
        attrs = record.attributes
        meta = attrs.metadata
        return UserMemory(
            memory_id=strawberry.ID(attrs.memory_id),
            content=attrs.content,
            memory_type=_enum(MemoryType, attrs.memory_type),
            importance=_enum(Importance, meta.importance),
            coach_id=strawberry.ID(attrs.coach_id) if attrs.coach_id else None,
            usage_count=meta.usage_count,
            last_used=meta.last_used,
            source=meta.source,
            tags=list(meta.tags),
            created_at=meta.created_at or record.created_at,
            updated_at=record.updated_at,
            version=record.version,
        )

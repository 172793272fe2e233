"""`UserMemory`: something the athlete asked their coaches to remember."""

from __future__ import annotations

from datetime import datetime
from typing import cast

import strawberry
from strawberry.scalars import JSON

from datasources.enums import read
from datasources.records import CoachRecord, MemoryRecord
from datasources.stores.memory import MemoryQuery
from resolvers import user_lists
from resolvers.context import Info
from schema.coach import Coach
from schema.connection import Connection
from schema.convert import maybe, snake_keys
from schema.enums import Importance, MemoryType
from schema.inputs import MemoryFilter
from schema.node import Node, encode_global_id


@strawberry.type(description="Where a memory is in the app's memory lifecycle.")
class MemoryLifecycle:
    state: str | None
    stability: float | None
    reinforcement_count: int | None
    last_reinforced_at: datetime | None
    compressed_at: datetime | None
    archived_at: datetime | None
    original_content: str | None


@strawberry.type
class UserMemory(Node):
    memory_id: strawberry.ID
    content: str
    memory_type: MemoryType = strawberry.field(
        description="OTHER for a stored type this API does not know (see memoryTypeName)."
    )
    memory_type_name: str = strawberry.field(description="The type as stored.")
    importance: Importance = strawberry.field(
        description="OTHER for a stored importance this API does not know (see importanceName)."
    )
    importance_name: str = strawberry.field(description="The importance as stored.")
    coach_id: strawberry.ID | None = strawberry.field(description="Null for a global memory.")
    usage_count: int
    last_used: datetime | None
    source: str | None
    tags: list[str]
    created_at: datetime
    updated_at: datetime
    version: int
    prospective: JSON | None = strawberry.field(
        description="A follow-up the coach should raise (the app's prospective memories)."
    )
    _record: strawberry.Private[MemoryRecord]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return encode_global_id("UserMemory", self.memory_id)

    @strawberry.field
    def lifecycle(self) -> MemoryLifecycle | None:
        lifecycle = self._record.attributes.metadata.lifecycle
        return maybe(MemoryLifecycle, snake_keys(lifecycle)) if lifecycle else None

    @strawberry.field(description="The coach this memory is for; null for a global memory.")
    async def coach(self, info: Info) -> Coach | None:
        if not self.coach_id:
            return None
        user_id = info.context.require_user().user_id
        record = await info.context.loaders.of(CoachRecord).load((user_id, self.coach_id))
        return Coach.from_record(record) if record else None

    @staticmethod
    def from_record(record: MemoryRecord) -> UserMemory:
        attrs = record.attributes
        meta = attrs.metadata
        return UserMemory(
            memory_id=strawberry.ID(attrs.memory_id),
            content=attrs.content,
            memory_type=read(MemoryType, attrs.memory_type),
            memory_type_name=attrs.memory_type,
            importance=read(Importance, meta.importance),
            importance_name=meta.importance,
            coach_id=strawberry.ID(attrs.coach_id) if attrs.coach_id else None,
            usage_count=meta.usage_count,
            last_used=meta.last_used,
            source=meta.source,
            tags=list(meta.tags),
            created_at=meta.created_at or record.created_at,
            updated_at=record.updated_at,
            version=record.version,
            prospective=cast(JSON, meta.prospective),
            _record=record,
        )


# --- the viewer's fields (User, through schema/entities.py) ---------------------------


async def _memories(
    info: Info,
    filter: MemoryFilter | None = None,
    first: int | None = None,
    after: str | None = None,
) -> Connection[UserMemory] | None:
    f = filter or MemoryFilter()
    query = MemoryQuery(
        coach_id=f.coach_id,
        memory_type=f.memory_type.value if f.memory_type else None,
        importance=f.importance.value if f.importance else None,
        include_archived=f.include_archived,
    )
    store = info.context.stores.memories
    page = await user_lists.list_of(info, store, "memories", query, first, after)
    return Connection.of_records(page, UserMemory.from_record)


VIEWER_FIELDS = {
    "memories": strawberry.field(
        resolver=_memories, description="Importance, then usage count, then newest."
    ),
}

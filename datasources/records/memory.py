"""User memory: pk `user#<userId>`, sk `userMemory#<memoryId>`; coachId absent = global."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, ClassVar

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
    # The app's (libs/memory/types.ts:26-102): follow-ups and the memory's lifecycle.
    prospective: dict[str, Any] | None = None
    lifecycle: dict[str, Any] | None = None


class MemoryAttributes(CamelModel):
    memory_id: str
    user_id: str
    coach_id: str | None = None
    content: str
    memory_type: str
    metadata: MemoryMetadata = Field(default_factory=MemoryMetadata)


class MemoryRecord(ItemRecord):
    ENTITY_TYPE: ClassVar[str] = keys.MEMORY
    SK_OF: ClassVar[Callable[..., str]] = staticmethod(keys.memory_sk)
    attributes: MemoryAttributes

    @classmethod
    def new(cls, attrs: MemoryAttributes, now: datetime) -> MemoryRecord:
        return cls.create(
            pk=keys.user_pk(attrs.user_id),
            sk=keys.memory_sk(attrs.memory_id),
            entity_type=keys.MEMORY,
            created_at=now,
            updated_at=now,
            attributes=attrs,
        )

    def list_key(self) -> str:
        """Importance (high first), then usage count (most first), then newest."""
        attrs = self.attributes
        meta = attrs.metadata
        return keys.memory_list_key(
            meta.importance, meta.usage_count, meta.created_at or self.created_at, attrs.memory_id
        )

    @property
    def archived(self) -> bool:
        """The app's memory lifecycle can archive a memory; its own lists hide those."""
        return (self.attributes.metadata.lifecycle or {}).get("state") == "archived"

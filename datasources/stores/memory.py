"""User memories, listed in importance / usage / age order through the LSI."""

from __future__ import annotations

from datasources import keys
from datasources.records import MemoryRecord
from datasources.stores.base import EntityStore


class MemoryStore(EntityStore[MemoryRecord]):
    record_type = MemoryRecord

    async def get(self, user_id: str, memory_id: str) -> MemoryRecord | None:
        return await self.get_by_key(keys.user_pk(user_id), keys.memory_sk(memory_id))

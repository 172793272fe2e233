"""Coach creator sessions (with their S3 histories)."""

from __future__ import annotations

from typing import Any

from datasources import keys
from datasources.records import SessionRecord
from datasources.stores.base import EntityStore


class SessionStore(EntityStore[SessionRecord]):
    record_type = SessionRecord

    async def get(self, user_id: str, session_id: str) -> SessionRecord | None:
        return await self.get_by_key(keys.user_pk(user_id), keys.session_sk(session_id))

    async def create(self, record: SessionRecord, history: dict[str, Any]) -> None:
        """History to S3 first, then the item naming it (with its checksum)."""
        attrs = record.attributes
        key = keys.session_history_key(attrs.user_id, attrs.session_id)
        stored = await self.content.put_json(key, history)
        attrs.s3_bucket = self.content.bucket
        attrs.s3_key = stored.key
        attrs.history = stored.to_pointer()
        await self.put_new(record)

"""Conversation summaries of a user."""

from __future__ import annotations

from datasources import keys
from datasources.records import SummaryRecord
from datasources.stores.base import EntityStore


class SummaryStore(EntityStore[SummaryRecord]):
    record_type = SummaryRecord

    async def get(self, user_id: str, conversation_id: str) -> SummaryRecord | None:
        return await self.get_by_key(keys.user_pk(user_id), keys.summary_sk(conversation_id))

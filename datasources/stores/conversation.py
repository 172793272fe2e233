"""Coach conversations, their messages and the S3 message archive."""

from __future__ import annotations

from typing import Any

from datasources import keys
from datasources.records import ConversationRecord, Message
from datasources.records.conversation import ArchiveChunk
from datasources.stores.base import EntityStore


class ConversationStore(EntityStore[ConversationRecord]):
    record_type = ConversationRecord

    async def get(
        self, user_id: str, coach_id: str, conversation_id: str
    ) -> ConversationRecord | None:
        return await self.get_by_key(
            keys.user_pk(user_id), keys.conversation_sk(coach_id, conversation_id)
        )

    async def create(
        self,
        record: ConversationRecord,
        archived: list[list[Message]] | None = None,
        transcript: dict[str, Any] | None = None,
    ) -> None:
        """Archive chunks and transcript to S3 first, then the item that names them."""
        attrs = record.attributes
        if archived:
            chunks = []
            for index, messages in enumerate(archived):
                key = keys.message_archive_key(attrs.user_id, attrs.conversation_id, index)
                body = [m.model_dump(by_alias=True, mode="json") for m in messages]
                stored = await self.content.put_json(key, {"messages": body})
                chunks.append(
                    ArchiveChunk(
                        s3_key=stored.key,
                        count=len(messages),
                        sha256=stored.sha256,
                        size_bytes=stored.size_bytes,
                        first_message_id=messages[0].id,
                        last_message_id=messages[-1].id,
                    )
                )
            attrs.message_archive = chunks
        if transcript is not None:
            stored = await self.content.put_json(
                keys.transcript_key(attrs.user_id, attrs.conversation_id), transcript
            )
            attrs.transcript = stored.to_pointer()
        await self.put_new(record)

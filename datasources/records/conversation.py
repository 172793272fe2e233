"""Coach conversation: pk `user#<userId>`, sk `coachConversation#<coachId>#<conversationId>`.

Messages live in the item (`attributes.messages`). Long conversations keep their older
messages in S3 chunks described by `attributes.messageArchive` (ours, see docs/storage.md):
chunk `i` holds messages `[sum(counts[:i]), sum(counts[:i+1]))` in order, and the item's
`messages` continue after them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, ClassVar

from pydantic import Field

from datasources import keys
from datasources.records.base import CamelModel, ItemRecord, Timestamp


class MessageMetadata(CamelModel):
    workout_detected: bool | None = None
    extraction_confidence: float | None = None


class Message(CamelModel):
    id: str
    role: str
    content: str = ""
    timestamp: Timestamp
    metadata: MessageMetadata | None = None
    # The app's (libs/coach-conversation/types.ts:84-108): attachments in S3.
    message_type: str | None = None
    image_s3_keys: list[str] | None = Field(default=None, alias="imageS3Keys")
    document_s3_keys: list[str] | None = Field(default=None, alias="documentS3Keys")


class ConversationMetadata(CamelModel):
    created_at: Timestamp | None = None  # the seed's name
    started_at: Timestamp | None = None  # the app's name for the same moment
    last_activity: Timestamp | None = None
    total_messages: int = 0
    tags: list[str] = Field(default_factory=list)
    is_active: bool = True


class AthleteProfile(CamelModel):
    summary: str | None = None
    last_updated: Timestamp | None = None  # the seed's name
    updated_at: Timestamp | None = None  # the app's name
    version: int | None = None
    confidence: float | None = None
    sources: list[str] | None = None


class ArchiveChunk(CamelModel):
    s3_key: str
    count: int
    sha256: str
    size_bytes: int
    first_message_id: str | None = None
    last_message_id: str | None = None


class ConversationAttributes(CamelModel):
    user_id: str
    coach_id: str
    conversation_id: str
    title: str | None = None
    mode: str | None = None  # the app's: chat, program_design, workout_log, ...
    messages: list[Message] = Field(default_factory=list)
    metadata: ConversationMetadata = Field(default_factory=ConversationMetadata)
    athlete_profile: AthleteProfile | None = None
    message_archive: list[ArchiveChunk] | None = None
    transcript: dict[str, Any] | None = None  # pointer to the S3 transcript, when written


class ConversationRecord(ItemRecord):
    ENTITY_TYPE: ClassVar[str] = keys.CONVERSATION
    SK_OF: ClassVar[Callable[..., str]] = staticmethod(keys.conversation_sk)
    attributes: ConversationAttributes

    @classmethod
    def new(cls, attrs: ConversationAttributes, now: datetime) -> ConversationRecord:
        return cls.create(
            pk=keys.user_pk(attrs.user_id),
            sk=keys.conversation_sk(attrs.coach_id, attrs.conversation_id),
            entity_type=keys.CONVERSATION,
            created_at=now,
            updated_at=now,
            attributes=attrs,
        )

    def list_key(self) -> str:
        """Most recently active first (the list reads this order backwards)."""
        meta = self.attributes.metadata
        last = meta.last_activity or meta.started_at or meta.created_at or self.created_at
        return keys.conversation_list_key(last, self.attributes.conversation_id)

    @property
    def archived_count(self) -> int:
        return sum(c.count for c in self.attributes.message_archive or [])

"""Conversation summary: pk `user#<userId>`, sk `conversation#<conversationId>#summary`."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pydantic import Field

from datasources import keys
from datasources.records.base import CamelModel, ItemRecord, SnakeModel, Timestamp


class KeyFacts(SnakeModel):
    current_goals: list[str] | None = None
    recent_progress: list[str] | None = None
    preferences: list[str] | None = None
    constraints: list[str] | None = None
    schedule_context: list[str] | None = None


class StructuredData(SnakeModel):
    narrative_summary: str | None = None
    key_facts: KeyFacts | None = None
    emotional_state: str | None = None
    action_items: list[str] | None = None
    last_updated: Timestamp | None = None


class MessageRange(CamelModel):
    start_message_id: str | None = None
    end_message_id: str | None = None
    total_messages: int | None = None


class SummaryMetadata(CamelModel):
    created_at: Timestamp | None = None
    confidence: float | None = None
    trigger_reason: str | None = None
    message_range: MessageRange | None = None


class SummaryAttributes(CamelModel):
    summary_id: str
    user_id: str
    coach_id: str
    conversation_id: str
    summary_text: str
    structured_data: StructuredData | None = None
    metadata: SummaryMetadata = Field(default_factory=SummaryMetadata)


class SummaryRecord(ItemRecord):
    ENTITY_TYPE: ClassVar[str] = keys.SUMMARY
    attributes: SummaryAttributes

    @classmethod
    def new(cls, attrs: SummaryAttributes, now: datetime) -> SummaryRecord:
        return cls.create(
            pk=keys.user_pk(attrs.user_id),
            sk=keys.summary_sk(attrs.conversation_id),
            entity_type=keys.SUMMARY,
            created_at=now,
            updated_at=now,
            lsi1sk=keys.summary_lsi(now, attrs.conversation_id),
            attributes=attrs,
        )

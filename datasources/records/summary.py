"""Conversation summary: pk `user#<userId>`, sk `conversation#<conversationId>#summary`."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

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
    # A string in the seed; the app's older summaries hold a map here.
    emotional_state: Any = None
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
    # The seed's text; the app writes `narrative` instead (and older items `summary`).
    summary_text: str | None = None
    narrative: str | None = None
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
            attributes=attrs,
        )

    def list_key(self) -> str:
        """Newest first (the list reads this order backwards)."""
        return keys.summary_list_key(self.created_at, self.attributes.conversation_id)

    @property
    def text(self) -> str:
        """The summary's text, whichever shape wrote it."""
        attrs = self.attributes
        extra = attrs.model_extra or {}
        legacy = extra.get("summary") if isinstance(extra.get("summary"), str) else None
        return attrs.summary_text or attrs.narrative or legacy or ""

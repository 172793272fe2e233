"""Conversation summary: pk `user#<userId>`, sk `conversation#<conversationId>#summary`."""

from __future__ import annotations

from collections.abc import Callable
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


# The lists of the app's structured data (flat v2: libs/coach-conversation/types.ts:188-
# 196); the first four are read unguarded on every chat turn (summary.ts:399-411).
APP_LISTS = (
    "current_goals",
    "recent_progress",
    "training_preferences",
    "schedule_constraints",
    "key_insights",
    "important_context",
    "conversation_tags",
)
REQUIRED_LISTS = APP_LISTS[:2] + APP_LISTS[4:6]
# The seed's key facts, as the app's lists hold them (one fact list, two names).
KEY_FACT_LISTS = {
    "current_goals": "current_goals",
    "recent_progress": "recent_progress",
    "preferences": "training_preferences",
    "schedule_context": "schedule_constraints",
    "constraints": "important_context",
}


class StructuredData(SnakeModel):
    # The app's (flat v2).
    current_goals: list[str] | None = None
    recent_progress: list[str] | None = None
    training_preferences: list[str] | None = None
    schedule_constraints: list[str] | None = None
    key_insights: list[str] | None = None
    important_context: list[str] | None = None
    conversation_tags: list[str] | None = None
    # The seed's.
    narrative_summary: str | None = None
    key_facts: KeyFacts | None = None
    # A string in the seed; the app's older summaries hold a map here.
    emotional_state: Any = None
    action_items: list[str] | None = None
    last_updated: Timestamp | None = None

    def facts(self) -> KeyFacts:
        """The seed's key facts: as stored, or read from the app's lists."""
        if self.key_facts is not None:
            return self.key_facts
        return KeyFacts(**{fact: getattr(self, listed) for fact, listed in KEY_FACT_LISTS.items()})


class MessageRange(CamelModel):
    start_message_id: str | None = None
    end_message_id: str | None = None
    total_messages: int | None = None


class SummaryMetadata(CamelModel):
    created_at: Timestamp | None = None
    confidence: float | None = None
    trigger_reason: str | None = None
    message_range: MessageRange | None = None
    complexity_indicators: list[str] | None = None  # the app's


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
    SK_OF: ClassVar[Callable[..., str]] = staticmethod(keys.summary_sk)
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
        """The summary's text, whichever shape wrote it (the app reads `narrative`)."""
        attrs = self.attributes
        extra = attrs.model_extra or {}
        legacy = extra.get("summary") if isinstance(extra.get("summary"), str) else None
        return attrs.narrative or attrs.summary_text or legacy or ""

    def fill_app_defaults(self) -> None:
        # Every chat turn reads four lists of the structured data unguarded
        # (libs/coach-conversation/summary.ts:399-411); the next summary build reads
        # metadata.messageRange.totalMessages (build-conversation-summary/handler.ts:103).
        attrs = self.attributes
        if attrs.structured_data is None:
            attrs.structured_data = StructuredData()
        for name in REQUIRED_LISTS:
            if getattr(attrs.structured_data, name) is None:
                setattr(attrs.structured_data, name, [])
        if attrs.metadata.message_range is None:
            attrs.metadata.message_range = MessageRange(total_messages=0)
        elif attrs.metadata.message_range.total_messages is None:
            attrs.metadata.message_range.total_messages = 0

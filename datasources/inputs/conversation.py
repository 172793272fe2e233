"""Conversation and summary inputs."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

from datasources.enums import Known, MessageRole
from datasources.inputs.common import Id, Tag, Version, When, WriteInput
from datasources.uploads import MAX_MESSAGE_DOCUMENTS, MAX_MESSAGE_IMAGES

# An uploaded object's key (`user-uploads/<userId>/<nanoid>.<ext>`, from createUploadUrls).
UploadKey = Annotated[str, Field(min_length=1, max_length=512)]


class MessageIn(BaseModel):
    message_id: Id | None = None
    role: Known[MessageRole]
    content: str = Field(min_length=1, max_length=20_000)
    timestamp: When | None = None
    workout_detected: bool | None = None
    extraction_confidence: float | None = Field(default=None, ge=0, le=1)
    # The athlete's uploads (the app's CoachMessage, libs/coach-conversation/types.ts:90-92).
    image_s3_keys: list[UploadKey] | None = Field(default=None, max_length=MAX_MESSAGE_IMAGES)
    document_s3_keys: list[UploadKey] | None = Field(default=None, max_length=MAX_MESSAGE_DOCUMENTS)


class StartConversation(WriteInput):
    coach_id: Id
    conversation_id: Id | None = None
    title: str | None = Field(default=None, max_length=200)
    tags: list[Tag] | None = Field(default=None, max_length=20)
    messages: list[MessageIn] | None = Field(default=None, max_length=50)


class SendMessage(WriteInput):
    conversation_id: Id
    coach_id: Id
    messages: list[MessageIn] = Field(min_length=1, max_length=50)


class UpdateConversation(WriteInput):
    conversation_id: Id
    coach_id: Id
    expected_version: Version
    title: str | None = Field(default=None, max_length=200)
    tags: list[Tag] | None = Field(default=None, max_length=20)
    is_active: bool | None = None


class DeleteConversation(WriteInput):
    conversation_id: Id
    coach_id: Id
    expected_version: Version


Items = Field(default=None, max_length=50)


class KeyFactsIn(BaseModel):
    current_goals: list[str] | None = Items
    recent_progress: list[str] | None = Items
    preferences: list[str] | None = Items
    constraints: list[str] | None = Items
    schedule_context: list[str] | None = Items


class StructuredDataIn(BaseModel):
    # NeonPanda's app's lists (libs/coach-conversation/types.ts:188-196): what its chat reads.
    current_goals: list[str] | None = Items
    recent_progress: list[str] | None = Items
    training_preferences: list[str] | None = Items
    schedule_constraints: list[str] | None = Items
    key_insights: list[str] | None = Items
    important_context: list[str] | None = Items
    conversation_tags: list[str] | None = Items
    # The seed's (its key facts land in the app's lists too).
    narrative_summary: str | None = Field(default=None, max_length=10_000)
    key_facts: KeyFactsIn | None = None
    emotional_state: str | None = Field(default=None, max_length=200)
    action_items: list[str] | None = Items


class MessageRangeIn(BaseModel):
    start_message_id: str | None = None
    end_message_id: str | None = None
    total_messages: int | None = Field(default=None, ge=0)


class SaveConversationSummary(WriteInput):
    conversation_id: Id
    coach_id: Id
    summary_text: str = Field(min_length=1, max_length=20_000)
    structured_data: StructuredDataIn | None = None
    confidence: float | None = Field(default=None, ge=0, le=1)
    trigger_reason: str | None = Field(default=None, max_length=80)
    complexity_indicators: list[str] | None = Items
    message_range: MessageRangeIn | None = None

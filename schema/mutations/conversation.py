"""Conversation and summary mutations."""

from __future__ import annotations

from enum import Enum

import strawberry
from pydantic import BaseModel, Field
from strawberry.experimental.pydantic import input as pydantic_input

from resolvers.context import Info
from resolvers.mutations import conversation as writes
from schema.conversation import CoachConversation, ConversationMessage
from schema.mutations.common import Id, IdempotencyKey, Tag, Version, When, to_model
from schema.summary import ConversationSummary


@strawberry.enum
class MessageRole(Enum):
    USER = "user"
    ASSISTANT = "assistant"


class MessageIn(BaseModel):
    message_id: Id | None = None
    role: MessageRole
    content: str = Field(min_length=1, max_length=20_000)
    timestamp: When | None = None
    workout_detected: bool | None = None
    extraction_confidence: float | None = Field(default=None, ge=0, le=1)


class StartConversation(BaseModel):
    coach_id: Id
    conversation_id: Id | None = None
    title: str | None = Field(default=None, max_length=200)
    tags: list[Tag] | None = Field(default=None, max_length=20)
    messages: list[MessageIn] | None = Field(default=None, max_length=50)
    idempotency_key: IdempotencyKey | None = None


class SendMessage(BaseModel):
    conversation_id: Id
    coach_id: Id
    messages: list[MessageIn] = Field(min_length=1, max_length=50)
    idempotency_key: IdempotencyKey | None = None


class UpdateConversation(BaseModel):
    conversation_id: Id
    coach_id: Id
    expected_version: Version
    title: str | None = Field(default=None, max_length=200)
    tags: list[Tag] | None = Field(default=None, max_length=20)
    is_active: bool | None = None
    idempotency_key: IdempotencyKey | None = None


class DeleteConversation(BaseModel):
    conversation_id: Id
    coach_id: Id
    expected_version: Version
    idempotency_key: IdempotencyKey | None = None


Items = Field(default=None, max_length=50)


class KeyFactsIn(BaseModel):
    current_goals: list[str] | None = Items
    recent_progress: list[str] | None = Items
    preferences: list[str] | None = Items
    constraints: list[str] | None = Items
    schedule_context: list[str] | None = Items


class StructuredDataIn(BaseModel):
    narrative_summary: str | None = Field(default=None, max_length=10_000)
    key_facts: KeyFactsIn | None = None
    emotional_state: str | None = Field(default=None, max_length=200)
    action_items: list[str] | None = Items


class MessageRangeIn(BaseModel):
    start_message_id: str | None = None
    end_message_id: str | None = None
    total_messages: int | None = Field(default=None, ge=0)


class SaveConversationSummary(BaseModel):
    conversation_id: Id
    coach_id: Id
    summary_text: str = Field(min_length=1, max_length=20_000)
    structured_data: StructuredDataIn | None = None
    confidence: float | None = Field(default=None, ge=0, le=1)
    trigger_reason: str | None = Field(default=None, max_length=80)
    message_range: MessageRangeIn | None = None
    idempotency_key: IdempotencyKey | None = None


@pydantic_input(model=MessageIn, all_fields=True, name="MessageInput")
class MessageInput:
    message_id: strawberry.ID | None = None


@pydantic_input(model=KeyFactsIn, all_fields=True, name="KeyFactsInput")
class KeyFactsInput:
    pass


@pydantic_input(model=StructuredDataIn, all_fields=True, name="SummaryStructuredDataInput")
class SummaryStructuredDataInput:
    pass


@pydantic_input(model=MessageRangeIn, all_fields=True, name="MessageRangeInput")
class MessageRangeInput:
    pass


@pydantic_input(model=StartConversation, all_fields=True)
class StartConversationInput:
    coach_id: strawberry.ID
    conversation_id: strawberry.ID | None = None


@pydantic_input(model=SendMessage, all_fields=True)
class SendMessageInput:
    conversation_id: strawberry.ID
    coach_id: strawberry.ID


@pydantic_input(model=UpdateConversation, all_fields=True)
class UpdateConversationInput:
    conversation_id: strawberry.ID
    coach_id: strawberry.ID


@pydantic_input(model=DeleteConversation, all_fields=True)
class DeleteConversationInput:
    conversation_id: strawberry.ID
    coach_id: strawberry.ID


@pydantic_input(model=SaveConversationSummary, all_fields=True)
class SaveConversationSummaryInput:
    conversation_id: strawberry.ID
    coach_id: strawberry.ID


@strawberry.type
class StartConversationPayload:
    conversation: CoachConversation


@strawberry.type
class SendMessagePayload:
    conversation: CoachConversation
    messages: list[ConversationMessage] = strawberry.field(
        description="The messages this call appended (empty on an idempotent replay)."
    )


@strawberry.type
class UpdateConversationPayload:
    conversation: CoachConversation


@strawberry.type
class DeleteConversationPayload:
    deleted_conversation_id: strawberry.ID


@strawberry.type
class SaveConversationSummaryPayload:
    summary: ConversationSummary


async def start_conversation(info: Info, input: StartConversationInput) -> StartConversationPayload:
    record = await writes.start_conversation(info, to_model(input, StartConversation))
    return StartConversationPayload(conversation=CoachConversation.from_record(record))


async def send_message(info: Info, input: SendMessageInput) -> SendMessagePayload:
    record, new = await writes.send_message(info, to_model(input, SendMessage))
    return SendMessagePayload(
        conversation=CoachConversation.from_record(record),
        messages=[ConversationMessage.from_message(m) for m in new],
    )


async def update_conversation(
    info: Info, input: UpdateConversationInput
) -> UpdateConversationPayload:
    record = await writes.update_conversation(info, to_model(input, UpdateConversation))
    return UpdateConversationPayload(conversation=CoachConversation.from_record(record))


async def delete_conversation(
    info: Info, input: DeleteConversationInput
) -> DeleteConversationPayload:
    deleted = await writes.delete_conversation(info, to_model(input, DeleteConversation))
    return DeleteConversationPayload(deleted_conversation_id=strawberry.ID(deleted))


async def save_conversation_summary(
    info: Info, input: SaveConversationSummaryInput
) -> SaveConversationSummaryPayload:
    record = await writes.save_summary(info, to_model(input, SaveConversationSummary))
    return SaveConversationSummaryPayload(summary=ConversationSummary.from_record(record))

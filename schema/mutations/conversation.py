"""Conversation and summary mutation inputs, payloads and resolvers."""

from __future__ import annotations

import strawberry
from strawberry.experimental.pydantic import input as pydantic_input

from datasources.inputs.conversation import (
    DeleteConversation,
    KeyFactsIn,
    MessageIn,
    MessageRangeIn,
    SaveConversationSummary,
    SendMessage,
    StartConversation,
    StructuredDataIn,
    UpdateConversation,
)
from resolvers.context import Info
from schema.conversation import CoachConversation, ConversationMessage
from schema.enums import MessageRole  # noqa: F401 (registered before the inputs)
from schema.mutations.common import validated
from schema.summary import ConversationSummary


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
    user_id = info.context.require_user().user_id
    data = validated(input, StartConversation)
    record = await info.context.stores.conversations.start(user_id, data)
    return StartConversationPayload(conversation=CoachConversation.from_record(record))


async def send_message(info: Info, input: SendMessageInput) -> SendMessagePayload:
    user_id = info.context.require_user().user_id
    data = validated(input, SendMessage)
    record, new = await info.context.stores.conversations.send(user_id, data)
    return SendMessagePayload(
        conversation=CoachConversation.from_record(record),
        messages=[ConversationMessage.from_message(m) for m in new],
    )


async def update_conversation(
    info: Info, input: UpdateConversationInput
) -> UpdateConversationPayload:
    user_id = info.context.require_user().user_id
    data = validated(input, UpdateConversation)
    record = await info.context.stores.conversations.update(user_id, data)
    return UpdateConversationPayload(conversation=CoachConversation.from_record(record))


async def delete_conversation(
    info: Info, input: DeleteConversationInput
) -> DeleteConversationPayload:
    user_id = info.context.require_user().user_id
    data = validated(input, DeleteConversation)
    deleted = await info.context.stores.conversations.delete(user_id, data)
    return DeleteConversationPayload(deleted_conversation_id=strawberry.ID(deleted))


async def save_conversation_summary(
    info: Info, input: SaveConversationSummaryInput
) -> SaveConversationSummaryPayload:
    user_id = info.context.require_user().user_id
    data = validated(input, SaveConversationSummary)
    record = await info.context.stores.summaries.save(user_id, data)
    return SaveConversationSummaryPayload(summary=ConversationSummary.from_record(record))


MUTATIONS = {
    "start_conversation": strawberry.mutation(resolver=start_conversation),
    "send_message": strawberry.mutation(resolver=send_message),
    "update_conversation": strawberry.mutation(resolver=update_conversation),
    "delete_conversation": strawberry.mutation(resolver=delete_conversation),
    "save_conversation_summary": strawberry.mutation(resolver=save_conversation_summary),
}

"""startConversation / sendMessage / updateConversation / deleteConversation /
saveConversationSummary."""

from __future__ import annotations

import strawberry

from datasources.inputs.conversation import (
    DeleteConversation,
    SaveConversationSummary,
    SendMessage,
    StartConversation,
    UpdateConversation,
)
from resolvers.context import Info
from schema.conversation import CoachConversation, ConversationMessage
from schema.mutations.common import validated
from schema.mutations.conversation import (
    DeleteConversationInput,
    DeleteConversationPayload,
    SaveConversationSummaryInput,
    SaveConversationSummaryPayload,
    SendMessageInput,
    SendMessagePayload,
    StartConversationInput,
    StartConversationPayload,
    UpdateConversationInput,
    UpdateConversationPayload,
)
from schema.summary import ConversationSummary


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

"""`CoachConversation` and its messages (in the item, and in the S3 archive when long)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, cast

import strawberry
from strawberry.scalars import JSON

from datasources.enums import read
from datasources.records import CoachRecord, ConversationRecord, Message, SummaryRecord
from datasources.stores.conversation import ConversationQuery
from resolvers import user_lists
from resolvers.context import Info
from resolvers.errors import not_found
from resolvers.messages import message_page
from schema.coach import Coach
from schema.connection import Connection
from schema.content import StoredContent
from schema.convert import maybe
from schema.enums import MessageRole
from schema.node import Node, encode_global_id
from schema.summary import ConversationSummary


@strawberry.type
class AthleteProfile:
    summary: str | None
    last_updated: datetime | None
    version: int | None
    confidence: float | None
    sources: list[str] | None


@strawberry.type
class ConversationMessage:
    message_id: strawberry.ID
    role: MessageRole = strawberry.field(
        description="OTHER for a stored role this API does not know (see roleName)."
    )
    role_name: str = strawberry.field(description="The role as stored.")
    content: str
    timestamp: datetime
    message_type: str | None = strawberry.field(
        description="The app's: text, text_with_images, text_with_attachments, voice."
    )
    images: list[StoredContent]
    documents: list[StoredContent]
    workout_detected: bool | None
    extraction_confidence: float | None
    metadata: JSON | None

    @staticmethod
    def from_message(message: Message) -> ConversationMessage:
        meta = message.metadata
        return ConversationMessage(
            message_id=strawberry.ID(message.id),
            role=read(MessageRole, message.role),
            role_name=message.role,
            content=message.content,
            timestamp=message.timestamp,
            message_type=message.message_type,
            images=StoredContent.from_keys(message.image_s3_keys),
            documents=StoredContent.from_keys(message.document_s3_keys),
            workout_detected=meta.workout_detected if meta else None,
            extraction_confidence=meta.extraction_confidence if meta else None,
            metadata=cast(JSON, meta.model_dump(by_alias=True, mode="json")) if meta else None,
        )


@strawberry.type
class CoachConversation(Node):
    conversation_id: strawberry.ID
    coach_id: strawberry.ID
    title: str | None
    mode: str | None = strawberry.field(
        description="The app's: chat, program_design, workout_log, coach_creator, workout_edit."
    )
    tags: list[str]
    is_active: bool
    last_activity: datetime | None
    athlete_profile: AthleteProfile | None
    created_at: datetime
    updated_at: datetime
    version: int
    _record: strawberry.Private[ConversationRecord]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return encode_global_id("CoachConversation", self.coach_id, self.conversation_id)

    @strawberry.field
    async def coach(self, info: Info) -> Coach | None:
        user_id = info.context.require_user().user_id
        record = await info.context.loaders.of(CoachRecord).load((user_id, self.coach_id))
        return Coach.from_record(record) if record else None

    @strawberry.field
    async def summary(self, info: Info) -> ConversationSummary | None:
        user_id = info.context.require_user().user_id
        record = await info.context.loaders.of(SummaryRecord).load((user_id, self.conversation_id))
        return ConversationSummary.from_record(record) if record else None

    @strawberry.field(description="The full transcript in S3, when one was written.")
    def transcript(self) -> StoredContent | None:
        return StoredContent.from_pointer(self._record.attributes.transcript)

    async def _whole(self, info: Info) -> ConversationRecord:
        """The whole item: a listed conversation was read without its messages."""
        if not self._record.partial:
            return self._record
        user_id = info.context.require_user().user_id
        record = await info.context.loaders.of(ConversationRecord).load(
            (user_id, str(self.coach_id), str(self.conversation_id))
        )
        if record is None:  # deleted since the list was read
            raise not_found("Conversation")
        self._record = record
        return record

    @strawberry.field(description="Messages in the conversation, archived ones included.")
    async def total_messages(self, info: Info) -> int:
        record = await self._whole(info)
        return record.archived_count + len(record.attributes.messages)

    @strawberry.field(
        description="Every message, oldest first, whether kept in the item or archived in S3."
    )
    async def messages(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[ConversationMessage] | None:
        page = await message_page(info, await self._whole(info), first, after, last, before)
        return Connection.build(
            [ConversationMessage.from_message(m) for m in page.messages],
            page.cursors,
            has_next=page.has_next,
            has_previous=page.has_previous,
            count=page.count,
        )

    @staticmethod
    def from_record(record: ConversationRecord) -> CoachConversation:
        attrs = record.attributes
        meta = attrs.metadata
        profile: dict[str, Any] | None = (
            attrs.athlete_profile.model_dump(by_alias=False) if attrs.athlete_profile else None
        )
        return CoachConversation(
            conversation_id=strawberry.ID(attrs.conversation_id),
            coach_id=strawberry.ID(attrs.coach_id),
            title=attrs.title,
            mode=attrs.mode,
            tags=list(meta.tags),
            is_active=meta.is_active,
            last_activity=meta.last_activity,
            athlete_profile=maybe(AthleteProfile, profile),
            created_at=record.created_at,
            updated_at=record.updated_at,
            version=record.version,
            _record=record,
        )


# --- the viewer's fields (User, through schema/entities.py) ---------------------------


async def _conversations(
    info: Info,
    coach_id: strawberry.ID | None = None,
    is_active: bool | None = None,
    first: int | None = None,
    after: str | None = None,
    mode: Annotated[
        str | None, strawberry.argument(description="The app's conversation mode.")
    ] = None,
) -> Connection[CoachConversation] | None:
    query = ConversationQuery(coach_id=coach_id, is_active=is_active, mode=mode)
    store = info.context.stores.conversations
    page = await user_lists.list_of(info, store, "conversations", query, first, after)
    return Connection.of_records(page, CoachConversation.from_record)


async def _conversation(
    info: Info, conversation_id: strawberry.ID, coach_id: strawberry.ID | None = None
) -> CoachConversation | None:
    record = await user_lists.find_conversation(info, conversation_id, coach_id)
    return CoachConversation.from_record(record) if record else None


VIEWER_FIELDS = {
    "conversations": strawberry.field(
        resolver=_conversations, description="Most recently active first."
    ),
    "conversation": strawberry.field(
        resolver=_conversation,
        description="One conversation. Give `coachId` too for a direct read by key.",
    ),
}

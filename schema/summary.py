"""`ConversationSummary`: the summariser's structured digest of a conversation."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, cast

import strawberry
from strawberry.scalars import JSON

from datasources.records import ConversationRecord, SummaryRecord
from datasources.stores.summary import SummaryQuery
from resolvers import user_lists
from resolvers.context import Info
from schema.connection import Connection
from schema.convert import maybe
from schema.node import Node, encode_global_id

if TYPE_CHECKING:
    from schema.conversation import CoachConversation


@strawberry.type
class KeyFacts:
    current_goals: list[str] | None
    recent_progress: list[str] | None
    preferences: list[str] | None
    constraints: list[str] | None
    schedule_context: list[str] | None


@strawberry.type
class SummaryStructuredData:
    current_goals: list[str] | None
    recent_progress: list[str] | None
    training_preferences: list[str] | None
    schedule_constraints: list[str] | None
    key_insights: list[str] | None
    important_context: list[str] | None
    conversation_tags: list[str] | None
    narrative_summary: str | None
    key_facts: KeyFacts | None = strawberry.field(
        description="The seed's key facts: as stored, or read from NeonPanda's app's lists "
        "(preferences = trainingPreferences, scheduleContext = scheduleConstraints, "
        "constraints = importantContext)."
    )
    emotional_state: str | None
    action_items: list[str] | None
    last_updated: datetime | None


@strawberry.type
class MessageRange:
    start_message_id: str | None
    end_message_id: str | None
    total_messages: int | None


@strawberry.type
class ConversationSummary(Node):
    summary_id: strawberry.ID
    conversation_id: strawberry.ID
    coach_id: strawberry.ID
    summary_text: str = strawberry.field(
        description="The summary's text (the seed's summaryText, or the app's narrative)."
    )
    narrative: str | None
    structured_data: SummaryStructuredData | None
    details: JSON | None = strawberry.field(
        description="The structured data as stored (its shape depends on the summariser)."
    )
    confidence: float | None
    trigger_reason: str | None
    complexity_indicators: list[str] | None
    message_range: MessageRange | None
    created_at: datetime
    updated_at: datetime
    version: int

    @strawberry.field
    def id(self) -> strawberry.ID:
        return encode_global_id("ConversationSummary", self.conversation_id)

    @strawberry.field
    async def conversation(
        self, info: Info
    ) -> Annotated[CoachConversation, strawberry.lazy("schema.conversation")] | None:
        from schema.conversation import CoachConversation

        record = await info.context.loaders.of(ConversationRecord).load(
            (info.context.require_user().user_id, self.coach_id, self.conversation_id)
        )
        return CoachConversation.from_record(record) if record else None

    @staticmethod
    def from_record(record: SummaryRecord) -> ConversationSummary:
        attrs = record.attributes
        data = attrs.model_dump(by_alias=False)
        structured = data.get("structured_data")
        if isinstance(structured, dict) and attrs.structured_data is not None:
            # A copy: `details` stays as stored.
            structured = {**structured, "key_facts": attrs.structured_data.facts().model_dump()}
        return ConversationSummary(
            summary_id=strawberry.ID(attrs.summary_id),
            conversation_id=strawberry.ID(attrs.conversation_id),
            coach_id=strawberry.ID(attrs.coach_id),
            summary_text=record.text,
            narrative=attrs.narrative,
            details=cast(JSON, data.get("structured_data")),
            structured_data=maybe(SummaryStructuredData, structured),
            confidence=attrs.metadata.confidence,
            trigger_reason=attrs.metadata.trigger_reason,
            complexity_indicators=attrs.metadata.complexity_indicators,
            message_range=maybe(MessageRange, data["metadata"].get("message_range")),
            created_at=record.created_at,
            updated_at=record.updated_at,
            version=record.version,
        )


# --- the viewer's fields (User, through schema/entities.py) ---------------------------


async def _conversation_summaries(
    info: Info,
    coach_id: strawberry.ID | None = None,
    first: int | None = None,
    after: str | None = None,
) -> Connection[ConversationSummary] | None:
    store = info.context.stores.summaries
    page = await user_lists.list_of(
        info, store, "summaries", SummaryQuery(coach_id=coach_id), first, after
    )
    return Connection.of_records(page, ConversationSummary.from_record)


VIEWER_FIELDS = {
    "conversation_summaries": strawberry.field(
        resolver=_conversation_summaries, description="Newest first."
    ),
}

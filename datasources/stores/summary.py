"""Conversation summaries: one per conversation, replaced by each new summary."""

from __future__ import annotations

from dataclasses import dataclass

from boto3.dynamodb.conditions import ConditionBase

from datasources import keys
from datasources.errors import Busy, Cancelled, NotFound
from datasources.idempotency import Intent
from datasources.inputs.conversation import SaveConversationSummary
from datasources.records import SummaryAttributes, SummaryRecord, utcnow
from datasources.records.summary import (
    KeyFacts,
    MessageRange,
    StructuredData,
    SummaryMetadata,
)
from datasources.stores.base import EntityStore, field
from datasources.transaction import Transaction, exists


@dataclass(frozen=True)
class SummaryQuery:
    coach_id: str | None = None


class SummaryStore(EntityStore[SummaryRecord, SummaryQuery]):
    """Listed newest first."""

    record_type = SummaryRecord
    what = "Summary"
    sk_prefix = keys.SUMMARY_SK

    newest_first = True

    @classmethod
    def where(cls, query: SummaryQuery) -> ConditionBase | None:
        coach = query.coach_id
        return field(SummaryRecord, "attributes", "coach_id").eq(coach) if coach else None

    async def get(self, user_id: str, conversation_id: str) -> SummaryRecord | None:
        return await self.get_by_key(keys.user_pk(user_id), keys.summary_sk(conversation_id))

    async def save(self, user_id: str, data: SaveConversationSummary) -> SummaryRecord:
        """The summariser's write: replaces the conversation's summary (same summaryId,
        version + 1); the conversation must exist."""
        intent = Intent.of(user_id, data)
        return await self._once(intent, lambda: self._save(user_id, data, intent), self._reload)

    async def _save(
        self, user_id: str, data: SaveConversationSummary, intent: Intent
    ) -> SummaryRecord:
        now = utcnow()
        key = (keys.user_pk(user_id), keys.summary_sk(data.conversation_id))
        existing = await self.get_by_key(*key, consistent=True)
        structured = data.structured_data
        attrs = SummaryAttributes(
            # One summary per conversation: its id follows the conversation's.
            summary_id=existing.attributes.summary_id
            if existing
            else f"summary_{data.conversation_id}",
            user_id=user_id,
            coach_id=data.coach_id,
            conversation_id=data.conversation_id,
            summary_text=data.summary_text,
            structured_data=StructuredData(
                narrative_summary=structured.narrative_summary if structured else None,
                key_facts=KeyFacts.model_validate(structured.key_facts.model_dump())
                if structured and structured.key_facts
                else None,
                emotional_state=structured.emotional_state if structured else None,
                action_items=structured.action_items if structured else None,
                last_updated=now,
            ),
            metadata=SummaryMetadata(
                created_at=now,
                confidence=data.confidence,
                trigger_reason=data.trigger_reason,
                message_range=MessageRange.model_validate(data.message_range.model_dump())
                if data.message_range
                else None,
            ),
        )
        record = SummaryRecord.new(attrs, now)
        tx = Transaction()
        if existing is None:
            tx.create("summary", record)
        else:
            # A new summary replaces the old one's fields, keeping its identity and
            # whatever the summary item holds that this API does not model.
            existing.track()
            for name in attrs.model_fields_set:
                setattr(existing.attributes, name, getattr(attrs, name))
            record = existing
            tx.save("summary", record)
        conversation = (
            keys.user_pk(user_id),
            keys.conversation_sk(data.coach_id, data.conversation_id),
        )
        tx.check("conversation", conversation, exists())
        try:
            await self._commit(tx, intent, record.key)
        except Cancelled as err:
            if err.failed("conversation"):
                raise NotFound("Conversation") from err
            raise Busy("The summary changed meanwhile; retry") from err
        self._wrote(record)
        return record

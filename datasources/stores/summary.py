"""Conversation summaries: one per conversation, replaced by each new summary."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from boto3.dynamodb.conditions import ConditionBase

from datasources import keys
from datasources.errors import Busy, Cancelled, NotFound
from datasources.idempotency import Intent
from datasources.inputs.conversation import SaveConversationSummary
from datasources.records import SummaryAttributes, SummaryRecord, utcnow
from datasources.records.base import merge_into
from datasources.records.summary import (
    APP_LISTS,
    KEY_FACT_LISTS,
    KeyFacts,
    MessageRange,
    StructuredData,
)
from datasources.stores.base import EntityStore, field
from datasources.transaction import Transaction, exists


@dataclass(frozen=True)
class SummaryQuery:
    coach_id: str | None = None


class SummaryStore(EntityStore[SummaryRecord, SummaryQuery]):
    """Listed newest first."""

    record_type = SummaryRecord
    entity_name = "Summary"
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
        """A new summary of the conversation. Over an existing one (the app's too) it
        changes what the input names and keeps the rest: the lists it does not give, the
        app's `complexityIndicators`, and every key this API does not know."""
        now = utcnow()
        key = (keys.user_pk(user_id), keys.summary_sk(data.conversation_id))
        existing = await self.get_by_key(*key, consistent=True)
        tx = Transaction()
        if existing is None:
            record = SummaryRecord.new(
                SummaryAttributes(
                    # One summary per conversation: its id follows the conversation's.
                    summary_id=f"summary_{data.conversation_id}",
                    user_id=user_id,
                    coach_id=data.coach_id,
                    conversation_id=data.conversation_id,
                ),
                now,
            )
            _apply(record, data, now)
            tx.create("summary", record)
        else:
            record = existing.track()
            _apply(record, data, now)
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


def _apply(record: SummaryRecord, data: SaveConversationSummary, now: datetime) -> None:
    """The input onto the summary. The text is the app's `narrative` (and the seed's
    `summaryText` too, where the item already holds one: one text, two names). The app's
    lists come from the input's lists, or from the seed's key facts; a list the input
    does not give keeps its stored value."""
    attrs = record.attributes
    attrs.coach_id = data.coach_id
    attrs.narrative = data.summary_text
    if attrs.summary_text is not None:
        attrs.summary_text = data.summary_text
    structured = attrs.structured_data or StructuredData()
    given = data.structured_data
    if given is not None:
        if given.key_facts is not None:
            facts = given.key_facts
            for fact, listed in KEY_FACT_LISTS.items():
                value = getattr(facts, fact)
                if value is not None:
                    setattr(structured, listed, list(value))
            if structured.key_facts is not None:  # the seed's own copy moves too
                merge_into(structured.key_facts, KeyFacts.model_validate(facts.model_dump()))
        for name in APP_LISTS:
            value = getattr(given, name)
            if value is not None:
                setattr(structured, name, list(value))
        for name in ("narrative_summary", "emotional_state", "action_items"):
            value = getattr(given, name)
            if value is not None:
                setattr(structured, name, value)
    if structured.last_updated is not None:  # the seed's stamp (the app's is createdAt)
        structured.last_updated = now
    attrs.structured_data = structured
    meta = attrs.metadata
    meta.created_at = now
    if data.confidence is not None:
        meta.confidence = data.confidence
    if data.trigger_reason is not None:
        meta.trigger_reason = data.trigger_reason
    if data.complexity_indicators is not None:
        meta.complexity_indicators = list(data.complexity_indicators)
    if data.message_range is not None:
        if meta.message_range is None:
            meta.message_range = MessageRange()
        merge_into(meta.message_range, data.message_range)

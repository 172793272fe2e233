"""The other list and single-item fields of `User`."""

from __future__ import annotations

from boto3.dynamodb.conditions import Attr, Key

from datasources import keys
from datasources.records import (
    CoachRecord,
    ConversationRecord,
    MemoryRecord,
    SessionRecord,
    SummaryRecord,
)
from resolvers.context import Info
from resolvers.lists import RecordList, all_of, is_null_or_absent, key_ordered


async def list_coaches(info: Info, first: int | None, after: str | None) -> RecordList[CoachRecord]:
    return await key_ordered(
        info,
        info.context.stores.coaches,
        name="coaches",
        args={},
        base_prefix=keys.COACH_SK,
        first=first,
        after=after,
    )


async def list_conversations(
    info: Info, coach_id: str | None, is_active: bool | None, first: int | None, after: str | None
) -> RecordList[ConversationRecord]:
    """Most recently active first."""
    condition = all_of(
        Attr("attributes.coachId").eq(coach_id) if coach_id else None,
        Attr("attributes.metadata.isActive").eq(is_active) if is_active is not None else None,
    )
    return await key_ordered(
        info,
        info.context.stores.conversations,
        name="conversations",
        args={"coachId": coach_id, "isActive": is_active},
        base_prefix=keys.CONVERSATION_SK,
        first=first,
        after=after,
        filter=condition,
        forward=False,
    )


async def list_summaries(
    info: Info, coach_id: str | None, first: int | None, after: str | None
) -> RecordList[SummaryRecord]:
    """Newest first."""
    return await key_ordered(
        info,
        info.context.stores.summaries,
        name="summaries",
        args={"coachId": coach_id},
        base_prefix=keys.SUMMARY_SK,
        first=first,
        after=after,
        filter=Attr("attributes.coachId").eq(coach_id) if coach_id else None,
        forward=False,
    )


async def list_memories(
    info: Info,
    coach_id: str | None,
    memory_type: str | None,
    importance: str | None,
    first: int | None,
    after: str | None,
) -> RecordList[MemoryRecord]:
    """Importance (high first), then usage count, then newest: the LSI's order."""
    coach = None
    if coach_id:
        coach = Attr("attributes.coachId").eq(coach_id) | is_null_or_absent("attributes.coachId")
    condition = all_of(
        coach,
        Attr("attributes.memoryType").eq(memory_type) if memory_type else None,
        Attr("attributes.metadata.importance").eq(importance) if importance else None,
    )
    return await key_ordered(
        info,
        info.context.stores.memories,
        name="memories",
        args={"coachId": coach_id, "memoryType": memory_type, "importance": importance},
        base_prefix=keys.MEMORY_SK,
        first=first,
        after=after,
        filter=condition,
    )


async def list_sessions(
    info: Info,
    is_complete: bool | None,
    sophistication_level: str | None,
    abandoned: bool | None,
    first: int | None,
    after: str | None,
) -> RecordList[SessionRecord]:
    """Newest first."""
    abandoned_at = "attributes.abandonedAt"
    condition = all_of(
        Attr("attributes.isComplete").eq(is_complete) if is_complete is not None else None,
        Attr("attributes.sophisticationLevel").eq(sophistication_level)
        if sophistication_level
        else None,
        None
        if abandoned is None
        else (
            is_null_or_absent(abandoned_at)
            if not abandoned
            else Attr(abandoned_at).exists() & ~Attr(abandoned_at).attribute_type("NULL")
        ),
    )
    return await key_ordered(
        info,
        info.context.stores.sessions,
        name="sessions",
        args={"isComplete": is_complete, "level": sophistication_level, "abandoned": abandoned},
        base_prefix=keys.SESSION_SK,
        first=first,
        after=after,
        filter=condition,
        forward=False,
    )


async def find_conversation(
    info: Info, conversation_id: str, coach_id: str | None
) -> ConversationRecord | None:
    """By key when the coach is known; otherwise one query over the user's conversations."""
    user_id = info.context.require_user().user_id
    loaders = info.context.loaders
    if coach_id:
        return await loaders.conversation_by_key.load((user_id, coach_id, conversation_id))
    store = info.context.stores.conversations
    page = await store.table.query(
        Key("pk").eq(keys.user_pk(user_id)) & Key("sk").begins_with(keys.CONVERSATION_SK),
        filter=Attr("attributes.conversationId").eq(conversation_id),
        want=1,
    )
    loaders.items.remember(page.items)
    return store.parse(page.items[0]) if page.items else None

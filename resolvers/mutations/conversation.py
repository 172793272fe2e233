"""startConversation / sendMessage / updateConversation / deleteConversation /
saveConversationSummary.

sendMessage appends with `list_append` and bumps totalMessages and lastActivity in the
same write. Before the item nears DynamoDB's 400 KB limit, the oldest messages move to an
S3 chunk (written first) and the item keeps the newest ones plus the chunk's pointer, in
one conditional write; the read side pages over both.
"""

from __future__ import annotations

import contextlib
import json
import uuid
from typing import Any

from boto3.dynamodb.conditions import Attr

from datasources import keys
from datasources.errors import StorageError
from datasources.records import (
    ConversationAttributes,
    ConversationRecord,
    Message,
    SummaryAttributes,
    SummaryRecord,
    utcnow,
)
from datasources.records.conversation import ArchiveChunk
from datasources.table import TransactAction
from resolvers.context import Info
from resolvers.errors import ApiError, Code, not_found
from resolvers.writes import (
    Commit,
    Replayed,
    bump,
    commit_record,
    current,
    raise_for_reasons,
    reload,
    version_is,
)

WHAT = "Conversation"
# Archive when the item would pass ~300 KB (DynamoDB's hard limit is 400 KB) or holds more
# than this many messages; keep the newest KEEP_INLINE messages in the item.
ARCHIVE_BYTES = 300_000
ARCHIVE_COUNT = 500
KEEP_INLINE = 100
MAX_APPEND_RETRIES = 5


def _messages(data: Any, now: Any) -> list[Message]:
    return [
        Message.model_validate(
            {
                "id": m.message_id or f"msg_{uuid.uuid4().hex}",
                "role": m.role.value,
                "content": m.content,
                "timestamp": m.timestamp or now,
                "metadata": {
                    "workoutDetected": m.workout_detected,
                    "extractionConfidence": m.extraction_confidence,
                },
            }
        )
        for m in data
    ]


def _dump(messages: list[Message]) -> list[dict[str, Any]]:
    return [m.model_dump(by_alias=True, mode="json") for m in messages]


async def start_conversation(info: Info, data: Any) -> ConversationRecord:
    user_id, commit = Commit.for_caller(info, "startConversation", data)
    store = info.context.stores.conversations
    if await commit.seen():
        return await commit.replay(store, WHAT)
    now = utcnow()
    messages = _messages(data.messages or [], now)
    attrs = ConversationAttributes.model_validate(
        {
            "user_id": user_id,
            "coach_id": data.coach_id,
            "conversation_id": data.conversation_id or f"conv_{uuid.uuid4().hex}",
            "title": data.title,
            "messages": messages,
            "metadata": {
                "created_at": now,
                "last_activity": messages[-1].timestamp if messages else now,
                "total_messages": len(messages),
                "tags": list(data.tags or []),
                "is_active": True,
            },
        }
    )
    record = ConversationRecord.new(attrs, now)
    actions = [
        TransactAction(
            "Put", *record.key, item=record.to_item(), condition=Attr("pk").not_exists()
        ),
        # The coach must exist; its conversation count moves in the same transaction.
        TransactAction(
            "Update",
            keys.user_pk(user_id),
            keys.coach_sk(data.coach_id),
            add_values={"attributes.metadata.total_conversations": 1},
            condition=Attr("pk").exists(),
        ),
    ]
    try:
        reasons = await commit.run(actions, record.key)
    except Replayed as replay:
        return await reload(store, replay.result_key, WHAT)
    if reasons[:1] == ["ConditionalCheckFailed"]:
        raise ApiError(Code.CONFLICT, f"Conversation {attrs.conversation_id} already exists")
    if reasons:
        raise not_found("Coach")
    return record


def _size(record: ConversationRecord) -> int:
    return len(json.dumps(record.to_item(), separators=(",", ":")))


async def _archive_chunk(
    info: Info, record: ConversationRecord, moving: list[Message]
) -> ArchiveChunk:
    attrs = record.attributes
    index = len(attrs.message_archive or [])
    stored = await info.context.stores.content.put_json(
        keys.message_archive_key(attrs.user_id, attrs.conversation_id, index),
        {"messages": _dump(moving)},
    )
    return ArchiveChunk(
        s3_key=stored.key,
        count=len(moving),
        sha256=stored.sha256,
        size_bytes=stored.size_bytes,
        first_message_id=moving[0].id,
        last_message_id=moving[-1].id,
    )


async def send_message(info: Info, data: Any) -> tuple[ConversationRecord, list[Message]]:
    user_id, commit = Commit.for_caller(info, "sendMessage", data)
    store = info.context.stores.conversations
    key = (keys.user_pk(user_id), keys.conversation_sk(data.coach_id, data.conversation_id))
    if await commit.seen():
        return await commit.replay(store, WHAT), []
    now = utcnow()
    new = _messages(data.messages, now)
    for _ in range(MAX_APPEND_RETRIES):
        record = await current(store, key, WHAT)
        attrs = record.attributes
        seen_version = record.version
        attrs.messages = [*attrs.messages, *new]
        attrs.metadata.total_messages += len(new)
        attrs.metadata.last_activity = new[-1].timestamp
        record.lsi1sk = keys.conversation_lsi(new[-1].timestamp, attrs.conversation_id)
        sets = {**bump(record), "lsi1sk": record.lsi1sk}
        item = record.to_item()
        sets["attributes.metadata.lastActivity"] = item["attributes"]["metadata"]["lastActivity"]
        if _size(record) > ARCHIVE_BYTES or len(attrs.messages) > ARCHIVE_COUNT:
            # Oldest messages to S3 first, then one write that swaps them for the pointer;
            # conditioned on the version read, so no concurrent append is lost.
            moving, keep = attrs.messages[:-KEEP_INLINE], attrs.messages[-KEEP_INLINE:]
            chunk = await _archive_chunk(info, record, moving)
            attrs.messages = keep
            attrs.message_archive = [*(attrs.message_archive or []), chunk]
            sets["attributes.messages"] = _dump(keep)
            sets["attributes.messageArchive"] = [
                c.model_dump(by_alias=True, mode="json") for c in attrs.message_archive
            ]
            sets["attributes.metadata.totalMessages"] = attrs.metadata.total_messages
            update = TransactAction(
                "Update", *key, set_values=sets, condition=version_is(seen_version)
            )
        else:
            # Appends commute: no version condition, and counters move with ADD.
            del sets["version"]
            update = TransactAction(
                "Update",
                *key,
                set_values=sets,
                append_values={"attributes.messages": _dump(new)},
                add_values={"attributes.metadata.totalMessages": len(new), "version": 1},
                condition=Attr("pk").exists(),
            )
        try:
            reasons = await commit.run([update], record.key)
        except Replayed as replay:
            return await reload(store, replay.result_key, WHAT), new
        if not reasons:
            return record, new
        if commit.current and commit.current[0] is None:
            raise not_found(WHAT)
        # A concurrent append moved the version while we archived: read again.
    raise ApiError(Code.CONFLICT, "The conversation is too busy; retry")


async def update_conversation(info: Info, data: Any) -> ConversationRecord:
    user_id, commit = Commit.for_caller(info, "updateConversation", data)
    store = info.context.stores.conversations
    if await commit.seen():
        return await commit.replay(store, WHAT)
    key = (keys.user_pk(user_id), keys.conversation_sk(data.coach_id, data.conversation_id))
    record = await current(store, key, WHAT, data.expected_version)
    attrs = record.attributes
    sets = bump(record)
    if data.title is not None:
        attrs.title = data.title
        sets["attributes.title"] = data.title
    if data.tags is not None:
        attrs.metadata.tags = list(data.tags)
        sets["attributes.metadata.tags"] = list(data.tags)
    if data.is_active is not None:
        attrs.metadata.is_active = data.is_active
        sets["attributes.metadata.isActive"] = data.is_active
    update = TransactAction(
        "Update", *key, set_values=sets, condition=version_is(data.expected_version)
    )
    return await commit_record(commit, store, [update], record, WHAT)


async def delete_conversation(info: Info, data: Any) -> str:
    """The item and its summary in one transaction, then its S3 objects (best effort)."""
    user_id, commit = Commit.for_caller(info, "deleteConversation", data)
    if await commit.seen():
        return str(data.conversation_id)
    key = (keys.user_pk(user_id), keys.conversation_sk(data.coach_id, data.conversation_id))
    record = await current(info.context.stores.conversations, key, WHAT, data.expected_version)
    actions = [
        TransactAction("Delete", *key, condition=version_is(data.expected_version)),
        TransactAction("Delete", keys.user_pk(user_id), keys.summary_sk(data.conversation_id)),
    ]
    try:
        reasons = await commit.run(actions, None)
    except Replayed:
        return str(data.conversation_id)
    if reasons:
        raise_for_reasons(reasons, commit.current, WHAT)
    objects = [c.s3_key for c in record.attributes.message_archive or []]
    if record.attributes.transcript:
        objects.append(record.attributes.transcript.get("s3Key", ""))
    for s3_key in filter(None, objects):
        with contextlib.suppress(StorageError):
            await info.context.stores.content.delete(s3_key)
    return str(data.conversation_id)


async def save_summary(info: Info, data: Any) -> SummaryRecord:
    """The summariser's write: replaces the conversation's summary (version + 1)."""
    user_id, commit = Commit.for_caller(info, "saveConversationSummary", data)
    store = info.context.stores.summaries
    if await commit.seen():
        return await commit.replay(store, "Summary")
    now = utcnow()
    existing = await store.get_by_key(
        keys.user_pk(user_id), keys.summary_sk(data.conversation_id), consistent=True
    )
    attrs = SummaryAttributes.model_validate(
        {
            "summary_id": existing.attributes.summary_id
            if existing
            else f"summary_{uuid.uuid4().hex}",
            "user_id": user_id,
            "coach_id": data.coach_id,
            "conversation_id": data.conversation_id,
            "summary_text": data.summary_text,
            "structured_data": {
                **(data.structured_data.model_dump() if data.structured_data else {}),
                "last_updated": now,
            },
            "metadata": {
                "created_at": now,
                "confidence": data.confidence,
                "trigger_reason": data.trigger_reason,
                "message_range": data.message_range.model_dump() if data.message_range else None,
            },
        }
    )
    record = SummaryRecord.new(attrs, now)
    condition = Attr("pk").not_exists()
    if existing is not None:
        record.created_at = existing.created_at
        record.version = existing.version + 1
        condition = version_is(existing.version)
    actions = [
        TransactAction("Put", *record.key, item=record.to_item(), condition=condition),
        TransactAction(
            "ConditionCheck",
            keys.user_pk(user_id),
            keys.conversation_sk(data.coach_id, data.conversation_id),
            condition=Attr("pk").exists(),
        ),
    ]
    try:
        reasons = await commit.run(actions, record.key)
    except Replayed as replay:
        return await reload(store, replay.result_key, "Summary")
    if reasons[1:2] == ["ConditionalCheckFailed"]:
        raise not_found(WHAT)
    if reasons:
        raise ApiError(Code.CONFLICT, "The summary changed meanwhile; retry")
    return record

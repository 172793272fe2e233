"""Coach conversations, their messages and the S3 message archive.

`send` appends with `list_append` and bumps totalMessages and lastActivity in the same
write. With the archive on (`NEONPANDA_MESSAGE_ARCHIVE`; the default only where no app
shares the table), before the item nears DynamoDB's 400 KB limit the oldest messages move
to an S3 chunk (written first) and the item keeps the newest ones plus the chunk's
pointer, in one write conditioned on the item being exactly as read (version, updatedAt
and the number of messages: NeonPanda's app appends by putting the whole item back,
moving only updatedAt); the read side pages over both. With it off, the item holds every
message, as the app reads them, up to DynamoDB's limit (then `sendMessage` is refused:
start a new conversation).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from boto3.dynamodb.conditions import Attr, ConditionBase, Key

from datasources import keys
from datasources.enums import MessageRole
from datasources.errors import AlreadyExists, Busy, Cancelled, Invalid, NotFound
from datasources.idempotency import Intent
from datasources.inputs.conversation import (
    DeleteConversation,
    MessageIn,
    SendMessage,
    StartConversation,
    UpdateConversation,
)
from datasources.records import (
    CoachRecord,
    ConversationAttributes,
    ConversationRecord,
    Message,
    utcnow,
)
from datasources.records.conversation import ArchiveChunk, ConversationMetadata, MessageMetadata
from datasources.stores.base import EntityStore, all_of, field, idempotent
from datasources.transaction import Transaction, Update, as_read, at_version, exists
from datasources.uploads import Attachment, Uploads, message_attachments

# Archive when the item would pass ~300 KB (DynamoDB's hard limit is 400 KB) or holds more
# than this many messages; keep the newest KEEP_INLINE messages in the item.
ARCHIVE_BYTES = 300_000
ARCHIVE_COUNT = 500
KEEP_INLINE = 100
MAX_APPEND_RETRIES = 5

_MESSAGES = ConversationRecord.path("attributes", "messages")
_TOTAL = ConversationRecord.path("attributes", "metadata", "total_messages")
_COACH_CONVERSATIONS = CoachRecord.path("attributes", "metadata", "total_conversations")


@dataclass(frozen=True)
class ConversationQuery:
    coach_id: str | None = None
    is_active: bool | None = None
    mode: str | None = None  # the app's conversation mode (chat, program_design, ...)


class ConversationStore(EntityStore[ConversationRecord, ConversationQuery]):
    """Listed by last activity, newest first."""

    record_type = ConversationRecord
    entity_name = "Conversation"
    sk_prefix = keys.CONVERSATION_SK
    counter = "conversations"
    default_query = ConversationQuery()

    newest_first = True  # by last activity
    # Lists leave the messages out (up to ~300 KB an item): `messages`/`totalMessages` of a
    # listed conversation load the item (one BatchGetItem for the page) when selected.
    list_projection = ConversationRecord.projection(without={"messages"})
    # Whether old messages may move to S3 (off where NeonPanda's app shares the table:
    # it reads only the messages in the item). Set by Stores.from_settings.
    archive_messages = True

    @classmethod
    def where(cls, query: ConversationQuery) -> ConditionBase | None:
        coach, active, mode = query.coach_id, query.is_active, query.mode
        return all_of(
            field(ConversationRecord, "attributes", "coach_id").eq(coach) if coach else None,
            field(ConversationRecord, "attributes", "metadata", "is_active").eq(active)
            if active is not None
            else None,
            field(ConversationRecord, "attributes", "mode").eq(mode) if mode else None,
        )

    async def get(
        self, user_id: str, coach_id: str, conversation_id: str
    ) -> ConversationRecord | None:
        return await self.get_by_key(
            keys.user_pk(user_id), keys.conversation_sk(coach_id, conversation_id)
        )

    async def find(self, user_id: str, conversation_id: str) -> ConversationRecord | None:
        """By id alone (the key also holds the coach): one query over the conversations."""
        async with self._listing(user_id, whole=True) as cache:
            page = await self.table.query(
                Key("pk").eq(keys.user_pk(user_id)) & Key("sk").begins_with(self.sk_prefix),
                filter=field(ConversationRecord, "attributes", "conversation_id").eq(
                    conversation_id
                ),
                want=1,
            )
            if cache is not None:
                cache.items.remember(page.items)
        return self.parse(page.items[0]) if page.items else None

    async def start(
        self, user_id: str, data: StartConversation, *, transcript: Any = None
    ) -> ConversationRecord:
        """A new conversation (the coach's conversation count moves with it). `transcript`
        (not part of the API input: the app's pipeline writes it) goes to S3 first."""
        intent = Intent.of(user_id, data)
        return await self._once(
            intent, lambda: self._start(user_id, data, intent, transcript), self._reload
        )

    async def _start(
        self, user_id: str, data: StartConversation, intent: Intent, transcript: Any
    ) -> ConversationRecord:
        await self._check_attachments(user_id, data.messages or [])
        now = utcnow()
        messages = _messages(data.messages or [], now)
        attrs = ConversationAttributes(
            user_id=user_id,
            coach_id=data.coach_id,
            conversation_id=data.conversation_id or f"conv_{uuid.uuid4().hex}",
            # The app's defaults (create-coach-conversation/handler.ts:38-70).
            title=data.title or "New Conversation",
            mode=CHAT_MODE,
            messages=messages,
            metadata=ConversationMetadata(
                # The seed's name and the app's for one moment: both, moving together.
                created_at=now,
                started_at=now,
                last_activity=messages[-1].timestamp if messages else now,
                total_messages=len(messages),
                tags=list(data.tags or []),
                is_active=True,
            ),
        )
        if transcript is not None:
            stored = await self.content.put_json(
                lambda digest: keys.transcript_key(user_id, attrs.conversation_id, digest),
                transcript,
            )
            attrs.transcript = stored.to_pointer()
        record = ConversationRecord.new(attrs, now)
        coach_key = (keys.user_pk(user_id), keys.coach_sk(data.coach_id))
        tx = Transaction().create("conversation", record)
        # The coach must exist; its conversation count moves in the same transaction.
        tx.update("coach", coach_key, Update(add={_COACH_CONVERSATIONS: 1}), condition=exists())
        try:
            await self._commit(tx, intent, record.key)
        except Cancelled as err:
            if err.failed("conversation"):
                raise AlreadyExists(
                    f"Conversation {attrs.conversation_id} already exists", "conversationId"
                ) from err
            if err.failed("coach"):
                raise NotFound("Coach") from err
            raise
        self._wrote(record)
        self._stale(coach_key)
        return record

    async def send(
        self, user_id: str, data: SendMessage
    ) -> tuple[ConversationRecord, list[Message]]:
        """Append messages: (the conversation, the messages appended; none on a replay)."""
        intent = Intent.of(user_id, data)

        async def replay(key: tuple[str, str] | None) -> tuple[ConversationRecord, list[Message]]:
            return await self._reload(key), []

        return await self._once(intent, lambda: self._send(user_id, data, intent), replay)

    async def _send(
        self, user_id: str, data: SendMessage, intent: Intent
    ) -> tuple[ConversationRecord, list[Message]]:
        key = (keys.user_pk(user_id), keys.conversation_sk(data.coach_id, data.conversation_id))
        await self._check_attachments(user_id, data.messages)
        new = _messages(data.messages, utcnow())
        for _ in range(MAX_APPEND_RETRIES):
            record = await self._current(key)
            attrs = record.attributes
            attrs.messages = [*attrs.messages, *new]
            attrs.metadata.total_messages += len(new)
            _touched(record, new[-1].timestamp)
            tx = Transaction()
            if self.archive_messages and (
                _size(record) > ARCHIVE_BYTES or len(attrs.messages) > ARCHIVE_COUNT
            ):
                # Oldest messages to S3 first, then one write that swaps them for the
                # pointer; conditioned on the item as read, so no concurrent append (ours
                # or the app's) is lost.
                read_count = len(record.tracked_item["attributes"].get("messages", []))
                await self._move_to_archive(record, len(attrs.messages) - KEEP_INLINE)
                tx.save("conversation", record, condition=_unchanged(record, read_count))
            else:
                # Appends commute: no version condition, and counters move with ADD.
                dumped = [m.model_dump(by_alias=True, mode="json") for m in new]
                tx.save(
                    "conversation",
                    record,
                    condition=exists(),
                    append={_MESSAGES: dumped},
                    add={_TOTAL: len(new)},
                )
            try:
                await self._commit(tx, intent, record.key)
            except Cancelled as err:
                failure = err.failed("conversation")
                if failure is not None and failure.item is None:
                    raise NotFound(self.entity_name) from err
                continue  # a concurrent append moved the version while we archived
            self._wrote(record)
            return record, new
        raise Busy("The conversation is too busy; retry")

    async def _check_attachments(self, user_id: str, given: list[MessageIn]) -> None:
        """The messages' uploads are the athlete's and there (`datasources/uploads.py`);
        only the athlete's own messages carry them (the app's buildUserMessage,
        libs/coach-conversation/message-utils.ts:84-108)."""
        found: list[Attachment] = []
        for index, message in enumerate(given):
            refs = message_attachments(index, message.image_s3_keys, message.document_s3_keys)
            if refs and message.role is not MessageRole.USER:
                raise Invalid("only the athlete's own messages carry uploads", refs[0].path[:3])
            found += refs
        if found:
            await Uploads(self.content).check(user_id, found)

    async def archive(
        self, user_id: str, coach_id: str, conversation_id: str, keep: int
    ) -> ConversationRecord:
        """Move all but the newest `keep` messages of the item to an S3 chunk (what `send`
        does by itself near the size limit; also how seeded data gets an archive)."""
        key = (keys.user_pk(user_id), keys.conversation_sk(coach_id, conversation_id))
        record = await self._current(key)
        moving = len(record.attributes.messages) - keep
        if moving <= 0:
            return record
        read_count = len(record.attributes.messages)
        await self._move_to_archive(record, moving)
        try:
            await self.table.transact(
                Transaction().save("conversation", record, condition=_unchanged(record, read_count))
            )
        except Cancelled as err:
            raise Busy("The conversation changed meanwhile; retry") from err
        self._wrote(record)
        return record

    async def _move_to_archive(self, record: ConversationRecord, count: int) -> None:
        """Write the oldest `count` messages as the next chunk; the record points at it."""
        attrs = record.attributes
        moving, kept = attrs.messages[:count], attrs.messages[count:]
        index = len(attrs.message_archive or [])
        body = {"messages": [m.model_dump(by_alias=True, mode="json") for m in moving]}
        stored = await self.content.put_json(
            lambda digest: keys.message_archive_key(
                attrs.user_id, attrs.conversation_id, index, digest
            ),
            body,
        )
        chunk = ArchiveChunk(
            s3_key=stored.key,
            count=len(moving),
            sha256=stored.sha256,
            size_bytes=stored.size_bytes,
            first_message_id=moving[0].id,
            last_message_id=moving[-1].id,
        )
        attrs.messages = kept
        attrs.message_archive = [*(attrs.message_archive or []), chunk]

    @idempotent
    async def update(
        self, user_id: str, data: UpdateConversation, intent: Intent
    ) -> ConversationRecord:
        key = (keys.user_pk(user_id), keys.conversation_sk(data.coach_id, data.conversation_id))
        record = await self._current(key, data.expected_version)
        attrs = record.attributes
        if data.title is not None:
            attrs.title = data.title
        if data.tags is not None:
            attrs.metadata.tags = list(data.tags)
        if data.is_active is not None:
            attrs.metadata.is_active = data.is_active
        try:
            await self._commit(Transaction().save("conversation", record), intent, record.key)
        except Cancelled as err:
            self._version_conflict(err, "conversation")
            raise
        self._wrote(record)
        return record

    async def delete(self, user_id: str, data: DeleteConversation) -> str:
        """The item and its summary in one transaction, then its S3 objects (best effort)."""
        intent = Intent.of(user_id, data)

        async def replay(_: object) -> str:
            return data.conversation_id

        return await self._once(intent, lambda: self._delete(user_id, data, intent), replay)

    async def _delete(self, user_id: str, data: DeleteConversation, intent: Intent) -> str:
        key = (keys.user_pk(user_id), keys.conversation_sk(data.coach_id, data.conversation_id))
        summary_key = (keys.user_pk(user_id), keys.summary_sk(data.conversation_id))
        record = await self._current(key, data.expected_version)
        tx = Transaction().delete(
            "conversation", key, condition=at_version(data.expected_version), was=record
        )
        tx.delete("summary", summary_key)
        try:
            await self._commit(tx, intent, None)
        except Cancelled as err:
            self._version_conflict(err, "conversation")
            raise
        self._gone(key, summary_key)
        await self._forget_objects(
            *(c.s3_key for c in record.attributes.message_archive or []),
            (record.attributes.transcript or {}).get("s3Key"),
        )
        return data.conversation_id


def _messages(given: list[MessageIn], now: datetime) -> list[Message]:
    return [
        Message(
            id=m.message_id or f"msg_{uuid.uuid4().hex}",
            role=m.role.value,
            content=m.content,
            timestamp=m.timestamp or now,
            metadata=MessageMetadata(
                workout_detected=m.workout_detected, extraction_confidence=m.extraction_confidence
            ),
            **_attachments(m),
        )
        for m in given
    ]


def _attachments(m: MessageIn) -> dict[str, Any]:
    """The app's attachment keys and messageType (message-utils.ts:84-108): images only,
    `text_with_images`; any document, `text_with_attachments`; none, neither key."""
    found: dict[str, Any] = {}
    if m.image_s3_keys:
        found["image_s3_keys"] = list(m.image_s3_keys)
    if m.document_s3_keys:
        found["document_s3_keys"] = list(m.document_s3_keys)
    if found:
        found["message_type"] = (
            "text_with_attachments" if m.document_s3_keys else "text_with_images"
        )
    return found


CHAT_MODE = "chat"  # the app's CONVERSATION_MODES.CHAT (libs/coach-conversation/types.ts:65)


def _unchanged(record: ConversationRecord, message_count: int) -> ConditionBase:
    """The conversation exactly as read: version and updatedAt (`as_read`), and the same
    number of messages (belt and braces: an append by the app moves both)."""
    return as_read(record) & Attr(".".join(_MESSAGES)).size().eq(message_count)


def _touched(record: ConversationRecord, last_activity: datetime) -> None:
    record.attributes.metadata.last_activity = last_activity


def _size(record: ConversationRecord) -> int:
    return len(json.dumps(record.to_item(), separators=(",", ":")))

"""Paging over a conversation's messages: S3 archive chunks first, then the item's list.

A cursor is a message's position in the whole conversation. Only the archive chunks that
overlap the requested window are read from S3 (concurrently, through the content loader).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from datasources import cost
from datasources.errors import ContentUnavailable
from datasources.records import ConversationRecord, Message
from resolvers.context import Info
from resolvers.errors import ApiError, Code, bad_input
from resolvers.pagination import page_size


@dataclass
class MessagePage:
    messages: list[Message]
    cursors: list[str]
    has_next: bool
    has_previous: bool
    count: Callable[[], Awaitable[int]]


def _window(
    total: int, first: int | None, after: int | None, last: int | None, before: int | None
) -> tuple[int, int]:
    start = 0 if after is None else after + 1
    end = total if before is None else before
    if first is not None:
        end = min(end, start + first)
    if last is not None:
        start = max(start, end - last)
    return max(0, start), max(start, min(end, total))


async def message_page(
    info: Info,
    record: ConversationRecord,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> MessagePage:
    user_id = info.context.require_user().user_id
    scope = f"{user_id}:messages:{record.attributes.conversation_id}"
    codec = info.context.cursors
    after_pos = int(codec.decode(scope, after, "after")["i"]) if after else None
    before_pos = int(codec.decode(scope, before, "before")["i"]) if before else None
    if first is None and last is None:
        first = page_size(None)
    if first is not None:
        first = page_size(first, "first")
    if last is not None:
        last = page_size(last, "last")

    chunks = record.attributes.message_archive or []
    archived = record.archived_count
    total = archived + len(record.attributes.messages)
    start, end = _window(total, first, after_pos, last, before_pos)

    # Which archive chunks overlap [start, end)?
    wanted, offset = [], 0
    for chunk in chunks:
        if offset < end and start < offset + chunk.count:
            wanted.append((offset, chunk))
        offset += chunk.count
    try:
        documents = await cost.gather(
            *(info.context.loaders.content.load((c.s3_key, c.sha256)) for _, c in wanted)
        )
    except ContentUnavailable as err:
        raise ApiError(
            Code.CONTENT_UNAVAILABLE, f"Archived messages are unavailable ({err.reason})"
        ) from err
    by_position: dict[int, Message] = {}
    for (chunk_start, chunk), document in zip(wanted, documents, strict=True):
        raw = document.get("messages", []) if isinstance(document, dict) else []
        if len(raw) != chunk.count:
            raise ApiError(Code.CONTENT_UNAVAILABLE, "Archived message chunk is incomplete")
        for i, message in enumerate(raw):
            by_position[chunk_start + i] = Message.model_validate(message)
    for i, message in enumerate(record.attributes.messages):
        by_position[archived + i] = message

    positions = list(range(start, end))
    if any(p not in by_position for p in positions):
        raise bad_input("Cursor is outside this conversation", ["after" if after else "before"])

    async def count() -> int:
        return total

    return MessagePage(
        messages=[by_position[p] for p in positions],
        cursors=[codec.encode(scope, {"i": p}) for p in positions],
        has_next=end < total,
        has_previous=start > 0,
        count=count,
    )

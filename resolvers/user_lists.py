"""The list fields of `User`, and the conversation found by id alone."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from datasources.records import ConversationRecord, ProgramRecord
from datasources.records.base import ItemRecord
from datasources.stores.base import EntityStore, PageRequest, RecordPage
from datasources.stores.workout import WorkoutQuery
from resolvers.context import Info
from resolvers.errors import bad_input
from resolvers.lists import RecordList, paged

R = TypeVar("R", bound=ItemRecord)
Q = TypeVar("Q")
W = TypeVar("W")


async def list_of(
    info: Info,
    store: EntityStore[R, Q],
    name: str,
    query: Q,
    first: int | None,
    after: str | None,
) -> RecordList[R]:
    """A page of `store`'s list for the caller; cursors are bound to `name` and `query`."""
    user_id = info.context.require_user().user_id
    if isinstance(query, WorkoutQuery):
        _check_range(query)
    counter = store.counted_by(query)

    async def kept() -> int | None:
        parsed = await info.context.loaders.counts(user_id)
        return None if parsed is None or counter is None else parsed.get(counter)

    return await paged(
        info,
        name,
        _arguments(query),
        first,
        after,
        lambda page: store.list_for_user(user_id, page, query),
        lambda: store.count_for_user(user_id, query),
        kept if counter is not None else None,
    )


async def list_whole(
    info: Info,
    name: str,
    query: Any,
    first: int | None,
    after: str | None,
    read: Callable[[], Awaitable[W]],
    page_of: Callable[[W, PageRequest], RecordPage[R]],
    total: Callable[[W], int],
) -> tuple[RecordList[R], W]:
    """A list the store reads whole (as the app does): one read serves the page and
    `totalCount` (no count query beside it). Returns the read too (for other totals)."""
    started: list[asyncio.Future[W]] = []

    def whole() -> asyncio.Future[W]:
        if not started:
            started.append(asyncio.ensure_future(read()))
        return started[0]

    async def fetch(request: PageRequest) -> RecordPage[R]:
        return page_of(await whole(), request)

    async def count() -> int:
        return total(await whole())

    page = await paged(info, name, _arguments(query), first, after, fetch, count)
    return page, await whole()


def _arguments(query: Any) -> dict[str, Any]:
    return {k: v for k, v in dataclasses.asdict(query).items() if v is not None}


def _check_range(query: WorkoutQuery) -> None:
    low, high = query.completed_from, query.completed_to
    if low is not None and high is not None and low > high:
        raise bad_input(
            "completedTo: completedFrom is after completedTo", ["filter", "completedTo"]
        )


async def find_conversation(
    info: Info, conversation_id: str, coach_id: str | None
) -> ConversationRecord | None:
    """By key when the coach is known; otherwise one query over the user's conversations."""
    user_id = info.context.require_user().user_id
    if coach_id:
        return await info.context.loaders.of(ConversationRecord).load(
            (user_id, coach_id, conversation_id)
        )
    return await info.context.stores.conversations.find(user_id, conversation_id)


async def find_program(info: Info, program_id: str) -> ProgramRecord | None:
    """By key in the athlete's partition (batched); else in the app's legacy partitions."""
    user_id = info.context.require_user().user_id
    found = await info.context.loaders.of(ProgramRecord).load((user_id, program_id))
    return found or await info.context.stores.programs.find_legacy(user_id, program_id)

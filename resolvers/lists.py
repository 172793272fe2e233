"""The list fields: full pages, exact hasNextPage, signed cursors, totalCount on demand.

A store reads the page (in the list's order, filters applied) and says where each record
resumes; this module binds those positions into cursors signed for the user, the list and
its arguments, and gives `totalCount` from the page when the page already holds every
match, else from the store's count (run only when selected).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from datasources.records.base import ItemRecord
from datasources.stores.base import PageRequest, RecordPage
from resolvers.context import Info
from resolvers.pagination import page_size

R = TypeVar("R", bound=ItemRecord)


@dataclass
class RecordList(Generic[R]):
    records: list[R]
    cursors: list[str]
    has_next: bool
    has_previous: bool
    count: Callable[[], Awaitable[int]]


def list_scope(user_id: str, name: str, args: dict[str, Any]) -> str:
    """What a cursor is bound to: the user, the list and its filter/order arguments."""
    return json.dumps([user_id, name, args], sort_keys=True, default=str)


async def paged(
    info: Info,
    name: str,
    args: dict[str, Any],
    first: int | None,
    after: str | None,
    fetch: Callable[[PageRequest], Awaitable[RecordPage[R]]],
    count: Callable[[], Awaitable[int]],
) -> RecordList[R]:
    user_id = info.context.require_user().user_id
    request_size = page_size(first)
    scope = list_scope(user_id, name, args)
    codec = info.context.cursors
    start = codec.decode(scope, after)["p"] if after else None
    page = await fetch(PageRequest(request_size, start))

    async def total() -> int:
        return page.total if page.total is not None else await count()

    return RecordList(
        records=page.records,
        cursors=[codec.encode(scope, {"p": p}) for p in page.positions],
        has_next=page.has_more,
        has_previous=after is not None,
        count=total,
    )

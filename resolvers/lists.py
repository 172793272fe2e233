"""The list fields: full pages, exact hasNextPage, signed cursors, totalCount on demand.

A store reads the page (in the list's order, filters applied) and says where each record
resumes; this module binds those positions into cursors signed for the user, the list and
its arguments, and gives `totalCount`, when the document selects it, from the cheapest
source that is exact:

1. the page itself, when it holds every match (no extra call);
2. the partition's counters (`datasources/counts.py`) for a list with no filter: one key
   loaded beside the page, batched with the request's other keys (the profile's);
3. a count query, started beside the page (same wave), for filtered lists, and as the
   fallback when the counters have not been counted yet.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from graphql import FieldNode, FragmentSpreadNode, InlineFragmentNode, SelectionSetNode

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
    counter: Callable[[], Awaitable[int | None]] | None = None,
) -> RecordList[R]:
    """`counter`, for a list with no filter: the kept count, or None when not valid."""
    user_id = info.context.require_user().user_id
    request_size = page_size(first)
    scope = list_scope(user_id, name, args)
    codec = info.context.cursors
    start = codec.decode(scope, after)["p"] if after else None
    kept: asyncio.Future[int | None] | None = None
    beside: asyncio.Future[int] | None = None
    if selects(info, "totalCount"):
        # Started before the page is awaited: they go out in the page's wave.
        if counter is not None:
            kept = asyncio.ensure_future(counter())
        else:
            beside = asyncio.ensure_future(count())
        for started in (kept, beside):
            if started is not None:
                started.add_done_callback(_retrieved)
    try:
        page = await fetch(PageRequest(request_size, start))
    except BaseException:
        for started in (kept, beside):
            if started is not None:
                started.cancel()
        raise

    async def total() -> int:
        if page.total is not None:
            # The read gave the total. A count started beside it is left to finish, not
            # cancelled: it awaits the request's batched load of the counts item, a future
            # other lists of the document share, and cancelling it would cancel theirs.
            return page.total
        if kept is not None:
            value = await kept
            if value is not None:
                return value
        if beside is not None:
            return await beside
        return await count()

    return RecordList(
        records=page.records,
        cursors=[codec.encode(scope, {"p": p}) for p in page.positions],
        has_next=page.has_more,
        has_previous=after is not None,
        count=total,
    )


def _retrieved(future: asyncio.Future[Any]) -> None:
    """A count nobody awaited (the page held every match) must not log as unretrieved."""
    if not future.cancelled():
        with contextlib.suppress(Exception):
            future.exception()


def selects(info: Info, name: str) -> bool:
    """Whether the field being resolved selects `name` directly (through fragments)."""
    raw = info._raw_info
    seen: set[str] = set()

    def walk(selection_set: SelectionSetNode | None) -> bool:
        for node in selection_set.selections if selection_set else ():
            if isinstance(node, FieldNode):
                if node.name.value == name:
                    return True
            elif isinstance(node, InlineFragmentNode):
                if walk(node.selection_set):
                    return True
            elif isinstance(node, FragmentSpreadNode):
                fragment = raw.fragments.get(node.name.value)
                if fragment is not None and node.name.value not in seen:
                    seen.add(node.name.value)
                    if walk(fragment.selection_set):
                        return True
        return False

    return any(walk(node.selection_set) for node in raw.field_nodes)

"""The list fields of `User`: full pages in key order, exact hasNextPage, signed cursors.

Every list reads the athlete's partition through the LSI (`lsi1sk`), whose order is the
list's default order, so a page reads about as many items as it returns (filters aside:
a filtered page keeps reading until it is full or the range is exhausted).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from boto3.dynamodb.conditions import Attr, ConditionBase, Key

from datasources import definition, keys
from datasources.records.base import ItemRecord
from datasources.stores.base import EntityStore
from datasources.table import start_key_for
from resolvers.context import Info
from resolvers.errors import bad_input
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


async def key_ordered(
    info: Info,
    store: EntityStore[R],
    *,
    name: str,
    args: dict[str, Any],
    base_prefix: str,
    first: int | None,
    after: str | None,
    filter: ConditionBase | None = None,
    key: ConditionBase | None = None,
    forward: bool = True,
) -> RecordList[R]:
    user_id = info.context.require_user().user_id
    size = page_size(first)
    scope = list_scope(user_id, name, args)
    codec = info.context.cursors
    start = codec.decode(scope, after)["k"] if after else None
    loaders = info.context.loaders
    async with loaders.items.listing(keys.user_pk(user_id), base_prefix):
        page = await store.list_page(
            user_id, want=size, forward=forward, after=start, filter=filter, key=key
        )
        loaders.items.remember(page.items, page.records)

    async def count() -> int:
        return await store.count(user_id, filter=filter, key=key)

    return RecordList(
        records=page.records,
        cursors=[codec.encode(scope, {"k": start_key_for(i, definition.LSI1)}) for i in page.items],
        has_next=page.has_more,
        has_previous=after is not None,
        count=count,
    )


def lsi_range(user_id: str, low: str, high: str) -> ConditionBase:
    return Key("pk").eq(keys.user_pk(user_id)) & Key("lsi1sk").between(low, high)


def all_of(*conditions: ConditionBase | None) -> ConditionBase | None:
    present = [c for c in conditions if c is not None]
    if not present:
        return None
    combined = present[0]
    for c in present[1:]:
        combined = combined & c
    return combined


def is_null_or_absent(path: str) -> ConditionBase:
    return Attr(path).not_exists() | Attr(path).attribute_type("NULL")


def check_range(low: datetime | None, high: datetime | None, field: str) -> None:
    if low is not None and high is not None and low > high:
        raise bad_input(f"{field}: completedFrom is after completedTo", ["filter", field])

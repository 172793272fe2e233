"""What every entity store shares: typed reads, and the write protocol.

A store's intent method (`WorkoutStore.log`, `.update`, `.delete`, ...) owns the keys, the
conditions, the version check and bump, S3 before the pointer, and the transaction. They
all run through `_once` (idempotency: a replay answers like the first call) and `_commit`
(one transaction with its idempotency marker; failures come back by label), and report
what they wrote to the request's cache (`_wrote`/`_gone`), so a later field or mutation
of the same document reads what is current.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from enum import Enum
from typing import Any, ClassVar, Generic, TypeVar

from boto3.dynamodb.conditions import Attr, ConditionBase, Key
from pydantic import BaseModel

from datasources import counts, definition, keys
from datasources.content import ContentStore
from datasources.errors import (
    Busy,
    Cancelled,
    NotFound,
    Replayed,
    StorageError,
    VersionConflict,
)
from datasources.idempotency import LABEL as MARKER
from datasources.idempotency import Intent, ResultKey
from datasources.loaders import Loaders, request_cache
from datasources.records.base import ItemRecord
from datasources.table import Table
from datasources.transaction import Transaction

R = TypeVar("R", bound=ItemRecord)
Q = TypeVar("Q")  # what a list of the entity can be filtered (and ordered) by
T = TypeVar("T")
S = TypeVar("S", bound="EntityStore[Any, Any]")
D = TypeVar("D", bound=BaseModel)
W = TypeVar("W", bound=ItemRecord)


def idempotent(
    write: Callable[[S, str, D, Intent], Awaitable[W]],
) -> Callable[[S, str, D], Awaitable[W]]:
    """A store's intent method, run once per intent: called as `store.update(user_id,
    data)`, it gets the intent of `data` to commit with (`self._commit(tx, intent, key)`);
    a client key seen before, or a marker met at commit, answers the record the first
    call wrote, as stored now (`_reload`). Methods that answer something other than the
    record call `self._once` with their own replay."""

    @functools.wraps(write)
    async def once(self: S, user_id: str, data: D) -> W:
        intent = Intent.of(user_id, data)
        result: W = await self._once(
            intent, lambda: write(self, user_id, data, intent), self._reload
        )
        return result

    return once


@dataclass(frozen=True)
class NoFilter:
    """The filter of a list that has none."""


@dataclass(frozen=True)
class PageRequest:
    """A page of a list: how many, and where to resume (a position an earlier page gave)."""

    size: int
    after: Any = None


@dataclass
class RecordPage(Generic[R]):
    records: list[R]
    positions: list[Any]  # where a page resumes after each record (JSON-able, for cursors)
    has_more: bool
    total: int | None = None  # every match, when the read already knows it (no count query)


class EntityStore(Generic[R, Q]):
    record_type: ClassVar[type[ItemRecord]]
    entity_name: ClassVar[str]  # how errors name the entity ("Workout")
    # The counts item's attribute for the unfiltered list (`default_query`), if kept.
    counter: ClassVar[str | None] = None
    default_query: ClassVar[Any] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.counter is not None:
            store = cls
            counts.register(
                counts.Counter(
                    name=cls.counter,
                    entity_type=cls.record_type.ENTITY_TYPE,
                    sk_prefix=cls.sk_prefix,
                    shown=lambda: store.where(store.default_query),
                )
            )

    def __init__(self, table: Table, content: ContentStore) -> None:
        self.table = table
        self.content = content

    # --- reads ------------------------------------------------------------------------

    def parse_listed(self, item: Mapping[str, Any]) -> R | None:
        """An item a list read, as a record (partial when the list reads a projection)."""
        if self.list_projection is None:
            return self.parse(item)
        if item.get("entityType") != self.record_type.ENTITY_TYPE:
            return None
        return self.record_type.from_projection(dict(item))  # type: ignore[return-value]

    def parse(self, item: Mapping[str, Any] | None) -> R | None:
        if item is None or item.get("entityType") != self.record_type.ENTITY_TYPE:
            return None
        return self.record_type.from_item(dict(item))  # type: ignore[return-value]

    async def get_by_key(self, pk: str, sk: str, *, consistent: bool = False) -> R | None:
        return self.parse(await self.table.get(pk, sk, consistent=consistent))

    async def _current(self, key: tuple[str, str], expected_version: int | None = None) -> R:
        """Read before writing (consistent): NOT_FOUND, or CONFLICT when `expected_version`
        is stale. The record comes back tracked, ready for `Transaction.save`."""
        record = await self.get_by_key(*key, consistent=True)
        if record is None:
            raise NotFound(self.entity_name)
        if expected_version is not None and record.version != expected_version:
            raise VersionConflict(self.entity_name, record.version)
        return record.track()

    # --- the write protocol -----------------------------------------------------------

    async def _once(
        self,
        intent: Intent,
        write: Callable[[], Awaitable[T]],
        replay: Callable[[ResultKey | None], Awaitable[T]],
    ) -> T:
        """Run `write` once per intent. A client key seen before (checked first, so no
        S3 object is written for a replay) or a marker met at commit answers `replay`."""
        if intent.from_client:
            marker = await self.table.get(*intent.marker_key, consistent=True)
            if marker is not None:
                return await replay(intent.result_of(marker))
        try:
            return await write()
        except Replayed as again:
            return await replay(again.result_key)

    async def _reload(self, result_key: ResultKey | None) -> R:
        """The result of an earlier call with the same idempotency key, as stored now."""
        record = None if result_key is None else await self.get_by_key(*result_key, consistent=True)
        if record is None:
            raise NotFound(self.entity_name)
        self._wrote(record)
        return record

    async def _commit(
        self,
        tx: Transaction,
        intent: Intent,
        result_key: ResultKey | None,
        outcome: dict[str, Any] | None = None,
    ) -> None:
        """One transaction: the effect plus the intent's marker (with `outcome`, see
        `Intent.add_marker`). Raises Replayed when the marker was already there, Busy on
        contention, Cancelled for the store to read."""
        intent.add_marker(tx, result_key, outcome)
        try:
            await self.table.transact(tx)
            # Counters this request may have loaded before are read again if needed.
            self._stale(*(counts.key_of(pk) for pk in tx.tallies))
        except Cancelled as err:
            if err.failed(MARKER) is not None:
                marker = err.failures[MARKER].item or await self.table.get(
                    *intent.marker_key, consistent=True
                )
                if marker is not None:
                    raise Replayed(intent.result_of(marker)) from err
            if err.contended:
                raise Busy("A concurrent write touched the same item; retry") from err
            raise

    def _version_conflict(self, err: Cancelled, label: str) -> None:
        """The labelled record's condition failed: NOT_FOUND if it is gone, else CONFLICT."""
        failure = err.failed(label)
        if failure is None:
            return
        if failure.item is None:
            raise NotFound(self.entity_name) from err
        raise VersionConflict(self.entity_name, int(failure.item.get("version", 1))) from err

    @staticmethod
    def _wrote(*records: ItemRecord) -> None:
        cache = request_cache.get()
        if cache is not None:
            for record in records:
                cache.wrote(record)

    @staticmethod
    def _gone(*item_keys: tuple[str, str]) -> None:
        cache = request_cache.get()
        if cache is not None:
            for key in item_keys:
                cache.gone(key)

    @staticmethod
    def _stale(*item_keys: tuple[str, str]) -> None:
        cache = request_cache.get()
        if cache is not None:
            for key in item_keys:
                cache.stale(key)

    async def _forget_objects(self, *s3_keys: str | None) -> None:
        """Best effort, after the commit: objects no pointer names any more (the orphan
        sweep removes what a failure here leaves)."""
        for s3_key in filter(None, s3_keys):
            with contextlib.suppress(StorageError):
                await self.content.delete(s3_key)

    # --- lists ------------------------------------------------------------------------

    sk_prefix: ClassVar[str]  # the base-table sort-key prefix of this entity's items
    newest_first: ClassVar[bool] = False  # the list's default order, backwards
    # What list reads read of each item (None: all of it). Set where items hold what no
    # list shows (a conversation's messages); fields that need the rest load the item.
    list_projection: ClassVar[list[tuple[str, ...]] | None] = None

    @classmethod
    def where(cls, query: Q) -> ConditionBase | None:
        """The filter condition of `query` (none by default)."""
        return None

    async def list_for_user(self, user_id: str, request: PageRequest, query: Q) -> RecordPage[R]:
        """A page of the user's items of this type matching `query`, in the list's order."""
        return await self._list(
            user_id, request, filter=self.where(query), forward=not self.newest_first
        )

    def counted_by(self, query: Q) -> str | None:
        """The counter that holds this list's total: only with the unfiltered list's filter."""
        if self.counter is None or self.where(query) != self.where(self.default_query):
            return None
        return self.counter

    async def count_for_user(self, user_id: str, query: Q) -> int:
        return await self._count(user_id, filter=self.where(query))

    @asynccontextmanager
    async def _listing(
        self, user_id: str, *, whole: bool | None = None
    ) -> AsyncIterator[Loaders | None]:
        """While a list query runs, relation loads of its items wait for it (and are then
        served from what it read) instead of reading the same items again. A list read
        through `list_projection` holds partial items (`whole` False): loads of its keys
        read the whole item instead."""
        cache = request_cache.get()
        if whole is None:
            whole = self.list_projection is None
        if cache is None or not whole:
            yield None
            return
        async with cache.items.listing(keys.user_pk(user_id), self.sk_prefix):
            yield cache

    async def _list(
        self,
        user_id: str,
        request: PageRequest,
        *,
        filter: ConditionBase | None = None,
        between: tuple[str, str] | None = None,
        forward: bool = True,
    ) -> RecordPage[R]:
        """A full page in list order (exact has_more; filters keep reading past thin pages).

        With the `lists` index a page reads about what it returns, and a list-key range
        (`between`) is a key range. Without it, every item of the type is read and sorted
        by the same list key: correct, and the cost shows in `extensions.cost`.
        """
        condition = all_of(self._is_entity(), filter)
        async with self._listing(user_id) as cache:
            if self.table.accelerators.lists:
                page = await self.table.query(
                    self._index_key(user_id, between),
                    index=definition.GSI_LISTS,
                    filter=condition,
                    forward=forward,
                    start_key=self._start_key(user_id, request.after),
                    want=request.size,
                    projection=self.list_projection,
                )
                pairs = self._parsed(page.items)
                has_more = page.has_more
                total = len(pairs) if request.after is None and not has_more else None
            else:
                matching = self._ordered(await self._read_all(user_id, condition), between)
                total = len(matching)  # every match was read: the count comes free
                if not forward:
                    matching.reverse()
                if request.after is not None:
                    matching = [(r, i) for r, i in matching if _beyond(r, request.after, forward)]
                pairs, has_more = matching[: request.size], len(matching) > request.size
            if cache is not None:
                cache.items.remember([i for _, i in pairs], [r for r, _ in pairs])
        records = [r for r, _ in pairs]
        # With the index, the first page holding every match is the count.
        return RecordPage(records, [_position(r) for r in records], has_more, total)

    async def _count(
        self,
        user_id: str,
        *,
        filter: ConditionBase | None = None,
        between: tuple[str, str] | None = None,
    ) -> int:
        condition = all_of(self._is_entity(), filter)
        if self.table.accelerators.lists:
            return await self.table.count(
                self._index_key(user_id, between), index=definition.GSI_LISTS, filter=condition
            )
        return len(self._ordered(await self._read_all(user_id, condition), between))

    async def _matching(
        self, user_id: str, filter: ConditionBase | None, between: tuple[str, str] | None
    ) -> list[R]:
        """Every match, in list order (for orders that are not the list key's)."""
        condition = all_of(self._is_entity(), filter)
        async with self._listing(user_id) as cache:
            if self.table.accelerators.lists:
                page = await self.table.query(
                    self._index_key(user_id, between),
                    index=definition.GSI_LISTS,
                    filter=condition,
                    projection=self.list_projection,
                )
                pairs = self._parsed(page.items)
            else:
                pairs = self._ordered(await self._read_all(user_id, condition), between)
            if cache is not None:
                cache.items.remember([i for _, i in pairs], [r for r, _ in pairs])
        return [r for r, _ in pairs]

    def _is_entity(self) -> ConditionBase:
        return Attr("entityType").eq(self.record_type.ENTITY_TYPE)

    def _parsed(self, items: list[dict[str, Any]]) -> list[tuple[R, dict[str, Any]]]:
        return [(r, i) for r, i in ((self.parse_listed(i), i) for i in items) if r is not None]

    async def _read_all(
        self, user_id: str, condition: ConditionBase | None
    ) -> list[tuple[R, dict[str, Any]]]:
        page = await self.table.query(
            Key("pk").eq(keys.user_pk(user_id)) & Key("sk").begins_with(self.sk_prefix),
            filter=condition,
            projection=self.list_projection,
        )
        return self._parsed(page.items)

    @staticmethod
    def _ordered(
        pairs: list[tuple[R, dict[str, Any]]], between: tuple[str, str] | None
    ) -> list[tuple[R, dict[str, Any]]]:
        """In list-key order (the sort key breaks ties), within `between` when given."""
        keyed = [(r.list_key() or "", r, i) for r, i in pairs]
        if between is not None:
            low, high = between
            keyed = [entry for entry in keyed if low <= entry[0] <= high]
        keyed.sort(key=lambda entry: (entry[0], entry[1].sk))
        return [(r, i) for _, r, i in keyed]

    def _index_key(self, user_id: str, between: tuple[str, str] | None) -> ConditionBase:
        partition = Key("pk").eq(keys.user_pk(user_id))
        if between is not None:
            return partition & Key(definition.LIST_KEY).between(*between)
        prefix = keys.LIST_PREFIX[self.record_type.ENTITY_TYPE]
        return partition & Key(definition.LIST_KEY).begins_with(prefix)

    @staticmethod
    def _start_key(user_id: str, after: Any) -> dict[str, Any] | None:
        if after is None:
            return None
        return {"pk": keys.user_pk(user_id), "sk": after["s"], definition.LIST_KEY: after["k"]}


def page_in_memory(
    ordered: list[R], request: PageRequest, position: Callable[[R], Sequence[Any]]
) -> RecordPage[R]:
    """A page of a list read whole and sorted by `position` (ascending, unique per record):
    the lists the app itself reads whole (programs, designer sessions). The total is free."""
    after = list(request.after) if request.after is not None else None
    rest = ordered if after is None else [r for r in ordered if list(position(r)) > after]
    chosen = rest[: request.size]
    return RecordPage(
        chosen, [list(position(r)) for r in chosen], len(rest) > request.size, len(ordered)
    )


def _position(record: ItemRecord) -> dict[str, str]:
    """Where a list resumes after `record`: its list key and sort key (the same cursor
    works with and without the lists index)."""
    return {"k": record.list_key() or "", "s": record.sk}


def _beyond(record: ItemRecord, after: Any, forward: bool) -> bool:
    here = (record.list_key() or "", record.sk)
    there = (str(after["k"]), str(after["s"]))
    return here > there if forward else here < there


def all_of(*conditions: ConditionBase | None) -> ConditionBase | None:
    present = [c for c in conditions if c is not None]
    if not present:
        return None
    combined = present[0]
    for c in present[1:]:
        combined = combined & c
    return combined


def field(record_type: type[ItemRecord], *names: str) -> Attr:
    """A filter operand on a record's field, through its aliases (no path typed by hand)."""
    return Attr(".".join(record_type.path(*names)))


def null_or_absent(operand: Attr) -> ConditionBase:
    return operand.not_exists() | operand.attribute_type("NULL")


def reads_as(operand: Attr, member: Enum, *, absent: Enum | None = None) -> ConditionBase:
    """Items whose stored value at `operand` reads as `member` (`enums.read`), so a list
    filtered by an enum returns exactly the items whose field shows that member: the
    member's stored value; for `OTHER`, any value outside the known set. `absent` is the
    member a missing value reads as (the record's default; `OTHER` when there is none).

    Stored values are compared as the app writes them: a case variant of a known value
    (which `read` maps to the member) is not matched by the member's filter."""
    cls = type(member)
    other = cls["OTHER"]
    condition: ConditionBase
    if member is other:
        known = [m.value for m in cls if m is not other]
        # Engines differ on `<>` with a missing attribute: absent values are decided below.
        condition = operand.exists()
        for value in known:
            condition = condition & operand.ne(value)
    else:
        condition = operand.eq(member.value)
    if member is (absent or other):
        condition = condition | null_or_absent(operand)
    return condition

"""Per-request loaders: one batching item loader and typed views over it.

All relations resolve through `ItemLoader`, keyed by (pk, sk): every key requested in
one tick of the event loop goes out as one BatchGetItem (chunks of 100, sent together),
whatever entity type it is. List queries of the same request register themselves while
in flight and feed what they read into the loader's cache, so an item a list already
fetched (a coach from the coaches list) is never fetched again.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any, Generic, TypeVar

from strawberry.dataloader import DataLoader

from datasources import cost, counts, keys
from datasources.content import ContentStore
from datasources.records.base import ItemRecord
from datasources.table import Table
from datasources.transaction import Key

R = TypeVar("R", bound=ItemRecord)
K = TypeVar("K")


V = TypeVar("V")


class _CausalLoader(DataLoader[K, V]):
    """A DataLoader whose results carry the call that read them (`datasources/cost.py`:
    waves are causal): a batch is issued after the deepest call any of its requesters had
    seen, and whoever awaits a result has seen the call that read it."""

    def __init__(self, load_fn: Any) -> None:
        super().__init__(load_fn=load_fn)
        self._read_by: dict[Any, cost.Call | None] = {}
        self._requested_after: cost.Call | None = None

    async def load(self, key: K) -> V:
        self._requested_after = cost.deeper(self._requested_after, cost.last_seen())
        value = await DataLoader.load(self, key)
        cost.saw(self._read_by.get(key))
        return value

    async def load_many(self, keys: Iterable[K]) -> list[V]:
        wanted = list(keys)
        self._requested_after = cost.deeper(self._requested_after, cost.last_seen())
        values = await asyncio.gather(*(DataLoader.load(self, k) for k in wanted))
        for key in wanted:
            cost.saw(self._read_by.get(key))
        return list(values)

    def _batch_starts(self) -> None:
        """In the batch's task, before its calls: everything its requesters had seen."""
        cost.saw(self._requested_after)
        self._requested_after = None

    def _read(self, key: Any) -> None:
        """`key`'s value came from the call seen last by the code running now."""
        self._read_by[key] = cost.last_seen()


class ItemLoader(_CausalLoader[Key, dict[str, Any] | None]):
    def __init__(self, table: Table) -> None:
        super().__init__(load_fn=self._load)
        self.table = table
        self._seen: dict[Key, dict[str, Any]] = {}
        self._records: dict[Key, ItemRecord] = {}
        self._gone: set[Key] = set()
        self._inflight: list[tuple[str, str, asyncio.Event]] = []

    @asynccontextmanager
    async def listing(self, pk: str, sk_prefix: str) -> Any:
        """Mark a list query over (pk, sk_prefix) as in flight for the duration."""
        entry = (pk, sk_prefix, asyncio.Event())
        self._inflight.append(entry)
        try:
            yield
        finally:
            entry[2].set()
            self._inflight.remove(entry)

    def _hold(self, key: Key, item: dict[str, Any] | None) -> None:
        self._read(key)  # a list read it, or this request wrote or deleted it
        if item is None:
            self._seen.pop(key, None)
            self._gone.add(key)
        else:
            self._seen[key] = item
            self._gone.discard(key)
        self._records.pop(key, None)
        with contextlib.suppress(KeyError):
            self.clear(key)
        self.prime(key, item)

    def remember(self, items: Iterable[dict[str, Any]], records: Iterable[ItemRecord] = ()) -> None:
        """Items read by a list query: later loads of their keys are served from here.

        What this request wrote or deleted itself stays as it left it: a list read that
        lags behind (an eventually consistent index) does not bring back an older copy."""
        kept = set()
        for item in items:
            key = (item["pk"], item["sk"])
            held = self._seen.get(key)
            if key in self._gone or (held is not None and _version(held) > _version(item)):
                continue
            self._hold(key, item)
            kept.add(key)
        for record in records:
            if record.key in kept:
                self._records[record.key] = record

    def wrote(self, record: ItemRecord) -> None:
        """A record this request just wrote: later loads see it, not an older copy."""
        self._hold(record.key, record.to_item())
        self._records[record.key] = record

    def gone(self, key: Key) -> None:
        """An item this request deleted: later loads find nothing."""
        self._hold(key, None)

    def forget(self, key: Key) -> None:
        """An item this request changed without knowing its new state: read it again."""
        self._seen.pop(key, None)
        self._records.pop(key, None)
        with contextlib.suppress(KeyError):
            self.clear(key)

    def parsed(self, item: dict[str, Any], record_type: type[R]) -> R | None:
        """The item as a record, parsed once per request however often it is loaded."""
        if item.get("entityType") != record_type.ENTITY_TYPE:
            return None
        key = (item["pk"], item["sk"])
        record = self._records.get(key)
        if not isinstance(record, record_type):
            record = record_type.from_item(item)
            self._records[key] = record
        return record

    async def _load(self, item_keys: list[Key]) -> list[dict[str, Any] | None]:
        self._batch_starts()
        pending = {
            event
            for pk, prefix, event in self._inflight
            for key_pk, key_sk in item_keys
            if key_pk == pk and key_sk.startswith(prefix)
        }
        if pending:
            await asyncio.gather(*(e.wait() for e in pending))
        missing = [k for k in item_keys if k not in self._seen and k not in self._gone]
        if missing:
            for key, item in zip(missing, await self.table.batch_get(missing), strict=True):
                self._read(key)
                if item is not None:
                    self._seen[key] = item
        return [self._seen.get(k) for k in item_keys]


def _version(item: dict[str, Any]) -> int:
    version = item.get("version", 1)
    return version if isinstance(version, int) else 1


class ContentLoader(_CausalLoader[tuple[str, str | None], Any]):
    """S3 documents by (key, sha256): all requested in one tick are fetched concurrently."""

    def __init__(self, content: ContentStore) -> None:
        super().__init__(load_fn=self._load)
        self.content = content

    async def _load(self, refs: list[tuple[str, str | None]]) -> list[Any]:
        self._batch_starts()

        async def one(ref: tuple[str, str | None]) -> Any:
            try:
                return await self.content.get_json(*ref)
            finally:
                self._read(ref)  # in the task that read it

        # Exceptions are returned per key: one missing object fails only its own field.
        return await asyncio.gather(*(one(ref) for ref in refs), return_exceptions=True)


class RecordLoader(Generic[K, R]):
    """A typed view: natural key -> (pk, sk) -> record, batched by the item loader."""

    def __init__(self, items: ItemLoader, record_type: type[R], to_key: Callable[[K], Key]) -> None:
        self.items = items
        self.record_type = record_type
        self.to_key = to_key

    def _parse(self, item: dict[str, Any] | None) -> R | None:
        return None if item is None else self.items.parsed(item, self.record_type)

    async def load(self, key: K) -> R | None:
        return self._parse(await self.items.load(self.to_key(key)))

    async def load_many(self, key_list: Sequence[K]) -> list[R | None]:
        items = await self.items.load_many([self.to_key(k) for k in key_list])
        return [self._parse(i) for i in items]


class ExercisesByWorkout(_CausalLoader[tuple[str, str], list[ItemRecord]]):
    """(userId, workoutId) -> the app's exercise rows of that workout (ExerciseRecords),
    found as the app finds them (`attributes.workoutId`, exercise.ts:181-192): the workouts
    of one tick are read in one query per athlete."""

    def __init__(self, table: Table) -> None:
        super().__init__(load_fn=self._load)
        self.table = table

    async def _load(self, wanted: list[tuple[str, str]]) -> list[list[ItemRecord]]:
        from datasources.stores.exercise import rows_of_workouts  # stores import loaders

        self._batch_starts()
        by_user: dict[str, list[str]] = {}
        for user_id, workout_id in wanted:
            by_user.setdefault(user_id, []).append(workout_id)

        async def of_user(user_id: str, ids: list[str]) -> Any:
            try:
                return await rows_of_workouts(self.table, user_id, ids)
            finally:
                for workout_id in ids:
                    self._read((user_id, workout_id))  # in the task that read them

        found = await asyncio.gather(*(of_user(u, ids) for u, ids in by_user.items()))
        rows = dict(zip(by_user, found, strict=True))
        return [list(rows[u].get(w, [])) for u, w in wanted]


class Loaders:
    """Fresh for every request (a shared loader would leak one user's data to another).

    Also the request's cache of what it wrote: stores report every write here (through
    `request_cache`), so a later field or mutation in the same document reads it.
    """

    def __init__(self, table: Table, content: ContentStore) -> None:
        self.items = ItemLoader(table)
        self.content = ContentLoader(content)
        # The batched views by key, one per (record type, key builder): `of()`.
        self._views: dict[tuple[type[ItemRecord], Callable[..., str]], Any] = {}
        # The app's exercise rows of a workout: every workout of a tick in one query.
        self.exercises_by_workout = ExercisesByWorkout(table)

    def of(
        self, record_type: type[R], sk_of: Callable[..., str] | None = None
    ) -> RecordLoader[tuple[str, ...], R]:
        """The request's batched view of an entity in an athlete's partition, keyed
        (user id, *the id's parts): `loaders.of(WorkoutRecord).load((user_id, workout_id))`.
        The sort key comes from the record's own declaration (`SK_OF`) or, for a record
        stored under more than one kind of key (weekly and monthly reports), `sk_of`.
        Nothing to add here for a new entity."""
        build = sk_of or record_type.SK_OF
        view: RecordLoader[tuple[str, ...], R] | None = self._views.get((record_type, build))
        if view is None:
            view = RecordLoader(
                self.items, record_type, lambda k: (keys.user_pk(k[0]), build(*k[1:]))
            )
            self._views[(record_type, build)] = view
        return view

    async def counts(self, user_id: str) -> counts.Counts | None:
        """The athlete's list counters (one item, batched with the request's other reads);
        None: never counted."""
        return counts.parse(await self.items.load(counts.key_of(keys.user_pk(user_id))))

    def wrote(self, record: ItemRecord) -> None:
        self.items.wrote(record)

    def gone(self, key: Key) -> None:
        self.items.gone(key)

    def stale(self, key: Key) -> None:
        self.items.forget(key)


# The current request's loaders, set for the duration of each GraphQL operation (asyncio
# copies it into every task the request starts). Unset outside requests (CLI, seeding).
request_cache: ContextVar[Loaders | None] = ContextVar("neonpanda_request_cache", default=None)

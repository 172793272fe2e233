"""The partition's list counters: `totalCount` of an unfiltered list in O(1).

One item per athlete, `(user#<id>, counts)`, with no `entityType` (no list, index or
export sees it): `coaches`, `conversations`, `workouts`, `memories`, `sessions`, each the
number of items the list shows with no filter (coaches and memories not archived,
sessions not soft-deleted), plus `version` and `countedAt`.

- **Kept exact by our writes.** A `Transaction` knows the before and after image of every
  entity it creates, saves or deletes; whether each counts toward its list is decided by
  the store's own list filter (`EntityStore.where(default)`, evaluated in Python by
  `datasources.conditions`), so the counter and the list cannot disagree on what counts.
  The deltas go out as one `ADD` on the counts item in the same transaction, with
  `version + 1`.
- **Valid only once counted.** `countedAt` is set by a recount (`Recount`): a consistent
  read of the partition judged by the same filters, written only if the version did not
  move meanwhile (a write between the read and the put makes it count again). Until then
  (an athlete the app created, or whose items the app wrote), readers do not trust the
  numbers and count with a query instead. `createProfile` counts its new partition; the
  stream indexer recounts after writes that did not come through a store (the app's); the
  migration and `server.py repair-counts` count everyone.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.conditions import Attr, ConditionBase, Key

from datasources import keys
from datasources.conditions import evaluate, paths
from datasources.errors import ConditionFailed
from datasources.records.base import format_timestamp, utcnow

if TYPE_CHECKING:
    from datasources.table import Table

COUNTED_AT = "countedAt"
MAX_RECOUNT_ATTEMPTS = 5


@dataclass(frozen=True)
class Counter:
    name: str  # the counts item's attribute (and the list's field name)
    entity_type: str
    sk_prefix: str
    shown: Callable[[], ConditionBase | None]  # the unfiltered list's filter

    def condition(self) -> ConditionBase:
        shown = self.shown()
        is_entity = Attr("entityType").eq(self.entity_type)
        return is_entity if shown is None else is_entity & shown


_BY_TYPE: dict[str, Counter] = {}
_CONDITIONS: dict[str, ConditionBase] = {}


def register(counter: Counter) -> None:
    """Called by each counted store's class (`EntityStore.__init_subclass__`, from its
    `counter`): the counters are the stores' declarations, not a list kept here."""
    taken = {c.name: c.entity_type for c in _BY_TYPE.values()}
    if taken.get(counter.name, counter.entity_type) != counter.entity_type:
        raise ValueError(f"counter {counter.name!r} is {taken[counter.name]}'s already")
    _BY_TYPE[counter.entity_type] = counter


def counters() -> list[Counter]:
    """Every counter, in the order the stores declared them."""
    import datasources.stores  # noqa: F401  (the stores register theirs as they load)

    return list(_BY_TYPE.values())


def names() -> tuple[str, ...]:
    return tuple(c.name for c in counters())


def _counter(item: Mapping[str, Any] | None) -> Counter | None:
    if not item:
        return None
    counter = _BY_TYPE.get(str(item.get("entityType")))
    if counter is None:
        return None
    if not str(item.get("pk", "")).startswith(keys.USER_PREFIX):
        return None
    if not str(item.get("sk", "")).startswith(counter.sk_prefix):
        return None
    return counter


def counted_as(item: Mapping[str, Any] | None) -> str | None:
    """The counter `item` adds one to (None: it counts toward none)."""
    counter = _counter(item)
    if counter is None or item is None:
        return None
    condition = _CONDITIONS.get(counter.name)
    if condition is None:
        condition = _CONDITIONS[counter.name] = counter.condition()
    return counter.name if evaluate(condition, item) else None


def is_counted_key(key: tuple[str, str]) -> bool:
    """Whether an item at `key` may count toward a list (by its sort-key prefix)."""
    pk, sk = key
    return pk.startswith(keys.USER_PREFIX) and any(
        sk.startswith(c.sk_prefix) for c in _BY_TYPE.values()
    )


def delta(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> dict[str, int]:
    out: dict[str, int] = {}
    was, now = counted_as(before), counted_as(after)
    if was != now:
        if was is not None:
            out[was] = -1
        if now is not None:
            out[now] = 1
    return out


def key_of(pk: str) -> tuple[str, str]:
    return pk, keys.COUNTS_SK


@dataclass(frozen=True)
class Counts:
    values: dict[str, int]
    version: int
    valid: bool  # counted at least once: the numbers can be trusted

    def get(self, name: str) -> int | None:
        return self.values.get(name, 0) if self.valid else None


def parse(item: Mapping[str, Any] | None) -> Counts | None:
    if item is None:
        return None
    values = {}
    for name in names():
        value = item.get(name, 0)
        values[name] = int(value) if isinstance(value, int | float) else 0
    version = item.get("version", 0)
    return Counts(
        values=values,
        version=int(version) if isinstance(version, int | float) else 0,
        valid=bool(item.get(COUNTED_AT)) and all(v >= 0 for v in values.values()),
    )


# Items one recount request evaluates: a partition of any size is counted in short calls
# (a 1 MB page of big items took longer than the client's read timeout on the engine).
RECOUNT_PAGE = 500


class Recount:
    """Counts a partition again and stores the numbers as valid: one consistent query of
    the partition in pages of `RECOUNT_PAGE` (projected to the attributes the lists'
    filters read), written only if no counted write moved the counts item meanwhile (else
    it counts again)."""

    def __init__(self, table: Table) -> None:
        self.table = table

    async def __call__(self, user_id: str) -> Counts:
        pk = keys.user_pk(user_id)
        projection: list[tuple[str, ...]] = [("entityType",)]
        for counter in counters():
            # Two levels at most: moto fails a projection through a NULL map (and a map
            # like `attributes.metadata` is small).
            projection += [path[:2] for path in paths(counter.condition())]
        for _ in range(MAX_RECOUNT_ATTEMPTS):
            before = parse(await self.table.get(*key_of(pk), consistent=True))
            page = await self.table.query(
                Key("pk").eq(pk),
                consistent=True,
                projection=list(dict.fromkeys(projection)),
                page_size=RECOUNT_PAGE,
            )
            values = dict.fromkeys(names(), 0)
            for item in page.items:
                name = counted_as(item)
                if name is not None:
                    values[name] += 1
            if before is not None and before.valid and before.values == values:
                return before  # already right: nothing to write (a rerun changes nothing)
            version = (before.version if before else 0) + 1
            item = {
                "pk": pk,
                "sk": keys.COUNTS_SK,
                **values,
                "version": version,
                COUNTED_AT: format_timestamp(utcnow()),
            }
            unchanged = (
                Attr("pk").not_exists()
                if before is None
                else Attr("version").eq(before.version)
                if before.version
                else Attr("version").not_exists()
            )
            try:
                await self.table.put(item, condition=unchanged)
            except ConditionFailed:
                continue  # a write counted meanwhile: count again
            return Counts(values, version, True)
        raise RuntimeError(f"the counts of {user_id} kept moving; try again later")

"""A TransactWriteItems call built from labelled actions.

Each action has a label (`"workout"`, `"coach:c1"`, `"idempotency"`); a cancelled
transaction reports its failures by label (`datasources.errors.Cancelled`), never by
position. Updates of records are computed from the record (`ItemRecord.changes()`), and
carry the version condition and bump: callers never write a path or a version check.

It also keeps the partition's list counters (`datasources/counts.py`): every create, save,
replace and delete of an entity knows the item before and after, and `sendable()` adds one
`ADD` on each touched partition's counts item for what changed. So a delete of an entity
that may be counted must say what it deletes (`was=`), and a raw `put`/`update` must not
change whether an entity counts (the stores use `create`/`save` for that).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from boto3.dynamodb.conditions import Attr, ConditionBase

from datasources import counts
from datasources.errors import Invalid
from datasources.itemsize import MAX_ITEM_BYTES, item_size, largest_path, value_size
from datasources.records.base import ItemRecord, Path, utcnow

Key = tuple[str, str]
Kind = Literal["Put", "Update", "Delete", "ConditionCheck"]
MAX_ACTIONS = 100  # DynamoDB's limit per transaction


def exists() -> ConditionBase:
    return Attr("pk").exists()


def absent() -> ConditionBase:
    return Attr("pk").not_exists()


def at_version(version: int) -> ConditionBase:
    """The item exists at `version` (items written before versioning count as 1)."""
    if version == 1:
        return Attr("pk").exists() & (Attr("version").eq(1) | Attr("version").not_exists())
    return Attr("pk").exists() & Attr("version").eq(version)


def as_read(record: ItemRecord) -> ConditionBase:
    """The item is still as `record` was read: at its version (this API's writes move it)
    and with the same `updatedAt` (every write of NeonPanda's app sets it, none moves the
    version). A record made in code (not read) is only held to its version."""
    condition = at_version(record.tracked_version)
    stored = record.stored_updated_at
    if stored is None:
        return condition
    return condition & Attr("updatedAt").eq(stored)


@dataclass
class Update:
    """An UpdateExpression: SET, REMOVE, ADD, and SET with list_append."""

    set: Mapping[Path, Any] = field(default_factory=dict)
    remove: Sequence[Path] = ()
    add: Mapping[Path, int | float] = field(default_factory=dict)
    append: Mapping[Path, list[Any]] = field(default_factory=dict)


@dataclass
class Action:
    label: str
    kind: Kind
    key: Key
    item: Mapping[str, Any] | None = None
    update: Update | None = None
    condition: ConditionBase | None = None


class Transaction:
    """Actions in order; labels are unique within one transaction."""

    def __init__(self) -> None:
        self.actions: list[Action] = []
        self.tallies: dict[str, dict[str, int]] = {}  # partition -> counter -> delta

    def _add(self, action: Action) -> Transaction:
        if any(a.label == action.label for a in self.actions):
            raise ValueError(f"duplicate transaction label {action.label!r}")
        if len(self.actions) >= MAX_ACTIONS:
            raise ValueError(f"a transaction holds at most {MAX_ACTIONS} actions")
        self.actions.append(action)
        return self

    def __len__(self) -> int:
        return len(self.actions)

    def room(self, reserve: int = 0) -> int:
        """How many more actions fit, counting the counter updates `sendable()` adds and
        keeping `reserve` free (for actions added later, such as the idempotency marker)."""
        counters = sum(1 for changes in self.tallies.values() if any(changes.values()))
        return max(0, MAX_ACTIONS - len(self.actions) - counters - reserve)

    def _tally(
        self, pk: str, before: Mapping[str, Any] | None, after: Mapping[str, Any] | None
    ) -> None:
        for name, change in counts.delta(before, after).items():
            partition = self.tallies.setdefault(pk, {})
            partition[name] = partition.get(name, 0) + change

    def sendable(self) -> list[Action]:
        """The actions, plus one counter update per partition whose counts changed."""
        extra = []
        for pk, changes in self.tallies.items():
            adds: dict[Path, int | float] = {(n,): d for n, d in changes.items() if d}
            if adds:
                adds[("version",)] = 1
                extra.append(
                    Action(f"counts:{pk}", "Update", counts.key_of(pk), update=Update(add=adds))
                )
        if len(self.actions) + len(extra) > MAX_ACTIONS:
            raise ValueError(f"a transaction holds at most {MAX_ACTIONS} actions")
        return self.actions + extra

    def put(
        self, label: str, item: Mapping[str, Any], *, condition: ConditionBase | None = None
    ) -> Transaction:
        """A raw item (markers, claims). Entities go through create/replace/save."""
        if counts.counted_as(item) is not None:
            raise ValueError(f"{label}: a counted entity is written with create/replace/save")
        return self._put(label, item, condition)

    def _put(
        self, label: str, item: Mapping[str, Any], condition: ConditionBase | None
    ) -> Transaction:
        _fits(label, item)
        key = (str(item["pk"]), str(item["sk"]))
        return self._add(Action(label, "Put", key, item=item, condition=condition))

    def create(self, label: str, record: ItemRecord) -> Transaction:
        """A new item; the action fails if its key is taken."""
        record.fill_app_defaults()
        item = record.to_item()
        self._put(label, item, absent())
        self._tally(record.pk, None, item)
        return self

    def replace(self, label: str, record: ItemRecord) -> Transaction:
        """Put the whole record over the tracked version (version + 1)."""
        _whole(label, record)
        expected = record.tracked_version
        _bump(record, expected)
        record.sync_list_key()
        item = record.to_item()
        self._put(label, item, at_version(expected))
        self._tally(record.pk, record.tracked_item, item)
        return self

    def save(
        self,
        label: str,
        record: ItemRecord,
        *,
        condition: ConditionBase | None = None,
        add: Mapping[Path, int | float] | None = None,
        append: Mapping[Path, list[Any]] | None = None,
    ) -> Transaction:
        """Write what changed in a tracked record, conditioned on the item being as it was
        read (`as_read`: version and updatedAt; or on `condition`, for writes that
        commute), with version + 1 and updatedAt."""
        _whole(label, record)
        expected = record.tracked_version
        if condition is None:
            condition = as_read(record)  # before the bump: the stamp as read
        else:
            add = {**(add or {}), ("version",): 1}
        _bump(record, expected)
        record.sync_list_key()
        record.fill_app_defaults()
        _fits(label, record.to_item(), extra=append)
        changes = record.changes()
        # Counters and appends are applied by DynamoDB; their paths must not be SET too.
        moved = {*(add or {}), *(append or {})}
        sets = {p: v for p, v in changes.set.items() if p not in moved}
        update = Update(set=sets, remove=changes.remove, add=add or {}, append=append or {})
        self.update(label, record.key, update, condition=condition)
        self._tally(record.pk, record.tracked_item, record.to_item())
        return self

    def update(
        self, label: str, key: Key, update: Update, *, condition: ConditionBase | None = None
    ) -> Transaction:
        return self._add(Action(label, "Update", key, update=update, condition=condition))

    def delete(
        self,
        label: str,
        key: Key,
        *,
        condition: ConditionBase | None = None,
        was: ItemRecord | Mapping[str, Any] | None = None,
    ) -> Transaction:
        """Delete the item at `key`; `was` (the item as read, which `condition` should hold
        it to) is required where the item may count toward a list."""
        if was is None and counts.is_counted_key(key):
            raise ValueError(f"{label}: deleting a counted entity needs `was`")
        self._add(Action(label, "Delete", key, condition=condition))
        if was is not None:
            self._tally(key[0], was.to_item() if isinstance(was, ItemRecord) else was, None)
        return self

    def check(self, label: str, key: Key, condition: ConditionBase) -> Transaction:
        return self._add(Action(label, "ConditionCheck", key, condition=condition))


def _whole(label: str, record: ItemRecord) -> None:
    if record.partial:
        # What a projection left out would be lost (or its changes computed wrongly).
        raise ValueError(f"{label}: a record read through a projection is not written back")


def _fits(
    label: str, item: Mapping[str, Any], extra: Mapping[Path, list[Any]] | None = None
) -> None:
    """Refuse, before anything is sent, an item DynamoDB would refuse for its size (the
    whole item as it will be stored; appended list elements counted on top)."""
    size = item_size(item) + sum(value_size(v) for v in (extra or {}).values())
    if size <= MAX_ITEM_BYTES:
        return
    where = largest_path(item)
    field = _camel(where[-1]) if where else "input"
    raise Invalid(
        f"this {label.split(':')[0]} would be stored as {size / 1024:,.0f} KB; an item holds "
        f"at most {MAX_ITEM_BYTES // 1024} KB (most of it is {'.'.join(where)})",
        field,
    )


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _bump(record: ItemRecord, expected: int) -> None:
    record.version = expected + 1
    record.updated_at = utcnow()

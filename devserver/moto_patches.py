"""Monkey-patches for moto 5.2.5 DynamoDB (engine process only; call apply() once, early).

1. Per-table, per-view (base table, each LSI, each GSI) partition maps, kept sorted:
   Query only looks at the items of the queried partition, bounded by the range condition,
   ExclusiveStartKey and Limit (moto's own query code still does the paging/filtering).
2. TransactWriteItems keeps an undo log of the items it touches instead of deep-copying
   every table once per action.
3. GetItem/DeleteItem no longer leave empty partitions behind (defaultdict leak).
4. Scans bisect to their start key in a cached key order instead of re-sorting the table
   per page.
5. Streams keep 24 hours (and at most 20,000 records or 16 MB of item images) and a bounded
   set of iterators.
6. Item-carrying responses (GetItem, Query, Scan, BatchGetItem, the writes' returned
   attributes) are encoded with json.dumps instead of moto's shape-driven serializer.
7. Model instances are not tracked: moto appends every model object it ever creates (each
   DynamoDB item version, stream record and S3 object version, with its bytes) to a
   class-level list, for its reset and data-dump APIs, so nothing replaced was ever freed.
8. A projection (ProjectionExpression) copies only what it selects: moto's turns the whole
   item into plain JSON (deep copies at every level) once per projected path, so a list
   that left a conversation's messages out cost more than reading them. And a projected
   Query no longer deep-copies every matching item first (moto copies its results before
   projecting them; the projection copies what it keeps): a page of conversations without
   their messages no longer copies the messages.
9. An item's size (moto measures each item a Query or Scan matches, twice, for the 1 MB
   page limit) is kept on the item until an update changes it in place.

The maps are derived state: they live in a WeakKeyDictionary keyed by the Table object
(never pickled or deep-copied with it) and are rebuilt lazily from `table.items`.
"""

from __future__ import annotations

import base64
import bisect
import copy
import json
import threading
import weakref
from decimal import Decimal
from typing import Any

import moto
import moto.dynamodb.models.table as moto_table
from moto.core.common_models import BaseModel
from moto.core.utils import utcnow
from moto.dynamodb.comparisons import get_filter_expression
from moto.dynamodb.exceptions import (
    ConditionalCheckFailed,
    MockValidationException,
    MultipleTransactionsException,
    TooManyTransactionsException,
    TransactionCanceledException,
    TransactWriteSingleOpException,
)
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType, Item
from moto.dynamodb.models.table import RESULT_SIZE_LIMIT, GlobalSecondaryIndex, StreamShard, Table
from moto.dynamodb.responses import DynamoResult
from moto.dynamodbstreams.models import DynamoDBStreamsBackend

assert moto.__version__ == "5.2.5", moto.__version__  # the patches copy 5.2.5 code


class _Max:
    """Sorts after every value (used as `(v, _MAX)` = just past every key starting with v)."""

    __slots__ = ()

    def __lt__(self, other: Any) -> bool:
        return False

    def __gt__(self, other: Any) -> bool:
        return True

    def __le__(self, other: Any) -> bool:
        return other is self

    def __ge__(self, other: Any) -> bool:
        return True

    def __eq__(self, other: Any) -> bool:
        return other is self

    __hash__ = object.__hash__


_MAX = _Max()


class _PrefixEnd:
    """Sorts after every string starting with `prefix`, before every other string > prefix."""

    __slots__ = ("prefix",)

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def __lt__(self, other: Any) -> bool:  # self < other
        return bool(other > self.prefix and not other.startswith(self.prefix))

    def __gt__(self, other: Any) -> bool:  # self > other
        return bool(other < self.prefix or other.startswith(self.prefix))

    def __eq__(self, other: Any) -> bool:
        return False

    __hash__ = object.__hash__


def _cv(v: DynamoType) -> Any:
    """DynamoType.cast_value, fast for the key types (S, N, B)."""
    t = v.type
    if t == "S" or t == "B":
        return v.value
    if t == "N":
        return Decimal(v.value)
    return v.cast_value


def _hkey(v: DynamoType) -> tuple[str, Any]:
    return (v.type, _cv(v))


class _Partition:
    __slots__ = ("items", "keys")

    def __init__(self) -> None:
        self.keys: list[tuple[Any, ...]] = []
        self.items: list[Item] = []

    def add(self, key: tuple[Any, ...], item: Item) -> None:
        i = bisect.bisect_left(self.keys, key)
        if i < len(self.keys) and self.keys[i] == key:  # same primary key: replace
            self.items[i] = item
            return
        self.keys.insert(i, key)
        self.items.insert(i, item)

    def remove(self, key: tuple[Any, ...]) -> None:
        i = bisect.bisect_left(self.keys, key)
        if i < len(self.keys) and self.keys[i] == key:
            del self.keys[i]
            del self.items[i]


class _View:
    """One queryable view: the base table (name None), an LSI or a GSI."""

    def __init__(self, table: Table, index: Any | None) -> None:
        self.name = None if index is None else index.name
        if index is None:
            self.hash_attr = table.hash_key_attr
            self.member_attrs = [table.hash_key_attr]
            # moto sorts a table partition by item.range_key
            self.sort_attrs = [table.range_key_attr] if table.range_key_attr else []
            self.supported = True
        else:
            hashes = [k["AttributeName"] for k in index.schema if k["KeyType"] == "HASH"]
            ranges = [k["AttributeName"] for k in index.schema if k["KeyType"] == "RANGE"]
            self.supported = len(hashes) == 1 and len(ranges) <= 1
            self.hash_attr = hashes[0] if hashes else ""
            self.member_attrs = hashes + ranges
            # exactly the order moto's Table.query uses (sorted_items/_generate_attr_to_sort_by),
            # minus the leading index hash key, constant within a partition
            if ranges:
                range_attrs: list[str | None] = [ranges[0], table.range_key_attr]
            elif isinstance(index, GlobalSecondaryIndex) and table.range_key_attr:
                range_attrs = [table.range_key_attr, table.range_key_attr]
            else:
                range_attrs = [table.hash_key_attr, table.range_key_attr]
            order = table._generate_attr_to_sort_by([*hashes, table.hash_key_attr], range_attrs)
            self.sort_attrs = order[len(hashes) :]
        self.parts: dict[tuple[str, Any], _Partition] = {}

    def entry(self, item: Item) -> tuple[tuple[str, Any], tuple[Any, ...]] | None:
        attrs = item.attrs
        for a in self.member_attrs:
            if a not in attrs:
                return None
        try:
            h = _hkey(attrs[self.hash_attr])
            hash(h)
            return h, tuple([_cv(attrs[a]) for a in self.sort_attrs])
        except (TypeError, KeyError):  # unhashable (map/list) index key: not indexable
            return None


class _TableIndex:
    def __init__(self, table: Table) -> None:
        self.signature = _signature(table)
        self.views: dict[str | None, _View] = {None: _View(table, None)}
        for idx in table.all_indexes():
            self.views[idx.name] = _View(table, idx)
        # primary key -> (item, [(view, hash, sort) ...]) as currently placed
        self.placed: dict[tuple[Any, ...], tuple[Item, list[tuple[_View, Any, Any]]]] = {}
        # bulk build: gather, then sort each partition once
        staging: dict[tuple[_View, Any], list[tuple[Any, Item]]] = {}
        views = list(self.views.values())
        for part in table.items.values():
            stored: list[Item] = list(part.values()) if table.range_key_attr else [part]  # type: ignore[list-item]
            for item in stored:
                placed = []
                for view in views:
                    e = view.entry(item)
                    if e is not None:
                        staging.setdefault((view, e[0]), []).append((e[1], item))
                        placed.append((view, e[0], e[1]))
                self.placed[_pkey(item.hash_key, item.range_key)] = (item, placed)
        for (view, h), entries in staging.items():
            entries.sort(key=lambda e: e[0])
            p = view.parts[h] = _Partition()
            p.keys = [e[0] for e in entries]
            p.items = [e[1] for e in entries]

    def _place(self, pk: tuple[Any, ...], item: Item) -> None:
        placed = []
        for view in self.views.values():
            e = view.entry(item)
            if e is None:
                continue
            h, s = e
            part = view.parts.get(h)
            if part is None:
                part = view.parts[h] = _Partition()
            part.add(s, item)
            placed.append((view, h, s))
        self.placed[pk] = (item, placed)

    def _unplace(self, pk: tuple[Any, ...]) -> None:
        old = self.placed.pop(pk, None)
        if old is None:
            return
        for view, h, s in old[1]:
            part = view.parts.get(h)
            if part is not None:
                part.remove(s)
                if not part.keys:
                    del view.parts[h]

    def refresh(self, table: Table, h: DynamoType, r: DynamoType | None) -> None:
        pk = _pkey(h, r)
        existed = pk in self.placed
        self._unplace(pk)
        item = _lookup(table, h, r)
        if item is not None:
            self._place(pk, item)
        if existed != (item is not None):
            _keys_changed(table)


def _pkey(h: DynamoType, r: DynamoType | None) -> tuple[Any, ...]:
    return _hkey(h) + (_hkey(r) if r is not None else ())


def _signature(table: Table) -> tuple[Any, ...]:
    return (
        table.hash_key_attr,
        table.range_key_attr,
        tuple((i.name, repr(i.schema)) for i in table.all_indexes()),
    )


def _lookup(table: Table, h: DynamoType, r: DynamoType | None) -> Item | None:
    part = dict.get(table.items, h)  # never creates an entry in the defaultdict
    if part is None:
        return None
    if table.range_key_attr is None:
        return part  # type: ignore[return-value]
    return part.get(r)


_INDEXES: weakref.WeakKeyDictionary[Table, _TableIndex] = weakref.WeakKeyDictionary()


def table_index(table: Table) -> _TableIndex:
    idx = _INDEXES.get(table)
    if idx is None or idx.signature != _signature(table):
        idx = _INDEXES[table] = _TableIndex(table)
    return idx


def _refresh(table: Table, h: DynamoType, r: DynamoType | None) -> None:
    idx = _INDEXES.get(table)
    if idx is None or idx.signature != _signature(table):
        table_index(table)  # full rebuild already reflects the current state
        _keys_changed(table)
    else:
        idx.refresh(table, h, r)


# --- write hooks ----------------------------------------------------------------------

_orig_put_item = Table.put_item
_orig_delete_item = Table.delete_item
_orig_update_item = DynamoDBBackend.update_item
_orig_query = Table.query


def put_item(self: Table, item_attrs: dict[str, Any], *args: Any, **kwargs: Any) -> Item:
    item = _orig_put_item(self, item_attrs, *args, **kwargs)
    _refresh(self, item.hash_key, item.range_key)
    return item


def delete_item(self: Table, hash_key: DynamoType, range_key: DynamoType | None) -> Item | None:
    try:
        item = _orig_delete_item(self, hash_key, range_key)
    finally:
        part = dict.get(self.items, hash_key)
        if part is not None and self.range_key_attr is not None and not part:
            del self.items[hash_key]  # no empty partitions left behind
    if item is not None:
        _refresh(self, hash_key, range_key)
    return item


def get_item(
    self: Table,
    hash_key: DynamoType,
    range_key: DynamoType | None = None,
    projection_expression: list[list[str]] | None = None,
) -> Item | None:
    if self.has_range_key and not range_key:
        raise MockValidationException(
            "Table has a range key, but no range key was passed into get_item"
        )
    result = _lookup(self, hash_key, range_key if self.has_range_key else None)
    if projection_expression and result:
        result = result.project(projection_expression)
    return result


def _stored_key(
    table: Table | None, key: dict[str, Any]
) -> tuple[DynamoType, DynamoType | None] | None:
    if table is None or table.hash_key_attr not in key:
        return None
    h = DynamoType(key[table.hash_key_attr])
    r = DynamoType(key[table.range_key_attr]) if table.range_key_attr in key else None
    return h, r


def update_item(
    self: DynamoDBBackend, table_name: str, key: dict[str, Any], *args: Any, **kwargs: Any
) -> Item:
    # moto mutates the stored Item in place: its cached size is forgotten before and after
    # (patch 9), and it is re-placed afterwards, whatever happened
    table = self.tables.get(table_name)
    stored = _stored_key(table, key)
    if table is not None and stored is not None:
        _forget_size(_lookup(table, *stored))
    try:
        return _orig_update_item(self, table_name, key, *args, **kwargs)
    finally:
        if table is not None and stored is not None:
            _forget_size(_lookup(table, *stored))
            if _INDEXES.get(table) is not None:
                _refresh(table, *stored)


# --- query -------------------------------------------------------------------------------


class _Done(Exception):
    pass


_BOUNDED = {"=", "EQ", "<", "LT", "<=", "LE", ">", "GT", ">=", "GE", "BETWEEN", "BEGINS_WITH"}


def _bounds(keys: list[tuple[Any, ...]], op: str | None, vals: list[Any]) -> tuple[int, int]:
    lo, hi = 0, len(keys)
    if not op:
        return lo, hi
    op = op.upper()
    v = [_cv(x) for x in vals]
    if op in ("=", "EQ"):
        return bisect.bisect_left(keys, (v[0],)), bisect.bisect_left(keys, (v[0], _MAX))
    if op in ("<", "LT"):
        return lo, bisect.bisect_left(keys, (v[0],))
    if op in ("<=", "LE"):
        return lo, bisect.bisect_left(keys, (v[0], _MAX))
    if op in (">", "GT"):
        return bisect.bisect_left(keys, (v[0], _MAX)), hi
    if op in (">=", "GE"):
        return bisect.bisect_left(keys, (v[0],)), hi
    if op == "BETWEEN":
        return bisect.bisect_left(keys, (v[0],)), bisect.bisect_left(keys, (v[1], _MAX))
    if op == "BEGINS_WITH" and isinstance(v[0], str):
        return bisect.bisect_left(keys, (v[0],)), bisect.bisect_left(keys, (_PrefixEnd(v[0]),))
    return lo, hi


def query(
    self: Table,
    hash_key: DynamoType | None,
    range_comparison: str | None,
    range_objs: list[DynamoType],
    limit: int,
    exclusive_start_key: dict[str, Any],
    scan_index_forward: bool,
    projection_expressions: list[list[str]] | None,
    index_name: str | None = None,
    consistent_read: bool = False,
    filter_expression: Any = None,
    hash_key_conditions: list[tuple[str, DynamoType]] | None = None,
    range_key_conditions: list[tuple[str, str, list[DynamoType]]] | None = None,
    **filter_kwargs: Any,
) -> tuple[list[Item], int, dict[str, Any] | None]:
    args = (
        self,
        hash_key,
        range_comparison,
        range_objs,
        limit,
        exclusive_start_key,
        scan_index_forward,
        projection_expressions,
        index_name,
        consistent_read,
        filter_expression,
    )
    kw = dict(
        hash_key_conditions=hash_key_conditions,
        range_key_conditions=range_key_conditions,
        **filter_kwargs,
    )
    view = table_index(self).views.get(index_name)
    if (
        view is None  # unknown index: let moto raise its error
        or not view.supported
        or not hash_key_conditions
        or len(hash_key_conditions) != 1
        or (range_key_conditions and len(range_key_conditions) > 1)
        or (range_comparison and range_comparison.upper() not in _BOUNDED)
    ):
        return _orig_query(*args, **kw)
    esk_for_moto: Any = None  # the start key is applied here (candidates begin after it)
    candidates: list[Item] = []
    try:
        part = view.parts.get(_hkey(hash_key_conditions[0][1]))
        if filter_kwargs:  # legacy QueryFilter/non-key KeyConditions: whole partition, moto pages
            candidates = list(part.items) if part else []
            esk_for_moto = exclusive_start_key
            raise _Done
        keys = part.keys if part else []
        lo, hi = _bounds(keys, range_comparison, range_objs)
        if exclusive_start_key is not None:
            esk = exclusive_start_key
            attrs = [view.hash_attr, *view.sort_attrs]
            if (
                not all(a in esk for a in attrs)
                or DynamoType(esk[view.hash_attr]) != hash_key_conditions[0][1]
            ):
                raise LookupError  # odd start key: moto's own (full) path
            start = tuple(_cv(DynamoType(esk[a])) for a in view.sort_attrs)
            if scan_index_forward:
                lo = max(lo, bisect.bisect_right(keys, start))
            else:
                hi = min(hi, bisect.bisect_left(keys, start))
        if hi > lo:
            assert part is not None
            # moto stops after `limit` results or 1 MB: hand it that many plus one
            step = 1 if scan_index_forward else -1
            idxs = range(lo, hi) if scan_index_forward else range(hi - 1, lo - 1, -1)
            candidates = []
            size = 0
            cap = limit + 1 if limit else None
            for i in idxs:
                item = part.items[i]
                candidates.append(item)
                if cap is not None and len(candidates) >= cap:
                    break
                if cap is None:
                    size += item.size()
                    if size > RESULT_SIZE_LIMIT:
                        break
            else:
                # moto sets LastEvaluatedKey when `limit` results are followed by ANY further
                # item of the partition, even one outside the range condition: keep one
                if cap is not None and len(candidates) == limit:
                    nxt = hi if step > 0 else lo - 1
                    if 0 <= nxt < len(keys):
                        candidates.append(part.items[nxt])
            if step < 0:
                candidates.reverse()
    except _Done:
        pass
    except (LookupError, TypeError):
        return _orig_query(*args, **kw)
    # moto's query reads `self.all_items()` for its candidates: hand it just these
    self.all_items = lambda: candidates  # type: ignore[method-assign]
    # A projection copies the parts it keeps (`project`): moto's copy of the whole matched
    # items before it is skipped (patch 8).
    _results_uncopied.active = bool(projection_expressions)
    try:
        return _orig_query(
            self,
            hash_key,
            range_comparison,
            range_objs,
            limit,
            esk_for_moto,
            scan_index_forward,
            projection_expressions,
            index_name,
            consistent_read,
            filter_expression,
            **kw,
        )
    finally:
        _results_uncopied.active = False
        del self.all_items


_results_uncopied = threading.local()  # set on the engine's thread serving a projected query


class _TableModuleCopy:
    """The `copy` module as moto's table module sees it (patch 8): `deepcopy` returns its
    argument while this thread serves a projected Query; everything else is `copy`'s."""

    copy = staticmethod(copy.copy)

    @staticmethod
    def deepcopy(value: Any, memo: dict[int, Any] | None = None) -> Any:
        if getattr(_results_uncopied, "active", False):
            return value
        return copy.deepcopy(value, memo)


# --- transactions ----------------------------------------------------------------------


def transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
    """moto 5.2.5's transact_write_items, with an undo log instead of whole-table copies."""
    if len(transact_items) > 100:
        raise TooManyTransactionsException()
    undo: list[tuple[Table, DynamoType, DynamoType | None, Item | None]] = []
    streams: dict[int, tuple[Any, list[Any], int]] = {}

    def remember(table: Table, key: dict[str, Any], mutates_in_place: bool) -> None:
        h, r = self.get_keys_value(table, key)  # MockValidationException, as get_item would
        prev = _lookup(table, h, r)
        if prev is not None and mutates_in_place:
            prev = copy.deepcopy(prev)  # update_item edits the stored Item itself
        undo.append((table, h, r, prev))
        shard = table.stream_shard
        if shard is not None and id(shard) not in streams:
            # Where the stream ends, as a sequence position (trimming moves list indexes).
            streams[id(shard)] = (
                shard,
                shard.items,
                shard.starting_sequence_number + len(shard.items),
            )

    def rollback() -> None:
        for table, h, r, prev in reversed(undo):
            if table.range_key_attr is None:
                if prev is None:
                    table.items.pop(h, None)
                else:
                    table.items[h] = prev  # type: ignore[assignment]
            else:
                part = dict.get(table.items, h)
                if prev is None:
                    if part is not None:
                        part.pop(r, None)
                        if not part:
                            del table.items[h]
                else:
                    table.items[h][r] = prev
            _refresh(table, h, r)
        for shard, records, end in streams.values():
            if shard.items is records:  # not flushed to a Lambda meanwhile
                del records[max(0, end - shard.starting_sequence_number) :]
                sizes = shard.__dict__.get("_neonpanda_sizes")
                if sizes is not None and len(sizes) != len(records):
                    shard.__dict__["_neonpanda_sizes"] = None  # counted again on next add

    target_items: set[tuple[str, str]] = set()

    def check_unicity(table_name: str, key: dict[str, Any]) -> None:
        item = (str(table_name), str(dict(sorted(key.items()))))
        if item in target_items:
            raise MultipleTransactionsException()
        target_items.add(item)

    errors: list[Any] = []
    for item in transact_items:
        original_item: dict[str, Any] | None = None
        if len(list(item.keys())) > 1:
            raise TransactWriteSingleOpException
        try:
            op_type, op = next(iter(item.items()))
            if op_type not in {"ConditionCheck", "Put", "Delete", "Update"}:
                raise ValueError("Unsupported transaction operation")
            table_name = op["TableName"]
            condition_expression = op.get("ConditionExpression")
            expression_attribute_names = op.get("ExpressionAttributeNames")
            expression_attribute_values = op.get("ExpressionAttributeValues")
            return_values_on_condition_check_failure = op.get("ReturnValuesOnConditionCheckFailure")
            if op_type == "Put":
                attrs = op["Item"]
                table = self.get_table(table_name)
                key = {table.hash_key_attr: attrs[table.hash_key_attr]}
                if table.range_key_attr is not None:
                    key[table.range_key_attr] = attrs[table.range_key_attr]
            else:
                key = op["Key"]
            check_unicity(table_name, key)
            if op_type != "ConditionCheck":
                remember(self.get_table(table_name), key, op_type == "Update")
            current = self.get_item(table_name, key)
            if condition_expression is not None:
                condition_op = get_filter_expression(
                    condition_expression, expression_attribute_names, expression_attribute_values
                )
                if not condition_op.expr(current):
                    if return_values_on_condition_check_failure == "ALL_OLD" and current:
                        original_item = current.to_json()["Attributes"]
                    raise ConditionalCheckFailed(item=original_item)
            if op_type == "Put":
                self.put_item(
                    table_name,
                    op["Item"],
                    condition_expression=condition_expression,
                    expression_attribute_names=expression_attribute_names,
                    expression_attribute_values=expression_attribute_values,
                )
            elif op_type == "Delete":
                self.delete_item(
                    table_name,
                    key,
                    condition_expression=condition_expression,
                    expression_attribute_names=expression_attribute_names,
                    expression_attribute_values=expression_attribute_values,
                )
            elif op_type == "Update":
                self.update_item(
                    table_name,
                    key,
                    update_expression=op["UpdateExpression"],
                    condition_expression=condition_expression,
                    expression_attribute_names=expression_attribute_names,
                    expression_attribute_values=expression_attribute_values,
                )
            errors.append((None, None, None))
        except (MultipleTransactionsException, MockValidationException):
            rollback()
            raise
        except ConditionalCheckFailed as e:
            errors.append(("ConditionalCheckFailed", str(e.message), original_item))
        except Exception as e:
            errors.append((type(e).__name__, str(e), original_item))
    if any(code is not None for code, _, _ in errors):
        rollback()
        raise TransactionCanceledException(errors)


# --- scan ----------------------------------------------------------------------------
#
# moto's Scan sorts every item of the table for every page, then walks past the start key:
# a full scan (the migration, the orphan sweep) is O(N^2 / page). The table's primary keys
# are kept in moto's scan order here (rebuilt only when a key is added or removed), so a
# page bisects to its start key and hands moto just the items it can return.

_SCAN_ORDER: weakref.WeakKeyDictionary[Table, list[tuple[Any, ...]]] = weakref.WeakKeyDictionary()
_orig_scan = Table.scan


def _scan_order(table: Table) -> list[tuple[Any, ...]]:
    order = _SCAN_ORDER.get(table)
    if order is None:
        keys = []
        for h, part in table.items.items():
            if table.range_key_attr is None:
                keys.append((_cv(h), None, h, None))
            else:
                keys.extend((_cv(h), _cv(r), h, r) for r in part)
        order = _SCAN_ORDER[table] = sorted(keys, key=lambda k: (k[0], k[1]))
    return order


def _keys_changed(table: Table) -> None:
    _SCAN_ORDER.pop(table, None)


def scan(
    self: Table,
    filters: dict[str, Any],
    limit: int,
    exclusive_start_key: dict[str, Any] | None,
    filter_expression: Any = None,
    index_name: str | None = None,
    consistent_read: bool = False,
    projection_expression: list[list[str]] | None = None,
    segments: tuple[Any, Any] = (None, None),
) -> tuple[list[Item], int, dict[str, Any] | None]:
    if index_name or filters:
        return _orig_scan(
            self,
            filters,
            limit,
            exclusive_start_key,  # type: ignore[arg-type]
            filter_expression,
            index_name,
            consistent_read,
            projection_expression,
            segments,
        )
    order = _scan_order(self)
    start = 0
    if exclusive_start_key:
        h = _cv(DynamoType(exclusive_start_key[self.hash_key_attr]))
        r = (
            _cv(DynamoType(exclusive_start_key[self.range_key_attr]))
            if self.range_key_attr
            else None
        )
        start = bisect.bisect_right(order, (h, r), key=lambda k: (k[0], k[1]))
    candidates: list[Item] = []
    size = 0
    for _, _, h, r in order[start:]:
        item = _lookup(self, h, r)
        if item is None or not item.is_within_segment(segments):
            continue
        candidates.append(item)
        if limit and len(candidates) > limit:
            break
        size += item.size()
        if not limit and size > RESULT_SIZE_LIMIT:
            break
    self.all_items = lambda: candidates  # type: ignore[method-assign]
    try:
        return _orig_scan(
            self,
            filters,
            limit,
            None,  # type: ignore[arg-type]
            filter_expression,
            index_name,
            consistent_read,
            projection_expression,
            segments,
        )
    finally:
        del self.all_items


# --- streams -------------------------------------------------------------------------
#
# moto keeps every stream record forever and every shard iterator it ever handed out (a
# new one per GetRecords). DynamoDB keeps 24 hours of records; so does this, bounded in
# count and in the size of the item images too (a record costs about five times its
# images in memory: ~5 KB for a write of a 500-byte item), and only the newest iterators
# are kept: memory stays proportional to the data, not to how long the engine has run or
# how often it was written. A reader further behind than that resumes at the oldest
# record kept (DynamoDB would say TrimmedDataAccessException); the server's readers follow
# within a second.

STREAM_RETENTION_SECONDS = 24 * 3600
STREAM_MAX_RECORDS = 20_000
STREAM_MAX_BYTES = 16 * 1024 * 1024
MAX_SHARD_ITERATORS = 10_000
_orig_stream_add = StreamShard.add
_orig_stream_get = StreamShard.get


def stream_add(self: StreamShard, old: Item | None, new: Item | None) -> None:
    before = len(self.items)
    _orig_stream_add(self, old, new)
    # Sizes of the kept records' images, oldest first (absent in older snapshots).
    sizes: list[int] | None = self.__dict__.get("_neonpanda_sizes")
    if sizes is None or len(sizes) != before:
        sizes = [_record_size(record) for record in self.items[:before]]
        self.__dict__["_neonpanda_bytes"] = sum(sizes)
    added = [_record_size(record) for record in self.items[before:]]
    sizes.extend(added)
    total = self.__dict__.get("_neonpanda_bytes", 0) + sum(added)
    cutoff = utcnow().timestamp() - STREAM_RETENTION_SECONDS
    drop = 0
    for record in self.items:
        created = record.record["dynamodb"]["ApproximateCreationDateTime"]
        stamp = created.timestamp() if hasattr(created, "timestamp") else float(created)
        kept = len(self.items) - drop
        if kept <= 1 or (
            kept <= STREAM_MAX_RECORDS and total <= STREAM_MAX_BYTES and stamp >= cutoff
        ):
            break
        total -= sizes[drop]
        drop += 1
    if drop:
        del self.items[:drop]
        del sizes[:drop]
        # Sequence numbers are the list position plus the start: move the start along.
        self.starting_sequence_number += drop
    self.__dict__["_neonpanda_sizes"] = sizes
    self.__dict__["_neonpanda_bytes"] = total


def _record_size(record: Any) -> int:
    images = record.record.get("dynamodb", {})
    return int(images.get("SizeBytes") or 0) or 1


def stream_get(self: StreamShard, start: int, quantity: int) -> list[dict[str, Any]]:
    # An iterator older than the retained records resumes at the oldest one kept.
    return _orig_stream_get(self, max(start, self.starting_sequence_number), quantity)


def _bound_iterators(backend: Any) -> None:
    iterators = backend.shard_iterators
    while len(iterators) > MAX_SHARD_ITERATORS:
        iterators.pop(next(iter(iterators)))


_orig_get_records = DynamoDBStreamsBackend.get_records


def get_records(self: DynamoDBStreamsBackend, iterator_arn: str, limit: int) -> dict[str, Any]:
    result = _orig_get_records(self, iterator_arn, limit)
    _bound_iterators(self)
    return result


# --- responses ------------------------------------------------------------------------
#
# moto 5.2.5 encodes every response by walking botocore's output shape member by member:
# each attribute of each item is a nested AttributeValue structure, so a Query returning
# twenty 1-KB items spends ~60 ms there. These operations' results are already in the
# wire format (moto's DynamoResult turned DynamoTypes into {"S": ...} dicts, binaries into
# bytes), so a plain json.dumps gives the same document; the only types to translate are
# bytes (base64, as the serializer does) and Decimal.

FAST_OPERATIONS = {
    "GetItem",
    "Query",
    "Scan",
    "BatchGetItem",
    "TransactGetItems",
    "PutItem",
    "UpdateItem",
    "DeleteItem",
}
_orig_execute_result = DynamoResult.execute_result


def _json_default(value: Any) -> Any:
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"not JSON: {type(value).__name__}")


def execute_result(self: DynamoResult, context: Any) -> Any:
    operation = context.operation_model
    if operation.name not in FAST_OPERATIONS or operation.service_model.protocol != "json":
        return _orig_execute_result(self, context)
    result = self.result
    assert isinstance(result, dict)
    body = json.dumps(
        {k: v for k, v in result.items() if v is not None},
        default=_json_default,
        separators=(",", ":"),
    )
    version = operation.service_model.metadata.get("jsonVersion", "1.0")
    return 200, {"Content-Type": f"application/x-amz-json-{version}"}, body


# --- instance tracking --------------------------------------------------------------
#
# moto.core.common_models.BaseModel.__new__ appends every instance to
# `cls.instances_tracked`. Its only readers are the reset API (which closes S3 objects'
# buffers; dropped objects are closed when collected) and the model-data dump (unused
# here). Under churn it held every item version ever written: ~16 KB per request in the
# soak benchmark, without bound.


def _untracked_new(cls: type, *args: Any, **kwargs: Any) -> Any:
    return object.__new__(cls)


_original_project = Item.project


def project(self: Item, projection_expressions: list[list[str]]) -> Item:
    """moto's `Item.project`, walking the stored values path by path and copying only the
    selected parts (list-index paths, which this project never sends, go to moto's)."""
    if any("[" in part for expr in projection_expressions for part in expr):
        return _original_project(self, projection_expressions)
    selected: dict[str, DynamoType] = {}
    for expr in projection_expressions:
        # Find the value first: a path that selects nothing adds nothing (no empty maps).
        value: DynamoType | None = self.attrs.get(expr[0])
        for part in expr[1:]:
            if value is None or not value.is_map():
                value = None  # a path through a non-map selects nothing (as in DynamoDB)
                break
            value = value.value.get(part)
        if value is None:
            continue
        target = selected
        for part in expr[:-1]:
            child = target.get(part)
            if child is None or not child.is_map():
                child = target[part] = DynamoType({"M": {}})
            target = child.value
        target[expr[-1]] = copy.deepcopy(value)
    return Item(hash_key=self.hash_key, range_key=self.range_key, attrs=selected)


# --- item sizes (patch 9) --------------------------------------------------------------
#
# moto measures every item a Query or Scan matches twice (`Item.size()`, for the 1 MB page
# limit), walking every attribute down to each message of a conversation: ~3.5 ms for a
# 200 KB conversation item, on every list read, although the item has not changed. The
# size is kept on the item until it changes. Stored items change in place only in
# `update_item` (moto's UpdateExpressionExecutor and AttributeUpdates), which forgets it
# before and after; every other write stores a new Item. The 400 KB check while an update
# runs measures attribute values (`DynamoType.size`), which are not cached.

_original_item_size = Item.size


def item_size(self: Item) -> int:
    size: int | None = self.__dict__.get("_neonpanda_size")
    if size is None:
        size = _original_item_size(self)
        self.__dict__["_neonpanda_size"] = size
    return size


def _forget_size(item: Item | None) -> None:
    if item is not None:
        item.__dict__.pop("_neonpanda_size", None)


def apply() -> None:
    Item.size = item_size  # type: ignore[method-assign]
    BaseModel.__new__ = staticmethod(_untracked_new)  # type: ignore[method-assign]
    Table.put_item = put_item  # type: ignore[method-assign]
    Table.delete_item = delete_item  # type: ignore[method-assign]
    Table.get_item = get_item  # type: ignore[method-assign]
    Table.query = query  # type: ignore[method-assign]
    Table.scan = scan  # type: ignore[method-assign]
    Item.project = project  # type: ignore[method-assign]
    moto_table.copy = _TableModuleCopy  # type: ignore[assignment,attr-defined]
    DynamoDBBackend.update_item = update_item  # type: ignore[method-assign]
    DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]
    StreamShard.add = stream_add  # type: ignore[method-assign]
    StreamShard.get = stream_get  # type: ignore[method-assign]
    DynamoDBStreamsBackend.get_records = get_records  # type: ignore[method-assign]
    DynamoResult.execute_result = execute_result  # type: ignore[method-assign,assignment]


def verify(table: Table) -> None:
    """Test helper: the maintained maps equal a fresh rebuild."""
    live = table_index(table)
    fresh = _TableIndex(table)
    for name, view in fresh.views.items():
        lv = live.views[name]
        assert lv.parts.keys() == view.parts.keys(), name
        for h, p in view.parts.items():
            assert lv.parts[h].keys == p.keys, (name, h)
            assert all(a is b for a, b in zip(lv.parts[h].items, p.items, strict=True)), (name, h)

"""The table wrapper: the only code that speaks DynamoDB's wire format.

Callers pass plain Python values and boto3 `Key`/`Attr` conditions; items come back as
plain dicts (numbers as int/float). Every call is recorded on the request's cost recorder.
"""

from __future__ import annotations

import asyncio
import math
import random
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from boto3.dynamodb.conditions import Attr, ConditionBase, ConditionExpressionBuilder
from boto3.dynamodb.types import TypeSerializer
from botocore.exceptions import BotoCoreError, ClientError

from datasources import cost, definition
from datasources.accelerators import Accelerators
from datasources.cost import add_capacity, track
from datasources.errors import BackendUnavailable, Cancelled, ConditionFailed, Failure
from datasources.raw_reads import unwrap
from datasources.records.base import Path
from datasources.transaction import Action, Key, Transaction, Update

BATCH_GET_LIMIT = 100
# A write that collided with a concurrent transaction on the same item is sent this many
# times in all, after a random pause of up to CONTENTION_PAUSE_SECONDS * 2**attempt.
CONTENTION_ATTEMPTS = 3
CONTENTION_PAUSE_SECONDS = 0.025

_serializer = TypeSerializer()


def _to_wire(value: Any) -> Any:
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("DynamoDB cannot store NaN or infinity")
        return Decimal(repr(value))
    if isinstance(value, Mapping):
        return {k: _to_wire(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_to_wire(v) for v in value]
    return value


def serialize_item(item: Mapping[str, Any]) -> dict[str, Any]:
    return {k: _serializer.serialize(_to_wire(v)) for k, v in item.items()}


def deserialize_item(raw: Mapping[str, Any]) -> dict[str, Any]:
    return {k: unwrap(v) for k, v in raw.items()}


def not_expired(now: float | None = None) -> ConditionBase:
    """Items whose `ttl` is in the past are invisible (DynamoDB deletes them late)."""
    ttl = Attr(definition.TTL_ATTRIBUTE)
    return ttl.not_exists() | ttl.gt(int(now if now is not None else time.time()))


def is_expired(item: Mapping[str, Any], now: float | None = None) -> bool:
    ttl = item.get(definition.TTL_ATTRIBUTE)
    return isinstance(ttl, int | float) and ttl <= (now if now is not None else time.time())


_INDEX_KEYS: dict[str | None, tuple[str, ...]] = {
    None: ("pk", "sk"),
    definition.GSI_LISTS: ("pk", "sk", definition.LIST_KEY),
    definition.GSI_EMAIL: ("pk", "sk", "gsi1pk", "gsi1sk"),
    definition.GSI_USERNAME: ("pk", "sk", "gsi2pk", "gsi2sk"),
    definition.GSI_ENTITY_TYPE: ("pk", "sk", "entityType"),
}


def start_key_for(item: Mapping[str, Any], index: str | None) -> dict[str, Any]:
    """The ExclusiveStartKey that resumes a query right after `item`."""
    return {name: item[name] for name in _INDEX_KEYS[index]}


@dataclass
class Page:
    items: list[dict[str, Any]]
    has_more: bool
    scanned: int
    requests: int


class Expression:
    """Collects placeholders for one request's expressions (key, filter, condition, update)."""

    def __init__(self) -> None:
        self._builder = ConditionExpressionBuilder()
        self.names: dict[str, str] = {}
        self.values: dict[str, Any] = {}
        self._n = 0

    def condition(self, cond: ConditionBase, *, key: bool = False) -> str:
        built = self._builder.build_expression(cond, is_key_condition=key)
        self.names.update(built.attribute_name_placeholders)
        self.values.update(built.attribute_value_placeholders)
        return str(built.condition_expression)

    def name(self, path: Path) -> str:
        """`("a", "b", "c")` -> `#u0.#u1.#u2` with the names registered."""
        parts = []
        for part in path:
            placeholder = f"#u{self._n}"
            self._n += 1
            self.names[placeholder] = part
            parts.append(placeholder)
        return ".".join(parts)

    def value(self, value: Any) -> str:
        placeholder = f":u{self._n}"
        self._n += 1
        self.values[placeholder] = value
        return placeholder

    def params(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.names:
            out["ExpressionAttributeNames"] = dict(self.names)
        if self.values:
            out["ExpressionAttributeValues"] = {
                k: _serializer.serialize(_to_wire(v)) for k, v in self.values.items()
            }
        return out


def _client_error_code(err: ClientError) -> str:
    return str(err.response.get("Error", {}).get("Code", ""))


class Table:
    """get / batch_get / query / put / update / delete / transact_write over one table."""

    def __init__(self, client: Any, name: str, batch_get_deadline: float = 5.0) -> None:
        self.client = client
        self.name = name
        self.batch_get_deadline = batch_get_deadline
        # What the live table offers beyond the seed (read at start, refreshed by the runtime).
        self.accelerators = Accelerators()
        # Bumped on every write; the embedded engine's snapshotter watches it.
        self.write_generation = 0

    async def _call(self, operation: str, **params: Any) -> dict[str, Any]:
        """One call. A write that collided with another writer's transaction on one of its
        items (TransactionConflictException: refused, nothing written; botocore does not
        retry it) is sent again after a short random pause, then reported unavailable."""
        for attempt in range(CONTENTION_ATTEMPTS):
            try:
                return await self._attempt(operation, params)
            except ClientError as err:
                if _client_error_code(err) != "TransactionConflictException":
                    raise
                if attempt + 1 == CONTENTION_ATTEMPTS:
                    raise BackendUnavailable(
                        f"DynamoDB {operation}: the item stayed busy with other transactions"
                    ) from err
            await contention_pause(attempt)
        raise AssertionError("unreachable")

    async def _attempt(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        method = getattr(self.client, _snake(operation))
        with track("dynamodb", operation) as call:
            try:
                response: dict[str, Any] = await method(**params)
            except ClientError as err:
                add_capacity(call, err.response.get("ConsumedCapacity"))
                if _client_error_code(err) in _UNAVAILABLE_CODES:
                    raise BackendUnavailable(f"DynamoDB {operation}: {err}") from err
                raise
            except BotoCoreError as err:
                raise BackendUnavailable(f"DynamoDB {operation}: {err}") from err
            add_capacity(call, response.get("ConsumedCapacity"))
            if operation == "Query" or operation == "Scan":
                call.items_read = int(response.get("ScannedCount", 0))
            elif operation == "GetItem":
                call.items_read = 1 if "Item" in response else 0
            elif operation == "BatchGetItem":
                call.items_read = sum(len(v) for v in response.get("Responses", {}).values())
        if operation in _WRITES:
            self.write_generation += 1
        return response

    # --- reads ------------------------------------------------------------------------

    async def get(self, pk: str, sk: str, *, consistent: bool = False) -> dict[str, Any] | None:
        response = await self._call(
            "GetItem",
            TableName=self.name,
            Key=serialize_item({"pk": pk, "sk": sk}),
            ConsistentRead=consistent,
            ReturnConsumedCapacity="TOTAL",
        )
        raw = response.get("Item")
        if raw is None:
            return None
        item = deserialize_item(raw)
        return None if is_expired(item) else item

    async def batch_get(
        self, keys: Sequence[Key], *, consistent: bool = False
    ) -> list[dict[str, Any] | None]:
        """Items in key order (None for misses/expired); chunks of 100 sent concurrently."""
        unique = list(dict.fromkeys(keys))
        chunks = [unique[i : i + BATCH_GET_LIMIT] for i in range(0, len(unique), BATCH_GET_LIMIT)]
        found: dict[Key, dict[str, Any]] = {}
        deadline = time.monotonic() + self.batch_get_deadline
        reads = (self._batch_get_chunk(c, deadline, consistent) for c in chunks)
        for result in await cost.gather(*reads):
            found.update(result)
        return [found.get(k) for k in keys]

    async def _batch_get_chunk(
        self, keys: list[Key], deadline: float, consistent: bool
    ) -> dict[Key, dict[str, Any]]:
        request: dict[str, Any] = {
            self.name: {
                "Keys": [serialize_item({"pk": pk, "sk": sk}) for pk, sk in keys],
                "ConsistentRead": consistent,
            }
        }
        found: dict[Key, dict[str, Any]] = {}
        attempt = 0
        while request:
            response = await self._call(
                "BatchGetItem", RequestItems=request, ReturnConsumedCapacity="TOTAL"
            )
            for raw in response.get("Responses", {}).get(self.name, []):
                item = deserialize_item(raw)
                if not is_expired(item):
                    found[(item["pk"], item["sk"])] = item
            request = response.get("UnprocessedKeys") or {}
            if request:
                attempt += 1
                # Full-jitter exponential backoff, never past the deadline.
                delay = random.uniform(0, min(1.0, 0.025 * 2**attempt))
                if time.monotonic() + delay > deadline:
                    raise BackendUnavailable(
                        f"BatchGetItem still had unprocessed keys at the deadline "
                        f"({sum(len(v['Keys']) for v in request.values())} left)"
                    )
                await asyncio.sleep(delay)
        return found

    async def query(
        self,
        key: ConditionBase,
        *,
        index: str | None = None,
        filter: ConditionBase | None = None,
        forward: bool = True,
        start_key: Mapping[str, Any] | None = None,
        want: int | None = None,
        consistent: bool = False,
        projection: Sequence[Path] | None = None,
        page_size: int | None = None,
    ) -> Page:
        """Up to `want` matching, unexpired items (all when None), reading on past short pages.

        `has_more` is exact: the loop reads until it holds one match beyond `want` or the
        key range is exhausted. Resume after the last item with `start_key_for(item, index)`.
        `page_size` bounds what one request evaluates when reading everything (`want`
        None): many short calls instead of 1 MB pages, none of them near a read timeout.
        """
        expr = Expression()
        params: dict[str, Any] = {
            "TableName": self.name,
            "KeyConditionExpression": expr.condition(key, key=True),
            "ScanIndexForward": forward,
            "ReturnConsumedCapacity": "TOTAL",
        }
        visible = not_expired() if filter is None else (filter & not_expired())
        params["FilterExpression"] = expr.condition(visible)
        if projection is not None:
            # The keys and TTL always: callers resume from them and expiry is checked here.
            paths = dict.fromkeys([("pk",), ("sk",), (definition.TTL_ATTRIBUTE,), *projection])
            params["ProjectionExpression"] = ", ".join(expr.name(p) for p in paths)
        params.update(expr.params())
        if index is not None:
            params["IndexName"] = index
        if consistent and index is None:
            params["ConsistentRead"] = True
        items: list[dict[str, Any]] = []
        scanned = requests = 0
        exclusive = dict(start_key) if start_key else None
        limit = page_size if want is None else max(want + 1, 2)
        while True:
            call_params = dict(params)
            if exclusive:
                call_params["ExclusiveStartKey"] = serialize_item(exclusive)
            if limit is not None:
                call_params["Limit"] = limit
            response = await self._call("Query", **call_params)
            requests += 1
            scanned += int(response.get("ScannedCount", 0))
            items.extend(deserialize_item(raw) for raw in response.get("Items", []))
            last = response.get("LastEvaluatedKey")
            if not last or (want is not None and len(items) > want):
                break
            exclusive = deserialize_item(last)
            if want is not None and limit is not None:
                # A filter thinned this page: read further ahead next time.
                limit = min(limit * 4, 1000)
        if want is None:
            return Page(items, False, scanned, requests)
        return Page(items[:want], len(items) > want, scanned, requests)

    async def scan_page(self, params: dict[str, Any]) -> dict[str, Any]:
        """One Scan request as given (the migration's and the sweep's walk of the table)."""
        return await self._call("Scan", **params)

    async def count(
        self,
        key: ConditionBase,
        *,
        index: str | None = None,
        filter: ConditionBase | None = None,
        consistent: bool = False,
    ) -> int:
        """Matching, unexpired items (Select=COUNT, following every page)."""
        expr = Expression()
        params: dict[str, Any] = {
            "TableName": self.name,
            "KeyConditionExpression": expr.condition(key, key=True),
            "Select": "COUNT",
            "ReturnConsumedCapacity": "TOTAL",
        }
        visible = not_expired() if filter is None else (filter & not_expired())
        params["FilterExpression"] = expr.condition(visible)
        params.update(expr.params())
        if index is not None:
            params["IndexName"] = index
        if consistent and index is None:
            params["ConsistentRead"] = True
        total = 0
        while True:
            response = await self._call("Query", **params)
            total += int(response.get("Count", 0))
            last = response.get("LastEvaluatedKey")
            if not last:
                return total
            params["ExclusiveStartKey"] = last

    # --- writes -----------------------------------------------------------------------

    async def put(self, item: Mapping[str, Any], *, condition: ConditionBase | None = None) -> None:
        params: dict[str, Any] = {
            "TableName": self.name,
            "Item": serialize_item(item),
            "ReturnConsumedCapacity": "TOTAL",
        }
        if condition is not None:
            expr = Expression()
            params["ConditionExpression"] = expr.condition(condition)
            params["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
            params.update(expr.params())
        await self._conditional("PutItem", params)

    async def update(
        self, key: Key, update: Update, *, condition: ConditionBase | None = None
    ) -> dict[str, Any]:
        """One UpdateItem; returns the new item."""
        expr = Expression()
        params: dict[str, Any] = {
            "TableName": self.name,
            "Key": serialize_item({"pk": key[0], "sk": key[1]}),
            "UpdateExpression": update_expression(expr, update),
            "ReturnValues": "ALL_NEW",
            "ReturnConsumedCapacity": "TOTAL",
        }
        if condition is not None:
            params["ConditionExpression"] = expr.condition(condition)
            params["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
        params.update(expr.params())
        response = await self._conditional("UpdateItem", params)
        return deserialize_item(response.get("Attributes", {}))

    async def delete(
        self, pk: str, sk: str, *, condition: ConditionBase | None = None
    ) -> dict[str, Any] | None:
        """Delete and return the old item (None if there was none)."""
        params: dict[str, Any] = {
            "TableName": self.name,
            "Key": serialize_item({"pk": pk, "sk": sk}),
            "ReturnValues": "ALL_OLD",
            "ReturnConsumedCapacity": "TOTAL",
        }
        if condition is not None:
            expr = Expression()
            params["ConditionExpression"] = expr.condition(condition)
            params["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
            params.update(expr.params())
        response = await self._conditional("DeleteItem", params)
        old = response.get("Attributes")
        return deserialize_item(old) if old else None

    async def batch_delete(self, item_keys: Sequence[Key]) -> int:
        """Delete items in batches of 25 (unprocessed ones retried); returns how many."""
        requests = [
            {"DeleteRequest": {"Key": serialize_item({"pk": pk, "sk": sk})}} for pk, sk in item_keys
        ]
        await self._batch_write(requests)
        return len(item_keys)

    async def batch_put(self, items: Sequence[Mapping[str, Any]]) -> int:
        """Put whole items (unconditional, so idempotent) in batches of 25; how many."""
        await self._batch_write([{"PutRequest": {"Item": serialize_item(i)}} for i in items])
        return len(items)

    async def _batch_write(self, requests: list[dict[str, Any]]) -> None:
        for start in range(0, len(requests), 25):
            request: dict[str, Any] = {self.name: requests[start : start + 25]}
            attempt = 0
            while request:
                response = await self._call(
                    "BatchWriteItem", RequestItems=request, ReturnConsumedCapacity="TOTAL"
                )
                request = response.get("UnprocessedItems") or {}
                if request:
                    attempt += 1
                    await asyncio.sleep(random.uniform(0, min(1.0, 0.025 * 2**attempt)))

    async def transact(self, tx: Transaction) -> None:
        """All or nothing; a cancellation names the failed actions by label.

        Cancelled only because another transaction was writing one of the same items at
        the same moment (every reason TransactionConflict: nothing failed its condition,
        nothing was written), it is sent again after a short random pause, up to
        CONTENTION_ATTEMPTS times in all; the conditions are evaluated afresh each time."""
        actions = tx.sendable()
        params: dict[str, Any] = {
            "TransactItems": [_render(self.name, a) for a in actions],
            "ReturnConsumedCapacity": "TOTAL",
        }
        for attempt in range(CONTENTION_ATTEMPTS):
            try:
                await self._call("TransactWriteItems", **params)
                return
            except ClientError as err:
                if _client_error_code(err) != "TransactionCanceledException":
                    raise
                reasons = err.response.get("CancellationReasons", [])
                failures = {
                    action.label: Failure(
                        str(reason.get("Code")),
                        deserialize_item(reason["Item"]) if reason.get("Item") else None,
                    )
                    for action, reason in zip(actions, reasons, strict=False)
                    if reason.get("Code") not in (None, "None")
                }
                collided = bool(failures) and all(
                    f.code == "TransactionConflict" for f in failures.values()
                )
                if not collided or attempt + 1 == CONTENTION_ATTEMPTS:
                    raise Cancelled(failures) from err
            await contention_pause(attempt)

    async def _conditional(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        try:
            return await self._call(operation, **params)
        except ClientError as err:
            if _client_error_code(err) != "ConditionalCheckFailedException":
                raise
            raw = err.response.get("Item")
            raise ConditionFailed(
                f"{operation} condition failed", deserialize_item(raw) if raw else None
            ) from err


def update_expression(expr: Expression, update: Update) -> str:
    """`SET a.b = :v, l = list_append(if_not_exists(l, :empty), :new) ADD n :1 REMOVE x`."""
    sets = [f"{expr.name(p)} = {expr.value(v)}" for p, v in update.set.items()]
    for path, values in update.append.items():
        name = expr.name(path)
        sets.append(
            f"{name} = list_append(if_not_exists({name}, {expr.value([])}), {expr.value(values)})"
        )
    clauses = []
    if sets:
        clauses.append("SET " + ", ".join(sets))
    if update.add:
        adds = [f"{expr.name(p)} {expr.value(v)}" for p, v in update.add.items()]
        clauses.append("ADD " + ", ".join(adds))
    if update.remove:
        clauses.append("REMOVE " + ", ".join(expr.name(p) for p in update.remove))
    return " ".join(clauses)


def _render(table: str, action: Action) -> dict[str, Any]:
    """One TransactItems entry."""
    expr = Expression()
    body: dict[str, Any] = {"TableName": table}
    if action.kind == "Put":
        body["Item"] = serialize_item(action.item or {})
    else:
        body["Key"] = serialize_item({"pk": action.key[0], "sk": action.key[1]})
    if action.update is not None:
        body["UpdateExpression"] = update_expression(expr, action.update)
    if action.condition is not None:
        body["ConditionExpression"] = expr.condition(action.condition)
        body["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
    body.update(expr.params())
    return {action.kind: body}


_WRITES = {"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"}
_UNAVAILABLE_CODES = {
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
    "InternalServerError",
    "ServiceUnavailable",
}


def _snake(operation: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in operation).lstrip("_")


async def contention_pause(attempt: int) -> None:
    """Full jitter: colliding writers spread out instead of colliding again in step."""
    await asyncio.sleep(random.uniform(0, CONTENTION_PAUSE_SECONDS * 2**attempt))

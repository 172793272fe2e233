"""What every mutation shares: validation, the idempotent commit, conflict reporting.

A mutation (1) validates its input with pydantic before touching anything, (2) reads
what it needs, (3) writes content to S3 first when it has any, then (4) commits ONE
DynamoDB transaction holding its effect plus an idempotency marker. The marker makes a
replay, by the client or by botocore after a lost response, answer like the first call.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Sequence
from typing import Any, TypeVar

from boto3.dynamodb.conditions import Attr, ConditionBase
from pydantic import BaseModel

from datasources import keys
from datasources.errors import TransactionConflict
from datasources.records.base import ItemRecord, utcnow
from datasources.stores import idempotency
from datasources.stores.base import EntityStore
from datasources.table import TransactAction
from resolvers.context import Info
from resolvers.errors import ApiError, Code, bad_input, not_found

R = TypeVar("R", bound=ItemRecord)


def conflict(current_version: int | None) -> ApiError:
    return ApiError(
        Code.CONFLICT,
        f"The item has changed (current version {current_version}); reload and retry",
        currentVersion=current_version,
    )


class Replayed(Exception):
    """The idempotency marker was already there with the same payload."""

    def __init__(self, result_key: tuple[str, str] | None) -> None:
        super().__init__("replayed")
        self.result_key = result_key


class Commit:
    """One mutation's transaction: its marker first, then its actions."""

    def __init__(
        self,
        info: Info,
        mutation: str,
        payload: BaseModel,
        idempotency_key: str | None,
        *,
        owner_pk: str,
    ) -> None:
        self.table = info.context.stores.table
        self.client_key = idempotency_key
        # Without a client key a fresh one still guards botocore's own retries.
        key = idempotency_key or f"auto-{uuid.uuid4().hex}"
        body = payload.model_dump(mode="json", exclude={"idempotency_key"})
        # Built (and the input fingerprinted) once; every use below shares it.
        self._marker = idempotency.marker(owner_pk, key, mutation, body, None)

    @classmethod
    def for_caller(cls, info: Info, mutation: str, data: Any) -> tuple[str, Commit]:
        """(the caller's user id, a commit whose marker lives in their partition)."""
        user_id = info.context.require_user().user_id
        commit = cls(info, mutation, data, data.idempotency_key, owner_pk=keys.user_pk(user_id))
        return user_id, commit

    def marker(self, result_key: tuple[str, str] | None) -> idempotency.Marker:
        return dataclasses.replace(self._marker, result_key=result_key)

    async def seen(self) -> bool:
        """Before doing any work: has this client key been used already? (Raises if it was
        used with another payload.) Callers then answer with `replay(store)`."""
        if self.client_key is None:
            return False
        found = await idempotency.find(self.table, self._marker)
        if found is None:
            return False
        self.previous = self._check(found)
        return True

    async def replay(self, store: EntityStore[R], what: str) -> R:
        return await reload(store, self.previous, what)

    def _check(self, found: dict[str, Any]) -> tuple[str, str] | None:
        attrs = found.get("attributes", {})
        if attrs.get("fingerprint") != self._marker.fingerprint:
            raise bad_input(
                "idempotencyKey was already used with a different request",
                ["input", "idempotencyKey"],
            )
        key = attrs.get("resultKey")
        return (key[0], key[1]) if key else None

    async def run(
        self, actions: Sequence[TransactAction], result_key: tuple[str, str] | None
    ) -> list[str]:
        """Commit; returns [] on success. Raises Replayed, or returns the failure reasons
        of `actions` (marker excluded) with the current items in `self.current`."""
        self.current: list[dict[str, Any] | None] = []
        try:
            await self.table.transact_write([self.marker(result_key).action(), *actions])
            return []
        except TransactionConflict as err:
            if err.reasons[0] == "ConditionalCheckFailed":
                found = err.items[0] or await idempotency.find(self.table, self._marker)
                if found is not None:
                    raise Replayed(self._check(found)) from err
            if any(r == "TransactionConflict" for r in err.reasons):
                raise ApiError(
                    Code.CONFLICT, "A concurrent write touched the same item; retry"
                ) from err
            self.current = err.items[1:]
            return err.reasons[1:]


def raise_for_reasons(reasons: list[str], current: list[dict[str, Any] | None], what: str) -> None:
    """The first failed condition as NOT_FOUND (no item) or CONFLICT (stale version)."""
    for reason, item in zip(reasons, current, strict=False):
        if reason == "ConditionalCheckFailed":
            if item is None:
                raise not_found(what)
            raise conflict(item.get("version", 1))
    raise ApiError(Code.INTERNAL_SERVER_ERROR, "The write was refused")


def version_is(version: int) -> ConditionBase:
    """The item exists at `version` (items written before versioning count as 1)."""
    if version == 1:
        return Attr("pk").exists() & (Attr("version").eq(1) | Attr("version").not_exists())
    return Attr("pk").exists() & Attr("version").eq(version)


async def reload(store: EntityStore[R], key: tuple[str, str] | None, what: str) -> R:
    """The result of an earlier call with the same idempotency key, as stored now."""
    record = None if key is None else await store.get_by_key(*key, consistent=True)
    if record is None:
        raise not_found(what)
    return record


async def current(
    store: EntityStore[R], key: tuple[str, str], what: str, expected: int | None = None
) -> R:
    """Read before writing: NOT_FOUND, or CONFLICT when `expected` is stale."""
    record = await store.get_by_key(*key, consistent=True)
    if record is None:
        raise not_found(what)
    if expected is not None and record.version != expected:
        raise conflict(record.version)
    return record


async def commit_record(
    commit: Commit,
    store: EntityStore[R],
    actions: Sequence[TransactAction],
    record: R,
    what: str,
) -> R:
    """Run the transaction; the record written, or the first call's on a replay."""
    try:
        reasons = await commit.run(actions, record.key)
    except Replayed as replay:
        return await reload(store, replay.result_key, what)
    if reasons:
        raise_for_reasons(reasons, commit.current, what)
    return record


def bump(record: ItemRecord) -> dict[str, Any]:
    """New version and updatedAt on the record; the SET values for them."""
    record.version += 1
    record.updated_at = utcnow()
    item = record.to_item()
    return {"version": record.version, "updatedAt": item["updatedAt"]}

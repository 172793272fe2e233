"""What every mutation shares: validation, the idempotent commit, conflict reporting.

A mutation (1) validates its input with pydantic before touching anything, (2) reads
what it needs, (3) writes content to S3 first when it has any, then (4) commits ONE
DynamoDB transaction holding its effect plus an idempotency marker. The marker makes a
replay, by the client or by botocore after a lost response, answer like the first call.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel

from datasources.errors import ConditionFailed, TransactionConflict
from datasources.stores import idempotency
from datasources.table import TransactAction
from resolvers.context import Info
from resolvers.errors import ApiError, Code, bad_input, not_found


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
        self.info = info
        self.table = info.context.stores.table
        self.client_key = idempotency_key
        body = payload.model_dump(mode="json", exclude={"idempotency_key"})
        self.mutation = mutation
        self.payload = body
        # Without a client key a fresh one still guards botocore's own retries.
        key = idempotency_key or f"auto-{uuid.uuid4().hex}"
        self.owner_pk = owner_pk
        self._key = key

    def marker(self, result_key: tuple[str, str] | None) -> idempotency.Marker:
        return idempotency.marker(self.owner_pk, self._key, self.mutation, self.payload, result_key)

    async def replay_of(self) -> tuple[str, str] | bool | None:
        """Before doing work: False when this key is new, else the first call's result key."""
        if self.client_key is None:
            return False
        m = self.marker(None)
        found = await idempotency.find(self.table, m)
        if found is None:
            return False
        return self._check(found)

    def _check(self, found: dict[str, Any]) -> tuple[str, str] | None:
        attrs = found.get("attributes", {})
        if attrs.get("fingerprint") != self.marker(None).fingerprint:
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
                found = err.items[0] or await idempotency.find(self.table, self.marker(None))
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


__all__ = [
    "Commit",
    "ConditionFailed",
    "Replayed",
    "conflict",
    "raise_for_reasons",
]

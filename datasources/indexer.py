"""Keeps the accelerators true for items other writers add.

NeonPanda's app writes the table without knowing this API: its items carry no `listsk`
(so the `lists` index would not see them) and its profiles no username/email claims. The
indexer reads the table's stream and, for every item written by anyone:

- sets `listsk` when it is missing or stale (conditioned on the item being as the stream
  saw it: a later write's own event settles that one);
- keeps the claims of a profile (the app's sign-ups and username changes), releasing a
  name the profile no longer holds;
- counts a partition's lists again (`datasources/counts.py`) after a write that changed
  what counts but did not come through a store: an insert without our `version`, a
  modify that did not move the version by one, and any remove (ours or not: the stream
  cannot tell).

The store's own writes set both in their transaction, so for them this is a no-op check.
Every server process runs one (idempotent; see docs/operations.md for the Lambda form).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass
from typing import Any

from boto3.dynamodb.conditions import Attr, Key

from datasources import counts, definition, keys
from datasources.errors import Cancelled, ConditionFailed, StorageError
from datasources.records import UserRecord, accelerated_record
from datasources.records.base import format_timestamp, utcnow
from datasources.stores.user import claim_item
from datasources.stream import Change, StreamReader
from datasources.table import Table
from datasources.transaction import Transaction, Update

log = logging.getLogger("neonpanda.indexer")


@dataclass
class IndexerStats:
    seen: int = 0
    list_keys_written: int = 0
    claims_written: int = 0
    claims_released: int = 0
    recounts: int = 0


def _foreign_count_change(change: Change) -> bool:
    """A write that changed a list counter without adding to it in its own transaction."""
    was, now = counts.counted_as(change.old), counts.counted_as(change.new)
    if change.event == "REMOVE":
        return was is not None
    if was == now:
        return False
    new, old = change.new or {}, change.old or {}
    if change.event == "INSERT":
        return "version" not in new
    # A store's write moves the version by exactly one; the app's puts drop or keep it.
    return bool(new.get("version") != _version(old) + 1)


def _version(image: dict[str, Any]) -> int:
    version = image.get("version", 1)
    return int(version) if isinstance(version, int | float) else 1


# A checkpoint outlives its shard (DynamoDB Streams keeps records 24 hours) by a day.
CHECKPOINT_TTL_SECONDS = 2 * 24 * 3600


class TableCheckpoints:
    """The indexer's stream progress, one item per shard in the table (`meta#neonpanda` /
    `stream#<shardId>`, with a TTL): a restart resumes right after it instead of reading
    the stream again from its trim horizon. Several processes share it (each applies the
    same changes idempotently; the last one to save wins)."""

    def __init__(self, table: Table) -> None:
        self.table = table

    async def load(self) -> dict[str, str]:
        page = await self.table.query(
            Key("pk").eq(keys.META_PK) & Key("sk").begins_with(keys.stream_checkpoint_sk("")),
            consistent=True,
        )
        return {
            str(item["sk"]).removeprefix(keys.stream_checkpoint_sk("")): str(item["sequence"])
            for item in page.items
            if "sequence" in item
        }

    async def save(self, shard_id: str, sequence: str) -> None:
        await self.table.put(
            {
                "pk": keys.META_PK,
                "sk": keys.stream_checkpoint_sk(shard_id),
                "sequence": sequence,
                "savedAt": format_timestamp(utcnow()),
                definition.TTL_ATTRIBUTE: int(time.time()) + CHECKPOINT_TTL_SECONDS,
            }
        )


class Indexer:
    def __init__(self, table: Table) -> None:
        self.table = table
        self.stats = IndexerStats()
        self.recount = counts.Recount(table)

    async def run(self, reader: StreamReader) -> None:
        try:
            async for batch in reader.changes():
                await self.apply(batch)
        finally:
            with contextlib.suppress(Exception):  # stopping: best effort, logged inside
                await asyncio.shield(reader.close())

    async def apply(self, changes: list[Change]) -> None:
        recount: set[str] = set()
        for change in changes:
            self.stats.seen += 1
            if _foreign_count_change(change):
                recount.add(keys.user_id_from_pk(change.key[0]))
            try:
                await self._one(change)
            except StorageError:
                # A throttled or failing write: this item's next write brings another event.
                log.warning("indexer could not apply %s %s", change.event, change.key)
        for user_id in sorted(recount):  # once per partition per batch
            try:
                await self.recount(user_id)
                self.stats.recounts += 1
            except (StorageError, RuntimeError, ValueError) as err:
                log.warning("indexer could not count the lists of %s: %s", user_id, err)

    async def _one(self, change: Change) -> None:
        new, old = accelerated_record(change.new), accelerated_record(change.old)
        if isinstance(new, UserRecord) or isinstance(old, UserRecord):
            await self._claims(change.key, [r for r in (old, new) if isinstance(r, UserRecord)])
        if new is None:
            return
        wanted = new.list_key()
        if wanted is not None and change.image.get(definition.LIST_KEY) != wanted:
            await self._list_key(change.image, wanted)

    async def _list_key(self, image: dict[str, Any], wanted: str) -> None:
        updated = image.get("updatedAt")
        condition = Attr("updatedAt").eq(updated) if updated is not None else Attr("pk").exists()
        with contextlib.suppress(ConditionFailed):  # changed again since: its event follows
            await self.table.update(
                (image["pk"], image["sk"]),
                Update(set={(definition.LIST_KEY,): wanted}),
                condition=condition,
            )
            self.stats.list_keys_written += 1

    async def _claims(self, key: tuple[str, str], seen: list[UserRecord]) -> None:
        """The claims of the profile as it is NOW (the stream may be replaying history):
        claim what it holds, release what the change's images held and it no longer does.

        Each claim or release is a transaction with a check that the profile is still as
        it was read: a rename committing in between cancels it (and brings its own event),
        so a name the profile just gave up is never claimed again for it."""
        raw = await self.table.get(*key, consistent=True)
        current = accelerated_record(raw)
        user_id = seen[0].attributes.user_id
        if raw is None:
            unchanged = Attr("pk").not_exists()
        elif raw.get("updatedAt") is not None:
            unchanged = Attr("updatedAt").eq(raw["updatedAt"])
        else:
            unchanged = Attr("pk").exists() & Attr("updatedAt").not_exists()
        holds = {
            kind: str(getattr(current.attributes, kind) or "").lower()
            for kind in ("username", "email")
            if isinstance(current, UserRecord)
        }
        for kind, value in holds.items():
            if value:
                await self._claim(key, unchanged, kind, value, user_id)
        for record in seen:
            for kind in ("username", "email"):
                value = str(getattr(record.attributes, kind) or "")
                if value and value.lower() != holds.get(kind):
                    await self._release(key, unchanged, kind, value, user_id)

    async def _claim(
        self, key: tuple[str, str], unchanged: Any, kind: str, value: str, user_id: str
    ) -> None:
        tx = Transaction().check("profile", key, unchanged)
        tx.put("claim", claim_item(kind, value, user_id), condition=Attr("pk").not_exists())
        try:
            await self.table.transact(tx)
            self.stats.claims_written += 1
        except Cancelled as err:
            taken = err.failed("claim")
            owner = ((taken.item if taken else None) or {}).get("attributes", {}).get("userId")
            if err.failed("profile") is None and owner not in (None, user_id):
                log.warning("%s %r of %s is claimed by %s", kind, value, user_id, owner)

    async def _release(
        self, key: tuple[str, str], unchanged: Any, kind: str, value: str, user_id: str
    ) -> None:
        tx = Transaction().check("profile", key, unchanged)
        tx.delete(
            "claim",
            (keys.unique_pk(kind, value), keys.UNIQUE_SK),
            condition=Attr("attributes.userId").eq(user_id),
        )
        with contextlib.suppress(Cancelled):  # not this user's any more, or the profile moved
            await self.table.transact(tx)
            self.stats.claims_released += 1

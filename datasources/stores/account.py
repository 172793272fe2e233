"""Whole-account operations: the data export and account deletion.

Both cover everything that is the athlete's, whoever wrote it: every item of their
partition (whatever its entity type, modelled by this API or not), what NeonPanda's app
keys to them elsewhere (shared programs, through GSI1 `user#<id>`; the app's legacy
program partitions `user#<id>#coach#<coachId>`), everything under their S3 prefix and their
uploads' (`user-uploads/<id>/`, attached or not), and every object any of those items
names, whatever its prefix (`datasources/references.py`).
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from typing import Any

from boto3.dynamodb.conditions import Attr, Key

from datasources import cost, definition, keys
from datasources.content import ContentStore, StoredObject
from datasources.errors import ConditionFailed, ContentUnavailable
from datasources.records import UserRecord, utcnow
from datasources.records.base import format_timestamp
from datasources.references import object_keys
from datasources.table import Table
from datasources.transaction import Update

EXPORT_CONCURRENCY = 16


@dataclass
class Export:
    stored: StoredObject
    item_count: int
    object_count: int


class AccountStore:
    def __init__(self, table: Table, content: ContentStore) -> None:
        self.table = table
        self.content = content

    async def _owned(self, user_id: str) -> list[dict[str, Any]]:
        """Every item that is the athlete's (see the module docstring)."""
        pk = keys.user_pk(user_id)
        partition, indexed, legacy = await cost.gather(
            self.table.query(Key("pk").eq(pk), consistent=True),
            self.table.query(Key("gsi1pk").eq(pk), index=definition.GSI_EMAIL),
            self.table.query(
                Key("entityType").eq(keys.PROGRAM) & Key("pk").begins_with(pk + "#"),
                index=definition.GSI_ENTITY_TYPE,
            ),
        )
        owned = {(i["pk"], i["sk"]): i for i in partition.items}
        for item in [*indexed.items, *legacy.items]:
            owned.setdefault((item["pk"], item["sk"]), item)
        return list(owned.values())

    async def _objects(self, user_id: str, items: list[dict[str, Any]]) -> list[str]:
        """Everything under the athlete's prefix and their uploads' (attached or not), and
        every object their items name."""
        ours, uploads = await cost.gather(
            self.content.list_keys(keys.athlete_prefix(user_id)),
            self.content.list_keys(keys.upload_prefix(user_id)),
        )
        listed = [*ours, *uploads]
        named: set[str] = set()
        for item in items:
            named |= object_keys(item, self.content.bucket)
        return sorted({*listed, *named})

    async def export(self, user_id: str) -> Export:
        """The athlete's items and objects as one JSON document in S3 (built in memory:
        fine for an athlete's history, not for gigabytes)."""
        # Not the bookkeeping (idempotency markers, list counters): the athlete's data.
        items = [
            i
            for i in await self._owned(user_id)
            if i.get("entityType") != keys.IDEMPOTENCY and i.get("sk") != keys.COUNTS_SK
        ]
        exports = keys.exports_prefix(user_id)
        names = [k for k in await self._objects(user_id, items) if not k.startswith(exports)]
        limit = asyncio.Semaphore(EXPORT_CONCURRENCY)

        async def read(key: str) -> Any:
            async with limit:
                try:
                    return await self.content.get_json(key)
                except ContentUnavailable as err:
                    return {"unavailable": err.reason}

        # Concurrently (bounded): an export of ~50 objects is a few waves, not 50.
        documents = await cost.gather(*(read(k) for k in names))
        now = utcnow()
        document = {
            "exportedAt": format_timestamp(now),
            "userId": user_id,
            "items": items,
            "objects": dict(zip(names, documents, strict=True)),
        }
        stored = await self.content.put_json(
            keys.export_key(user_id, now.strftime("%Y-%m-%d")), document
        )
        return Export(stored, len(items), len(names))

    async def delete(self, user_id: str) -> tuple[int, int]:
        """Objects first, then items, the username/email claims, and the profile last: a
        call that is interrupted leaves the profile, so calling again resumes.
        Returns (items, objects) deleted."""
        profile_key = (keys.user_pk(user_id), keys.PROFILE_SK)
        raw = await self.table.get(*profile_key, consistent=True)
        profile = UserRecord.from_item(raw) if raw and raw.get("entityType") == keys.USER else None
        if profile is not None:
            profile.track()
            profile.attributes.metadata["deletionStartedAt"] = format_timestamp(utcnow())
            changes = profile.changes()
            await self.table.update(profile_key, Update(set=changes.set, remove=changes.remove))
        owned = await self._owned(user_id)
        objects = await self.content.delete_many(await self._objects(user_id, owned))
        others = [(i["pk"], i["sk"]) for i in owned if (i["pk"], i["sk"]) != profile_key]
        deleted = await self.table.batch_delete(others)
        if profile is not None:
            for kind, value in (
                ("username", profile.attributes.username),
                ("email", profile.attributes.email),
            ):
                # Only a claim this user still owns is released.
                with contextlib.suppress(ConditionFailed):
                    await self.table.delete(
                        keys.unique_pk(kind, value),
                        keys.UNIQUE_SK,
                        condition=Attr("attributes.userId").eq(user_id),
                    )
            await self.table.delete(*profile_key)
            deleted += 1
        return deleted, objects

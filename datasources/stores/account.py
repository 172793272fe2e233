"""Whole-account operations: the data export and account deletion."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from typing import Any

from boto3.dynamodb.conditions import Attr, Key

from datasources import keys
from datasources.content import ContentStore, StoredObject
from datasources.errors import ConditionFailed, ContentUnavailable
from datasources.records import UserRecord, utcnow
from datasources.records.base import format_timestamp
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

    async def _partition(self, user_id: str) -> list[dict[str, Any]]:
        page = await self.table.query(Key("pk").eq(keys.user_pk(user_id)), consistent=True)
        return page.items

    async def export(self, user_id: str) -> Export:
        """Every item of the athlete's partition and every object under their prefix, as
        one JSON document in S3 (built in memory: fine for an athlete, not for gigabytes)."""
        items = [
            i for i in await self._partition(user_id) if i.get("entityType") != keys.IDEMPOTENCY
        ]
        prefix = keys.athlete_prefix(user_id)
        object_keys = [
            k
            for k in await self.content.list_keys(prefix)
            if not k.startswith(keys.exports_prefix(user_id))
        ]
        limit = asyncio.Semaphore(EXPORT_CONCURRENCY)

        async def read(key: str) -> Any:
            async with limit:
                try:
                    return await self.content.get_json(key)
                except ContentUnavailable as err:
                    return {"unavailable": err.reason}

        # Concurrently (bounded): an export of ~50 objects is a few waves, not 50.
        documents = await asyncio.gather(*(read(k) for k in object_keys))
        now = utcnow()
        document = {
            "exportedAt": format_timestamp(now),
            "userId": user_id,
            "items": items,
            "objects": dict(zip(object_keys, documents, strict=True)),
        }
        stored = await self.content.put_json(
            keys.export_key(user_id, now.strftime("%Y-%m-%d")), document
        )
        return Export(stored, len(items), len(object_keys))

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
        objects = await self.content.delete_many(
            await self.content.list_keys(keys.athlete_prefix(user_id))
        )
        others = [
            (i["pk"], i["sk"]) for i in await self._partition(user_id) if i["sk"] != keys.PROFILE_SK
        ]
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

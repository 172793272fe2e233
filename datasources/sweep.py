"""Orphan sweep: S3 objects under athletes/ that no item points at any more.

Writes put content to S3 before the DynamoDB pointer, so a failure in between (or a
best-effort delete that failed) leaves an object nothing names. The sweep reads every
pointer in the table, lists the bucket, and deletes unnamed objects older than a grace
period (so it never races a write that is between its two steps). Exports are kept: they
are meant to be downloaded, and the bucket's lifecycle rules expire them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from datasources.stores import Stores
from datasources.table import deserialize_item


def _pointers(item: dict[str, Any]) -> set[str]:
    attrs = item.get("attributes")
    if not isinstance(attrs, dict):
        return set()
    found = {attrs.get("s3Key")}
    for name in ("detailedLog", "transcript", "history"):
        pointer = attrs.get(name)
        if isinstance(pointer, dict):
            found.add(pointer.get("s3Key"))
    for chunk in attrs.get("messageArchive") or []:
        if isinstance(chunk, dict):
            found.add(chunk.get("s3Key"))
    return {k for k in found if isinstance(k, str)}


async def referenced_keys(stores: Stores) -> set[str]:
    keys: set[str] = set()
    params: dict[str, Any] = {"TableName": stores.table.name}
    while True:
        response = await stores.table.client.scan(**params)
        for raw in response.get("Items", []):
            keys |= _pointers(deserialize_item(raw))
        if not response.get("LastEvaluatedKey"):
            return keys
        params["ExclusiveStartKey"] = response["LastEvaluatedKey"]


async def sweep_orphans(
    stores: Stores, *, grace: timedelta = timedelta(hours=1), dry_run: bool = False
) -> list[str]:
    """Delete (or with dry_run, only list) orphaned objects; returns their keys."""
    named = await referenced_keys(stores)
    cutoff = datetime.now(UTC) - grace
    orphans = [
        obj["Key"]
        for obj in await stores.content.list_objects("athletes/")
        if obj["Key"] not in named
        and "/exports/" not in obj["Key"]
        and obj["LastModified"] < cutoff
    ]
    if orphans and not dry_run:
        await stores.content.delete_many(orphans)
    return orphans

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

from datasources.references import object_keys
from datasources.stores import Stores
from datasources.table import deserialize_item


async def referenced_keys(stores: Stores) -> set[str]:
    """Every object key any item of the table names (a consistent scan)."""
    named: set[str] = set()
    params: dict[str, Any] = {"TableName": stores.table.name, "ConsistentRead": True}
    while True:
        response = await stores.table.scan_page(dict(params))
        for raw in response.get("Items", []):
            named |= object_keys(deserialize_item(raw), stores.content.bucket)
        if not response.get("LastEvaluatedKey"):
            return named
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

"""Which accelerators the live table has, read from its description (and the migration's
own records), so the server uses them only when they are complete.

The `lists` index counts only once the migration has finished backfilling `listsk`: an
index that exists but misses older items would make lists silently short. Likewise the
username/email claims count only once they exist for every profile the app wrote.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from datasources import definition, keys

log = logging.getLogger("neonpanda")

# Migration steps whose completion the server relies on (see datasources/migrate.py).
LISTS_BACKFILL = "lists-backfill"
CLAIMS_BACKFILL = "claims-backfill"


@dataclass
class Accelerators:
    lists: bool = False  # the lists index is ACTIVE and backfilled: pages at the floor
    claims: bool = False  # every profile has its username/email claims: O(1) lookups
    stream_arn: str | None = None  # the table's stream (NEW_AND_OLD_IMAGES), when enabled

    def describe(self) -> dict[str, Any]:
        return {"listsIndex": self.lists, "claims": self.claims, "stream": bool(self.stream_arn)}


async def read_accelerators(client: Any, table_name: str) -> Accelerators:
    """What the table has now (one DescribeTable and one BatchGetItem)."""
    table = (await client.describe_table(TableName=table_name))["Table"]
    index_active = any(
        g["IndexName"] == definition.GSI_LISTS and g.get("IndexStatus", "ACTIVE") == "ACTIVE"
        for g in table.get("GlobalSecondaryIndexes", [])
    )
    stream = table.get("StreamSpecification") or {}
    stream_arn = (
        table.get("LatestStreamArn")
        if stream.get("StreamEnabled") and stream.get("StreamViewType") == definition.STREAM_VIEW
        else None
    )
    done = await completed_steps(client, table_name)
    return Accelerators(
        lists=index_active and LISTS_BACKFILL in done,
        claims=CLAIMS_BACKFILL in done,
        stream_arn=stream_arn,
    )


async def completed_steps(client: Any, table_name: str) -> set[str]:
    response = await client.batch_get_item(
        RequestItems={
            table_name: {
                "Keys": [
                    {"pk": {"S": keys.META_PK}, "sk": {"S": keys.migration_sk(step)}}
                    for step in (LISTS_BACKFILL, CLAIMS_BACKFILL)
                ],
                "ConsistentRead": True,
            }
        }
    )
    done = set()
    for item in response.get("Responses", {}).get(table_name, []):
        if item.get("status", {}).get("S") == "complete":
            done.add(item["sk"]["S"].removeprefix(keys.migration_sk("")))
    return done

"""Administration reads across users, over the entityType index (GSI3)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from boto3.dynamodb.conditions import Key

from datasources import definition
from datasources.table import Table, start_key_for


@dataclass(frozen=True)
class StoredItem:
    """An item of any type, as stored (the admin view shows it whole)."""

    entity_type: str
    pk: str
    sk: str
    created_at: str | None
    updated_at: str | None
    item: dict[str, Any]
    position: dict[str, Any]  # where a page resumes after this item


@dataclass
class ItemPage:
    items: list[StoredItem]
    has_more: bool


class AdminStore:
    def __init__(self, table: Table) -> None:
        self.table = table

    async def entities(
        self, entity_type: str, *, want: int, after: Mapping[str, Any] | None
    ) -> ItemPage:
        """Items of one type across users, in partition-key order."""
        page = await self.table.query(
            Key("entityType").eq(entity_type),
            index=definition.GSI_ENTITY_TYPE,
            start_key=after,
            want=want,
        )
        return ItemPage(
            [
                StoredItem(
                    entity_type=str(i.get("entityType")),
                    pk=str(i["pk"]),
                    sk=str(i["sk"]),
                    created_at=i.get("createdAt"),
                    updated_at=i.get("updatedAt"),
                    item=i,
                    position=start_key_for(i, definition.GSI_ENTITY_TYPE),
                )
                for i in page.items
            ],
            page.has_more,
        )

    async def count(self, entity_type: str) -> int:
        return await self.table.count(
            Key("entityType").eq(entity_type), index=definition.GSI_ENTITY_TYPE
        )

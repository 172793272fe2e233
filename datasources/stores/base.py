"""What every entity store shares: typed get/batch_get, guarded create, LSI listing."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

from boto3.dynamodb.conditions import Attr, ConditionBase, Key

from datasources import definition, keys
from datasources.content import ContentStore
from datasources.records.base import ItemRecord
from datasources.table import Table

R = TypeVar("R", bound=ItemRecord)


@dataclass
class RecordPage(Generic[R]):
    records: list[R]
    items: list[dict[str, Any]]  # the raw items, same order (for cursors and caches)
    has_more: bool
    scanned: int


class EntityStore(Generic[R]):
    record_type: ClassVar[type[ItemRecord]]

    def __init__(self, table: Table, content: ContentStore) -> None:
        self.table = table
        self.content = content

    def parse(self, item: Mapping[str, Any] | None) -> R | None:
        if item is None or item.get("entityType") != self.record_type.ENTITY_TYPE:
            return None
        return self.record_type.from_item(dict(item))  # type: ignore[return-value]

    async def get_by_key(self, pk: str, sk: str, *, consistent: bool = False) -> R | None:
        return self.parse(await self.table.get(pk, sk, consistent=consistent))

    async def put_new(self, record: R) -> None:
        """Create; fails with ConditionFailed when the key is taken."""
        await self.table.put(record.to_item(), condition=Attr("pk").not_exists())

    def lsi_prefix(self) -> str:
        return keys.LSI_PREFIX[self.record_type.ENTITY_TYPE]

    async def list_page(
        self,
        user_id: str,
        *,
        want: int,
        forward: bool = True,
        after: Mapping[str, Any] | None = None,
        filter: ConditionBase | None = None,
        key: ConditionBase | None = None,
    ) -> RecordPage[R]:
        """A page over the user's items of this type in LSI order (full pages, exact has_more)."""
        page = await self.table.query(
            key if key is not None else self.partition_key(user_id),
            index=definition.LSI1,
            filter=filter,
            forward=forward,
            start_key=after,
            want=want,
        )
        pairs = [(r, i) for r, i in ((self.parse(i), i) for i in page.items) if r is not None]
        return RecordPage([r for r, _ in pairs], [i for _, i in pairs], page.has_more, page.scanned)

    async def count(
        self,
        user_id: str,
        *,
        filter: ConditionBase | None = None,
        key: ConditionBase | None = None,
    ) -> int:
        return await self.table.count(
            key if key is not None else self.partition_key(user_id),
            index=definition.LSI1,
            filter=filter,
        )

    def partition_key(self, user_id: str) -> ConditionBase:
        return Key("pk").eq(keys.user_pk(user_id)) & Key("lsi1sk").begins_with(self.lsi_prefix())

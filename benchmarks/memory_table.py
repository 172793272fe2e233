"""A Table that answers from items already in memory (benchmarks: GraphQL work alone).

It serves get/batch_get/query from a snapshot of items with the same semantics as the
real wrapper for what the read graph uses (key conditions on pk and an sk/listsk prefix or
range, in order, `want` and `has_more`); filters are not evaluated, so it suits queries
without filter arguments. Writes (the rate limit's counter) are accepted and dropped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from boto3.dynamodb.conditions import ConditionBase

from datasources.table import Key, Page, Table, is_expired
from datasources.transaction import Update


class MemoryTable(Table):
    def __init__(self, items: list[dict[str, Any]], name: str = "memory") -> None:
        super().__init__(client=None, name=name)
        self.items = {(i["pk"], i["sk"]): i for i in items}

    async def get(self, pk: str, sk: str, *, consistent: bool = False) -> dict[str, Any] | None:
        item = self.items.get((pk, sk))
        return None if item is None or is_expired(item) else item

    async def batch_get(self, keys: Sequence[Key]) -> list[dict[str, Any] | None]:
        return [await self.get(pk, sk) for pk, sk in keys]

    async def query(
        self,
        key: ConditionBase,
        *,
        index: str | None = None,
        filter: ConditionBase | None = None,
        forward: bool = True,
        start_key: Mapping[str, Any] | None = None,
        want: int | None = None,
        consistent: bool = False,
    ) -> Page:
        pk, sort_name, low, high = _key_bounds(key)
        sort_attr = sort_name
        rows = sorted(
            (
                i
                for i in self.items.values()
                if i.get("pk") == pk
                and isinstance(i.get(sort_attr), str)
                and low <= i[sort_attr] <= high
                and not is_expired(i)
            ),
            key=lambda i: i[sort_attr],
            reverse=not forward,
        )
        if start_key:
            marker = start_key[sort_attr]
            rows = [
                r for r in rows if (r[sort_attr] > marker) == forward and r[sort_attr] != marker
            ]
        if want is None:
            return Page(rows, False, len(rows), 1)
        return Page(rows[:want], len(rows) > want, min(len(rows), want + 1), 1)

    async def count(
        self,
        key: ConditionBase,
        *,
        index: str | None = None,
        filter: ConditionBase | None = None,
        consistent: bool = False,
    ) -> int:
        return len((await self.query(key, index=index)).items)

    async def update(
        self, key: Key, update: Update, *, condition: ConditionBase | None = None
    ) -> dict[str, Any]:
        return {}


def _key_bounds(key: ConditionBase) -> tuple[str, str, str, str]:
    """(pk, sort attribute, low, high) of `pk = x AND (begins_with | between)`."""
    pk_cond, sort_cond = key.get_expression()["values"]
    pk = pk_cond.get_expression()["values"][1]
    expression = sort_cond.get_expression()
    name = expression["values"][0].name
    if expression["operator"] == "BETWEEN":
        return pk, name, expression["values"][1], expression["values"][2]
    prefix = expression["values"][1]
    return pk, name, prefix, prefix + "\uffff"

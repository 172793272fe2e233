"""The app's coach templates: read (active ones, most popular first, as the app sorts them:
amplify/dynamodb/coach-template.ts:24-59) and one by id."""

from __future__ import annotations

from boto3.dynamodb.conditions import Key

from datasources import keys
from datasources.records.coach_template import CoachTemplateRecord
from datasources.table import Table


class CoachTemplateStore:
    def __init__(self, table: Table) -> None:
        self.table = table

    async def get(self, template_id: str) -> CoachTemplateRecord | None:
        item = await self.table.get(keys.TEMPLATE_PK, keys.coach_template_sk(template_id))
        return _parse(item)

    async def active(self) -> list[CoachTemplateRecord]:
        """Every active template, most popular first, then by name (one partition: a few
        pages at most)."""
        page = await self.table.query(
            Key("pk").eq(keys.TEMPLATE_PK) & Key("sk").begins_with(keys.COACH_TEMPLATE_SK)
        )
        found = [r for r in map(_parse, page.items) if r is not None]
        active = [r for r in found if r.attributes.metadata.is_active]
        return sorted(active, key=lambda r: (-r.popularity, r.attributes.template_name))


def _parse(item: dict[str, object] | None) -> CoachTemplateRecord | None:
    if item is None or item.get("entityType") != keys.COACH_TEMPLATE:
        return None
    return CoachTemplateRecord.from_item(dict(item))

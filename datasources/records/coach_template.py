"""A coach template of NeonPanda's app: `template#global` / `coachTemplate#<templateId>`
(amplify/dynamodb/coach-template.ts; CoachTemplate in libs/coach-creator/types.ts). The app
writes them; this API reads them, copies one into a coach, and moves its popularity."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from datasources import keys
from datasources.records.base import ItemRecord, SnakeModel, Timestamp
from datasources.records.coach import CoachAttributes


class TemplateMetadata(SnakeModel):
    created_date: Timestamp | None = None
    version: str | None = None
    popularity_score: int | None = None
    is_active: bool | None = None


class CoachTemplateAttributes(SnakeModel):
    template_id: str
    template_name: str
    persona_category: str | None = None
    description: str | None = None
    target_audience: list[str] | None = None
    base_config: CoachAttributes  # the coach it makes (coach-template.ts:143-152)
    metadata: TemplateMetadata = Field(default_factory=TemplateMetadata)


class CoachTemplateRecord(ItemRecord):
    ENTITY_TYPE: ClassVar[str] = keys.COACH_TEMPLATE
    ADMIN_LISTED: ClassVar[bool] = False  # the catalogue is the public `coachTemplates`
    attributes: CoachTemplateAttributes

    @property
    def popularity(self) -> int:
        return self.attributes.metadata.popularity_score or 0

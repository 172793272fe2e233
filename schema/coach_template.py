"""`CoachTemplate`: one of NeonPanda's app's coach templates (global, not the athlete's):
what `createCoachFromTemplate` copies into a new coach."""

from __future__ import annotations

from datetime import datetime
from typing import cast

import strawberry
from strawberry.scalars import JSON

from datasources.records.coach_template import CoachTemplateRecord
from schema.coach import CoachMethodology, CoachPersonality, CoachTechnicalConfig


@strawberry.type(description="A coach template of the app, most popular first in lists.")
class CoachTemplate:
    template_id: strawberry.ID
    name: str
    persona_category: str | None
    description: str | None
    target_audience: list[str]
    popularity: int = strawberry.field(description="Coaches made from it (the app's score).")
    is_active: bool
    version: str | None
    created_at: datetime | None
    coach_name: str = strawberry.field(description="The name the coach made from it gets.")
    coach_description: str | None
    gender_preference: str | None
    personality: CoachPersonality | None
    methodology: CoachMethodology | None
    technical_config: CoachTechnicalConfig | None
    base_config: JSON = strawberry.field(description="The coach config it copies, as stored.")

    @staticmethod
    def from_record(record: CoachTemplateRecord) -> CoachTemplate:
        a = record.attributes
        coach = a.base_config
        return CoachTemplate(
            template_id=strawberry.ID(a.template_id),
            name=a.template_name,
            persona_category=a.persona_category,
            description=a.description,
            target_audience=list(a.target_audience or []),
            popularity=record.popularity,
            is_active=bool(a.metadata.is_active),
            version=a.metadata.version,
            created_at=a.metadata.created_date,
            coach_name=coach.coach_name,
            coach_description=coach.coach_description,
            gender_preference=coach.gender_preference,
            personality=CoachPersonality.from_pydantic(coach.selected_personality)
            if coach.selected_personality
            else None,
            methodology=CoachMethodology.from_pydantic(coach.selected_methodology)
            if coach.selected_methodology
            else None,
            technical_config=CoachTechnicalConfig.from_pydantic(coach.technical_config)
            if coach.technical_config
            else None,
            base_config=cast(JSON, coach.model_dump(by_alias=True, mode="json")),
        )

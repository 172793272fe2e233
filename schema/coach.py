"""`Coach`: an athlete's AI coach configuration."""

from __future__ import annotations

from datetime import datetime

import strawberry

from datasources.records import CoachRecord
from schema.convert import maybe
from schema.node import Node, encode_global_id


@strawberry.type
class CoachPersonality:
    primary_template: str | None
    selection_reasoning: str | None


@strawberry.type
class CoachMethodology:
    primary_methodology: str | None


@strawberry.type
class CoachTechnicalConfig:
    programming_focus: list[str] | None
    specializations: list[str] | None
    methodology: str | None
    experience_level: str | None
    goal_timeline: str | None
    preferred_intensity: str | None
    equipment_available: list[str] | None


@strawberry.type
class Coach(Node):
    coach_id: strawberry.ID
    name: str
    personality: CoachPersonality | None
    methodology: CoachMethodology | None
    technical_config: CoachTechnicalConfig | None
    total_conversations: int | None
    created_at: datetime
    updated_at: datetime
    version: int

    @strawberry.field
    def id(self) -> strawberry.ID:
        return encode_global_id("Coach", self.coach_id)

    @staticmethod
    def from_record(record: CoachRecord) -> Coach:
        attrs = record.attributes
        data = attrs.model_dump(by_alias=False)
        return Coach(
            coach_id=strawberry.ID(attrs.coach_id),
            name=attrs.coach_name,
            personality=maybe(CoachPersonality, data.get("selected_personality")),
            methodology=maybe(CoachMethodology, data.get("selected_methodology")),
            technical_config=maybe(CoachTechnicalConfig, data.get("technical_config")),
            total_conversations=attrs.metadata.total_conversations,
            created_at=record.created_at,
            updated_at=record.updated_at,
            version=record.version,
        )

"""`Coach`: an athlete's AI coach configuration."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from pydantic import BaseModel

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


def _plain(model: BaseModel | None) -> dict[str, Any] | None:
    return None if model is None else model.model_dump(by_alias=False)


@strawberry.type
class Coach(Node):
    coach_id: strawberry.ID
    name: str
    description: str | None
    status: str | None = strawberry.field(description="The app's: active, archived (or unset).")
    is_archived: bool
    total_conversations: int | None
    created_at: datetime
    updated_at: datetime
    version: int
    _record: strawberry.Private[CoachRecord]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return encode_global_id("Coach", self.coach_id)

    @strawberry.field
    def personality(self) -> CoachPersonality | None:
        return maybe(CoachPersonality, _plain(self._record.attributes.selected_personality))

    @strawberry.field
    def methodology(self) -> CoachMethodology | None:
        return maybe(CoachMethodology, _plain(self._record.attributes.selected_methodology))

    @strawberry.field
    def technical_config(self) -> CoachTechnicalConfig | None:
        return maybe(CoachTechnicalConfig, _plain(self._record.attributes.technical_config))

    @staticmethod
    def from_record(record: CoachRecord) -> Coach:
        attrs = record.attributes
        return Coach(
            coach_id=strawberry.ID(attrs.coach_id),
            name=attrs.coach_name,
            description=attrs.coach_description,
            status=attrs.status,
            is_archived=record.archived,
            total_conversations=attrs.metadata.total_conversations,
            created_at=record.created_at,
            updated_at=record.updated_at,
            version=record.version,
            _record=record,
        )

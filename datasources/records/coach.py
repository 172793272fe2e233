"""Coach configuration: pk `user#<userId>`, sk `coach#<coachId>`; snake_case attributes."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pydantic import Field

from datasources import keys
from datasources.records.base import ItemRecord, SnakeModel, Timestamp


class SelectedPersonality(SnakeModel):
    primary_template: str | None = None
    selection_reasoning: str | None = None


class SelectedMethodology(SnakeModel):
    primary_methodology: str | None = None


class TechnicalConfig(SnakeModel):
    programming_focus: list[str] | None = None
    specializations: list[str] | None = None
    methodology: str | None = None
    experience_level: str | None = None
    goal_timeline: str | None = None
    preferred_intensity: str | None = None
    equipment_available: list[str] | None = None


class CoachMetadata(SnakeModel):
    created_date: Timestamp | None = None
    total_conversations: int | None = None


class CoachAttributes(SnakeModel):
    coach_id: str
    coach_name: str
    coach_description: str | None = None
    status: str | None = None  # the app's: "active" | "archived" (absent: active)
    selected_personality: SelectedPersonality | None = None
    selected_methodology: SelectedMethodology | None = None
    technical_config: TechnicalConfig | None = None
    metadata: CoachMetadata = Field(default_factory=CoachMetadata)


class CoachRecord(ItemRecord):
    ENTITY_TYPE: ClassVar[str] = keys.COACH
    attributes: CoachAttributes

    @property
    def user_id(self) -> str:
        return keys.user_id_from_pk(self.pk)

    @classmethod
    def new(cls, user_id: str, attrs: CoachAttributes, now: datetime) -> CoachRecord:
        return cls.create(
            pk=keys.user_pk(user_id),
            sk=keys.coach_sk(attrs.coach_id),
            entity_type=keys.COACH,
            created_at=now,
            updated_at=now,
            attributes=attrs,
        )

    @property
    def archived(self) -> bool:
        return self.attributes.status == "archived"

    def list_key(self) -> str:
        """Oldest first."""
        return keys.coach_list_key(self.created_at, self.attributes.coach_id)

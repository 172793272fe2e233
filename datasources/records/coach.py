"""Coach configuration: pk `user#<userId>`, sk `coach#<coachId>`; snake_case attributes.

The whole of the app's `CoachConfig` (amplify/functions/libs/coach-creator/types.ts:245-328),
every field optional here: items the app wrote in older shapes are read, never refused,
and what this API does not know (the app's later keys) is kept as extras.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, ClassVar

from pydantic import Field

from datasources import keys
from datasources.records.base import ItemRecord, SnakeModel, Timestamp, unset_nulls


class BlendingWeights(SnakeModel):
    primary: float | None = None
    secondary: float | None = None


class SelectedPersonality(SnakeModel):
    primary_template: str | None = None
    secondary_influences: list[str] | None = None
    selection_reasoning: str | None = None
    blending_weights: BlendingWeights | None = None


class SelectedMethodology(SnakeModel):
    primary_methodology: str | None = None
    methodology_reasoning: str | None = None
    programming_emphasis: str | None = None
    periodization_approach: str | None = None
    creativity_emphasis: str | None = None
    workout_innovation: str | None = None


class TimeConstraints(SnakeModel):
    preferred_time: str | None = None
    # Generated coaches store text ("60 minutes"); template coaches a number of minutes.
    session_duration: str | int | float | None = None
    weekly_frequency: str | None = None


class SafetyConstraints(SnakeModel):
    volume_progression_limit: str | None = None
    contraindicated_exercises: list[str] | None = None
    required_modifications: list[str] | None = None
    recovery_requirements: list[str] | None = None
    safety_monitoring: list[str] | None = None


class TechnicalConfig(SnakeModel):
    programming_focus: list[str] | None = None
    specializations: list[str] | None = None
    methodology: str | None = None
    experience_level: str | None = None
    goal_timeline: str | None = None
    preferred_intensity: str | None = None
    equipment_available: list[str] | None = None
    training_frequency: int | float | None = None
    injury_considerations: list[str] | None = None
    time_constraints: TimeConstraints | None = None
    safety_constraints: SafetyConstraints | None = None


class GeneratedPrompts(SnakeModel):
    personality_prompt: str | None = None
    safety_integrated_prompt: str | None = None
    motivation_prompt: str | None = None
    methodology_prompt: str | None = None
    communication_style: str | None = None
    learning_adaptation_prompt: str | None = None
    gender_tone_prompt: str | None = None


class ModificationCapabilities(SnakeModel):
    enabled_modifications: list[str] | None = None
    personality_flexibility: str | None = None
    programming_adaptability: str | None = None
    creative_programming: str | None = None
    workout_variety_emphasis: str | None = None
    safety_override_level: str | None = None


class MethodologyProfile(SnakeModel):
    primary: str | None = None
    focus: list[str] | None = None
    preferences: list[str] | None = None
    experience: list[str] | None = None


# `metadata.prompts_source`: where `generated_prompts` came from when this API wrote them
# ("template": templated from the coach's own fields, datasources/coach_defaults.py;
# "client": given in the input). Absent on the app's coaches (its prompts are the AI's).
PROMPTS_FROM_TEMPLATE = "template"
PROMPTS_FROM_CLIENT = "client"


class CoachMetadata(SnakeModel):
    created_date: Timestamp | None = None
    total_conversations: int | None = None
    version: str | None = None  # the app's config version ("1.0"), not the item's
    user_satisfaction: float | None = None
    safety_profile: dict[str, Any] | None = None  # the app's SafetyProfile, camelCase keys
    methodology_profile: MethodologyProfile | None = None
    coach_creator_session_summary: str | None = None
    generation_method: str | None = None  # the app's: "tool" | "fallback"
    generation_timestamp: str | None = None
    prompts_source: str | None = None  # ours: PROMPTS_FROM_TEMPLATE | PROMPTS_FROM_CLIENT


ARCHIVED = "archived"
ACTIVE = "active"


class CoachAttributes(SnakeModel):
    coach_id: str
    coach_name: str
    coach_description: str | None = None
    status: str | None = None  # the app's: "active" | "archived" (absent: active)
    gender_preference: str | None = None  # the app's: "male" | "female" | "neutral"
    selected_personality: SelectedPersonality | None = None
    selected_methodology: SelectedMethodology | None = None
    technical_config: TechnicalConfig | None = None
    generated_prompts: GeneratedPrompts | None = None
    modification_capabilities: ModificationCapabilities | None = None
    metadata: CoachMetadata = Field(default_factory=CoachMetadata)


class CoachRecord(ItemRecord):
    ENTITY_TYPE: ClassVar[str] = keys.COACH
    SK_OF: ClassVar[Callable[..., str]] = staticmethod(keys.coach_sk)
    attributes: CoachAttributes

    @property
    def user_id(self) -> str:
        return keys.user_id_from_pk(self.pk)

    @classmethod
    def new(cls, user_id: str, attrs: CoachAttributes, now: datetime) -> CoachRecord:
        record = cls.create(
            pk=keys.user_pk(user_id),
            sk=keys.coach_sk(attrs.coach_id),
            entity_type=keys.COACH,
            created_at=now,
            updated_at=now,
            attributes=attrs,
        )
        unset_nulls(record.attributes)  # absent, never null (coach-config.ts:149-157)
        return record

    @property
    def archived(self) -> bool:
        return self.attributes.status == ARCHIVED

    def list_key(self) -> str:
        """Oldest first."""
        return keys.coach_list_key(self.created_at, self.attributes.coach_id)

"""Workout session: pk `user#<userId>`, sk `workout#<workoutId>`; snake_case workoutData."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, ClassVar

from pydantic import Field

from datasources import keys
from datasources.records.base import CamelModel, ItemRecord, SnakeModel, Timestamp, omit_nulls


class HeartRateZones(SnakeModel):
    zone_1: float | None = None
    zone_2: float | None = None
    zone_3: float | None = None
    zone_4: float | None = None
    zone_5: float | None = None


class HeartRate(SnakeModel):
    avg: float | None = None
    max: float | None = None
    zones: HeartRateZones | None = None


class PerformanceMetrics(SnakeModel):
    intensity: float | None = None
    perceived_exertion: float | None = None
    heart_rate: HeartRate | None = None
    calories_burned: float | None = None
    mood_pre: float | None = None
    mood_post: float | None = None
    energy_level_pre: float | None = None
    energy_level_post: float | None = None


class PrAchievement(SnakeModel):
    exercise: str | None = None
    discipline: str | None = None
    pr_type: str | None = None
    previous_best: Any = None
    new_best: Any = None
    improvement: Any = None
    improvement_percentage: float | None = None
    date_previous: str | None = None
    significance: str | None = None
    context: str | None = None
    unit: str | None = None  # "lbs", "kg", "km", "min", ... (the app's: types.ts:899)


class Soreness(SnakeModel):
    overall: float | None = None
    legs: float | None = None
    arms: float | None = None
    back: float | None = None


class SubjectiveFeedback(SnakeModel):
    enjoyment: float | None = None
    difficulty: float | None = None
    form_quality: float | None = None
    motivation: float | None = None
    confidence: float | None = None
    mental_state: str | None = None
    pacing_strategy: str | None = None
    nutrition_pre_workout: str | None = None
    hydration_level: str | None = None
    sleep_quality_previous: float | None = None
    stress_level: float | None = None
    soreness_pre: Soreness | None = None
    soreness_post: Soreness | None = None
    notes: str | None = None


class CoachNotes(SnakeModel):
    programming_intent: str | None = None
    coaching_cues_given: list[str] | None = None
    areas_for_improvement: list[str] | None = None
    positive_observations: list[str] | None = None
    next_session_focus: str | None = None
    adaptation_recommendations: list[str] | None = None
    safety_flags: list[str] | None = None
    motivation_strategy: str | None = None


class WorkoutData(SnakeModel):
    """UniversalWorkoutSchema (the app's libs/workout/types.ts:109-128)."""

    workout_id: str | None = None
    user_id: str | None = None
    workout_name: str | None = None
    discipline: str | None = None
    methodology: str | None = None
    workout_type: str | None = None
    date: str | None = None
    duration: float | None = None
    session_duration: float | None = None
    location: str | None = None
    performance_metrics: PerformanceMetrics | None = None
    # `{<discipline>: {...}}`; typed per discipline by the GraphQL layer.
    discipline_specific: dict[str, Any] | None = None
    pr_achievements: list[PrAchievement] | None = None
    subjective_feedback: SubjectiveFeedback | None = None
    coach_notes: CoachNotes | None = None
    environmental_factors: dict[str, Any] | None = None
    recovery_metrics: dict[str, Any] | None = None
    metadata: dict[str, Any] | None = None


class TemplateComparison(CamelModel):
    """How a workout logged from a program template followed it (the app's, types.ts:70-75)."""

    was_scaled: bool | None = None
    modifications: list[str] | None = None
    adherence_score: float | None = None
    analysis_confidence: float | None = None


class ExtractionMetadata(CamelModel):
    """The app reads `confidence` and `extractedAt` of every workout unguarded
    (get-workouts/handler.ts:129-130, dynamodb/workout.ts:160,406,426,543)."""

    confidence: float | None = None
    extracted_at: Timestamp | None = None
    reviewed_by: str | None = None
    reviewed_at: Timestamp | None = None
    template_comparison: TemplateComparison | None = None
    normalization_summary: str | None = None


class ProgramContext(CamelModel):
    """The app's legacy link to a training program day (types.ts:90-97)."""

    program_id: str | None = None
    coach_id: str | None = None
    template_id: str | None = None
    day_number: float | None = None
    phase_id: str | None = None
    phase_name: str | None = None


class WorkoutAttributes(CamelModel):
    workout_id: str
    user_id: str
    coach_ids: list[str] = Field(default_factory=list)
    coach_names: list[str] = Field(default_factory=list)
    conversation_id: str | None = None
    completed_at: Timestamp
    workout_data: WorkoutData = Field(default_factory=WorkoutData)
    extraction_metadata: ExtractionMetadata | None = None
    summary: str | None = None
    detailed_log: dict[str, Any] | None = None  # pointer to the S3 log (ours, see docs/storage.md)
    # The app's (libs/workout/types.ts:56-104).
    workout_name: str | None = None
    insights: dict[str, Any] | None = None
    template_id: str | None = None
    group_id: str | None = None
    image_s3_keys: list[str] | None = Field(default=None, alias="imageS3Keys")
    program_context: ProgramContext | None = None


class WorkoutRecord(ItemRecord):
    ENTITY_TYPE: ClassVar[str] = keys.WORKOUT
    SK_OF: ClassVar[Callable[..., str]] = staticmethod(keys.workout_sk)
    attributes: WorkoutAttributes

    @classmethod
    def new(cls, attrs: WorkoutAttributes, now: datetime) -> WorkoutRecord:
        record = cls.create(
            pk=keys.user_pk(attrs.user_id),
            sk=keys.workout_sk(attrs.workout_id),
            entity_type=keys.WORKOUT,
            created_at=now,
            updated_at=now,
            attributes=attrs,
        )
        # What was not given is absent, as in the app's items (it drops undefined keys).
        omit_nulls(record.attributes)
        return record

    def list_key(self) -> str:
        """By completion time: a date range is a key range."""
        return keys.workout_list_key(self.attributes.completed_at, self.attributes.workout_id)

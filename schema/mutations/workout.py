"""Workout mutations: typed input for the known disciplines, JSON for the others."""

from __future__ import annotations

from typing import Any

import strawberry
from pydantic import BaseModel, ConfigDict, Field, model_validator
from strawberry.experimental.pydantic import input as pydantic_input
from strawberry.scalars import JSON

from datasources.records import discipline as d
from resolvers.context import Info
from resolvers.mutations import workout as writes
from schema.mutations.common import Id, IdempotencyKey, Version, When, to_model
from schema.workout import Discipline, Workout

Score = Field(default=None, ge=1, le=10)


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class HeartRateZones(_In):
    zone_1: float | None = Field(default=None, ge=0)
    zone_2: float | None = Field(default=None, ge=0)
    zone_3: float | None = Field(default=None, ge=0)
    zone_4: float | None = Field(default=None, ge=0)
    zone_5: float | None = Field(default=None, ge=0)


class HeartRate(_In):
    avg: float | None = Field(default=None, ge=0, le=260)
    max: float | None = Field(default=None, ge=0, le=260)
    zones: HeartRateZones | None = None


class PerformanceMetrics(_In):
    intensity: float | None = Score
    perceived_exertion: float | None = Score
    heart_rate: HeartRate | None = None
    calories_burned: float | None = Field(default=None, ge=0)
    mood_pre: float | None = Score
    mood_post: float | None = Score
    energy_level_pre: float | None = Score
    energy_level_post: float | None = Score


class PrAchievement(_In):
    exercise: str = Field(min_length=1, max_length=120)
    discipline: str | None = None
    pr_type: str | None = None
    previous_best: float | None = None
    new_best: float | None = None
    improvement: float | None = None
    improvement_percentage: float | None = None
    date_previous: str | None = None
    significance: str | None = Field(default=None, pattern="^(minor|moderate|major)$")
    context: str | None = Field(default=None, max_length=500)


class Soreness(_In):
    overall: float | None = Score
    legs: float | None = Score
    arms: float | None = Score
    back: float | None = Score


class SubjectiveFeedback(_In):
    enjoyment: float | None = Score
    difficulty: float | None = Score
    form_quality: float | None = Score
    motivation: float | None = Score
    confidence: float | None = Score
    mental_state: str | None = None
    pacing_strategy: str | None = None
    nutrition_pre_workout: str | None = None
    hydration_level: str | None = None
    sleep_quality_previous: float | None = Score
    stress_level: float | None = Score
    soreness_pre: Soreness | None = None
    soreness_post: Soreness | None = None
    notes: str | None = Field(default=None, max_length=4000)


class CoachNotes(_In):
    programming_intent: str | None = None
    coaching_cues_given: list[str] | None = None
    areas_for_improvement: list[str] | None = None
    positive_observations: list[str] | None = None
    next_session_focus: str | None = None
    adaptation_recommendations: list[str] | None = None
    safety_flags: list[str] | None = None
    motivation_strategy: str | None = None


class OtherDiscipline(_In):
    discipline: str = Field(min_length=1, max_length=40)
    data: dict[str, Any]


class DisciplineSpecific(_In):
    """Exactly one member: the discipline's typed record, or `other` as JSON."""

    crossfit: d.Crossfit | None = None
    powerlifting: d.Powerlifting | None = None
    bodybuilding: d.Bodybuilding | None = None
    hiit: d.Hiit | None = None
    running: d.Running | None = None
    climbing: d.Climbing | None = None
    other: OtherDiscipline | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> DisciplineSpecific:
        if len(self.model_dump(exclude_none=True)) != 1:
            raise ValueError(
                "give exactly one of crossfit, powerlifting, bodybuilding, hiit, "
                "running, climbing, other"
            )
        return self

    def stored(self) -> dict[str, Any]:
        """`{<discipline>: {...}}` as stored."""
        if self.other is not None:
            return {self.other.discipline: self.other.data}
        ((name, value),) = self.model_dump(exclude_none=True).items()
        return {name: value}


class WorkoutFields(_In):
    completed_at: When | None = None
    workout_name: str | None = Field(default=None, min_length=1, max_length=120)
    workout_type: str | None = Field(default=None, max_length=40)
    methodology: str | None = Field(default=None, max_length=80)
    duration: float | None = Field(default=None, ge=0, le=24 * 60)
    location: str | None = Field(default=None, max_length=80)
    summary: str | None = Field(default=None, max_length=2000)
    coach_ids: list[Id] | None = Field(default=None, max_length=10)
    performance_metrics: PerformanceMetrics | None = None
    pr_achievements: list[PrAchievement] | None = Field(default=None, max_length=50)
    subjective_feedback: SubjectiveFeedback | None = None
    coach_notes: CoachNotes | None = None
    discipline_specific: DisciplineSpecific | None = None
    environmental_factors: dict[str, Any] | None = None
    recovery_metrics: dict[str, Any] | None = None
    extraction_confidence: float | None = Field(default=None, ge=0, le=1)
    detailed_log: dict[str, Any] | None = None
    idempotency_key: IdempotencyKey | None = None


class LogWorkout(WorkoutFields):
    workout_id: Id | None = None
    completed_at: When
    workout_name: str = Field(min_length=1, max_length=120)
    discipline: Discipline
    conversation_id: Id | None = None


class UpdateWorkout(WorkoutFields):
    workout_id: Id
    expected_version: Version


class DeleteWorkout(_In):
    workout_id: Id
    expected_version: Version
    idempotency_key: IdempotencyKey | None = None


def _register(*models: type[BaseModel]) -> None:
    """GraphQL input types for nested models, named `<Model>Input`, innermost first."""
    for model in models:
        name = f"{model.__name__}Input"
        # Free-form maps (`dict[str, Any]`) are the JSON scalar in GraphQL.
        maps = [f for f, info in model.model_fields.items() if "dict" in str(info.annotation)]
        body: dict[str, Any] = {"__annotations__": {f: JSON | None for f in maps}}
        body.update({f: None for f in maps})
        pydantic_input(model=model, all_fields=True, name=name)(type(name, (), body))


_register(
    d.CrossfitWeight,
    d.CrossfitReps,
    d.CrossfitExercise,
    d.CrossfitRound,
    d.CrossfitPerformance,
    d.Crossfit,
    d.PowerliftingAttempts,
    d.PowerliftingSet,
    d.PowerliftingExercise,
    d.Powerlifting,
    d.BodybuildingSet,
    d.BodybuildingExercise,
    d.Bodybuilding,
    d.HiitExercise,
    d.Hiit,
    d.RunningSegment,
    d.Running,
    d.ClimbingRoute,
    d.Climbing,
    HeartRateZones,
    HeartRate,
    PerformanceMetrics,
    PrAchievement,
    Soreness,
    SubjectiveFeedback,
    CoachNotes,
)


@pydantic_input(model=OtherDiscipline, all_fields=True, name="OtherDisciplineInput")
class OtherDisciplineInput:
    data: JSON


@pydantic_input(model=DisciplineSpecific, all_fields=True, name="DisciplineSpecificInput")
class DisciplineSpecificInput:
    pass


@pydantic_input(model=LogWorkout, all_fields=True)
class LogWorkoutInput:
    workout_id: strawberry.ID | None = None
    coach_ids: list[strawberry.ID] | None = None
    conversation_id: strawberry.ID | None = None
    environmental_factors: JSON | None = None
    recovery_metrics: JSON | None = None
    detailed_log: JSON | None = strawberry.field(
        default=None, description="Stored in S3 (gzip JSON, checksummed) before the item."
    )


@pydantic_input(model=UpdateWorkout, all_fields=True)
class UpdateWorkoutInput:
    workout_id: strawberry.ID
    coach_ids: list[strawberry.ID] | None = None
    environmental_factors: JSON | None = None
    recovery_metrics: JSON | None = None
    detailed_log: JSON | None = None


@pydantic_input(model=DeleteWorkout, all_fields=True)
class DeleteWorkoutInput:
    workout_id: strawberry.ID


@strawberry.type
class LogWorkoutPayload:
    workout: Workout


@strawberry.type
class UpdateWorkoutPayload:
    workout: Workout


@strawberry.type
class DeleteWorkoutPayload:
    deleted_workout_id: strawberry.ID


async def log_workout(info: Info, input: LogWorkoutInput) -> LogWorkoutPayload:
    record = await writes.log_workout(info, to_model(input, LogWorkout))
    return LogWorkoutPayload(workout=Workout.from_record(record))


async def update_workout(info: Info, input: UpdateWorkoutInput) -> UpdateWorkoutPayload:
    record = await writes.update_workout(info, to_model(input, UpdateWorkout))
    return UpdateWorkoutPayload(workout=Workout.from_record(record))


async def delete_workout(info: Info, input: DeleteWorkoutInput) -> DeleteWorkoutPayload:
    deleted = await writes.delete_workout(info, to_model(input, DeleteWorkout))
    return DeleteWorkoutPayload(deleted_workout_id=strawberry.ID(deleted))

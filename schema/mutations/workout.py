"""Workout mutation inputs (typed for the known disciplines, JSON for the others) and
payloads."""

from __future__ import annotations

from typing import Any

import strawberry
from pydantic import BaseModel
from strawberry.experimental.pydantic import input as pydantic_input
from strawberry.scalars import JSON

from datasources.inputs.workout import (
    CoachNotes,
    DeleteWorkout,
    DisciplineSpecific,
    HeartRate,
    HeartRateZones,
    LogWorkout,
    OtherDiscipline,
    PerformanceMetrics,
    PrAchievement,
    Soreness,
    SubjectiveFeedback,
    UpdateWorkout,
)
from datasources.records import discipline as d
from schema.enums import Discipline  # noqa: F401 (registered before the inputs)
from schema.workout import Workout


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
    metadata: JSON | None = None
    detailed_log: JSON | None = strawberry.field(
        default=None, description="Stored in S3 (gzip JSON, checksummed) before the item."
    )


@pydantic_input(model=UpdateWorkout, all_fields=True)
class UpdateWorkoutInput:
    workout_id: strawberry.ID
    coach_ids: list[strawberry.ID] | None = None
    environmental_factors: JSON | None = None
    recovery_metrics: JSON | None = None
    metadata: JSON | None = None
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

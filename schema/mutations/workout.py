"""Workout mutation inputs (typed for the known disciplines, JSON for the others),
payloads and resolvers."""

from __future__ import annotations

import strawberry
from pydantic import BaseModel
from strawberry.experimental.pydantic import input as pydantic_input
from strawberry.scalars import JSON

from datasources.inputs.workout import (
    CoachNotes,
    DeleteWorkout,
    DisciplineSpecific,
    LogWorkout,
    PerformanceMetrics,
    PrAchievement,
    SubjectiveFeedback,
    UpdateWorkout,
)
from resolvers.context import Info
from schema.derive import input_type, sparse
from schema.enums import Discipline  # noqa: F401 (registered before the inputs)
from schema.mutations.common import validated
from schema.workout import Workout

# Nested inputs, each derived once from its model (the disciplines' from their records).
_NESTED: tuple[type[BaseModel], ...] = (
    DisciplineSpecific,
    PerformanceMetrics,
    PrAchievement,
    SubjectiveFeedback,
    CoachNotes,
)
for _model in _NESTED:
    input_type(_model)


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


@sparse
@pydantic_input(
    model=UpdateWorkout,
    all_fields=True,
    description=(
        "Changes only what it names. An object merges key by key at every level (keys this "
        "API does not know are kept); a list replaces; an explicit null removes the key. "
        "workoutName, completedAt, coachIds, extractionConfidence and detailedLog cannot be "
        "removed: null leaves them. A rename renames the workout everywhere the app shows it."
    ),
)
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


@strawberry.type(
    description=(
        "What was deleted: the workout, its detailed log, and the app's exercise rows of it "
        "(its per-exercise history). The app's Pinecone `workout_summary` record of the "
        "workout (its coaches' memory of it) cannot be reached by this API and stays until "
        "the app removes it."
    )
)
class DeleteWorkoutPayload:
    deleted_workout_id: strawberry.ID
    deleted_exercise_count: int = strawberry.field(
        description="The app's exercise rows of the workout that were deleted with it."
    )


async def log_workout(info: Info, input: LogWorkoutInput) -> LogWorkoutPayload:
    user_id = info.context.require_user().user_id
    record = await info.context.stores.workouts.log(user_id, validated(input, LogWorkout))
    return LogWorkoutPayload(workout=Workout.from_record(record))


async def update_workout(info: Info, input: UpdateWorkoutInput) -> UpdateWorkoutPayload:
    user_id = info.context.require_user().user_id
    record = await info.context.stores.workouts.update(user_id, validated(input, UpdateWorkout))
    return UpdateWorkoutPayload(workout=Workout.from_record(record))


async def delete_workout(info: Info, input: DeleteWorkoutInput) -> DeleteWorkoutPayload:
    user_id = info.context.require_user().user_id
    deleted = await info.context.stores.workouts.delete(user_id, validated(input, DeleteWorkout))
    return DeleteWorkoutPayload(
        deleted_workout_id=strawberry.ID(deleted.workout_id),
        deleted_exercise_count=deleted.exercise_count,
    )


MUTATIONS = {
    "log_workout": strawberry.mutation(resolver=log_workout),
    "update_workout": strawberry.mutation(resolver=update_workout),
    "delete_workout": strawberry.mutation(
        resolver=delete_workout,
        description=(
            "Deletes a workout with its detailed log and the app's exercise rows of it, as the "
            "app's own delete does (one transaction when the rows fit in it; otherwise a "
            "retry finishes what a failure left). The app's Pinecone workout_summary record "
            "is out of this API's reach."
        ),
    ),
}

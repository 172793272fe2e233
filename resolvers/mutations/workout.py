"""logWorkout / updateWorkout / deleteWorkout."""

from __future__ import annotations

import strawberry

from datasources.inputs.workout import DeleteWorkout, LogWorkout, UpdateWorkout
from resolvers.context import Info
from schema.mutations.common import validated
from schema.mutations.workout import (
    DeleteWorkoutInput,
    DeleteWorkoutPayload,
    LogWorkoutInput,
    LogWorkoutPayload,
    UpdateWorkoutInput,
    UpdateWorkoutPayload,
)
from schema.workout import Workout


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

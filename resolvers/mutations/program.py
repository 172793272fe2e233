"""updateProgram / deleteProgram / logProgramWorkout / skipProgramDay / completeRestDay."""

from __future__ import annotations

import strawberry

from datasources.inputs.program import (
    CompleteRestDay,
    DeleteProgram,
    LogProgramWorkout,
    SkipProgramDay,
    UpdateProgram,
)
from resolvers.context import Info
from schema.mutations.common import validated
from schema.mutations.program import (
    CompleteRestDayInput,
    CompleteRestDayPayload,
    DeleteProgramInput,
    DeleteProgramPayload,
    LogProgramWorkoutInput,
    LogProgramWorkoutPayload,
    SkipProgramDayInput,
    SkipProgramDayPayload,
    UpdateProgramInput,
    UpdateProgramPayload,
)
from schema.program import Program
from schema.workout import Workout


async def update_program(info: Info, input: UpdateProgramInput) -> UpdateProgramPayload:
    user_id = info.context.require_user().user_id
    record = await info.context.stores.programs.update(user_id, validated(input, UpdateProgram))
    return UpdateProgramPayload(program=Program.from_record(record))


async def delete_program(info: Info, input: DeleteProgramInput) -> DeleteProgramPayload:
    user_id = info.context.require_user().user_id
    done = await info.context.stores.programs.delete(user_id, validated(input, DeleteProgram))
    return DeleteProgramPayload(
        deleted_program_id=strawberry.ID(done.program_id),
        archived=done.archived is not None,
        program=Program.from_record(done.archived) if done.archived else None,
        deleted_objects=done.deleted_objects,
    )


async def log_program_workout(
    info: Info, input: LogProgramWorkoutInput
) -> LogProgramWorkoutPayload:
    user_id = info.context.require_user().user_id
    data = validated(input, LogProgramWorkout)
    logged = await info.context.stores.programs.log_workout(user_id, data)
    return LogProgramWorkoutPayload(
        program=Program.from_record(logged.program),
        workout=Workout.from_record(logged.workout),
        _template_id=data.template_id,
    )


async def skip_program_day(info: Info, input: SkipProgramDayInput) -> SkipProgramDayPayload:
    user_id = info.context.require_user().user_id
    record = await info.context.stores.programs.skip_day(user_id, validated(input, SkipProgramDay))
    return SkipProgramDayPayload(program=Program.from_record(record))


async def complete_rest_day(info: Info, input: CompleteRestDayInput) -> CompleteRestDayPayload:
    user_id = info.context.require_user().user_id
    data = validated(input, CompleteRestDay)
    record = await info.context.stores.programs.complete_rest_day(user_id, data)
    return CompleteRestDayPayload(program=Program.from_record(record))

"""Training-program mutation inputs, payloads and resolvers."""

from __future__ import annotations

import strawberry
from strawberry.experimental.pydantic import input as pydantic_input
from strawberry.scalars import JSON

from datasources.inputs.program import (
    CompleteRestDay,
    DeleteProgram,
    LogProgramWorkout,
    SkipProgramDay,
    TemplateFeedback,
    UpdateProgram,
)
from resolvers.context import Info
from schema.enums import Discipline, ProgramAction  # noqa: F401 (registered before the inputs)
from schema.mutations import workout as _workout_inputs  # noqa: F401 (nested inputs first)
from schema.mutations.common import validated
from schema.mutations.elsewhere import UnreachableCopy
from schema.program import Program, ProgramTemplate, program_details
from schema.workout import Workout

# delete-program/handler.ts:47-59 deletes the program's summary vector after the item.
PROGRAM_VECTOR = UnreachableCopy(
    store="Pinecone",
    what="the program's summary vector",
    note="NeonPanda's app indexes each program for recall; this API has no access to it.",
)


@pydantic_input(model=UpdateProgram, all_fields=True)
class UpdateProgramInput:
    program_id: strawberry.ID
    action: ProgramAction | None = strawberry.field(
        default=None,
        description="PAUSE (an active program: pausedAt), RESUME (a paused one: the days "
        "paused are added to pausedDuration), COMPLETE, ARCHIVE (the app's soft delete).",
    )


@pydantic_input(model=DeleteProgram, all_fields=True)
class DeleteProgramInput:
    program_id: strawberry.ID
    hard: bool = strawberry.field(
        default=False,
        description="false (the app's default): archived. true: the item, its S3 details "
        "and its insights are deleted.",
    )


@pydantic_input(model=TemplateFeedback, all_fields=True, name="TemplateFeedbackInput")
class TemplateFeedbackInput:
    difficulty: str | None = strawberry.field(
        default=None, description="too_easy, just_right or too_hard."
    )


@pydantic_input(model=LogProgramWorkout, all_fields=True)
class LogProgramWorkoutInput:
    program_id: strawberry.ID
    template_id: strawberry.ID
    workout_id: strawberry.ID | None = None
    coach_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Refused: the workout is the program's (first) coach's."
    )
    environmental_factors: JSON | None = None
    recovery_metrics: JSON | None = None
    metadata: JSON | None = None
    detailed_log: JSON | None = None


@pydantic_input(model=SkipProgramDay, all_fields=True)
class SkipProgramDayInput:
    program_id: strawberry.ID
    template_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="One template; without it, every pending template of dayNumber.",
    )


@pydantic_input(model=CompleteRestDay, all_fields=True)
class CompleteRestDayInput:
    program_id: strawberry.ID


@strawberry.type
class UpdateProgramPayload:
    program: Program


@strawberry.type
class DeleteProgramPayload:
    deleted_program_id: strawberry.ID
    archived: bool = strawberry.field(description="A soft delete: the program is archived.")
    program: Program | None = strawberry.field(description="The archived program.")
    deleted_objects: list[str] = strawberry.field(description="S3 keys deleted (hard).")
    not_deleted: list[UnreachableCopy] = strawberry.field(
        default_factory=lambda: [PROGRAM_VECTOR],
        description="Copies outside this API's reach (the app's Pinecone vector).",
    )


@strawberry.type
class LogProgramWorkoutPayload:
    program: Program
    workout: Workout
    _template_id: strawberry.Private[str]

    @strawberry.field(description="The template, completed (no S3 read: written just now).")
    async def template(self, info: Info) -> ProgramTemplate | None:
        details = await program_details(info, self.program._record)
        found = details.template(self._template_id)
        if found is None:
            return None
        return ProgramTemplate.of(found, details.on_day(found.get("dayNumber") or 0))


@strawberry.type
class SkipProgramDayPayload:
    program: Program


@strawberry.type
class CompleteRestDayPayload:
    program: Program


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


MUTATIONS = {
    "update_program": strawberry.mutation(resolver=update_program),
    "delete_program": strawberry.mutation(resolver=delete_program),
    "log_program_workout": strawberry.mutation(resolver=log_program_workout),
    "skip_program_day": strawberry.mutation(resolver=skip_program_day),
    "complete_rest_day": strawberry.mutation(resolver=complete_rest_day),
}

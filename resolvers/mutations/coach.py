"""createCoach / updateCoach / deleteCoach."""

from __future__ import annotations

import strawberry

from datasources.inputs.coach import (
    CreateCoach,
    CreateCoachFromTemplate,
    DeleteCoach,
    UpdateCoach,
)
from resolvers.context import Info
from schema.coach import Coach
from schema.mutations.coach import (
    CreateCoachFromTemplateInput,
    CreateCoachInput,
    CreateCoachPayload,
    DeleteCoachInput,
    DeleteCoachPayload,
    UpdateCoachInput,
    UpdateCoachPayload,
)
from schema.mutations.common import validated


async def create_coach(info: Info, input: CreateCoachInput) -> CreateCoachPayload:
    user_id = info.context.require_user().user_id
    record = await info.context.stores.coaches.create(user_id, validated(input, CreateCoach))
    return CreateCoachPayload(coach=Coach.from_record(record))


async def update_coach(info: Info, input: UpdateCoachInput) -> UpdateCoachPayload:
    user_id = info.context.require_user().user_id
    record = await info.context.stores.coaches.update(user_id, validated(input, UpdateCoach))
    return UpdateCoachPayload(coach=Coach.from_record(record))


async def delete_coach(info: Info, input: DeleteCoachInput) -> DeleteCoachPayload:
    user_id = info.context.require_user().user_id
    record = await info.context.stores.coaches.delete(user_id, validated(input, DeleteCoach))
    coach_id = strawberry.ID(record.attributes.coach_id)
    return DeleteCoachPayload(
        archived_coach_id=coach_id,
        coach=Coach.from_record(record),
        deleted_coach_id=coach_id,
        deleted_memory_count=0,
    )


async def create_coach_from_template(
    info: Info, input: CreateCoachFromTemplateInput
) -> CreateCoachPayload:
    """A coach copied from one of the app's templates; the template's popularity moves in
    the same transaction."""
    user_id = info.context.require_user().user_id
    data = validated(input, CreateCoachFromTemplate)
    record = await info.context.stores.coaches.create_from_template(user_id, data)
    return CreateCoachPayload(coach=Coach.from_record(record))

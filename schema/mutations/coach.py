"""Coach mutation inputs, payloads and resolvers."""

from __future__ import annotations

import strawberry
from strawberry.experimental.pydantic import input as pydantic_input

from datasources.inputs.coach import (
    BlendingWeights,
    CreateCoach,
    CreateCoachFromTemplate,
    DeleteCoach,
    GeneratedPrompts,
    Methodology,
    MethodologyProfile,
    ModificationCapabilities,
    Personality,
    SafetyConstraints,
    TechnicalConfig,
    TimeConstraints,
    UpdateCoach,
)
from resolvers.context import Info
from schema.coach import Coach
from schema.mutations.common import validated

_MERGED = (
    "On update, only the fields given change (a nested object merges the same way); an "
    "explicit null removes a key, except one NeonPanda's app requires (refused)."
)


@pydantic_input(model=BlendingWeights, all_fields=True, name="CoachBlendingWeightsInput")
class CoachBlendingWeightsInput:
    pass


@pydantic_input(model=Personality, all_fields=True, description=_MERGED)
class CoachPersonalityInput:
    pass


@pydantic_input(model=Methodology, all_fields=True, description=_MERGED)
class CoachMethodologyInput:
    pass


@pydantic_input(model=TimeConstraints, all_fields=True, name="CoachTimeConstraintsInput")
class CoachTimeConstraintsInput:
    pass


@pydantic_input(model=SafetyConstraints, all_fields=True, name="CoachSafetyConstraintsInput")
class CoachSafetyConstraintsInput:
    pass


@pydantic_input(model=TechnicalConfig, all_fields=True, description=_MERGED)
class CoachTechnicalConfigInput:
    pass


@pydantic_input(
    model=GeneratedPrompts,
    all_fields=True,
    name="CoachGeneratedPromptsInput",
    description="The prompts the app chats with. On create, each one left out is templated "
    "from the coach's fields (metadata.promptsSource: template). " + _MERGED,
)
class CoachGeneratedPromptsInput:
    pass


@pydantic_input(
    model=ModificationCapabilities, all_fields=True, name="CoachModificationCapabilitiesInput"
)
class CoachModificationCapabilitiesInput:
    pass


@pydantic_input(model=MethodologyProfile, all_fields=True, name="CoachMethodologyProfileInput")
class CoachMethodologyProfileInput:
    pass


@pydantic_input(
    model=CreateCoach,
    all_fields=True,
    description="Every part left out is written with NeonPanda's app's own defaults.",
)
class CreateCoachInput:
    coach_id: strawberry.ID | None = None


@pydantic_input(model=UpdateCoach, all_fields=True, description=_MERGED)
class UpdateCoachInput:
    coach_id: strawberry.ID


@pydantic_input(model=DeleteCoach, all_fields=True)
class DeleteCoachInput:
    coach_id: strawberry.ID


@strawberry.type
class CreateCoachPayload:
    coach: Coach


@strawberry.type
class UpdateCoachPayload:
    coach: Coach


_ARCHIVED = (
    "Deleting a coach archives it, as NeonPanda's app does: nothing is removed from the "
    "table (its memories, conversations and workouts stay)."
)


@strawberry.type(description=_ARCHIVED)
class DeleteCoachPayload:
    archived_coach_id: strawberry.ID
    coach: Coach = strawberry.field(
        description="The coach as archived (status archived); listed again only with "
        "coaches(includeArchived: true)."
    )
    deleted_coach_id: strawberry.ID = strawberry.field(
        deprecation_reason="The coach is archived, not deleted: use archivedCoachId (the same id)."
    )
    deleted_memory_count: int = strawberry.field(
        deprecation_reason="Deleting a coach keeps its memories (as NeonPanda's app does): "
        "always 0."
    )


@pydantic_input(model=CreateCoachFromTemplate, all_fields=True)
class CreateCoachFromTemplateInput:
    pass


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


MUTATIONS = {
    "create_coach": strawberry.mutation(resolver=create_coach),
    "create_coach_from_template": strawberry.mutation(resolver=create_coach_from_template),
    "update_coach": strawberry.mutation(resolver=update_coach),
    "delete_coach": strawberry.mutation(resolver=delete_coach),
}

"""Coach mutations."""

from __future__ import annotations

import strawberry
from pydantic import BaseModel, Field
from strawberry.experimental.pydantic import input as pydantic_input

from resolvers.context import Info
from resolvers.mutations import coach as writes
from schema.coach import Coach
from schema.mutations.common import Id, IdempotencyKey, Version, to_model

Name = Field(min_length=1, max_length=80)
Text = Field(default=None, max_length=2000)


class Personality(BaseModel):
    primary_template: str | None = Field(default=None, max_length=80)
    selection_reasoning: str | None = Text


class Methodology(BaseModel):
    primary_methodology: str | None = Field(default=None, max_length=80)


class TechnicalConfig(BaseModel):
    programming_focus: list[str] | None = Field(default=None, max_length=20)
    specializations: list[str] | None = Field(default=None, max_length=20)
    methodology: str | None = Field(default=None, max_length=80)
    experience_level: str | None = Field(default=None, max_length=40)
    goal_timeline: str | None = Field(default=None, max_length=80)
    preferred_intensity: str | None = Field(default=None, max_length=40)
    equipment_available: list[str] | None = Field(default=None, max_length=50)


class CreateCoach(BaseModel):
    name: str = Name
    coach_id: Id | None = None
    personality: Personality | None = None
    methodology: Methodology | None = None
    technical_config: TechnicalConfig | None = None
    idempotency_key: IdempotencyKey | None = None


class UpdateCoach(BaseModel):
    coach_id: Id
    expected_version: Version
    name: str | None = Field(default=None, min_length=1, max_length=80)
    personality: Personality | None = None
    methodology: Methodology | None = None
    technical_config: TechnicalConfig | None = None
    idempotency_key: IdempotencyKey | None = None


class DeleteCoach(BaseModel):
    coach_id: Id
    expected_version: Version
    idempotency_key: IdempotencyKey | None = None


@pydantic_input(model=Personality, all_fields=True)
class CoachPersonalityInput:
    pass


@pydantic_input(model=Methodology, all_fields=True)
class CoachMethodologyInput:
    pass


@pydantic_input(model=TechnicalConfig, all_fields=True)
class CoachTechnicalConfigInput:
    pass


@pydantic_input(model=CreateCoach, all_fields=True)
class CreateCoachInput:
    coach_id: strawberry.ID | None = None


@pydantic_input(model=UpdateCoach, all_fields=True)
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


@strawberry.type
class DeleteCoachPayload:
    deleted_coach_id: strawberry.ID
    deleted_memory_count: int = strawberry.field(
        description="Coach-specific memories deleted with the coach (conversations stay)."
    )


async def create_coach(info: Info, input: CreateCoachInput) -> CreateCoachPayload:
    record = await writes.create_coach(info, to_model(input, CreateCoach))
    return CreateCoachPayload(coach=Coach.from_record(record))


async def update_coach(info: Info, input: UpdateCoachInput) -> UpdateCoachPayload:
    record = await writes.update_coach(info, to_model(input, UpdateCoach))
    return UpdateCoachPayload(coach=Coach.from_record(record))


async def delete_coach(info: Info, input: DeleteCoachInput) -> DeleteCoachPayload:
    coach_id, memories = await writes.delete_coach(info, to_model(input, DeleteCoach))
    return DeleteCoachPayload(
        deleted_coach_id=strawberry.ID(coach_id), deleted_memory_count=memories
    )

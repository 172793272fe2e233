"""Coach mutation inputs and payloads."""

from __future__ import annotations

import strawberry
from strawberry.experimental.pydantic import input as pydantic_input

from datasources.inputs.coach import (
    CreateCoach,
    DeleteCoach,
    Methodology,
    Personality,
    TechnicalConfig,
    UpdateCoach,
)
from schema.coach import Coach


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

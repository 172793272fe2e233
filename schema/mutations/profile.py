"""Profile mutation inputs and payloads."""

from __future__ import annotations

import strawberry
from strawberry.experimental.pydantic import input as pydantic_input
from strawberry.scalars import JSON

from datasources.inputs.profile import AvatarIn, CreateProfile, UpdateProfile
from schema.user import User


@pydantic_input(model=AvatarIn, all_fields=True, name="AvatarInput")
class AvatarInput:
    pass


_PLAN = "The plan is set by billing (read it as viewer.plan); any value is refused."


@pydantic_input(model=CreateProfile, all_fields=True)
class CreateProfileInput:
    preferences: JSON | None = None
    subscription: JSON | None = strawberry.field(default=None, deprecation_reason=_PLAN)
    demographics: JSON | None = None
    fitness: JSON | None = None


@pydantic_input(model=UpdateProfile, all_fields=True)
class UpdateProfileInput:
    preferences: JSON | None = strawberry.field(
        default=None, description="Merged key by key; a null value removes that key."
    )
    subscription: JSON | None = strawberry.field(default=None, deprecation_reason=_PLAN)
    demographics: JSON | None = None
    fitness: JSON | None = None
    email: str | None = strawberry.field(
        default=None,
        deprecation_reason="The email is the account's sign-in and cannot be changed; "
        "a value other than the current one is refused.",
    )


@strawberry.type
class CreateProfilePayload:
    user: User


@strawberry.type
class UpdateProfilePayload:
    user: User

"""Profile mutation inputs, payloads and resolvers."""

from __future__ import annotations

import strawberry
from strawberry.experimental.pydantic import input as pydantic_input
from strawberry.scalars import JSON

from datasources.inputs.profile import AvatarIn, CreateProfile, UpdateProfile
from resolvers.context import Info
from resolvers.errors import bad_input
from schema.mutations.common import validated
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


async def create_profile(info: Info, input: CreateProfileInput) -> CreateProfilePayload:
    principal = info.context.require_user()
    user_id = principal.user_id
    data = validated(input, CreateProfile)
    if principal.email is not None and data.email.lower() != principal.email.lower():
        # A token that names its email (Cognito's ID token does): the profile takes it.
        raise bad_input(
            "input.email: must be the email this account signs in with", ["input", "email"]
        )
    record = await info.context.stores.users.create(user_id, data)
    return CreateProfilePayload(user=User(user_id=strawberry.ID(record.attributes.user_id)))


async def update_profile(info: Info, input: UpdateProfileInput) -> UpdateProfilePayload:
    user_id = info.context.require_user().user_id
    record = await info.context.stores.users.update(user_id, validated(input, UpdateProfile))
    return UpdateProfilePayload(user=User(user_id=strawberry.ID(record.attributes.user_id)))


MUTATIONS = {
    "create_profile": strawberry.mutation(resolver=create_profile),
    "update_profile": strawberry.mutation(resolver=update_profile),
}

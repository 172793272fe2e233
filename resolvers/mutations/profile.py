"""createProfile (first sign-in) and updateProfile."""

from __future__ import annotations

import strawberry

from datasources.inputs.profile import CreateProfile, UpdateProfile
from resolvers.context import Info
from resolvers.errors import bad_input
from schema.mutations.common import validated
from schema.mutations.profile import (
    CreateProfileInput,
    CreateProfilePayload,
    UpdateProfileInput,
    UpdateProfilePayload,
)
from schema.user import User


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

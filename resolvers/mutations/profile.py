"""createProfile (first sign-in) and updateProfile."""

from __future__ import annotations

import strawberry

from datasources.inputs.profile import CreateProfile, UpdateProfile
from resolvers.context import Info
from schema.mutations.common import validated
from schema.mutations.profile import (
    CreateProfileInput,
    CreateProfilePayload,
    UpdateProfileInput,
    UpdateProfilePayload,
)
from schema.user import User


async def create_profile(info: Info, input: CreateProfileInput) -> CreateProfilePayload:
    user_id = info.context.require_user().user_id
    record = await info.context.stores.users.create(user_id, validated(input, CreateProfile))
    return CreateProfilePayload(user=User(user_id=strawberry.ID(record.attributes.user_id)))


async def update_profile(info: Info, input: UpdateProfileInput) -> UpdateProfilePayload:
    user_id = info.context.require_user().user_id
    record = await info.context.stores.users.update(user_id, validated(input, UpdateProfile))
    return UpdateProfilePayload(user=User(user_id=strawberry.ID(record.attributes.user_id)))

"""Profile mutations."""

from __future__ import annotations

from typing import Any

import strawberry
from pydantic import BaseModel, Field, field_validator
from strawberry.experimental.pydantic import input as pydantic_input
from strawberry.scalars import JSON

from resolvers.context import Info
from resolvers.mutations import profile as writes
from schema.mutations.common import IdempotencyKey, Version, to_model
from schema.query import USERNAME_PATTERN
from schema.user import User

EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
MAP_KEY = r"^[A-Za-z0-9_-]{1,64}$"
Name = Field(default=None, min_length=1, max_length=80)


class AvatarIn(BaseModel):
    url: str | None = Field(default=None, max_length=2000, pattern=r"^https?://")
    s3_key: str | None = Field(default=None, max_length=500)


class _ProfileFields(BaseModel):
    first_name: str | None = Name
    last_name: str | None = Name
    display_name: str | None = Name
    nickname: str | None = Name
    avatar: AvatarIn | None = None
    preferences: dict[str, Any] | None = None
    subscription: dict[str, Any] | None = None
    demographics: dict[str, Any] | None = None
    fitness: dict[str, Any] | None = None
    idempotency_key: IdempotencyKey | None = None

    @field_validator("preferences", "subscription", "demographics", "fitness")
    @classmethod
    def _keys(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        import re

        for key in value or {}:
            if not re.match(MAP_KEY, key):
                raise ValueError(f"key {key!r}: letters, digits, _ and - only (1-64)")
        return value


class CreateProfile(_ProfileFields):
    username: str = Field(pattern=USERNAME_PATTERN.pattern)
    email: str = Field(max_length=254, pattern=EMAIL)


class UpdateProfile(_ProfileFields):
    expected_version: Version
    username: str | None = Field(default=None, pattern=USERNAME_PATTERN.pattern)
    email: str | None = Field(default=None, max_length=254, pattern=EMAIL)


@pydantic_input(model=AvatarIn, all_fields=True, name="AvatarInput")
class AvatarInput:
    pass


@pydantic_input(model=CreateProfile, all_fields=True)
class CreateProfileInput:
    preferences: JSON | None = None
    subscription: JSON | None = None
    demographics: JSON | None = None
    fitness: JSON | None = None


@pydantic_input(model=UpdateProfile, all_fields=True)
class UpdateProfileInput:
    preferences: JSON | None = strawberry.field(
        default=None, description="Merged key by key; a null value removes that key."
    )
    subscription: JSON | None = None
    demographics: JSON | None = None
    fitness: JSON | None = None


@strawberry.type
class CreateProfilePayload:
    user: User


@strawberry.type
class UpdateProfilePayload:
    user: User


async def create_profile(info: Info, input: CreateProfileInput) -> CreateProfilePayload:
    record = await writes.create_profile(info, to_model(input, CreateProfile))
    info.context.loaders.items.replace(record)
    return CreateProfilePayload(user=User(user_id=strawberry.ID(record.attributes.user_id)))


async def update_profile(info: Info, input: UpdateProfileInput) -> UpdateProfilePayload:
    record = await writes.update_profile(info, to_model(input, UpdateProfile))
    info.context.loaders.items.replace(record)
    return UpdateProfilePayload(user=User(user_id=strawberry.ID(record.attributes.user_id)))

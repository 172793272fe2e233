"""Profile inputs: first sign-in and partial updates."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, Field, field_validator

from datasources.inputs.common import (
    EMAIL_PATTERN,
    USERNAME_PATTERN,
    JsonMap,
    Version,
    WriteInput,
)

MAP_KEY = re.compile(r"[A-Za-z0-9_-]{1,64}")
Name = Field(default=None, min_length=1, max_length=80)
# The free-form maps of a profile, merged key by key on update.
PROFILE_MAPS = ("preferences", "demographics", "fitness")


class AvatarIn(BaseModel):
    url: str | None = Field(default=None, max_length=2000, pattern=r"^https?://")
    s3_key: str | None = Field(default=None, max_length=500)


class _ProfileFields(WriteInput):
    first_name: str | None = Name
    last_name: str | None = Name
    display_name: str | None = Name
    nickname: str | None = Name
    avatar: AvatarIn | None = None
    preferences: JsonMap | None = None
    # The athlete's plan is billing's (the app's subscription item), never the athlete's:
    # the field stays in the input for old clients, and any value is refused.
    subscription: JsonMap | None = None
    demographics: JsonMap | None = None
    fitness: JsonMap | None = None

    @field_validator("subscription")
    @classmethod
    def _not_writable(cls, value: dict[str, Any] | None) -> None:
        if value is not None:
            raise ValueError("the plan is set by billing, not through the profile")
        return None

    @field_validator(*PROFILE_MAPS)
    @classmethod
    def _keys(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        for key in value or {}:
            if not MAP_KEY.fullmatch(key):
                raise ValueError(f"key {key!r}: letters, digits, _ and - only (1-64)")
        return value


class CreateProfile(_ProfileFields):
    username: str = Field(pattern=USERNAME_PATTERN.pattern)
    email: str = Field(max_length=254, pattern=EMAIL_PATTERN)


class UpdateProfile(_ProfileFields):
    expected_version: Version
    username: str | None = Field(default=None, pattern=USERNAME_PATTERN.pattern)
    email: str | None = Field(default=None, max_length=254, pattern=EMAIL_PATTERN)

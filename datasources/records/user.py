"""User profile: pk `user#<userId>`, sk `profile`, GSI1 email, GSI2 username."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from pydantic import Field

from datasources import keys
from datasources.records.base import CamelModel, ItemRecord, Timestamp


class Avatar(CamelModel):
    url: str | None = None
    s3_key: str | None = None


class UserAttributes(CamelModel):
    user_id: str
    email: str
    username: str
    first_name: str | None = None
    last_name: str | None = None
    display_name: str | None = None
    nickname: str | None = None
    avatar: Avatar | None = None
    preferences: dict[str, Any] = Field(default_factory=dict)
    subscription: dict[str, Any] = Field(default_factory=dict)
    demographics: dict[str, Any] = Field(default_factory=dict)
    fitness: dict[str, Any] = Field(default_factory=dict)
    metadata: dict[str, Any] = Field(default_factory=dict)
    # The app's (libs/user/types.ts:6-155): AI-written profiles and the athlete's directive.
    athlete_profile: dict[str, Any] | None = None
    living_profile: dict[str, Any] | None = None
    critical_training_directive: dict[str, Any] | None = None


class UserRecord(ItemRecord):
    ENTITY_TYPE: ClassVar[str] = keys.USER
    SK_OF: ClassVar[Callable[..., str]] = staticmethod(keys.profile_sk)
    attributes: UserAttributes

    @classmethod
    def new(cls, attrs: UserAttributes, now: Timestamp) -> UserRecord:
        if not attrs.display_name and (attrs.first_name or attrs.last_name):
            # Seed: display name defaults to firstName + lastName.
            attrs.display_name = " ".join(p for p in (attrs.first_name, attrs.last_name) if p)
        return cls.create(
            pk=keys.user_pk(attrs.user_id),
            sk=keys.PROFILE_SK,
            entity_type=keys.USER,
            created_at=now,
            updated_at=now,
            gsi1pk=keys.email_gsi1pk(attrs.email),
            gsi1sk=keys.PROFILE_SK,
            gsi2pk=keys.username_gsi2pk(attrs.username),
            gsi2sk=keys.PROFILE_SK,
            attributes=attrs,
        )

    def fill_app_defaults(self) -> None:
        # The app lists only active profiles (amplify/dynamodb/admin.ts:110); its sign-up
        # writes isActive (post-confirmation/handler.ts:220-222).
        self.attributes.metadata.setdefault("isActive", True)

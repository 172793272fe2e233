"""`User`: the authenticated athlete, from whom the whole graph is reached."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

import strawberry
from strawberry.scalars import JSON

from datasources.records import UserRecord
from resolvers.errors import ApiError, Code
from schema.node import Node, encode_global_id

T = TypeVar("T")


@strawberry.type
class Avatar:
    url: str | None
    s3_key: str | None


def _profile(get: Callable[[UserRecord], Any], description: str | None = None) -> Any:
    """A profile field: waits for the one profile load this User started."""

    async def resolve(root: User) -> Any:
        return get(await root.record())

    return strawberry.field(resolver=resolve, description=description)


@strawberry.type(description="The signed-in athlete. Profile fields share one profile read.")
class User(Node):
    user_id: strawberry.ID
    _profile_load: strawberry.Private[asyncio.Future[UserRecord | None]]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return encode_global_id("User", self.user_id)

    async def record(self) -> UserRecord:
        record = await self._profile_load
        if record is None:
            raise ApiError(
                Code.NOT_FOUND, "No profile yet for this account: call createProfile first"
            )
        return record

    email: str = _profile(lambda r: r.attributes.email)
    username: str = _profile(lambda r: r.attributes.username)
    display_name: str | None = _profile(lambda r: r.attributes.display_name)
    first_name: str | None = _profile(lambda r: r.attributes.first_name)
    last_name: str | None = _profile(lambda r: r.attributes.last_name)
    nickname: str | None = _profile(lambda r: r.attributes.nickname)
    avatar: Avatar | None = _profile(
        lambda r: (
            Avatar(url=r.attributes.avatar.url, s3_key=r.attributes.avatar.s3_key)
            if r.attributes.avatar
            else None
        )
    )
    preferences: JSON = _profile(lambda r: r.attributes.preferences)
    subscription: JSON = _profile(lambda r: r.attributes.subscription)
    demographics: JSON = _profile(lambda r: r.attributes.demographics)
    fitness: JSON = _profile(lambda r: r.attributes.fitness)
    created_at: datetime = _profile(lambda r: r.created_at)
    updated_at: datetime = _profile(lambda r: r.updated_at)
    version: int = _profile(lambda r: r.version, "Optimistic-concurrency version.")

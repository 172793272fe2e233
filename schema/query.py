"""The root Query."""

from __future__ import annotations

import re

import strawberry

from resolvers.context import Info
from resolvers.errors import bad_input
from schema.user import User

USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9_]{3,30}$")


@strawberry.type
class Query:
    @strawberry.field(description="The authenticated athlete.")
    def viewer(self, info: Info) -> User | None:
        principal = info.context.require_user()
        # Started now, awaited by the profile fields: the profile read joins the first
        # wave of backend calls instead of delaying the lists below it.
        profile = info.context.loaders.profile_by_user.defer(principal.user_id)
        return User(user_id=strawberry.ID(principal.user_id), _profile_load=profile)

    @strawberry.field(description="Whether a username is free to take (case-insensitive).")
    async def username_available(self, info: Info, username: str) -> bool:
        info.context.require_user()
        if not USERNAME_PATTERN.match(username):
            raise bad_input("username must be 3-30 letters, digits or underscores", ["username"])
        return not await info.context.stores.users.username_taken(username)

"""Admin reads across users (the `admin` Cognito group only) and public profiles."""

from __future__ import annotations

from datasources.records import UserRecord
from datasources.stores.admin import ItemPage
from resolvers.context import Info
from resolvers.errors import ApiError, Code
from resolvers.lists import list_scope
from resolvers.pagination import page_size


def require_admin(info: Info) -> None:
    principal = info.context.require_user()
    if not principal.is_admin:
        raise ApiError(Code.FORBIDDEN, "Only administrators may use `admin`")


async def user_by_email(info: Info, email: str) -> UserRecord | None:
    require_admin(info)
    return await info.context.stores.users.get_by_email(email)


async def public_profile(info: Info, username: str) -> UserRecord | None:
    info.context.require_user()
    return await info.context.stores.users.get_by_username(username)


async def list_entities(
    info: Info, entity_type: str, first: int | None, after: str | None
) -> tuple[ItemPage, list[str]]:
    """Items of one type across users (the entityType index), in partition-key order."""
    require_admin(info)
    principal = info.context.require_user()
    scope = list_scope(principal.user_id, "admin.entities", {"type": entity_type})
    codec = info.context.cursors
    start = codec.decode(scope, after)["p"] if after else None
    page = await info.context.stores.admin.entities(entity_type, want=page_size(first), after=start)
    return page, [codec.encode(scope, {"p": i.position}) for i in page.items]


async def count_entities(info: Info, entity_type: str) -> int:
    require_admin(info)
    return await info.context.stores.admin.count(entity_type)

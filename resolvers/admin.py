"""Admin reads across users (the `admin` Cognito group only) and public profiles."""

from __future__ import annotations

from typing import Any

from boto3.dynamodb.conditions import Key

from datasources import definition
from datasources.records import UserRecord
from datasources.table import start_key_for
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
) -> tuple[list[dict[str, Any]], list[str], bool]:
    """Items of one type across users, over the entityType index (GSI3), in pk order."""
    require_admin(info)
    principal = info.context.require_user()
    size = page_size(first)
    scope = list_scope(principal.user_id, "admin.entities", {"type": entity_type})
    codec = info.context.cursors
    start = codec.decode(scope, after)["k"] if after else None
    page = await info.context.stores.table.query(
        Key("entityType").eq(entity_type),
        index=definition.GSI_ENTITY_TYPE,
        start_key=start,
        want=size,
    )
    cursors = [
        codec.encode(scope, {"k": start_key_for(i, definition.GSI_ENTITY_TYPE)}) for i in page.items
    ]
    return page.items, cursors, page.has_more

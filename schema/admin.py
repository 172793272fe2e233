"""`admin` (FORBIDDEN unless in the `admin` group) and `publicProfile`."""

from __future__ import annotations

import re
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, cast

import strawberry
from strawberry.scalars import JSON

from datasources.records import ADMIN_LISTED, UserRecord
from datasources.stores.admin import StoredItem
from resolvers import admin
from resolvers.context import Info
from schema.connection import Connection
from schema.user import Avatar


@strawberry.type(description="What anyone signed in may see of an athlete.")
class PublicProfile:
    username: str
    display_name: str | None
    avatar: Avatar | None

    @staticmethod
    def from_record(record: UserRecord) -> PublicProfile:
        a = record.attributes
        return PublicProfile(
            username=a.username,
            display_name=a.display_name,
            avatar=Avatar(url=a.avatar.url, s3_key=a.avatar.s3_key) if a.avatar else None,
        )


@strawberry.type
class AdminUser:
    user_id: strawberry.ID
    email: str
    username: str
    display_name: str | None
    created_at: datetime
    version: int


def _enum_name(entity_type: str) -> str:
    """`coachConfig` -> `COACH_CONFIG`."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", entity_type).upper()


if TYPE_CHECKING:

    class EntityType(Enum):
        """What `admin.entities` lists (derived below from the records)."""

else:
    # One value per entity type the admin view lists, derived from the records
    # (datasources.records.ALL_RECORDS, ADMIN_LISTED), named after the stored value. Its
    # values stay stable: removing one is a breaking change the CI check refuses.
    EntityType = strawberry.enum(
        Enum("EntityType", [(_enum_name(t), t) for t in ADMIN_LISTED]),
        name="EntityType",
    )


@strawberry.type(description="A stored item of any type, as stored.")
class AdminEntity:
    entity_type: str
    pk: str
    sk: str
    created_at: str | None
    updated_at: str | None
    item: JSON


@strawberry.type
class AdminQuery:
    @strawberry.field(description="A profile by email (GSI1).")
    async def user_by_email(self, info: Info, email: str) -> AdminUser | None:
        record = await admin.user_by_email(info, email)
        if record is None:
            return None
        a = record.attributes
        return AdminUser(
            user_id=strawberry.ID(a.user_id),
            email=a.email,
            username=a.username,
            display_name=a.display_name,
            created_at=record.created_at,
            version=record.version,
        )

    @strawberry.field(description="Items of one type across users (GSI3), paginated.")
    async def entities(
        self,
        info: Info,
        entity_type: EntityType,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[AdminEntity]:
        page, cursors = await admin.list_entities(info, entity_type.value, first, after)

        async def count() -> int:
            return await admin.count_entities(info, entity_type.value)

        return Connection.build(
            [_entity(i) for i in page.items],
            cursors,
            has_next=page.has_more,
            has_previous=after is not None,
            count=count,
        )


def _entity(stored: StoredItem) -> AdminEntity:
    return AdminEntity(
        entity_type=stored.entity_type,
        pk=stored.pk,
        sk=stored.sk,
        created_at=stored.created_at,
        updated_at=stored.updated_at,
        item=cast(JSON, stored.item),
    )

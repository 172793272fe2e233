"""User profiles, with usernames and emails kept unique by marker items."""

from __future__ import annotations

from boto3.dynamodb.conditions import Attr, Key

from datasources import definition, keys
from datasources.records import UserRecord
from datasources.stores.base import EntityStore
from datasources.table import TransactAction

UNIQUE_SK = "unique"


def unique_pk(kind: str, value: str) -> str:
    return f"unique#{kind}#{value.lower()}"


class UserStore(EntityStore[UserRecord]):
    record_type = UserRecord

    async def get(self, user_id: str) -> UserRecord | None:
        return await self.get_by_key(keys.user_pk(user_id), keys.PROFILE_SK)

    async def get_by_username(self, username: str) -> UserRecord | None:
        page = await self.table.query(
            Key("gsi2pk").eq(keys.username_gsi2pk(username)) & Key("gsi2sk").eq(keys.PROFILE_SK),
            index=definition.GSI_USERNAME,
            want=1,
        )
        return self.parse(page.items[0]) if page.items else None

    async def get_by_email(self, email: str) -> UserRecord | None:
        page = await self.table.query(
            Key("gsi1pk").eq(keys.email_gsi1pk(email)) & Key("gsi1sk").eq(keys.PROFILE_SK),
            index=definition.GSI_EMAIL,
            want=1,
        )
        return self.parse(page.items[0]) if page.items else None

    async def username_taken(self, username: str) -> bool:
        """Consistent read of the uniqueness marker (a GSI could lag behind a sign-up)."""
        item = await self.table.get(unique_pk("username", username), UNIQUE_SK, consistent=True)
        return item is not None

    async def create(self, record: UserRecord) -> None:
        """Profile plus username and email markers in one transaction."""
        await self.table.transact_write(create_actions(record))


def _marker_put(kind: str, value: str, user_id: str) -> TransactAction:
    # A marker this user already owns passes, so a retried create (or a change back to an
    # earlier name) does not fail on its own markers.
    pk = unique_pk(kind, value)
    return TransactAction(
        "Put",
        pk,
        UNIQUE_SK,
        item={
            "pk": pk,
            "sk": UNIQUE_SK,
            "entityType": "uniqueConstraint",
            "attributes": {"userId": user_id, "kind": kind},
        },
        condition=Attr("pk").not_exists() | Attr("attributes.userId").eq(user_id),
    )


def create_actions(record: UserRecord) -> list[TransactAction]:
    """GSIs cannot enforce uniqueness; marker items (pk `unique#<kind>#<value>`) can, also
    between concurrent sign-ups. Order: profile, username marker, email marker."""
    attrs = record.attributes
    return [
        TransactAction(
            "Put", record.pk, record.sk, item=record.to_item(), condition=Attr("pk").not_exists()
        ),
        _marker_put("username", attrs.username, attrs.user_id),
        _marker_put("email", attrs.email, attrs.user_id),
    ]


def change_actions(kind: str, old: str, new: str, user_id: str) -> list[TransactAction]:
    """Move a uniqueness marker from `old` to `new` (same transaction as the profile)."""
    if old.lower() == new.lower():
        return []
    return [
        _marker_put(kind, new, user_id),
        TransactAction(
            "Delete",
            unique_pk(kind, old),
            UNIQUE_SK,
            condition=Attr("pk").not_exists() | Attr("attributes.userId").eq(user_id),
        ),
    ]

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
        """Profile plus username and email markers in one transaction.

        GSIs cannot enforce uniqueness; the markers (pk `unique#<kind>#<value>`) can, also
        between concurrent sign-ups. A marker already owned by this user passes, so a
        retried create whose first response was lost does not fail on its own markers.
        """
        attrs = record.attributes
        actions = [
            TransactAction(
                "Put",
                record.pk,
                record.sk,
                item=record.to_item(),
                condition=Attr("pk").not_exists(),
            )
        ]
        for kind, value in (("username", attrs.username), ("email", attrs.email)):
            pk = unique_pk(kind, value)
            actions.append(
                TransactAction(
                    "Put",
                    pk,
                    UNIQUE_SK,
                    item={
                        "pk": pk,
                        "sk": UNIQUE_SK,
                        "entityType": "uniqueConstraint",
                        "attributes": {"userId": attrs.user_id, "kind": kind},
                    },
                    condition=Attr("pk").not_exists() | Attr("attributes.userId").eq(attrs.user_id),
                )
            )
        await self.table.transact_write(actions)

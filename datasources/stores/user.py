"""User profiles, with usernames and emails kept unique by claim items.

GSIs cannot enforce uniqueness; claim items (pk `unique#<kind>#<value>`) can, also
between concurrent sign-ups: a profile is written in one transaction with its claims.
"""

from __future__ import annotations

import logging
from typing import Any

from boto3.dynamodb.conditions import Attr, ConditionBase, Key

from datasources import cost, definition, keys
from datasources.counts import Recount
from datasources.errors import AlreadyExists, Cancelled, Invalid, RateLimited, StorageError
from datasources.idempotency import Intent
from datasources.inputs.profile import PROFILE_MAPS, CreateProfile, UpdateProfile
from datasources.quota import Window, spend_one
from datasources.records import UserAttributes, UserRecord, utcnow
from datasources.records.user import Avatar
from datasources.stores.base import EntityStore, NoFilter, idempotent
from datasources.transaction import Transaction

log = logging.getLogger("neonpanda.stores")
# createProfile attempts per account (each one may look an email up).
SIGN_UP_ATTEMPTS = Window(limit=5, seconds=3600)
_TAKEN = {"username": "That username is taken", "email": "That email belongs to another account"}
# kind -> (index, its partition key as the value would be stored, that key's attribute)
_LOOKUP = {
    "username": (definition.GSI_USERNAME, keys.username_gsi2pk, "gsi2pk"),
    "email": (definition.GSI_EMAIL, keys.email_gsi1pk, "gsi1pk"),
}
_SORT = {"gsi1pk": "gsi1sk", "gsi2pk": "gsi2sk"}


def _matches(record: UserRecord, kind: str, value: str) -> bool:
    stored = getattr(record.attributes, kind) or ""
    return str(stored).lower() == value.lower()


class UserStore(EntityStore[UserRecord, NoFilter]):
    record_type = UserRecord
    entity_name = "Profile"

    async def get(self, user_id: str) -> UserRecord | None:
        return await self.get_by_key(keys.user_pk(user_id), keys.PROFILE_SK)

    async def get_by_username(self, username: str) -> UserRecord | None:
        return (await self._lookup("username", username))[0]

    async def get_by_email(self, email: str) -> UserRecord | None:
        return (await self._lookup("email", email))[0]

    async def username_taken(self, username: str) -> bool:
        """Taken by a profile (found case-insensitively), or claimed by a sign-up."""
        record, claimed = await self._lookup("username", username)
        return record is not None or claimed

    async def _lookup(self, kind: str, value: str) -> tuple[UserRecord | None, bool]:
        """A profile by username or email, whatever the case it was stored with.

        NeonPanda's app keys profiles by the value as typed (`email#Dana.Demo@Example.com`)
        and writes no claims. In one wave: the index with the value as given and
        lower-cased, and the claim (consistent; case-insensitive by construction). Until the
        migration has claimed every existing profile, a miss also reads every profile
        (the entityType index) and compares case-insensitively: slower, never wrong.
        """
        index, key_of, at = _LOOKUP[kind]
        candidates = list(dict.fromkeys([value, value.lower()]))
        claim, *found = await cost.gather(
            self.table.get(keys.unique_pk(kind, value), keys.UNIQUE_SK, consistent=True),
            *(
                self.table.query(
                    Key(at).eq(key_of(c)) & Key(_SORT[at]).eq(keys.PROFILE_SK), index=index, want=1
                )
                for c in candidates
            ),
        )
        claimed = claim is not None
        for page in found:
            for record in filter(None, map(self.parse, page.items)):
                if _matches(record, kind, value):
                    return record, claimed
        if claim is not None:
            owner = str(claim.get("attributes", {}).get("userId", ""))
            claimant = await self.get(owner) if owner else None
            if claimant is not None and _matches(claimant, kind, value):
                return claimant, claimed
        if self.table.accelerators.claims:
            return None, claimed
        everyone = await self.table.query(
            Key("entityType").eq(keys.USER), index=definition.GSI_ENTITY_TYPE
        )
        matching = (r for r in map(self.parse, everyone.items) if r and _matches(r, kind, value))
        return next(matching, None), claimed

    async def _free(self, user_id: str, **values: str) -> None:
        """Profiles the app wrote hold no claims: a value one of them holds (found
        case-insensitively) is taken too. The claims in the transaction settle races
        between sign-ups through this API."""
        for kind, value in values.items():
            holder, _ = await self._lookup(kind, value)
            if holder is not None and holder.attributes.user_id != user_id:
                raise Invalid(_TAKEN[kind], kind)

    @idempotent
    async def create(self, user_id: str, data: CreateProfile, intent: Intent) -> UserRecord:
        # Each attempt looks an email up: capped per account, so sign-ups cannot be used
        # to learn which addresses hold accounts (docs/security.md).
        wait = await spend_one(self.table, "sign-up", user_id, SIGN_UP_ATTEMPTS)
        if wait:
            raise RateLimited(
                f"Too many profile attempts: at most {SIGN_UP_ATTEMPTS.limit} per hour", wait
            )
        await self._free(user_id, username=data.username, email=data.email)
        attrs = UserAttributes(
            user_id=user_id,
            email=data.email,
            username=data.username,
            first_name=data.first_name,
            last_name=data.last_name,
            display_name=data.display_name,
            nickname=data.nickname,
            avatar=Avatar.model_validate(data.avatar.model_dump()) if data.avatar else None,
            **{m: getattr(data, m) or {} for m in PROFILE_MAPS},
        )
        record = UserRecord.new(attrs, utcnow())
        tx = Transaction().create("profile", record)
        _claim(tx, "username", attrs.username, user_id)
        _claim(tx, "email", attrs.email, user_id)
        try:
            await self._commit(tx, intent, record.key)
        except Cancelled as err:
            if err.failed("profile"):
                raise AlreadyExists("This account already has a profile") from err
            _raise_taken(err)
            raise
        self._wrote(record)
        # A new partition's list counters start exact (a failure here only leaves them
        # uncounted: lists then count with a query until the indexer or repair counts).
        try:
            await Recount(self.table)(user_id)
        except (StorageError, RuntimeError) as err:
            log.warning("counting %s after createProfile failed: %s", user_id, err)
        return record

    @idempotent
    async def update(self, user_id: str, data: UpdateProfile, intent: Intent) -> UserRecord:
        record = await self._current(
            (keys.user_pk(user_id), keys.PROFILE_SK), data.expected_version
        )
        attrs = record.attributes
        for field in ("first_name", "last_name", "display_name", "nickname"):
            value = getattr(data, field)
            if value is not None:
                setattr(attrs, field, value)
        if data.avatar is not None:
            attrs.avatar = Avatar.model_validate(data.avatar.model_dump())
        for name in PROFILE_MAPS:
            # Merged key by key; a null value removes that key (the update then sets or
            # removes only the keys named, leaving the others to concurrent writers).
            changes = getattr(data, name)
            if changes:
                merged = {**getattr(attrs, name), **changes}
                setattr(attrs, name, {k: v for k, v in merged.items() if v is not None})
        if data.email is not None and data.email != attrs.email:
            # The sign-in identity: Cognito keeps it, and NeonPanda's app refuses to
            # change it (update-user-profile/handler.ts:34-37). Refused before any lookup,
            # so the answer never says whether another account holds the address.
            raise Invalid("The email cannot be changed: it is the account's sign-in", "email")
        if data.username is not None and data.username.lower() != attrs.username.lower():
            await self._free(user_id, username=data.username)
        tx = Transaction()
        if data.username is not None and data.username.lower() != attrs.username.lower():
            _move_claim(tx, "username", attrs.username, data.username, user_id)
            attrs.username = data.username
            record.gsi2pk = keys.username_gsi2pk(data.username)
        tx.save("profile", record)
        try:
            await self._commit(tx, intent, record.key)
        except Cancelled as err:
            _raise_taken(err)
            self._version_conflict(err, "profile")
            raise
        self._wrote(record)
        return record


def _owned_by(user_id: str) -> ConditionBase:
    return Attr("pk").not_exists() | Attr("attributes.userId").eq(user_id)


def claim_item(kind: str, value: str, user_id: str) -> dict[str, Any]:
    """A username or email claimed by a user (case-insensitive, one item per value)."""
    return {
        "pk": keys.unique_pk(kind, value),
        "sk": keys.UNIQUE_SK,
        "entityType": keys.UNIQUE,
        "attributes": {"userId": user_id, "kind": kind},
    }


def _claim(tx: Transaction, kind: str, value: str, user_id: str) -> None:
    # A claim this user already holds passes, so a retried create (or a change back to an
    # earlier name) does not fail on its own claims.
    tx.put(kind, claim_item(kind, value, user_id), condition=_owned_by(user_id))


def _move_claim(tx: Transaction, kind: str, old: str, new: str, user_id: str) -> None:
    _claim(tx, kind, new, user_id)
    tx.delete(
        f"release:{kind}", (keys.unique_pk(kind, old), keys.UNIQUE_SK), condition=_owned_by(user_id)
    )


def _raise_taken(err: Cancelled) -> None:
    for kind, message in _TAKEN.items():
        if err.failed(kind):
            raise Invalid(message, kind) from err

"""createProfile (first sign-in) and updateProfile (nested partial updates)."""

from __future__ import annotations

from typing import Any

from datasources import keys
from datasources.records import UserAttributes, UserRecord, utcnow
from datasources.records.user import Avatar
from datasources.stores.user import change_actions, create_actions
from datasources.table import TransactAction
from resolvers.context import Info
from resolvers.errors import ApiError, Code, bad_input
from resolvers.writes import Commit, Replayed, bump, conflict, current, reload, version_is

WHAT = "Profile"
MAPS = ("preferences", "subscription", "demographics", "fitness")


def _taken(
    reasons: list[str], offset: int, username_index: int | None, email_index: int | None
) -> None:
    if username_index is not None and reasons[username_index - offset] == "ConditionalCheckFailed":
        raise bad_input("That username is taken", ["input", "username"])
    if email_index is not None and reasons[email_index - offset] == "ConditionalCheckFailed":
        raise bad_input("That email belongs to another account", ["input", "email"])


async def create_profile(info: Info, data: Any) -> UserRecord:
    user_id, commit = Commit.for_caller(info, "createProfile", data)
    store = info.context.stores.users
    if await commit.seen():
        return await commit.replay(store, WHAT)
    attrs = UserAttributes.model_validate(
        {
            "user_id": user_id,
            "email": data.email,
            "username": data.username,
            "first_name": data.first_name,
            "last_name": data.last_name,
            "display_name": data.display_name,
            "nickname": data.nickname,
            "avatar": data.avatar.model_dump() if data.avatar else None,
            **{m: getattr(data, m) or {} for m in MAPS},
        }
    )
    record = UserRecord.new(attrs, utcnow())
    try:
        reasons = await commit.run(create_actions(record), record.key)
    except Replayed as replay:
        return await reload(store, replay.result_key, WHAT)
    if reasons:
        if reasons[0] == "ConditionalCheckFailed":
            raise ApiError(Code.CONFLICT, "This account already has a profile")
        _taken(reasons, 0, 1, 2)
        raise ApiError(Code.CONFLICT, "The profile could not be created; retry")
    return record


def _map_paths(name: str, changes: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """One SET path per key (null removes it): the other keys of the map are untouched."""
    sets, removes = {}, []
    for key, value in changes.items():
        path = f"attributes.{name}.{key}"
        if value is None:
            removes.append(path)
        else:
            sets[path] = value
    return sets, removes


async def update_profile(info: Info, data: Any) -> UserRecord:
    user_id, commit = Commit.for_caller(info, "updateProfile", data)
    store = info.context.stores.users
    if await commit.seen():
        return await commit.replay(store, WHAT)
    record = await current(
        store, (keys.user_pk(user_id), keys.PROFILE_SK), WHAT, data.expected_version
    )
    attrs = record.attributes
    old_username, old_email = attrs.username, attrs.email
    sets: dict[str, Any] = bump(record)
    removes: list[str] = []
    for field in ("first_name", "last_name", "display_name", "nickname"):
        value = getattr(data, field)
        if value is not None:
            setattr(attrs, field, value)
            sets[f"attributes.{UserAttributes.model_fields[field].alias}"] = value
    if data.avatar is not None:
        attrs.avatar = Avatar(url=data.avatar.url, s3_key=data.avatar.s3_key)
        sets["attributes.avatar"] = {"url": data.avatar.url, "s3Key": data.avatar.s3_key}
    for name in MAPS:
        changes = getattr(data, name)
        if not changes:
            continue
        stored = name in attrs.model_fields_set  # the item has this map already
        merged = {**getattr(attrs, name), **changes}
        setattr(attrs, name, {k: v for k, v in merged.items() if v is not None})
        if stored:
            map_sets, map_removes = _map_paths(name, changes)
            sets.update(map_sets)
            removes += map_removes
        else:
            # No map yet: nested paths need a parent, so write it whole.
            sets[f"attributes.{name}"] = getattr(attrs, name)
    actions: list[TransactAction] = []
    username_at = email_at = None
    if data.username is not None and data.username.lower() != old_username.lower():
        attrs.username = data.username
        record.gsi2pk = keys.username_gsi2pk(data.username)
        sets["attributes.username"] = data.username
        sets["gsi2pk"] = record.gsi2pk
        username_at = 1
        actions += change_actions("username", old_username, data.username, user_id)
    if data.email is not None and data.email.lower() != old_email.lower():
        attrs.email = data.email
        record.gsi1pk = keys.email_gsi1pk(data.email)
        sets["attributes.email"] = data.email
        sets["gsi1pk"] = record.gsi1pk
        email_at = 1 + len(actions)
        actions += change_actions("email", old_email, data.email, user_id)
    update = TransactAction(
        "Update",
        record.pk,
        record.sk,
        set_values=sets,
        remove=removes,
        condition=version_is(data.expected_version),
    )
    try:
        reasons = await commit.run([update, *actions], record.key)
    except Replayed as replay:
        return await reload(store, replay.result_key, WHAT)
    if reasons:
        _taken(reasons, 0, username_at, email_at)
        if reasons[0] == "ConditionalCheckFailed":
            item = commit.current[0]
            raise conflict(item.get("version", 1) if item else None)
        raise ApiError(Code.CONFLICT, "The profile changed meanwhile; retry")
    return record

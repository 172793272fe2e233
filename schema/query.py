"""The root Query."""

from __future__ import annotations

import re
from collections.abc import Awaitable
from typing import Any

import strawberry

from datasources.records import (
    CoachRecord,
    ConversationRecord,
    MemoryRecord,
    SessionRecord,
    SummaryRecord,
    UserRecord,
    WorkoutRecord,
)
from resolvers import admin
from resolvers.context import Info
from resolvers.errors import bad_input
from resolvers.nodes import load_node
from schema.admin import AdminQuery, PublicProfile
from schema.coach import Coach
from schema.conversation import CoachConversation
from schema.memory import UserMemory
from schema.node import Node, decode_global_id
from schema.session import CoachCreatorSession
from schema.summary import ConversationSummary
from schema.user import User
from schema.workout import Workout

MAX_NODES = 100

USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9_]{3,30}$")


@strawberry.type
class Query:
    @strawberry.field(description="The authenticated athlete.")
    def viewer(self, info: Info) -> User | None:
        principal = info.context.require_user()
        # No read here: profile fields load the profile (once) in the same wave as the
        # lists below them, and a query that selects no profile field reads none.
        return User(user_id=strawberry.ID(principal.user_id))

    @strawberry.field(description="Any entity of the caller's graph by global id.")
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        type_name, parts = decode_global_id(id)
        return _to_node(await load_node(info, type_name, parts))

    @strawberry.field(description="Several entities by global id; a miss is null with NOT_FOUND.")
    def nodes(self, info: Info, ids: list[strawberry.ID]) -> list[Node | None]:
        if len(ids) > MAX_NODES:
            raise bad_input(f"at most {MAX_NODES} ids", ["ids"])
        info.context.require_user()
        decoded = [decode_global_id(i, "ids") for i in ids]
        # One awaitable per id: all join the same loader batch, errors stay per item.
        return [_node_later(info, t, p) for t, p in decoded]  # type: ignore[misc]

    @strawberry.field(description="An athlete's public face, by username (GSI2).")
    async def public_profile(self, info: Info, username: str) -> PublicProfile | None:
        record = await admin.public_profile(info, username)
        return PublicProfile.from_record(record) if record else None

    @strawberry.field(description="Administration; FORBIDDEN outside the `admin` group.")
    def admin(self, info: Info) -> AdminQuery | None:
        admin.require_admin(info)
        return AdminQuery()

    @strawberry.field(description="Whether a username is free to take (case-insensitive).")
    async def username_available(self, info: Info, username: str) -> bool:
        info.context.require_user()
        if not USERNAME_PATTERN.fullmatch(username):
            raise bad_input("username must be 3-30 letters, digits or underscores", ["username"])
        return not await info.context.stores.users.username_taken(username)


def _to_node(record: Any) -> Node:
    match record:
        case UserRecord():
            return User(user_id=strawberry.ID(record.attributes.user_id))
        case CoachRecord():
            return Coach.from_record(record)
        case ConversationRecord():
            return CoachConversation.from_record(record)
        case SummaryRecord():
            return ConversationSummary.from_record(record)
        case WorkoutRecord():
            return Workout.from_record(record)
        case MemoryRecord():
            return UserMemory.from_record(record)
        case SessionRecord():
            return CoachCreatorSession.from_record(record)
    raise TypeError(f"no node type for {type(record).__name__}")


async def _node_later(info: Info, type_name: str, parts: list[str]) -> Awaitable[Node]:
    return _to_node(await load_node(info, type_name, parts))  # type: ignore[return-value]

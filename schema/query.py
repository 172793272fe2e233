"""The root Query."""

from __future__ import annotations

import re

import strawberry

from resolvers import admin
from resolvers.context import Info
from resolvers.errors import bad_input
from schema.admin import AdminQuery, PublicProfile
from schema.coach_template import CoachTemplate
from schema.entities import load_node
from schema.node import Node, decode_global_id
from schema.shared_program import SharedProgramPreview
from schema.user import User

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
        return await load_node(info, type_name, parts)

    @strawberry.field(description="Several entities by global id; a miss is null with NOT_FOUND.")
    def nodes(self, info: Info, ids: list[strawberry.ID]) -> list[Node | None]:
        if len(ids) > MAX_NODES:
            raise bad_input(f"at most {MAX_NODES} ids", ["ids"])
        info.context.require_user()
        decoded = [decode_global_id(i, "ids") for i in ids]
        # One awaitable per id: all join the same loader batch, errors stay per item.
        return [load_node(info, t, p) for t, p in decoded]  # type: ignore[misc]

    @strawberry.field(description="An athlete's public face, by username (GSI2).")
    async def public_profile(self, info: Info, username: str) -> PublicProfile | None:
        record = await admin.public_profile(info, username)
        return PublicProfile.from_record(record) if record else None

    @strawberry.field(
        description="A shared program's public preview, by the id in its link; open without "
        "a token (rate limited by address, as every anonymous call). Null when there is no "
        "such share or it was unshared. Each read counts a view (as the app's page)."
    )
    async def shared_program(
        self, info: Info, shared_program_id: strawberry.ID
    ) -> SharedProgramPreview | None:
        record = await info.context.stores.shared_programs.view(str(shared_program_id))
        return SharedProgramPreview.from_record(record) if record else None

    @strawberry.field(description="Administration; FORBIDDEN outside the `admin` group.")
    def admin(self, info: Info) -> AdminQuery | None:
        admin.require_admin(info)
        return AdminQuery()

    @strawberry.field(
        description="NeonPanda's coach templates that are active, most popular first "
        "(then by name), as the app lists them."
    )
    async def coach_templates(self, info: Info) -> list[CoachTemplate]:
        info.context.require_user()
        return [
            CoachTemplate.from_record(r) for r in await info.context.stores.coach_templates.active()
        ]

    @strawberry.field(description="One coach template by id (active or not).")
    async def coach_template(self, info: Info, template_id: strawberry.ID) -> CoachTemplate | None:
        info.context.require_user()
        record = await info.context.stores.coach_templates.get(str(template_id))
        return CoachTemplate.from_record(record) if record else None

    @strawberry.field(description="Whether a username is free to take (case-insensitive).")
    async def username_available(self, info: Info, username: str) -> bool:
        info.context.require_user()
        if not USERNAME_PATTERN.fullmatch(username):
            raise bad_input("username must be 3-30 letters, digits or underscores", ["username"])
        return not await info.context.stores.users.username_taken(username)

"""`ProgramDesignerSession`: the app's conversation that designs a program."""

from __future__ import annotations

from datetime import datetime
from typing import cast

import strawberry
from strawberry.scalars import JSON

from datasources.records import CoachRecord, DesignerSessionRecord
from datasources.stores.base import page_in_memory
from datasources.stores.designer import DesignerSessionQuery
from resolvers import user_lists
from resolvers.context import Info
from schema.coach import Coach
from schema.connection import Connection
from schema.content import StoredContent
from schema.node import Node, encode_global_id
from schema.program import Program


@strawberry.input
class ProgramDesignerSessionFilter:
    is_complete: bool | None = None
    include_deleted: bool = strawberry.field(
        default=False,
        description="Also the sessions the app soft-deleted (it does once the program is built).",
    )


@strawberry.type
class ProgramDesignerSession(Node):
    session_id: strawberry.ID
    title: str | None
    coach_id: strawberry.ID | None
    coach_name: str | None
    is_complete: bool
    is_deleted: bool
    started_at: datetime | None
    last_activity: datetime | None
    completed_at: datetime | None
    turn_count: int | None
    additional_considerations: str | None
    todo_list: JSON | None = strawberry.field(description="The app's intake checklist.")
    conversation_history: JSON = strawberry.field(description="The turns, as the app stores them.")
    progress_details: JSON | None
    program_generation: JSON | None = strawberry.field(
        description="The app's build of the program (status, programId, ...)."
    )
    created_at: datetime
    updated_at: datetime
    version: int
    _record: strawberry.Private[DesignerSessionRecord]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return encode_global_id("ProgramDesignerSession", self.session_id)

    @strawberry.field(description="Photos the athlete attached (S3 objects).")
    def images(self) -> list[StoredContent]:
        return StoredContent.from_keys(self._record.attributes.image_s3_keys)

    @strawberry.field
    async def coach(self, info: Info) -> Coach | None:
        if not self.coach_id:
            return None
        user_id = info.context.require_user().user_id
        record = await info.context.loaders.of(CoachRecord).load((user_id, self.coach_id))
        return Coach.from_record(record) if record else None

    @strawberry.field(description="The program the session built, once built.")
    async def program(self, info: Info) -> Program | None:
        built = (self._record.attributes.program_generation or {}).get("programId")
        if not isinstance(built, str) or not built:
            return None
        record = await user_lists.find_program(info, built)
        return Program.from_record(record) if record else None

    @staticmethod
    def from_record(record: DesignerSessionRecord) -> ProgramDesignerSession:
        a = record.attributes
        return ProgramDesignerSession(
            session_id=strawberry.ID(a.session_id),
            title=a.title,
            coach_id=strawberry.ID(a.coach_id) if a.coach_id else None,
            coach_name=a.coach_name,
            is_complete=a.is_complete is True,
            is_deleted=record.deleted,
            started_at=a.started_at,
            last_activity=a.last_activity,
            completed_at=a.completed_at,
            turn_count=a.turn_count,
            additional_considerations=a.additional_considerations,
            todo_list=cast(JSON, a.todo_list),
            conversation_history=cast(JSON, a.conversation_history or []),
            progress_details=cast(JSON, a.progress_details),
            program_generation=cast(JSON, a.program_generation),
            created_at=record.created_at,
            updated_at=record.updated_at,
            version=record.version,
            _record=record,
        )


async def list_designer_sessions(
    info: Info, given: ProgramDesignerSessionFilter | None, first: int | None, after: str | None
) -> Connection[ProgramDesignerSession]:
    user_id = info.context.require_user().user_id
    f = given or ProgramDesignerSessionFilter()
    query = DesignerSessionQuery(is_complete=f.is_complete, include_deleted=f.include_deleted)
    store = info.context.stores.designer_sessions
    page, _ = await user_lists.list_whole(
        info,
        "programDesignerSessions",
        query,
        first,
        after,
        lambda: store.listing(user_id, query),
        lambda whole, request: page_in_memory(whole, request, DesignerSessionRecord.activity),
        len,
    )
    return Connection.build(
        [ProgramDesignerSession.from_record(r) for r in page.records],
        page.cursors,
        has_next=page.has_next,
        has_previous=page.has_previous,
        count=page.count,
    )


# --- the viewer's fields (User, through schema/entities.py) ---------------------------


async def _program_designer_sessions(
    info: Info,
    filter: ProgramDesignerSessionFilter | None = None,
    first: int | None = None,
    after: str | None = None,
) -> Connection[ProgramDesignerSession] | None:
    return await list_designer_sessions(info, filter, first, after)


VIEWER_FIELDS = {
    "program_designer_sessions": strawberry.field(
        resolver=_program_designer_sessions,
        description="Most recent activity first; soft-deleted ones hidden.",
    ),
}

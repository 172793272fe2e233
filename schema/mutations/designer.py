"""Program-designer session mutation inputs, payloads and resolvers."""

from __future__ import annotations

import strawberry
from strawberry.experimental.pydantic import input as pydantic_input

from datasources.inputs.designer import DeleteDesignerSession, RenameDesignerSession
from resolvers.context import Info
from schema.designer import ProgramDesignerSession
from schema.mutations.common import validated


@pydantic_input(model=RenameDesignerSession, all_fields=True)
class RenameProgramDesignerSessionInput:
    session_id: strawberry.ID
    title: str = strawberry.field(description="Trimmed; 1-100 characters (as the app).")


@pydantic_input(model=DeleteDesignerSession, all_fields=True)
class DeleteProgramDesignerSessionInput:
    session_id: strawberry.ID


@strawberry.type
class RenameProgramDesignerSessionPayload:
    session: ProgramDesignerSession


@strawberry.type
class DeleteProgramDesignerSessionPayload:
    session: ProgramDesignerSession = strawberry.field(
        description="The session, soft-deleted (isDeleted), as the app does."
    )


async def rename_program_designer_session(
    info: Info, input: RenameProgramDesignerSessionInput
) -> RenameProgramDesignerSessionPayload:
    user_id = info.context.require_user().user_id
    data = validated(input, RenameDesignerSession)
    record = await info.context.stores.designer_sessions.rename(user_id, data)
    return RenameProgramDesignerSessionPayload(session=ProgramDesignerSession.from_record(record))


async def delete_program_designer_session(
    info: Info, input: DeleteProgramDesignerSessionInput
) -> DeleteProgramDesignerSessionPayload:
    user_id = info.context.require_user().user_id
    data = validated(input, DeleteDesignerSession)
    record = await info.context.stores.designer_sessions.delete(user_id, data)
    return DeleteProgramDesignerSessionPayload(session=ProgramDesignerSession.from_record(record))


MUTATIONS = {
    "rename_program_designer_session": strawberry.mutation(
        resolver=rename_program_designer_session
    ),
    "delete_program_designer_session": strawberry.mutation(
        resolver=delete_program_designer_session
    ),
}

"""renameProgramDesignerSession / deleteProgramDesignerSession."""

from __future__ import annotations

from datasources.inputs.designer import DeleteDesignerSession, RenameDesignerSession
from resolvers.context import Info
from schema.designer import ProgramDesignerSession
from schema.mutations.common import validated
from schema.mutations.designer import (
    DeleteProgramDesignerSessionInput,
    DeleteProgramDesignerSessionPayload,
    RenameProgramDesignerSessionInput,
    RenameProgramDesignerSessionPayload,
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

"""Program-designer session mutation inputs and payloads."""

from __future__ import annotations

import strawberry
from strawberry.experimental.pydantic import input as pydantic_input

from datasources.inputs.designer import DeleteDesignerSession, RenameDesignerSession
from schema.designer import ProgramDesignerSession


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

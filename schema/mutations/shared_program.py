"""Shared-program mutation inputs, payloads and resolvers."""

from __future__ import annotations

import strawberry
from strawberry.experimental.pydantic import input as pydantic_input

from datasources.inputs.shared_program import CopySharedProgram, ShareProgram, UnshareProgram
from resolvers.context import Info
from schema.mutations.common import validated
from schema.program import Program
from schema.shared_program import SharedProgram


@pydantic_input(model=ShareProgram, all_fields=True)
class ShareProgramInput:
    program_id: strawberry.ID


@pydantic_input(model=UnshareProgram, all_fields=True)
class UnshareProgramInput:
    shared_program_id: strawberry.ID


@pydantic_input(model=CopySharedProgram, all_fields=True)
class CopySharedProgramInput:
    shared_program_id: strawberry.ID
    coach_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="The copy's coach (the app's copy names one); default: your only coach.",
    )


@strawberry.type
class ShareProgramPayload:
    shared_program: SharedProgram
    already_shared: bool = strawberry.field(
        description="The program was shared already: its share, unchanged (as the app)."
    )


@strawberry.type
class UnshareProgramPayload:
    shared_program: SharedProgram


@strawberry.type
class CopySharedProgramPayload:
    program: Program = strawberry.field(description="The copy: yours, active, from day 1 today.")


async def share_program(info: Info, input: ShareProgramInput) -> ShareProgramPayload:
    user_id = info.context.require_user().user_id
    done = await info.context.stores.shared_programs.share(user_id, validated(input, ShareProgram))
    return ShareProgramPayload(
        shared_program=SharedProgram.from_record(done.record), already_shared=done.existing
    )


async def unshare_program(info: Info, input: UnshareProgramInput) -> UnshareProgramPayload:
    user_id = info.context.require_user().user_id
    record = await info.context.stores.shared_programs.unshare(
        user_id, validated(input, UnshareProgram)
    )
    return UnshareProgramPayload(shared_program=SharedProgram.from_record(record))


async def copy_shared_program(
    info: Info, input: CopySharedProgramInput
) -> CopySharedProgramPayload:
    user_id = info.context.require_user().user_id
    record = await info.context.stores.shared_programs.copy(
        user_id, validated(input, CopySharedProgram)
    )
    return CopySharedProgramPayload(program=Program.from_record(record))


MUTATIONS = {
    "share_program": strawberry.mutation(
        resolver=share_program,
        description="Shares one of your programs: a frozen snapshot (its templates without "
        "your progress) anyone with the link can preview (`sharedProgram`). A program shared "
        "already answers with its share.",
    ),
    "unshare_program": strawberry.mutation(
        resolver=unshare_program,
        description="The link stops working (the app's soft delete; the share stays listed "
        "with includeInactive).",
    ),
    "copy_shared_program": strawberry.mutation(
        resolver=copy_shared_program,
        description="A shared program copied into your programs (active, day 1 today); its "
        "copy count moves in the same transaction.",
    ),
}

"""shareProgram / unshareProgram / copySharedProgram."""

from __future__ import annotations

from datasources.inputs.shared_program import CopySharedProgram, ShareProgram, UnshareProgram
from resolvers.context import Info
from schema.mutations.common import validated
from schema.mutations.shared_program import (
    CopySharedProgramInput,
    CopySharedProgramPayload,
    ShareProgramInput,
    ShareProgramPayload,
    UnshareProgramInput,
    UnshareProgramPayload,
)
from schema.program import Program
from schema.shared_program import SharedProgram


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

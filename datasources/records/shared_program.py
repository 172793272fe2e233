"""The app's shared program: pk `sharedProgram#<id>`, sk `metadata`, GSI1 `user#<creator>` /
`sharedProgram#<id>`, GSI2 `user#<creator>` / `originalProgram#<programId>`
(amplify/dynamodb/shared-program.ts:25-45; SharedProgram in libs/shared-program/types.ts:
45-71). A frozen snapshot of one of the creator's programs; its day templates live in S3
(`s3DetailKey`, SharedProgramDetails: types.ts:80-93)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from pydantic import Field

from datasources import keys
from datasources.records.base import CamelModel, ItemRecord
from datasources.records.program import ProgramPhase


class SharedProgramSnapshot(CamelModel):
    """types.ts:18-27: what the public preview shows and a copy starts from."""

    name: str = ""
    description: str = ""
    total_days: int | None = None
    training_frequency: int | float | None = None
    phases: list[ProgramPhase] = Field(default_factory=list)
    training_goals: list[str] = Field(default_factory=list)
    equipment_constraints: list[str] = Field(default_factory=list)
    coach_names: list[str] = Field(default_factory=list)


class SharedProgramAttributes(CamelModel):
    shared_program_id: str
    original_program_id: str | None = None
    original_coach_id: str | None = None
    creator_user_id: str
    creator_username: str | None = None
    program_snapshot: SharedProgramSnapshot = Field(default_factory=SharedProgramSnapshot)
    s3_detail_key: str | None = Field(default=None, alias="s3DetailKey")
    is_active: bool = False
    view_count: int = 0
    copy_count: int = 0


class SharedProgramRecord(ItemRecord):
    ENTITY_TYPE: ClassVar[str] = keys.SHARED_PROGRAM
    attributes: SharedProgramAttributes

    @classmethod
    def new(cls, attrs: SharedProgramAttributes, now: datetime) -> SharedProgramRecord:
        creator = keys.user_pk(attrs.creator_user_id)
        return cls.create(
            pk=keys.shared_program_pk(attrs.shared_program_id),
            sk=keys.SHARED_PROGRAM_SK,
            entity_type=keys.SHARED_PROGRAM,
            created_at=now,
            updated_at=now,
            gsi1pk=creator,
            gsi1sk=keys.shared_program_gsi1sk(attrs.shared_program_id),
            gsi2pk=creator,
            gsi2sk=keys.original_program_gsi2sk(attrs.original_program_id or ""),
            attributes=attrs,
        )

    @property
    def shared_program_id(self) -> str:
        return self.attributes.shared_program_id

    def owned_by(self, user_id: str) -> bool:
        return self.attributes.creator_user_id == user_id

    def fill_app_defaults(self) -> None:
        # The app lists a creator's shares through GSI1 only and finds a program's share
        # through GSI2 (shared-program.ts:101-141, 168-206; tests/app_contract.py cites them).
        creator = keys.user_pk(self.attributes.creator_user_id)
        if self.gsi1pk is None:
            self.gsi1pk = creator
        if self.gsi1sk is None:
            self.gsi1sk = keys.shared_program_gsi1sk(self.shared_program_id)
        if self.gsi2pk is None and self.attributes.original_program_id:
            self.gsi2pk = creator
            self.gsi2sk = keys.original_program_gsi2sk(self.attributes.original_program_id)


# The template keys that are one athlete's progress, not the program: a share leaves them
# out and a copy starts without them (libs/program/types.ts:143-147).
PROGRESS_KEYS = ("status", "completedAt", "linkedWorkoutId", "userFeedback")


def fresh_template(template: dict[str, Any]) -> dict[str, Any]:
    """A day template as a share or a copy holds it: pending, nobody's log or feedback."""
    fresh = {k: v for k, v in template.items() if k not in PROGRESS_KEYS}
    fresh.update(status="pending", completedAt=None, linkedWorkoutId=None, userFeedback=None)
    return fresh

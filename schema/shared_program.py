"""Shared programs: `SharedProgramPreview` (what anyone with the link sees: the app's public
preview page, src/components/shared-programs/SharedProgramPreview.jsx) and `SharedProgram`
(the creator's own view of a share: counters, state, the program it came from)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import strawberry

from datasources.errors import NotFound
from datasources.records.shared_program import SharedProgramRecord
from datasources.stores.base import page_in_memory
from resolvers import user_lists
from resolvers.context import Info
from schema.connection import Connection
from schema.content import StoredContent
from schema.node import Node, encode_global_id
from schema.program import Program, ProgramPhase

# get-shared-program/handler.ts:40-43: the public page shows four.
SAMPLE_WORKOUTS = 4


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _texts(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


@strawberry.type(
    description="A sample day of a shared program, with what its public page shows of it."
)
class SharedProgramWorkout:
    name: str | None
    type: str | None
    description: str | None
    estimated_duration: float | None = strawberry.field(description="Minutes.")
    scoring_type: str | None
    equipment: list[str]
    prescribed_exercises: list[str]
    difficulty: str | None
    focus_areas: list[str]

    @staticmethod
    def of(template: dict[str, Any]) -> SharedProgramWorkout:
        found = template.get("metadata")
        meta: dict[str, Any] = found if isinstance(found, dict) else {}
        return SharedProgramWorkout(
            name=_text(template.get("name")),
            type=_text(template.get("type")),
            description=_text(template.get("description")),
            estimated_duration=_number(template.get("estimatedDuration")),
            scoring_type=_text(template.get("scoringType")),
            equipment=_texts(template.get("equipment")),
            prescribed_exercises=_texts(template.get("prescribedExercises")),
            difficulty=_text(meta.get("difficulty")),
            focus_areas=_texts(meta.get("focusAreas")),
        )


def sample(templates: list[dict[str, Any]], most: int) -> list[dict[str, Any]]:
    """Up to `most` templates spread over the program (the app's selectSampleWorkouts,
    libs/shared-program/s3-utils.ts:117-156)."""
    if len(templates) <= most:
        return templates
    step = len(templates) / most
    picked = dict.fromkeys(min(int(i * step), len(templates) - 1) for i in range(most))
    return [templates[i] for i in picked]


@strawberry.type(
    description="A shared program as anyone with its link sees it, signed in or not (the "
    "app's public preview: no ids of the creator, no progress). Each read counts a view."
)
class SharedProgramPreview:
    shared_program_id: strawberry.ID
    creator_username: str | None = strawberry.field(description="Who shared it.")
    name: str
    description: str
    total_days: int | None
    training_frequency: float | None = strawberry.field(description="Days per week.")
    phases: list[ProgramPhase]
    training_goals: list[str]
    equipment_constraints: list[str]
    coach_names: list[str] = strawberry.field(description="The coaches it was made with.")
    _record: strawberry.Private[SharedProgramRecord]

    @strawberry.field(
        description="Whether the caller shared it (the app shows its own programs instead of "
        "a copy button); false without a token."
    )
    def viewer_is_creator(self, info: Info) -> bool:
        principal = info.context.principal
        return principal is not None and self._record.owned_by(principal.user_id)

    @strawberry.field(
        description="Up to four of its days' workouts, spread over the program (one S3 GET); "
        "empty when the snapshot cannot be read, as the app's page."
    )
    async def sample_workouts(self, info: Info) -> list[SharedProgramWorkout]:
        try:
            templates = await info.context.stores.shared_programs.templates(self._record)
        except NotFound:
            return []
        return [SharedProgramWorkout.of(t) for t in sample(templates, SAMPLE_WORKOUTS)]

    @staticmethod
    def from_record(record: SharedProgramRecord) -> SharedProgramPreview:
        a = record.attributes
        s = a.program_snapshot
        return SharedProgramPreview(
            shared_program_id=strawberry.ID(a.shared_program_id),
            creator_username=a.creator_username,
            name=s.name,
            description=s.description,
            total_days=s.total_days,
            training_frequency=s.training_frequency,
            phases=[ProgramPhase.from_stored(p) for p in s.phases],
            training_goals=list(s.training_goals),
            equipment_constraints=list(s.equipment_constraints),
            coach_names=list(s.coach_names),
            _record=record,
        )


@strawberry.type(description="One of the athlete's shares (the app's SharedProgram).")
class SharedProgram(Node):
    shared_program_id: strawberry.ID
    is_active: bool = strawberry.field(description="false once unshared (the link stops).")
    share_path: str = strawberry.field(
        description="The app's page for it, relative to the app's address."
    )
    view_count: int
    copy_count: int
    original_program_id: strawberry.ID | None
    created_at: datetime
    updated_at: datetime
    version: int
    _record: strawberry.Private[SharedProgramRecord]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return encode_global_id("SharedProgram", self.shared_program_id)

    @strawberry.field(description="What anyone with the link sees (no view is counted).")
    def preview(self) -> SharedProgramPreview:
        return SharedProgramPreview.from_record(self._record)

    @strawberry.field(description="The frozen day templates' S3 object.")
    def details(self) -> StoredContent | None:
        found = StoredContent.from_keys([self._record.attributes.s3_detail_key or ""])
        return found[0] if found else None

    @strawberry.field(description="The program it was shared from, if it is still there.")
    async def original_program(self, info: Info) -> Program | None:
        if not self.original_program_id:
            return None
        record = await user_lists.find_program(info, self.original_program_id)
        return Program.from_record(record) if record else None

    @staticmethod
    def from_record(record: SharedProgramRecord) -> SharedProgram:
        a = record.attributes
        original = a.original_program_id
        return SharedProgram(
            shared_program_id=strawberry.ID(a.shared_program_id),
            is_active=a.is_active,
            share_path=f"/shared/programs/{a.shared_program_id}",
            view_count=a.view_count,
            copy_count=a.copy_count,
            original_program_id=strawberry.ID(original) if original else None,
            created_at=record.created_at,
            updated_at=record.updated_at,
            version=record.version,
            _record=record,
        )


@dataclass(frozen=True)
class SharedProgramQuery:
    include_inactive: bool = False


def _position(record: SharedProgramRecord) -> tuple[int, str]:
    """Newest first, then by id (shared-program.ts:218-229)."""
    return (-int(record.created_at.timestamp() * 1000), record.shared_program_id)


async def list_shared_programs(
    info: Info, include_inactive: bool, first: int | None, after: str | None
) -> Connection[SharedProgram]:
    """The creator's shares: one GSI1 query gives the page and totalCount."""
    user_id = info.context.require_user().user_id
    query = SharedProgramQuery(include_inactive)
    store = info.context.stores.shared_programs
    page, _ = await user_lists.list_whole(
        info,
        "sharedPrograms",
        query,
        first,
        after,
        lambda: store.for_creator(user_id, include_inactive=include_inactive),
        lambda whole, request: page_in_memory(whole, request, _position),
        len,
    )
    return Connection.build(
        [SharedProgram.from_record(r) for r in page.records],
        page.cursors,
        has_next=page.has_next,
        has_previous=page.has_previous,
        count=page.count,
    )


async def find_shared_program(info: Info, shared_program_id: str) -> SharedProgramRecord | None:
    """The caller's own share by id (any state); another athlete's is None."""
    user_id = info.context.require_user().user_id
    record = await info.context.stores.shared_programs.get(shared_program_id)
    return record if record is not None and record.owned_by(user_id) else None


# --- the viewer's fields (User, through schema/entities.py) ---------------------------


async def _shared_programs(
    info: Info,
    include_inactive: bool = False,
    first: int | None = None,
    after: str | None = None,
) -> Connection[SharedProgram] | None:
    return await list_shared_programs(info, include_inactive, first, after)


VIEWER_FIELDS = {
    "shared_programs": strawberry.field(
        resolver=_shared_programs,
        description="The programs you shared, newest first (the app's list: GSI1); unshared "
        "ones only with includeInactive. One read gives the page and totalCount.",
    ),
}

"""Every entity the graph serves as a `Node`, declared once: its GraphQL type, its record,
how a global id finds it (inside the caller's partition only), whether its changes are
live on `viewerEvents`, its fields on the viewer and its mutations. `node`/`nodes`, the
viewer events, the entity fields of `User` and of the root `Mutation` are derived from
this list (the admin entity types from the records' registry, datasources/records);
adding an entity is a declaration here (and its own modules), not an edit of each of them.

Records the graph reads but does not serve as nodes (the plan, contact forms, templates)
are not declared here.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import strawberry
from strawberry.types.field import StrawberryField

from datasources.records import (
    CoachRecord,
    ConversationRecord,
    DesignerSessionRecord,
    MemoryRecord,
    ProgramRecord,
    SessionRecord,
    SummaryRecord,
    UserRecord,
    WorkoutRecord,
)
from datasources.records.analytics import ReportRecord
from datasources.records.base import ItemRecord
from datasources.records.shared_program import SharedProgramRecord
from resolvers.context import Info
from resolvers.errors import not_found
from resolvers.user_lists import find_program
from schema import coach, conversation, designer, memory, program, report, session, summary
from schema import shared_program as shared
from schema import workout as workouts
from schema.coach import Coach
from schema.conversation import CoachConversation
from schema.designer import ProgramDesignerSession
from schema.memory import UserMemory
from schema.mutations import coach as coach_mutations
from schema.mutations import conversation as conversation_mutations
from schema.mutations import designer as designer_mutations
from schema.mutations import memory as memory_mutations
from schema.mutations import program as program_mutations
from schema.mutations import session as session_mutations
from schema.mutations import shared_program as shared_mutations
from schema.mutations import workout as workout_mutations
from schema.node import Node
from schema.program import Program
from schema.report import MONTH_ID, WEEK_ID, TrainingReport, find_report
from schema.session import CoachCreatorSession
from schema.shared_program import SharedProgram, find_shared_program
from schema.summary import ConversationSummary
from schema.workout import Workout

Find = Callable[[Info, str, list[str]], Awaitable[ItemRecord | None]]


@dataclass(frozen=True)
class ById:
    """The viewer's field that reads one of the entity by id (`workout(workoutId: ID!)`),
    derived from the entity's `find`: null when the caller has no such item."""

    field: str  # the User field (Python name)
    argument: str  # its id argument (Python name)
    returns: type  # the GraphQL type
    description: str | None = None


@dataclass(frozen=True)
class GraphEntity:
    type_name: str  # the GraphQL type and the global id's type part
    record: type[ItemRecord]
    node: Callable[[Any], Node]  # the record as its GraphQL type
    find: Find  # (info, caller's user id, the id's parts) -> the record, or None
    ids: int = 1  # how many parts its global id has
    # `viewerEvents` reports its changes, in this ViewerEvent field (None: not live).
    event_field: str | None = None
    # The viewer's fields of the entity (User): its lists (with their filters and
    # totalCount) and other reads, defined in the entity's module (`VIEWER_FIELDS`) ...
    viewer: Mapping[str, Any] = field(default_factory=dict)  # strawberry fields
    # ... and its field by id, derived from `find`.
    by_id: ById | None = None
    # Its mutations on the root, from its module in schema/mutations (`MUTATIONS`).
    mutations: Mapping[str, Any] = field(default_factory=dict)  # strawberry fields


def _by(record_type: type[ItemRecord]) -> Find:
    """A lookup through the request's batched view of the record (`Loaders.of`), keyed
    (user id, *parts)."""

    async def find(info: Info, user_id: str, parts: list[str]) -> ItemRecord | None:
        return await info.context.loaders.of(record_type).load((user_id, *parts))

    return find


async def _profile(info: Info, user_id: str, parts: list[str]) -> ItemRecord | None:
    if parts != [user_id]:
        return None  # only the caller's own profile is a node of theirs
    profile: ItemRecord | None = await info.context.loaders.of(UserRecord).load((user_id,))
    return profile


async def _program(info: Info, user_id: str, parts: list[str]) -> ItemRecord | None:
    return await find_program(info, parts[0])  # legacy partitions included


async def _shared_program(info: Info, user_id: str, parts: list[str]) -> ItemRecord | None:
    return await find_shared_program(info, parts[0])  # the caller's own shares only


async def _report(info: Info, user_id: str, parts: list[str]) -> ItemRecord | None:
    pattern = {"weekly": WEEK_ID, "monthly": MONTH_ID}.get(parts[0])
    if pattern is None or not pattern.fullmatch(parts[1]):
        return None
    return await find_report(info, parts[0] == "weekly", parts[1])


def _user(record: UserRecord) -> Node:
    from schema.user import User  # User's own fields are derived from this module

    return User(user_id=strawberry.ID(record.attributes.user_id))


ENTITIES: tuple[GraphEntity, ...] = (
    GraphEntity("User", UserRecord, _user, _profile),
    GraphEntity(
        "Coach",
        CoachRecord,
        Coach.from_record,
        _by(CoachRecord),
        event_field="coach",
        viewer=coach.VIEWER_FIELDS,
        mutations=coach_mutations.MUTATIONS,
        by_id=ById("coach", "coach_id", Coach),
    ),
    GraphEntity(
        "CoachConversation",
        ConversationRecord,
        CoachConversation.from_record,
        _by(ConversationRecord),
        ids=2,
        event_field="conversation",
        viewer=conversation.VIEWER_FIELDS,
        mutations=conversation_mutations.MUTATIONS,
    ),
    GraphEntity(
        "ConversationSummary",
        SummaryRecord,
        ConversationSummary.from_record,
        _by(SummaryRecord),
        viewer=summary.VIEWER_FIELDS,
    ),
    GraphEntity(
        "Workout",
        WorkoutRecord,
        Workout.from_record,
        _by(WorkoutRecord),
        event_field="workout",
        viewer=workouts.VIEWER_FIELDS,
        mutations=workout_mutations.MUTATIONS,
        by_id=ById("workout", "workout_id", Workout),
    ),
    GraphEntity(
        "UserMemory",
        MemoryRecord,
        UserMemory.from_record,
        _by(MemoryRecord),
        event_field="memory",
        viewer=memory.VIEWER_FIELDS,
        mutations=memory_mutations.MUTATIONS,
        by_id=ById("memory", "memory_id", UserMemory),
    ),
    GraphEntity(
        "CoachCreatorSession",
        SessionRecord,
        CoachCreatorSession.from_record,
        _by(SessionRecord),
        viewer=session.VIEWER_FIELDS,
        mutations=session_mutations.MUTATIONS,
        by_id=ById("coach_creator_session", "session_id", CoachCreatorSession),
    ),
    GraphEntity(
        "Program",
        ProgramRecord,
        Program.from_record,
        _program,
        event_field="program",
        viewer=program.VIEWER_FIELDS,
        mutations=program_mutations.MUTATIONS,
        by_id=ById("program", "program_id", Program),
    ),
    # In its own partition (`sharedProgram#<id>`), not the athlete's: not live.
    GraphEntity(
        "SharedProgram",
        SharedProgramRecord,
        SharedProgram.from_record,
        _shared_program,
        viewer=shared.VIEWER_FIELDS,
        mutations=shared_mutations.MUTATIONS,
        by_id=ById(
            "shared_program",
            "shared_program_id",
            SharedProgram,
            "One of your shares by id (active or not).",
        ),
    ),
    # The app's weekly and monthly reports (read-only): `TrainingReport:weekly:2026-W15`.
    # Live: a report the app's scheduled Lambda lands reaches `viewerEvents.report`.
    GraphEntity(
        "TrainingReport",
        ReportRecord,
        TrainingReport.from_record,
        _report,
        ids=2,
        event_field="report",
        viewer=report.VIEWER_FIELDS,
    ),
    GraphEntity(
        "ProgramDesignerSession",
        DesignerSessionRecord,
        ProgramDesignerSession.from_record,
        _by(DesignerSessionRecord),
        viewer=designer.VIEWER_FIELDS,
        mutations=designer_mutations.MUTATIONS,
        by_id=ById("program_designer_session", "session_id", ProgramDesignerSession),
    ),
)

BY_TYPE_NAME = {e.type_name: e for e in ENTITIES}
BY_RECORD = {e.record: e for e in ENTITIES}
# Entity types (as stored) whose changes viewerEvents reports.
LIVE = {e.record.ENTITY_TYPE: e for e in ENTITIES if e.event_field is not None}


def as_node(record: ItemRecord) -> Node:
    entity = BY_RECORD.get(type(record))
    if entity is None:
        raise TypeError(f"no node type for {type(record).__name__}")
    return entity.node(record)


async def load_node(info: Info, type_name: str, parts: list[str]) -> Node:
    """The node behind a decoded global id, or NOT_FOUND (another user's id lands here
    too: it names nothing in the caller's partition)."""
    user_id = info.context.require_user().user_id
    entity = BY_TYPE_NAME.get(type_name)
    record = None
    if entity is not None and len(parts) == entity.ids:
        record = await entity.find(info, user_id, parts)
    if record is None:
        raise not_found("Node")
    return entity.node(record)  # type: ignore[union-attr]


def _by_id_field(entity: GraphEntity, by_id: ById) -> Any:
    """`workout(workoutId: ID!): Workout`: the entity's `find` in the caller's partition."""

    async def resolve(info: Info, **ids: strawberry.ID) -> Node | None:
        user_id = info.context.require_user().user_id
        record = await entity.find(info, user_id, [str(ids[by_id.argument])])
        return entity.node(record) if record is not None else None

    # strawberry reads the GraphQL arguments and type from the signature.
    resolve.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter("info", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Info),
            inspect.Parameter(
                by_id.argument, inspect.Parameter.KEYWORD_ONLY, annotation=strawberry.ID
            ),
        ],
        return_annotation=by_id.returns | None,
    )
    resolve.__name__ = by_id.field
    return strawberry.field(resolver=resolve, description=by_id.description)


def merged(kind: str, *declared: Mapping[str, Any]) -> dict[str, Any]:
    """Fields declared in several places, in order; a name declared twice is refused."""
    fields: dict[str, Any] = {}
    for part in declared:
        for name, value in part.items():
            if name in fields:
                raise ValueError(f"the {kind} {name!r} is declared twice")
            fields[name] = value
    return fields


def _viewer_of(entity: GraphEntity) -> dict[str, Any]:
    if entity.by_id is None:
        return dict(entity.viewer)
    return {**entity.viewer, entity.by_id.field: _by_id_field(entity, entity.by_id)}


def viewer_fields() -> dict[str, StrawberryField]:
    """The User fields every entity declares (its lists, its field by id), in the
    registry's order: `User` is built with them (schema/user.py)."""
    return merged("viewer field", *(_viewer_of(e) for e in ENTITIES))


def entity_mutations() -> list[Mapping[str, Any]]:
    """The root Mutation's fields each entity declares, in the registry's order."""
    return [e.mutations for e in ENTITIES]

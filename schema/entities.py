"""Every entity the graph serves as a `Node`, declared once: its GraphQL type, its record,
how a global id finds it (inside the caller's partition only), and whether its changes
are live on `viewerEvents`. `node`/`nodes` and the viewer events are derived from this
list (the admin entity types from the records' registry, datasources/records); adding an
entity is a declaration here (and its own modules), not an edit of each of them.

Records the graph reads but does not serve as nodes (the plan, contact forms, templates)
are not declared here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

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
from schema.coach import Coach
from schema.conversation import CoachConversation
from schema.designer import ProgramDesignerSession
from schema.memory import UserMemory
from schema.node import Node
from schema.program import Program
from schema.report import MONTH_ID, WEEK_ID, TrainingReport, find_report
from schema.session import CoachCreatorSession
from schema.shared_program import SharedProgram, find_shared_program
from schema.summary import ConversationSummary
from schema.user import User
from schema.workout import Workout

Find = Callable[[Info, str, list[str]], Awaitable[ItemRecord | None]]


@dataclass(frozen=True)
class GraphEntity:
    type_name: str  # the GraphQL type and the global id's type part
    record: type[ItemRecord]
    node: Callable[[Any], Node]  # the record as its GraphQL type
    find: Find  # (info, caller's user id, the id's parts) -> the record, or None
    ids: int = 1  # how many parts its global id has
    # `viewerEvents` reports its changes, in this ViewerEvent field (None: not live).
    event_field: str | None = None


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


ENTITIES: tuple[GraphEntity, ...] = (
    GraphEntity("User", UserRecord, lambda r: User(user_id=r.attributes.user_id), _profile),
    GraphEntity("Coach", CoachRecord, Coach.from_record, _by(CoachRecord), event_field="coach"),
    GraphEntity(
        "CoachConversation",
        ConversationRecord,
        CoachConversation.from_record,
        _by(ConversationRecord),
        ids=2,
        event_field="conversation",
    ),
    GraphEntity(
        "ConversationSummary",
        SummaryRecord,
        ConversationSummary.from_record,
        _by(SummaryRecord),
    ),
    GraphEntity(
        "Workout", WorkoutRecord, Workout.from_record, _by(WorkoutRecord), event_field="workout"
    ),
    GraphEntity(
        "UserMemory",
        MemoryRecord,
        UserMemory.from_record,
        _by(MemoryRecord),
        event_field="memory",
    ),
    GraphEntity(
        "CoachCreatorSession",
        SessionRecord,
        CoachCreatorSession.from_record,
        _by(SessionRecord),
    ),
    GraphEntity("Program", ProgramRecord, Program.from_record, _program, event_field="program"),
    # In its own partition (`sharedProgram#<id>`), not the athlete's: not live.
    GraphEntity("SharedProgram", SharedProgramRecord, SharedProgram.from_record, _shared_program),
    GraphEntity(
        "ProgramDesignerSession",
        DesignerSessionRecord,
        ProgramDesignerSession.from_record,
        _by(DesignerSessionRecord),
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

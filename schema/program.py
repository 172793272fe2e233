"""`Program`: a training program of NeonPanda's app, its phases, its day templates (the S3
details, read only when a field needs them), the workouts logged from it and its insights."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta
from typing import Any, cast

import strawberry
from strawberry.scalars import JSON

from datasources import cost
from datasources.enums import read
from datasources.records import CoachRecord, ProgramInsightsRecord, ProgramRecord, WorkoutRecord
from datasources.records.program import (
    DayCompletion,
    ProgramDetails,
    optional_count,
    primary_template_id,
)
from datasources.records.program import (
    ProgramPhase as StoredPhase,
)
from datasources.stores.program import ProgramQuery
from resolvers import user_lists
from resolvers.content import load_content
from resolvers.context import Info
from schema.coach import Coach
from schema.connection import Edge, PageInfo
from schema.content import StoredContent
from schema.enums import ProgramStatus, ProgramTemplateStatus
from schema.node import Node, encode_global_id
from schema.workout import Workout


@strawberry.input
class ProgramFilter:
    status: list[ProgramStatus] | None = strawberry.field(
        default=None,
        description="Programs in these states (a single value is a list of one). Default: "
        "every state but ARCHIVED, as the app lists them. OTHER: states this API does not know.",
    )
    coach_id: strawberry.ID | None = strawberry.field(
        default=None, description="Programs this coach is one of the coaches of."
    )


@strawberry.type(description="A phase of the program (the app's ProgramPhase).")
class ProgramPhase:
    phase_id: str | None
    name: str | None
    description: str | None
    start_day: int | None
    end_day: int | None
    duration_days: int | None
    focus_areas: list[str]

    @staticmethod
    def from_stored(phase: StoredPhase) -> ProgramPhase:
        return ProgramPhase(
            phase_id=phase.phase_id,
            name=phase.name,
            description=phase.description,
            start_day=phase.start_day,
            end_day=phase.end_day,
            duration_days=phase.duration_days,
            focus_areas=list(phase.focus_areas or []),
        )


@strawberry.type(description="How far a day is done (the app's dayCompletionStatus).")
class ProgramDayCompletion:
    day_number: int
    primary_complete: bool = strawberry.field(
        description="The day's primary template (or its rest) is logged or skipped."
    )
    optional_completed: int
    total_optional: int

    @staticmethod
    def of(day: int, entry: DayCompletion) -> ProgramDayCompletion:
        return ProgramDayCompletion(
            day_number=day,
            primary_complete=entry.primary_complete,
            optional_completed=entry.optional_completed,
            total_optional=entry.total_optional,
        )


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _whole(value: Any) -> int | None:
    number = _number(value)
    return int(number) if number is not None and number.is_integer() else None


def _texts(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _day_of(template: dict[str, Any]) -> int:
    return _whole(template.get("dayNumber")) or 0


def _moment(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


@strawberry.type(description="A prescribed workout of one program day (the app's WorkoutTemplate).")
class ProgramTemplate:
    template_id: strawberry.ID
    group_id: strawberry.ID | None = strawberry.field(
        description="Shared by the templates of one day; logged workouts carry it."
    )
    day_number: int | None
    phase_id: str | None
    name: str | None
    type: str | None
    session_role: str | None = strawberry.field(description="primary or optional, if stated.")
    is_primary: bool = strawberry.field(
        description="The template that completes the day (the app's rule when none is stated)."
    )
    description: str | None
    prescribed_exercises: list[str]
    scoring_type: str | None
    time_cap: float | None
    estimated_duration: float | None
    rest_after: float | None
    equipment: list[str]
    notes: str | None
    metadata: JSON | None
    status: ProgramTemplateStatus = strawberry.field(
        description="PENDING when none is stored; OTHER for a value this API does not know."
    )
    status_name: str | None = strawberry.field(description="The status as stored.")
    completed_at: datetime | None = strawberry.field(description="When logged or skipped.")
    linked_workout_id: strawberry.ID | None
    user_feedback: JSON | None
    scheduled_date: str | None

    @strawberry.field(description="The workout logged from this template.")
    async def linked_workout(self, info: Info) -> Workout | None:
        if not self.linked_workout_id:
            return None
        user_id = info.context.require_user().user_id
        record = await info.context.loaders.of(WorkoutRecord).load(
            (user_id, self.linked_workout_id)
        )
        return Workout.from_record(record) if record else None

    @strawberry.field(
        description="Every workout logged from this template, by the workouts' own key "
        "(GSI2 `template#<id>`, as the app queries them): one query per template."
    )
    async def logged_workouts(self, info: Info) -> list[Workout]:
        user_id = info.context.require_user().user_id
        records = await info.context.stores.programs.template_workouts(user_id, self.template_id)
        return [Workout.from_record(r) for r in records]

    @staticmethod
    def of(template: dict[str, Any], day_templates: list[dict[str, Any]]) -> ProgramTemplate:
        status = _text(template.get("status"))
        linked = _text(template.get("linkedWorkoutId"))
        group = _text(template.get("groupId"))
        return ProgramTemplate(
            template_id=strawberry.ID(str(template.get("templateId", ""))),
            group_id=strawberry.ID(group) if group else None,
            day_number=_whole(template.get("dayNumber")),
            phase_id=_text(template.get("phaseId")),
            name=_text(template.get("name")),
            type=_text(template.get("type")),
            session_role=_text(template.get("sessionRole")),
            is_primary=template.get("templateId") == primary_template_id(day_templates),
            description=_text(template.get("description")),
            prescribed_exercises=_texts(template.get("prescribedExercises")),
            scoring_type=_text(template.get("scoringType")),
            time_cap=_number(template.get("timeCap")),
            estimated_duration=_number(template.get("estimatedDuration")),
            rest_after=_number(template.get("restAfter")),
            equipment=_texts(template.get("equipment")),
            notes=_text(template.get("notes")),
            metadata=cast(JSON, template.get("metadata")),
            status=read(ProgramTemplateStatus, status or "pending"),
            status_name=status,
            completed_at=_moment(template.get("completedAt")),
            linked_workout_id=strawberry.ID(linked) if linked else None,
            user_feedback=cast(JSON, template.get("userFeedback")),
            scheduled_date=_text(template.get("scheduledDate")),
        )


@strawberry.type(description="One day of the program: its templates and how far it is done.")
class ProgramDay:
    day_number: int
    is_rest_day: bool = strawberry.field(description="No template is scheduled that day.")
    scheduled_date: str | None = strawberry.field(
        description="YYYY-MM-DD: start date + day - 1 + the days paused (calendar-utils.ts:66)."
    )
    phase: ProgramPhase | None
    templates: list[ProgramTemplate]
    completion: ProgramDayCompletion = strawberry.field(
        description="As stored, or nothing done yet (with the day's optional templates)."
    )


@strawberry.type(description="The app's synthesis of how the program is going.")
class ProgramInsights:
    adherence_trend: str | None
    memory_signals: str | None
    coach_recommendation: str | None
    coach_note: str | None
    goal_progress: JSON | None
    phase_progress: JSON | None
    risk_flags: JSON | None
    exercise_pr_trends: JSON | None
    living_profile_shifts: JSON | None
    inputs: JSON | None
    source: str | None
    model_id: str | None
    generated_at: datetime | None
    updated_at: datetime

    @staticmethod
    def from_record(record: ProgramInsightsRecord) -> ProgramInsights:
        a = record.attributes if isinstance(record.attributes, dict) else {}
        return ProgramInsights(
            adherence_trend=_text(a.get("adherenceTrend")),
            memory_signals=_text(a.get("memorySignals")),
            coach_recommendation=_text(a.get("coachRecommendation")),
            coach_note=_text(a.get("coachNote")),
            goal_progress=cast(JSON, a.get("goalProgress")),
            phase_progress=cast(JSON, a.get("phaseProgress")),
            risk_flags=cast(JSON, a.get("riskFlags")),
            exercise_pr_trends=cast(JSON, a.get("exercisePrTrends")),
            living_profile_shifts=cast(JSON, a.get("livingProfileShifts")),
            inputs=cast(JSON, a.get("inputs")),
            source=_text(a.get("source")),
            model_id=_text(a.get("modelId")),
            generated_at=_moment(a.get("generatedAt")),
            updated_at=record.updated_at,
        )


async def program_details(info: Info, record: ProgramRecord) -> ProgramDetails:
    """The S3 details, once per request (CONTENT_UNAVAILABLE on the field that asked)."""
    s3_key = record.attributes.s3_detail_key
    if not s3_key:
        return ProgramDetails({})
    return ProgramDetails(await load_content(info, s3_key, None))


@strawberry.type(description="A training program (the app's; legacy partitions included).")
class Program(Node):
    program_id: strawberry.ID
    name: str | None
    description: str | None
    status: ProgramStatus = strawberry.field(
        description="OTHER for a stored state this API does not know (see statusName)."
    )
    status_name: str | None = strawberry.field(description="The state as stored.")
    coach_ids: list[strawberry.ID]
    coach_names: list[str]
    creation_conversation_id: str | None
    start_date: str | None = strawberry.field(description="YYYY-MM-DD.")
    end_date: str | None
    total_days: int | None
    current_day: int | None = strawberry.field(description="1-based; past totalDays: done.")
    paused_at: datetime | None
    paused_duration: int = strawberry.field(description="Days paused so far, in all.")
    equipment_constraints: list[str]
    training_goals: list[str]
    training_frequency: float | None = strawberry.field(description="Days per week.")
    total_workouts: int | None
    completed_workouts: int
    skipped_workouts: int
    completed_rest_days: int
    adherence_rate: float | None = strawberry.field(
        description="Completed / scheduled workouts, 0-100 (a 0-1 ratio in legacy programs "
        "the app has not updated since)."
    )
    last_activity_at: datetime | None
    adaptation_log: JSON
    metadata: JSON | None
    legacy: bool = strawberry.field(
        description="Stored in one of the app's old per-coach partitions."
    )
    created_at: datetime
    updated_at: datetime
    version: int
    _record: strawberry.Private[ProgramRecord]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return encode_global_id("Program", self.program_id)

    @strawberry.field
    def phases(self) -> list[ProgramPhase]:
        return [ProgramPhase.from_stored(p) for p in self._record.attributes.phases]

    @strawberry.field(description="The phase of the current day.")
    def current_phase(self) -> ProgramPhase | None:
        day = self.current_day
        phase = self._record.phase_for(day) if day is not None else None
        return ProgramPhase.from_stored(phase) if phase else None

    @strawberry.field(description="The days with a completion record, in day order.")
    def day_completion(self) -> list[ProgramDayCompletion]:
        stored = self._record.attributes.day_completion_status or {}
        days = sorted((int(k), v) for k, v in stored.items() if k.isdigit())
        return [ProgramDayCompletion.of(day, entry) for day, entry in days]

    @strawberry.field(description="The S3 object of the day templates (the app's details).")
    def details(self) -> StoredContent | None:
        found = StoredContent.from_keys([self._record.attributes.s3_detail_key or ""])
        return found[0] if found else None

    @strawberry.field(
        description="The day templates (one S3 GET per request), of one day when `day` is "
        "given, in day order."
    )
    async def templates(self, info: Info, day: int | None = None) -> list[ProgramTemplate]:
        details = await program_details(info, self._record)
        chosen = details.templates if day is None else details.on_day(day)
        ordered = sorted(chosen, key=_day_of)
        return [
            ProgramTemplate.of(t, details.on_day(_whole(t.get("dayNumber")) or 0)) for t in ordered
        ]

    @strawberry.field(description="A day of the program (its templates: one S3 GET).")
    async def day(self, info: Info, day_number: int) -> ProgramDay | None:
        if day_number < 1 or (self.total_days is not None and day_number > self.total_days):
            return None
        return self._day(await program_details(info, self._record), day_number)

    @strawberry.field(
        description='The current day (the app\'s "today"); null once the program is past '
        "its last day."
    )
    async def today(self, info: Info) -> ProgramDay | None:
        day = self.current_day
        if day is None or day < 1 or (self.total_days is not None and day > self.total_days):
            return None
        return self._day(await program_details(info, self._record), day)

    def _day(self, details: ProgramDetails, day: int) -> ProgramDay:
        on_day = details.on_day(day)
        entry = self._record.day_status(day)
        phase = self._record.phase_for(day)
        return ProgramDay(
            day_number=day,
            is_rest_day=not on_day,
            scheduled_date=_scheduled(self.start_date, day, self.paused_duration),
            phase=ProgramPhase.from_stored(phase) if phase else None,
            templates=[ProgramTemplate.of(t, on_day) for t in on_day],
            completion=ProgramDayCompletion.of(
                day,
                entry or DayCompletion(total_optional=optional_count(on_day)),
            ),
        )

    @strawberry.field(description="The program's context from its details (goals, purpose, ...).")
    async def program_context(self, info: Info) -> JSON | None:
        details = await program_details(info, self._record)
        return cast(JSON, details.document.get("programContext"))

    @strawberry.field(
        description="The workouts logged from the program's templates, in day order: each "
        "template's linked workout (the S3 details, then one batched read); a completed "
        "template the app has not linked yet is looked up by the workouts' template key."
    )
    async def workouts(self, info: Info) -> list[Workout]:
        details = await program_details(info, self._record)
        ordered = sorted(details.templates, key=_day_of)
        linked = [w for t in ordered if (w := _text(t.get("linkedWorkoutId")))]
        unlinked = [
            str(t.get("templateId"))
            for t in ordered
            if t.get("status") == "completed" and not t.get("linkedWorkoutId")
        ]
        user_id = info.context.require_user().user_id
        store = info.context.stores.programs
        batch = asyncio.ensure_future(
            info.context.loaders.of(WorkoutRecord).load_many(
                [(user_id, w) for w in dict.fromkeys(linked)]
            )
        )
        by_template = await cost.gather(*(store.template_workouts(user_id, t) for t in unlinked))
        found = await batch
        records = [r for r in found if r is not None] + [r for rs in by_template for r in rs]
        unique = {r.key: r for r in records}
        return [Workout.from_record(r) for r in unique.values()]

    @strawberry.field(description="The app's latest insights on the program, if built.")
    async def insights(self, info: Info) -> ProgramInsights | None:
        user_id = info.context.require_user().user_id
        record = await info.context.loaders.of(ProgramInsightsRecord).load(
            (user_id, self.program_id)
        )
        return ProgramInsights.from_record(record) if record else None

    @strawberry.field
    async def coaches(self, info: Info) -> list[Coach]:
        user_id = info.context.require_user().user_id
        records = await info.context.loaders.of(CoachRecord).load_many(
            [(user_id, c) for c in self.coach_ids]
        )
        return [Coach.from_record(r) for r in records if r is not None]

    @staticmethod
    def from_record(record: ProgramRecord) -> Program:
        a = record.attributes
        return Program(
            program_id=strawberry.ID(a.program_id),
            name=a.name,
            description=a.description,
            status=read(ProgramStatus, a.status),
            status_name=a.status,
            coach_ids=[strawberry.ID(c) for c in a.coach_ids],
            coach_names=list(a.coach_names or []),
            creation_conversation_id=a.creation_conversation_id or None,
            start_date=a.start_date,
            end_date=a.end_date,
            total_days=a.total_days,
            current_day=a.current_day,
            paused_at=a.paused_at,
            paused_duration=a.paused_duration or 0,
            equipment_constraints=list(a.equipment_constraints or []),
            training_goals=list(a.training_goals or []),
            training_frequency=a.training_frequency,
            total_workouts=a.total_workouts,
            completed_workouts=a.completed_workouts or 0,
            skipped_workouts=a.skipped_workouts or 0,
            completed_rest_days=a.completed_rest_days or 0,
            adherence_rate=a.adherence_rate,
            last_activity_at=a.last_activity_at,
            adaptation_log=cast(JSON, a.adaptation_log or []),
            metadata=cast(JSON, a.metadata),
            legacy=record.legacy,
            created_at=record.created_at,
            updated_at=record.updated_at,
            version=record.version,
            _record=record,
        )


def _scheduled(start: str | None, day: int, paused: int) -> str | None:
    try:
        first = date.fromisoformat((start or "")[:10])
    except ValueError:
        return None
    return (first + timedelta(days=day - 1 + paused)).isoformat()


@strawberry.type(description="How many of the athlete's programs are in each state.")
class ProgramStatusCounts:
    active: int
    paused: int
    completed: int
    archived: int
    other: int


@strawberry.type
class ProgramConnection:
    edges: list[Edge[Program]]
    page_info: PageInfo
    total_count: int = strawberry.field(description="Programs matching the filter (exact).")
    counts_by_status: ProgramStatusCounts = strawberry.field(
        description="The athlete's programs per state, within the filter's coach (from the "
        "same read as the page)."
    )


async def list_programs(
    info: Info, given: ProgramFilter | None, first: int | None, after: str | None
) -> ProgramConnection:
    """One read (GSI1) gives the page, `totalCount` and `countsByStatus`."""
    user_id = info.context.require_user().user_id
    f = given or ProgramFilter()
    query = ProgramQuery(
        statuses=tuple(s.value for s in f.status) if f.status is not None else None,
        coach_id=f.coach_id,
    )
    store = info.context.stores.programs
    page, listing = await user_lists.list_whole(
        info,
        "programs",
        query,
        first,
        after,
        lambda: store.listing(user_id, query),
        lambda whole, request: whole.page(request),
        lambda whole: len(whole.matching),
    )
    counts = {status.name.lower(): n for status, n in listing.by_status.items()}
    return ProgramConnection(
        edges=[
            Edge(cursor=c, node=Program.from_record(r))
            for c, r in zip(page.cursors, page.records, strict=True)
        ],
        page_info=PageInfo(
            has_next_page=page.has_next,
            has_previous_page=page.has_previous,
            start_cursor=page.cursors[0] if page.cursors else None,
            end_cursor=page.cursors[-1] if page.cursors else None,
        ),
        total_count=len(listing.matching),
        counts_by_status=ProgramStatusCounts(**counts),
    )


# --- the viewer's fields (User, through schema/entities.py) ---------------------------


async def _programs(
    info: Info,
    filter: ProgramFilter | None = None,
    first: int | None = None,
    after: str | None = None,
) -> ProgramConnection | None:
    return await list_programs(info, filter, first, after)


VIEWER_FIELDS = {
    "programs": strawberry.field(
        resolver=_programs,
        description="Training programs, newest start first (the app's order); one read gives "
        "the page, totalCount and countsByStatus.",
    ),
}

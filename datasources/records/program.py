"""The app's training program: pk `user#<userId>` (or, before Dec 2025, the legacy
`user#<userId>#coach#<coachId>`), sk `program#<programId>`, GSI1 `user#<userId>` /
`program#<programId>` (amplify/dynamodb/program.ts:35-48, 125-133); its insights,
`programInsights#<programId>` (program-insights.ts:22-36). The shape is
libs/program/types.ts:11-96; the day templates live in S3 (`ProgramDetails`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any, ClassVar

from boto3.dynamodb.conditions import Attr, ConditionBase
from pydantic import Field

from datasources import keys
from datasources.records.base import CamelModel, ItemRecord, Timestamp


class ProgramPhase(CamelModel):
    """libs/program/types.ts:88-96."""

    phase_id: str | None = None
    name: str | None = None
    description: str | None = None
    start_day: int | None = None
    end_day: int | None = None
    duration_days: int | None = None
    focus_areas: list[str] | None = None


class DayCompletion(CamelModel):
    """One day of `dayCompletionStatus` (types.ts:54-60), keyed by the day number as text."""

    primary_complete: bool = False
    optional_completed: int = 0
    total_optional: int = 0


class ProgramAttributes(CamelModel):
    program_id: str
    user_id: str | None = None
    coach_ids: list[str] = Field(default_factory=list)
    coach_names: list[str] | None = None
    creation_conversation_id: str | None = None
    name: str | None = None
    description: str | None = None
    status: str | None = None
    start_date: str | None = None  # YYYY-MM-DD
    end_date: str | None = None
    total_days: int | None = None
    current_day: int | None = None
    # The app stores `null` here while the program runs (types.ts:30).
    paused_at: Timestamp | None = None
    paused_duration: int | None = None  # days, cumulative
    phases: list[ProgramPhase] = Field(default_factory=list)
    equipment_constraints: list[str] | None = None
    training_goals: list[str] | None = None
    training_frequency: int | float | None = None
    total_workouts: int | None = None
    completed_workouts: int | None = None
    skipped_workouts: int | None = None
    completed_rest_days: int | None = None
    adherence_rate: int | float | None = None  # 0-100 (a 0-1 ratio in legacy programs)
    last_activity_at: Timestamp | None = None
    s3_detail_key: str | None = Field(default=None, alias="s3DetailKey")
    adaptation_log: list[dict[str, Any]] | None = None
    day_completion_status: dict[str, DayCompletion] | None = None
    metadata: dict[str, Any] | None = None


class ProgramRecord(ItemRecord):
    ENTITY_TYPE: ClassVar[str] = keys.PROGRAM
    SK_OF: ClassVar[Callable[..., str]] = staticmethod(keys.program_sk)
    attributes: ProgramAttributes

    @classmethod
    def new(cls, user_id: str, attrs: ProgramAttributes, now: datetime) -> ProgramRecord:
        pk, sk = keys.user_pk(user_id), keys.program_sk(attrs.program_id)
        return cls.create(
            pk=pk,
            sk=sk,
            entity_type=keys.PROGRAM,
            created_at=now,
            updated_at=now,
            gsi1pk=pk,
            gsi1sk=sk,
            attributes=attrs,
        )

    @property
    def program_id(self) -> str:
        return self.attributes.program_id

    @property
    def legacy(self) -> bool:
        """In one of the app's old `user#<id>#coach#<coachId>` partitions."""
        return "#coach#" in self.pk

    def fill_app_defaults(self) -> None:
        # The app lists programs through GSI1 only (program.ts:311-315), hides those without
        # a status (its `status <> archived` filter, :293) and calls .includes / .find on
        # coachIds and phases unguarded (tests/app_contract.py cites each).
        if self.gsi1pk is None and self.attributes.user_id:
            self.gsi1pk = keys.user_pk(self.attributes.user_id)
        if self.gsi1sk is None:
            self.gsi1sk = keys.program_sk(self.program_id)
        if self.attributes.status is None:
            self.attributes.status = "active"

    def day_status(self, day: int) -> DayCompletion | None:
        return (self.attributes.day_completion_status or {}).get(str(day))

    def phase_for(self, day: int) -> ProgramPhase | None:
        return phase_for(self.attributes.phases, day)

    def recompute_adherence(self) -> None:
        """completed / scheduled, as a percentage (program.ts:423-432)."""
        attrs = self.attributes
        total, done = attrs.total_workouts or 0, attrs.completed_workouts or 0
        attrs.adherence_rate = done / total * 100 if total > 0 else 0


def phase_for(phases: list[ProgramPhase], day: int) -> ProgramPhase | None:
    """calendar-utils.ts:234-243: the first phase whose day range holds `day`."""
    for phase in phases:
        start, end = phase.start_day, phase.end_day
        if start is not None and end is not None and start <= day <= end:
            return phase
    return None


def pause_days(paused_at: datetime, resumed_at: datetime) -> int:
    """Whole UTC calendar days between pause and resume (calendar-utils.ts:82-101)."""
    start = date(paused_at.year, paused_at.month, paused_at.day)
    end = date(resumed_at.year, resumed_at.month, resumed_at.day)
    return round((end - start).days)


def start_order(record: ProgramRecord) -> tuple[int, int, str]:
    """The app's list order as an ascending key: startDate, newest first, then programId
    (program.ts:350-357); a program without a readable start date last."""
    start = record.attributes.start_date
    try:
        day = date.fromisoformat(start[:10]).toordinal() if start else None
    except ValueError:
        day = None
    return (0, -day, record.program_id) if day is not None else (1, 0, record.program_id)


class ProgramInsightsRecord(ItemRecord):
    """Read only: build-program-insights rewrites it whole (program-insights.ts:19-47)."""

    ENTITY_TYPE: ClassVar[str] = keys.PROGRAM_INSIGHTS
    SK_OF: ClassVar[Callable[..., str]] = staticmethod(keys.program_insights_sk)
    attributes: dict[str, Any] = Field(default_factory=dict)


class ProgramDetails:
    """The program's S3 document (libs/program/types.ts:295-321), kept as stored: the
    writes change a template's status fields in place, as the app does
    (log-workout-template/handler.ts:199-214), and every other key stays."""

    def __init__(self, document: Any) -> None:
        self.document: dict[str, Any] = document if isinstance(document, dict) else {}

    @property
    def templates(self) -> list[dict[str, Any]]:
        found = self.document.get("workoutTemplates")
        return [t for t in found if isinstance(t, dict)] if isinstance(found, list) else []

    def template(self, template_id: str) -> dict[str, Any] | None:
        return next((t for t in self.templates if t.get("templateId") == template_id), None)

    def on_day(self, day: int) -> list[dict[str, Any]]:
        return [t for t in self.templates if t.get("dayNumber") == day]


def _template_id(template: dict[str, Any]) -> str:
    return str(template.get("templateId", ""))


def primary_template_id(day_templates: list[dict[str, Any]]) -> str | None:
    """The day's primary template (libs/program/template-linking.ts:50-66): the only one; else
    the one marked `sessionRole: primary`; else the first by templateId (the app sorts with
    localeCompare; ids are ASCII, compared here case-insensitively first)."""
    if not day_templates:
        return None
    if len(day_templates) == 1:
        return _template_id(day_templates[0])
    explicit = [t for t in day_templates if t.get("sessionRole") == "primary"]
    if explicit:
        return _template_id(explicit[0])
    ordered = sorted(day_templates, key=lambda t: (_template_id(t).casefold(), _template_id(t)))
    return _template_id(ordered[0])


def optional_count(day_templates: list[dict[str, Any]]) -> int:
    """template-linking.ts:87-94."""
    if len(day_templates) <= 1:
        return 0
    primary = primary_template_id(day_templates)
    return sum(1 for t in day_templates if _template_id(t) != primary)


def new_day_completion(total_optional: int, *, primary_complete: bool = False) -> DayCompletion:
    """A day's entry with every key written (the app adds to `optionalCompleted` unguarded)."""
    return DayCompletion.model_validate(
        {
            "primaryComplete": primary_complete,
            "optionalCompleted": 0,
            "totalOptional": total_optional,
        }
    )


# --- what deleting a coach reads of a program (datasources/stores/coach.py) ---------------

ARCHIVED = "archived"


class ProgramCoachFields(CamelModel):
    program_id: str | None = None
    name: str | None = None
    status: str | None = None  # the app's: active, paused, completed, archived
    coach_ids: list[str] | None = None


class ProgramCoachView(CamelModel):
    """A program as deleting a coach reads it: only the keys and what decides whether the
    program holds a coach (a projection, read leniently: a program is never refused,
    whatever else it holds or lacks; the full record is ProgramRecord)."""

    pk: str
    sk: str
    attributes: ProgramCoachFields = Field(default_factory=ProgramCoachFields)
    # What a coach delete reads of a program (a projection: programs carry their phases).
    READ: ClassVar[list[tuple[str, ...]]] = [
        ("attributes", "programId"),
        ("attributes", "name"),
        ("attributes", "status"),
        ("attributes", "coachIds"),
    ]

    @property
    def key(self) -> tuple[str, str]:
        return (self.pk, self.sk)

    def holds(self, coach_id: str) -> bool:
        """The app's rule (delete-coach-config/handler.ts:17-20): a program that lists the
        coach and is not archived. The app lists programs with `status <> archived`
        (dynamodb/program.ts:293), which a program without a status never matches, so such
        a program (one the app itself cannot show) does not hold the coach either."""
        status = self.attributes.status
        return coach_id in (self.attributes.coach_ids or []) and status not in (None, ARCHIVED)

    def summary(self) -> dict[str, Any]:
        return {
            "programId": self.attributes.program_id or self.sk.removeprefix(keys.PROGRAM_SK),
            "name": self.attributes.name,
            "status": self.attributes.status,
        }

    @staticmethod
    def lists(coach_id: str) -> ConditionBase:
        return Attr("entityType").eq(keys.PROGRAM) & Attr("attributes.coachIds").contains(coach_id)

    @staticmethod
    def still_free(coach_id: str) -> ConditionBase:
        """A program that does not hold the coach, as a condition (checked at commit)."""
        status = Attr("attributes.status")
        return (
            status.eq(ARCHIVED)
            | status.not_exists()
            | status.attribute_type("NULL")
            | ~Attr("attributes.coachIds").contains(coach_id)
        )

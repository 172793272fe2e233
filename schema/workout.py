"""`Workout`: a session extracted from conversation, typed deeply."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, TypeAlias, cast

import strawberry
from pydantic import BaseModel
from strawberry.scalars import JSON

from datasources.enums import read
from datasources.records import CoachRecord, ConversationRecord, WorkoutData, WorkoutRecord
from datasources.records import workout as records
from datasources.records.exercise import ExerciseRecord
from datasources.stores.workout import WorkoutOrder as StoredOrder
from datasources.stores.workout import WorkoutQuery
from resolvers import user_lists
from resolvers.context import Info
from schema.coach import Coach
from schema.connection import Connection
from schema.content import StoredContent
from schema.convert import from_data, maybe, snake_keys
from schema.derive import output_type
from schema.enums import Discipline
from schema.exercise import ExerciseLog
from schema.inputs import OrderDirection, WorkoutFilter, WorkoutOrder
from schema.node import Node, encode_global_id
from schema.workout_discipline import DisciplineSpecific, discipline_specific

if TYPE_CHECKING:
    from schema.conversation import CoachConversation


# The nested parts have their records' shapes (datasources/records/workout.py).
if TYPE_CHECKING:  # derived at import: to the type checker, any strawberry type
    PerformanceMetrics: TypeAlias = Any
    PrAchievement: TypeAlias = Any
    SubjectiveFeedback: TypeAlias = Any
    CoachNotes: TypeAlias = Any
    ExtractionMetadata: TypeAlias = Any
    ProgramContext: TypeAlias = Any
else:
    PerformanceMetrics = output_type(records.PerformanceMetrics)
    PrAchievement = output_type(records.PrAchievement)
    SubjectiveFeedback = output_type(records.SubjectiveFeedback)
    CoachNotes = output_type(records.CoachNotes, strict_lists=True)
    ExtractionMetadata = output_type(records.ExtractionMetadata)
    ProgramContext = output_type(records.ProgramContext)


@strawberry.type
class WorkoutInsights:
    performance_comparison: str | None
    achievements: str | None
    scaling_analysis: str | None
    recovery_impact: str | None
    coach_note: str | None
    generated_at: datetime | None
    model_id: str | None


def _plain(model: BaseModel | None) -> dict[str, Any] | None:
    return None if model is None else model.model_dump(by_alias=False)


@strawberry.type
class Workout(Node):
    """Scalars are copied from the record; nested parts convert only when selected."""

    workout_id: strawberry.ID
    completed_at: datetime
    workout_name: str | None
    discipline: Discipline = strawberry.field(
        description="OTHER for a stored discipline this API does not know (see disciplineName)."
    )
    discipline_name: str | None = strawberry.field(description="The discipline as stored.")
    methodology: str | None
    workout_type: str | None
    date: str | None
    duration: float | None
    session_duration: float | None
    location: str | None
    summary: str | None
    coach_ids: list[strawberry.ID]
    coach_names: list[str]
    conversation_id: strawberry.ID | None
    template_id: strawberry.ID | None = strawberry.field(
        description="The program template this workout was logged from (the app's)."
    )
    group_id: strawberry.ID | None
    created_at: datetime
    updated_at: datetime
    version: int
    _record: strawberry.Private[WorkoutRecord]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return encode_global_id("Workout", self.workout_id)

    @strawberry.field(
        description="The app's exercise rows of this workout (its per-exercise history), by "
        "name; the workouts of one response are read in one query."
    )
    async def exercises(self, info: Info) -> list[ExerciseLog]:
        user_id = info.context.require_user().user_id
        rows = await info.context.loaders.exercises_by_workout.load((user_id, self.workout_id))
        return [ExerciseLog.from_record(cast(ExerciseRecord, r)) for r in rows]

    @strawberry.field
    def performance_metrics(self) -> PerformanceMetrics | None:
        return maybe(PerformanceMetrics, _plain(self._data.performance_metrics))

    @strawberry.field
    def pr_achievements(self) -> list[PrAchievement]:
        return [
            from_data(PrAchievement, p.model_dump(by_alias=False))
            for p in self._data.pr_achievements or []
        ]

    @strawberry.field
    def subjective_feedback(self) -> SubjectiveFeedback | None:
        return maybe(SubjectiveFeedback, _plain(self._data.subjective_feedback))

    @strawberry.field
    def coach_notes(self) -> CoachNotes | None:
        return maybe(CoachNotes, _plain(self._data.coach_notes))

    @strawberry.field
    def discipline_specific(self) -> DisciplineSpecific | None:
        return discipline_specific(self._data.discipline_specific, self._data.discipline)

    @strawberry.field
    def environmental_factors(self) -> JSON | None:
        return cast(JSON, self._data.environmental_factors)

    @strawberry.field
    def recovery_metrics(self) -> JSON | None:
        return cast(JSON, self._data.recovery_metrics)

    @strawberry.field
    def metadata(self) -> JSON | None:
        return cast(JSON, self._data.metadata)

    @strawberry.field
    def extraction_metadata(self) -> ExtractionMetadata | None:
        return maybe(ExtractionMetadata, _plain(self._record.attributes.extraction_metadata))

    @strawberry.field(
        description="The program day this workout was logged for (the app's legacy link)."
    )
    def program_context(self) -> ProgramContext | None:
        return maybe(ProgramContext, _plain(self._record.attributes.program_context))

    @strawberry.field(description="The detailed log in S3.")
    def detailed_log(self) -> StoredContent | None:
        return StoredContent.from_pointer(self._record.attributes.detailed_log)

    @strawberry.field(description="Photos the athlete attached (S3 objects).")
    def images(self) -> list[StoredContent]:
        return StoredContent.from_keys(self._record.attributes.image_s3_keys)

    @strawberry.field(description="The coach's analysis of the workout (the app's).")
    def insights(self) -> WorkoutInsights | None:
        return maybe(WorkoutInsights, snake_keys(self._record.attributes.insights))

    @property
    def _data(self) -> WorkoutData:
        return self._record.attributes.workout_data

    @strawberry.field
    async def coaches(self, info: Info) -> list[Coach]:
        user_id = info.context.require_user().user_id
        records = await info.context.loaders.of(CoachRecord).load_many(
            [(user_id, c) for c in self.coach_ids]
        )
        return [Coach.from_record(r) for r in records if r is not None]

    @strawberry.field
    async def conversation(
        self, info: Info
    ) -> Annotated[CoachConversation, strawberry.lazy("schema.conversation")] | None:
        from schema.conversation import CoachConversation

        if not self.conversation_id:
            return None
        user_id = info.context.require_user().user_id
        # The conversation's key includes its coach: try the workout's coaches in one batch.
        records = await info.context.loaders.of(ConversationRecord).load_many(
            [(user_id, c, self.conversation_id) for c in self.coach_ids]
        )
        found = next((r for r in records if r is not None), None)
        return CoachConversation.from_record(found) if found else None

    @staticmethod
    def from_record(record: WorkoutRecord) -> Workout:
        attrs = record.attributes
        data = attrs.workout_data
        return Workout(
            workout_id=strawberry.ID(attrs.workout_id),
            completed_at=attrs.completed_at,
            workout_name=data.workout_name or attrs.workout_name,
            discipline=read(Discipline, data.discipline),
            discipline_name=data.discipline,
            methodology=data.methodology,
            workout_type=data.workout_type,
            date=data.date,
            duration=data.duration,
            session_duration=data.session_duration,
            location=data.location,
            summary=attrs.summary,
            coach_ids=[strawberry.ID(c) for c in attrs.coach_ids],
            coach_names=list(attrs.coach_names),
            conversation_id=strawberry.ID(attrs.conversation_id) if attrs.conversation_id else None,
            template_id=strawberry.ID(attrs.template_id) if attrs.template_id else None,
            group_id=strawberry.ID(attrs.group_id) if attrs.group_id else None,
            created_at=record.created_at,
            updated_at=record.updated_at,
            version=record.version,
            _record=record,
        )


# --- the viewer's fields (User, through schema/entities.py) ---------------------------


async def _workouts(
    info: Info,
    filter: WorkoutFilter | None = None,
    order_by: WorkoutOrder | None = None,
    first: int | None = None,
    after: str | None = None,
) -> Connection[Workout] | None:
    query = _workout_query(filter, order_by or WorkoutOrder())
    store = info.context.stores.workouts
    page = await user_lists.list_of(info, store, "workouts", query, first, after)
    return Connection.of_records(page, Workout.from_record)


def _workout_query(f: WorkoutFilter | None, order: WorkoutOrder) -> WorkoutQuery:
    f = f or WorkoutFilter()
    return WorkoutQuery(
        completed_from=f.completed_from,
        completed_to=f.completed_to,
        discipline=f.discipline.value if f.discipline else None,
        workout_type=f.workout_type,
        location=f.location,
        coach_id=f.coach_id,
        min_confidence=f.min_confidence,
        order=StoredOrder(order.field.value),
        descending=order.direction is OrderDirection.DESC,
    )


VIEWER_FIELDS = {
    "workouts": strawberry.field(
        resolver=_workouts, description="Newest first unless `orderBy` says otherwise."
    ),
}

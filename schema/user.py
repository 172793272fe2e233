"""`User`: the authenticated athlete, from whom the whole graph is reached."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from enum import Enum
from typing import Annotated, Any, TypeVar, cast

import strawberry
from strawberry.scalars import JSON

from datasources.enums import read
from datasources.records import (
    CoachRecord,
    DesignerSessionRecord,
    MemoryRecord,
    SessionRecord,
    SubscriptionRecord,
    UserRecord,
    WorkoutRecord,
)
from datasources.records.base import ItemRecord
from datasources.stores.coach import CoachQuery
from datasources.stores.conversation import ConversationQuery
from datasources.stores.memory import MemoryQuery
from datasources.stores.session import SessionQuery
from datasources.stores.summary import SummaryQuery
from datasources.stores.workout import WorkoutOrder as StoredOrder
from datasources.stores.workout import WorkoutQuery
from resolvers import user_lists
from resolvers.context import Info
from resolvers.errors import ApiError, Code
from resolvers.lists import RecordList
from schema.coach import Coach
from schema.connection import Connection
from schema.conversation import CoachConversation
from schema.convert import maybe, snake_keys
from schema.designer import (
    ProgramDesignerSession,
    ProgramDesignerSessionFilter,
    list_designer_sessions,
)
from schema.exercise import Exercise, ExerciseNames, exercise_names
from schema.inputs import (
    CoachCreatorSessionFilter,
    MemoryFilter,
    OrderDirection,
    WorkoutFilter,
    WorkoutOrder,
)
from schema.memory import UserMemory
from schema.node import Node, encode_global_id
from schema.program import Program, ProgramConnection, ProgramFilter, list_programs
from schema.report import ReportSortField, TrainingReport, find_report, list_reports
from schema.session import CoachCreatorSession
from schema.shared_program import SharedProgram, find_shared_program, list_shared_programs
from schema.stats import TrainingStats, training_stats
from schema.summary import ConversationSummary
from schema.workout import Workout

T = TypeVar("T")
R = TypeVar("R", bound=ItemRecord)


@strawberry.type
class TrainingDirective:
    content: str | None
    enabled: bool | None
    created_at: datetime | None
    updated_at: datetime | None


@strawberry.enum(description="The app's tiers; OTHER for one this API does not know yet.")
class PlanTier(Enum):
    FREE = "free"
    ELECTRIC = "electric"
    OTHER = "other"


@strawberry.enum(description="Stripe's subscription states; OTHER for any other.")
class PlanStatus(Enum):
    ACTIVE = "active"
    TRIALING = "trialing"
    PAST_DUE = "past_due"
    INCOMPLETE = "incomplete"
    CANCELED = "canceled"
    OTHER = "other"


@strawberry.type(description="The athlete's plan (no Stripe ids: they stay server-side).")
class Plan:
    subscribed: bool = strawberry.field(description="Whether a subscription item exists.")
    tier: PlanTier
    tier_name: str = strawberry.field(description="The tier as stored.")
    status: PlanStatus | None
    current_period_start: datetime | None
    current_period_end: datetime | None
    cancel_at_period_end: bool
    canceled_at: datetime | None
    founding_member: bool
    price_locked: bool

    @staticmethod
    def from_record(record: SubscriptionRecord | None) -> Plan:
        if record is None:
            return Plan(
                subscribed=False,
                tier=PlanTier.FREE,
                tier_name="free",
                status=None,
                current_period_start=None,
                current_period_end=None,
                cancel_at_period_end=False,
                canceled_at=None,
                founding_member=False,
                price_locked=False,
            )
        a = record.attributes
        tier = a.tier or "free"
        return Plan(
            subscribed=True,
            tier=read(PlanTier, tier),
            tier_name=tier,
            status=read(PlanStatus, a.status) if a.status else None,
            current_period_start=_epoch(a.current_period_start),
            current_period_end=_epoch(a.current_period_end),
            cancel_at_period_end=bool(a.cancel_at_period_end),
            canceled_at=_epoch(a.canceled_at),
            founding_member=bool(a.metadata.founding_member),
            price_locked=bool(a.metadata.price_locked),
        )


def _epoch(seconds: float | None) -> datetime | None:
    return datetime.fromtimestamp(seconds, UTC) if seconds else None


async def _subscription_copy(root: User, info: Info) -> JSON:
    record = await root.record(info)
    return cast(JSON, record.attributes.subscription)


@strawberry.type
class Avatar:
    url: str | None
    s3_key: str | None


def _profile(get: Callable[[UserRecord], Any], description: str | None = None) -> Any:
    """A profile field. All of them share one (batched, cached) profile read per request."""

    async def resolve(root: User, info: Info) -> Any:
        return get(await root.record(info))

    return strawberry.field(resolver=resolve, description=description)


# The report lists' arguments (weeklyReports and monthlyReports take the same).
ReportsFrom = Annotated[
    str | None,
    strawberry.argument(
        name="from", description="YYYY-MM-DD: periods starting on or after this day."
    ),
]
ReportsTo = Annotated[
    str | None,
    strawberry.argument(description="YYYY-MM-DD: periods ending on or before this day."),
]
ReportsSort = Annotated[
    ReportSortField,
    strawberry.argument(description="The app's sort keys; the period id breaks ties."),
]


@strawberry.type(description="The signed-in athlete. Profile fields share one profile read.")
class User(Node):
    user_id: strawberry.ID

    @strawberry.field
    def id(self) -> strawberry.ID:
        return encode_global_id("User", self.user_id)

    async def record(self, info: Info) -> UserRecord:
        record = await info.context.loaders.of(UserRecord).load((self.user_id,))
        if record is None:
            raise ApiError(
                Code.NOT_FOUND, "No profile yet for this account: call createProfile first"
            )
        return record

    email: str = _profile(lambda r: r.attributes.email)
    username: str = _profile(lambda r: r.attributes.username)
    display_name: str | None = _profile(lambda r: r.attributes.display_name)
    first_name: str | None = _profile(lambda r: r.attributes.first_name)
    last_name: str | None = _profile(lambda r: r.attributes.last_name)
    nickname: str | None = _profile(lambda r: r.attributes.nickname)
    avatar: Avatar | None = _profile(
        lambda r: (
            Avatar(url=r.attributes.avatar.url, s3_key=r.attributes.avatar.s3_key)
            if r.attributes.avatar
            else None
        )
    )
    athlete_profile: JSON | None = _profile(
        lambda r: r.attributes.athlete_profile, "The AI-written profile of the athlete (the app's)."
    )
    living_profile: JSON | None = _profile(
        lambda r: r.attributes.living_profile,
        "What the coaches have learned about the athlete over time (the app's).",
    )
    critical_training_directive: TrainingDirective | None = _profile(
        lambda r: maybe(TrainingDirective, snake_keys(r.attributes.critical_training_directive)),
        "A rule every coach must follow (the app's), when the athlete set one.",
    )
    preferences: JSON = _profile(lambda r: r.attributes.preferences)
    subscription: JSON = strawberry.field(
        resolver=_subscription_copy,
        deprecation_reason="The profile's copy, not the truth (billing writes the app's own "
        "subscription item): use `plan`.",
    )
    demographics: JSON = _profile(lambda r: r.attributes.demographics)
    fitness: JSON = _profile(lambda r: r.attributes.fitness)
    created_at: datetime = _profile(lambda r: r.created_at)
    updated_at: datetime = _profile(lambda r: r.updated_at)
    version: int = _profile(lambda r: r.version, "Optimistic-concurrency version.")

    @strawberry.field(
        description="The athlete's plan, from NeonPanda's app's subscription item (written "
        "by its billing); a free plan when there is none. Read in the same batch as the "
        "profile."
    )
    async def plan(self, info: Info) -> Plan:
        record = await info.context.loaders.of(SubscriptionRecord).load((self.user_id,))
        return Plan.from_record(record)

    # --- the graph ------------------------------------------------------------------------

    @strawberry.field(description="The athlete's coaches, oldest first.")
    async def coaches(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        include_archived: Annotated[
            bool, strawberry.argument(description="Also the coaches the athlete archived.")
        ] = False,
    ) -> Connection[Coach] | None:
        store = info.context.stores.coaches
        query = CoachQuery(include_archived=include_archived)
        page = await user_lists.list_of(info, store, "coaches", query, first, after)
        return _connection(page, Coach.from_record)

    @strawberry.field
    async def coach(self, info: Info, coach_id: strawberry.ID) -> Coach | None:
        record = await info.context.loaders.of(CoachRecord).load((self.user_id, coach_id))
        return Coach.from_record(record) if record else None

    @strawberry.field(description="Most recently active first.")
    async def conversations(
        self,
        info: Info,
        coach_id: strawberry.ID | None = None,
        is_active: bool | None = None,
        first: int | None = None,
        after: str | None = None,
        mode: Annotated[
            str | None, strawberry.argument(description="The app's conversation mode.")
        ] = None,
    ) -> Connection[CoachConversation] | None:
        query = ConversationQuery(coach_id=coach_id, is_active=is_active, mode=mode)
        store = info.context.stores.conversations
        page = await user_lists.list_of(info, store, "conversations", query, first, after)
        return _connection(page, CoachConversation.from_record)

    @strawberry.field(description="One conversation. Give `coachId` too for a direct read by key.")
    async def conversation(
        self, info: Info, conversation_id: strawberry.ID, coach_id: strawberry.ID | None = None
    ) -> CoachConversation | None:
        record = await user_lists.find_conversation(info, conversation_id, coach_id)
        return CoachConversation.from_record(record) if record else None

    @strawberry.field(description="Newest first.")
    async def conversation_summaries(
        self,
        info: Info,
        coach_id: strawberry.ID | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[ConversationSummary] | None:
        store = info.context.stores.summaries
        page = await user_lists.list_of(
            info, store, "summaries", SummaryQuery(coach_id=coach_id), first, after
        )
        return _connection(page, ConversationSummary.from_record)

    @strawberry.field(description="Newest first unless `orderBy` says otherwise.")
    async def workouts(
        self,
        info: Info,
        filter: WorkoutFilter | None = None,
        order_by: WorkoutOrder | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Workout] | None:
        query = _workout_query(filter, order_by or WorkoutOrder())
        store = info.context.stores.workouts
        page = await user_lists.list_of(info, store, "workouts", query, first, after)
        return _connection(page, Workout.from_record)

    @strawberry.field
    async def workout(self, info: Info, workout_id: strawberry.ID) -> Workout | None:
        record = await info.context.loaders.of(WorkoutRecord).load((self.user_id, workout_id))
        return Workout.from_record(record) if record else None

    @strawberry.field(description="Importance, then usage count, then newest.")
    async def memories(
        self,
        info: Info,
        filter: MemoryFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[UserMemory] | None:
        f = filter or MemoryFilter()
        query = MemoryQuery(
            coach_id=f.coach_id,
            memory_type=f.memory_type.value if f.memory_type else None,
            importance=f.importance.value if f.importance else None,
            include_archived=f.include_archived,
        )
        store = info.context.stores.memories
        page = await user_lists.list_of(info, store, "memories", query, first, after)
        return _connection(page, UserMemory.from_record)

    @strawberry.field
    async def memory(self, info: Info, memory_id: strawberry.ID) -> UserMemory | None:
        record = await info.context.loaders.of(MemoryRecord).load((self.user_id, memory_id))
        return UserMemory.from_record(record) if record else None

    @strawberry.field(description="Newest first.")
    async def coach_creator_sessions(
        self,
        info: Info,
        filter: CoachCreatorSessionFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[CoachCreatorSession] | None:
        f = filter or CoachCreatorSessionFilter()
        query = SessionQuery(
            is_complete=f.is_complete,
            sophistication_level=f.sophistication_level.value if f.sophistication_level else None,
            abandoned=f.abandoned,
            include_deleted=f.include_deleted,
        )
        store = info.context.stores.sessions
        page = await user_lists.list_of(info, store, "sessions", query, first, after)
        return _connection(page, CoachCreatorSession.from_record)

    @strawberry.field
    async def coach_creator_session(
        self, info: Info, session_id: strawberry.ID
    ) -> CoachCreatorSession | None:
        record = await info.context.loaders.of(SessionRecord).load((self.user_id, session_id))
        return CoachCreatorSession.from_record(record) if record else None

    @strawberry.field(
        description="Training programs, newest start first (the app's order); one read gives "
        "the page, totalCount and countsByStatus."
    )
    async def programs(
        self,
        info: Info,
        filter: ProgramFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> ProgramConnection | None:
        return await list_programs(info, filter, first, after)

    @strawberry.field
    async def program(self, info: Info, program_id: strawberry.ID) -> Program | None:
        record = await user_lists.find_program(info, program_id)
        return Program.from_record(record) if record else None

    @strawberry.field(
        description="The programs you shared, newest first (the app's list: GSI1); unshared "
        "ones only with includeInactive. One read gives the page and totalCount."
    )
    async def shared_programs(
        self,
        info: Info,
        include_inactive: bool = False,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[SharedProgram] | None:
        return await list_shared_programs(info, include_inactive, first, after)

    @strawberry.field(description="One of your shares by id (active or not).")
    async def shared_program(
        self, info: Info, shared_program_id: strawberry.ID
    ) -> SharedProgram | None:
        record = await find_shared_program(info, shared_program_id)
        return SharedProgram.from_record(record) if record else None

    @strawberry.field(
        description="Every exercise name you logged, with how often and when last, most "
        "frequent first (the app's list: exercise.ts:411-490; one query of the exercise rows, "
        "projected to the four attributes it groups by)."
    )
    async def exercise_names(
        self, info: Info, discipline: str | None = None, first: int | None = None
    ) -> ExerciseNames:
        return await exercise_names(info, discipline, first)

    @strawberry.field(
        description="One exercise by name (normalised as the app's fallback does: "
        '"Back Squat" is back_squat): its history and personal records.'
    )
    def exercise(self, name: str) -> Exercise:
        return Exercise.named(name)

    @strawberry.field(
        description="Streaks, this week and month, a calendar heat map, the discipline mix "
        "and recent personal records; `from`/`to` (YYYY-MM-DD) bound the calendar, mix and "
        "records (default: the year up to today). One projected read of your workouts "
        "beside the profile, whatever the range."
    )
    async def training_stats(
        self,
        info: Info,
        from_: Annotated[str | None, strawberry.argument(name="from")] = None,
        to: str | None = None,
    ) -> TrainingStats:
        return await training_stats(info, from_, to)

    @strawberry.field(
        description="The app's weekly reports (read-only), newest week first by default "
        "(analytics.ts:43-105): one query reads the page and `totalCount`."
    )
    async def weekly_reports(
        self,
        info: Info,
        from_: ReportsFrom = None,
        to: ReportsTo = None,
        sort_by: ReportsSort = ReportSortField.PERIOD_START,
        descending: bool = True,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[TrainingReport] | None:
        return await list_reports(info, True, from_, to, sort_by, descending, first, after)

    @strawberry.field(description="The app's monthly reports (read-only); as `weeklyReports`.")
    async def monthly_reports(
        self,
        info: Info,
        from_: ReportsFrom = None,
        to: ReportsTo = None,
        sort_by: ReportsSort = ReportSortField.PERIOD_START,
        descending: bool = True,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[TrainingReport] | None:
        return await list_reports(info, False, from_, to, sort_by, descending, first, after)

    @strawberry.field(description="One weekly report by its ISO week (YYYY-Www).")
    async def weekly_report(self, info: Info, week: str) -> TrainingReport | None:
        record = await find_report(info, True, week)
        return TrainingReport.from_record(record) if record else None

    @strawberry.field(description="One monthly report by its month (YYYY-MM).")
    async def monthly_report(self, info: Info, month: str) -> TrainingReport | None:
        record = await find_report(info, False, month)
        return TrainingReport.from_record(record) if record else None

    @strawberry.field(description="Most recent activity first; soft-deleted ones hidden.")
    async def program_designer_sessions(
        self,
        info: Info,
        filter: ProgramDesignerSessionFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[ProgramDesignerSession] | None:
        return await list_designer_sessions(info, filter, first, after)

    @strawberry.field
    async def program_designer_session(
        self, info: Info, session_id: strawberry.ID
    ) -> ProgramDesignerSession | None:
        loader = info.context.loaders.of(DesignerSessionRecord)
        record = await loader.load((self.user_id, session_id))
        return ProgramDesignerSession.from_record(record) if record else None


def _connection(page: RecordList[R], convert: Callable[[R], T]) -> Connection[T]:
    return Connection.build(
        [convert(r) for r in page.records],
        page.cursors,
        has_next=page.has_next,
        has_previous=page.has_previous,
        count=page.count,
    )


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

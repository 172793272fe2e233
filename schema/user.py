"""`User`: the authenticated athlete, from whom the whole graph is reached."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, TypeVar

import strawberry
from strawberry.scalars import JSON

from datasources.records import UserRecord
from datasources.records.base import ItemRecord
from datasources.stores.coach import CoachQuery
from datasources.stores.conversation import ConversationQuery
from datasources.stores.memory import MemoryQuery
from datasources.stores.session import SessionQuery
from datasources.stores.summary import SummaryQuery
from datasources.stores.workout import WorkoutOrder as StoredOrder
from datasources.stores.workout import WorkoutQuery
from resolvers import graph
from resolvers.context import Info
from resolvers.errors import ApiError, Code
from resolvers.lists import RecordList
from schema.coach import Coach
from schema.connection import Connection
from schema.conversation import CoachConversation
from schema.convert import maybe, snake_keys
from schema.inputs import (
    CoachCreatorSessionFilter,
    MemoryFilter,
    OrderDirection,
    WorkoutFilter,
    WorkoutOrder,
)
from schema.memory import UserMemory
from schema.node import Node, encode_global_id
from schema.session import CoachCreatorSession
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


@strawberry.type
class Avatar:
    url: str | None
    s3_key: str | None


def _profile(get: Callable[[UserRecord], Any], description: str | None = None) -> Any:
    """A profile field. All of them share one (batched, cached) profile read per request."""

    async def resolve(root: User, info: Info) -> Any:
        return get(await root.record(info))

    return strawberry.field(resolver=resolve, description=description)


@strawberry.type(description="The signed-in athlete. Profile fields share one profile read.")
class User(Node):
    user_id: strawberry.ID

    @strawberry.field
    def id(self) -> strawberry.ID:
        return encode_global_id("User", self.user_id)

    async def record(self, info: Info) -> UserRecord:
        record = await info.context.loaders.profile_by_user.load(self.user_id)
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
    subscription: JSON = _profile(lambda r: r.attributes.subscription)
    demographics: JSON = _profile(lambda r: r.attributes.demographics)
    fitness: JSON = _profile(lambda r: r.attributes.fitness)
    created_at: datetime = _profile(lambda r: r.created_at)
    updated_at: datetime = _profile(lambda r: r.updated_at)
    version: int = _profile(lambda r: r.version, "Optimistic-concurrency version.")

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
        page = await graph.list_of(info, store, "coaches", query, first, after)
        return _connection(page, Coach.from_record)

    @strawberry.field
    async def coach(self, info: Info, coach_id: strawberry.ID) -> Coach | None:
        record = await info.context.loaders.coach_by_key.load((self.user_id, coach_id))
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
        page = await graph.list_of(info, store, "conversations", query, first, after)
        return _connection(page, CoachConversation.from_record)

    @strawberry.field(description="One conversation. Give `coachId` too for a direct read by key.")
    async def conversation(
        self, info: Info, conversation_id: strawberry.ID, coach_id: strawberry.ID | None = None
    ) -> CoachConversation | None:
        record = await graph.find_conversation(info, conversation_id, coach_id)
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
        page = await graph.list_of(
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
        page = await graph.list_of(info, store, "workouts", query, first, after)
        return _connection(page, Workout.from_record)

    @strawberry.field
    async def workout(self, info: Info, workout_id: strawberry.ID) -> Workout | None:
        record = await info.context.loaders.workout_by_key.load((self.user_id, workout_id))
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
        page = await graph.list_of(info, store, "memories", query, first, after)
        return _connection(page, UserMemory.from_record)

    @strawberry.field
    async def memory(self, info: Info, memory_id: strawberry.ID) -> UserMemory | None:
        record = await info.context.loaders.memory_by_key.load((self.user_id, memory_id))
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
        page = await graph.list_of(info, store, "sessions", query, first, after)
        return _connection(page, CoachCreatorSession.from_record)

    @strawberry.field
    async def coach_creator_session(
        self, info: Info, session_id: strawberry.ID
    ) -> CoachCreatorSession | None:
        record = await info.context.loaders.session_by_key.load((self.user_id, session_id))
        return CoachCreatorSession.from_record(record) if record else None


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

"""`User`: the authenticated athlete, from whom the whole graph is reached."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from enum import Enum
from typing import Annotated, Any, TypeVar, cast

import strawberry
from strawberry.scalars import JSON

from datasources.enums import read
from datasources.records import SubscriptionRecord, UserRecord
from resolvers.context import Info
from resolvers.errors import ApiError, Code
from schema.convert import maybe, snake_keys
from schema.entities import viewer_fields
from schema.exercise import Exercise, ExerciseNames, exercise_names
from schema.node import Node, encode_global_id
from schema.stats import TrainingStats, training_stats

T = TypeVar("T")


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


def _with_entity_fields(cls: type[T]) -> type[T]:
    """The entities' own viewer fields (their lists and reads by id, declared with each
    entity: schema/entities.py), added before strawberry reads the class."""
    for name, value in viewer_fields().items():
        setattr(cls, name, value)
    return cls


@strawberry.type(description="The signed-in athlete. Profile fields share one profile read.")
@_with_entity_fields
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

    # --- the graph: reads that are no entity's (the entities' own come from the registry) --

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

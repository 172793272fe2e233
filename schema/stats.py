"""`viewer.trainingStats`: streaks, this week and month, a calendar heat map, the
discipline mix and recent personal records, computed on the server from one projected
read of the athlete's workouts beside the profile (datasources/stats.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import strawberry

from datasources import cost, stats
from datasources.records import UserRecord, WorkoutRecord
from datasources.records import workout as records
from resolvers.context import Info
from resolvers.dates import day_range
from resolvers.errors import bad_input
from schema.convert import from_data
from schema.workout import PrAchievement, Workout

MAX_RANGE_DAYS = 3700  # about ten years of calendar in one answer


@strawberry.type(description="One day of the heat map: the athlete's day, with workouts.")
class TrainingDay:
    day: str = strawberry.field(description="YYYY-MM-DD in the athlete's time zone.")
    count: int


@strawberry.type
class DisciplineShare:
    discipline: str = strawberry.field(description='As stored ("unknown" when missing).')
    count: int
    share: float = strawberry.field(description="Of the range's workouts, 0..1.")


@strawberry.type(description="A personal record a workout logged (its `pr_achievements`).")
class TrainingRecord:
    day: str
    workout_id: strawberry.ID
    achievement: PrAchievement

    @strawberry.field
    async def workout(self, info: Info) -> Workout | None:
        user_id = info.context.require_user().user_id
        record = await info.context.loaders.of(WorkoutRecord).load((user_id, self.workout_id))
        return Workout.from_record(record) if record else None


@strawberry.type(
    description="Computed from one read of your workouts (projected to completion time, "
    "discipline and personal records) beside the profile: days are in the profile's "
    "`preferences.timezone` (UTC when it has none)."
)
class TrainingStats:
    timezone: str
    today: str = strawberry.field(description="YYYY-MM-DD, in `timezone`.")
    range_from: str = strawberry.field(description="The range the calendar, mix and records cover.")
    range_to: str
    total_workouts: int = strawberry.field(description="All time.")
    current_streak: int = strawberry.field(
        description="Consecutive days with a workout, ending today (or yesterday, while today "
        "has none yet)."
    )
    longest_streak: int = strawberry.field(description="All time.")
    longest_streak_start: str | None
    longest_streak_end: str | None
    workouts_this_week: int = strawberry.field(description="The ISO week (Monday first).")
    workouts_this_month: int
    workouts_in_range: int
    calendar: list[TrainingDay] = strawberry.field(
        description="Each day of the range that has workouts (days without are left out)."
    )
    discipline_mix: list[DisciplineShare] = strawberry.field(description="Most frequent first.")
    _records: strawberry.Private[list[stats.PersonalRecord]]

    @strawberry.field(description="The range's personal records, newest first.")
    def recent_records(self, first: int = 10) -> list[TrainingRecord]:
        return [
            TrainingRecord(
                day=r.day,
                workout_id=strawberry.ID(r.workout_id),
                achievement=from_data(
                    PrAchievement,
                    records.PrAchievement.model_validate(r.achievement).model_dump(by_alias=False),
                ),
            )
            for r in self._records[: max(first, 0)]
        ]


def _shares(pairs: list[tuple[str, int]], total: int) -> list[DisciplineShare]:
    return [
        DisciplineShare(discipline=d, count=n, share=n / total if total else 0) for d, n in pairs
    ]


async def training_stats(
    info: Info, low_text: str | None, high_text: str | None, now: datetime | None = None
) -> TrainingStats:
    low, high = day_range(low_text, high_text)
    if low is not None and high is not None and (high - low).days > MAX_RANGE_DAYS:
        raise bad_input(f"to: the range is longer than {MAX_RANGE_DAYS} days", ["to"])
    user_id = info.context.require_user().user_id
    profile, completions = await cost.gather(
        info.context.loaders.of(UserRecord).load((user_id,)),
        stats.read_completions(info.context.stores.table, user_id),
    )
    preferences: dict[str, Any] = profile.attributes.preferences if profile else {}
    zone_name, zone = stats.zone_of(preferences.get("timezone"))
    result = stats.compute(completions, zone_name, zone, now or datetime.now(UTC), low, high)
    return TrainingStats(
        timezone=result.timezone,
        today=result.today,
        range_from=result.range_from,
        range_to=result.range_to,
        total_workouts=result.total_workouts,
        current_streak=result.current_streak,
        longest_streak=result.longest_streak,
        longest_streak_start=result.longest_streak_start,
        longest_streak_end=result.longest_streak_end,
        workouts_this_week=result.workouts_this_week,
        workouts_this_month=result.workouts_this_month,
        workouts_in_range=result.workouts_in_range,
        calendar=[TrainingDay(day=d, count=n) for d, n in result.calendar],
        discipline_mix=_shares(result.disciplines, result.workouts_in_range),
        _records=result.records,
    )

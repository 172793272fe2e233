"""The app's per-exercise history: `viewer.exerciseNames`, `viewer.exercise(name:)` with
its history and personal records, `Workout.exercises`. Typed as the app types the rows
(libs/exercise/types.ts:81-210); the aggregates are the app's
(`calculateExerciseAggregations`, dynamodb/exercise.ts:339-405; types.ts:274-285) plus the
best estimated 1RM, pace and distance, each with the day and workout that set it."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any

import strawberry
from strawberry.experimental.pydantic import type as pydantic_type

from datasources.exercises import display_name, normalize_name
from datasources.records import exercise as records
from datasources.records.exercise import ExerciseRecord
from datasources.stores.base import PageRequest, RecordPage
from resolvers import user_lists
from resolvers.context import Info
from resolvers.dates import day_range
from resolvers.errors import bad_input
from schema.connection import Connection


@pydantic_type(model=records.BestSet, all_fields=True, name="ExerciseBestSet")
class ExerciseBestSet:
    pass


@pydantic_type(model=records.IntensityMetrics, all_fields=True, name="ExerciseIntensity")
class ExerciseIntensity:
    pass


@pydantic_type(model=records.LiftAttempts, all_fields=True, name="ExerciseAttempts")
class ExerciseAttempts:
    pass


@pydantic_type(model=records.ExerciseMetrics, all_fields=True, name="ExerciseMetrics")
class ExerciseMetrics:
    """libs/exercise/types.ts:81-161: a metric that does not apply is null."""


@pydantic_type(model=records.ExerciseMetadata, all_fields=True, name="ExerciseMetadata")
class ExerciseMetadata:
    pass


@strawberry.type(
    description="One exercise of one workout: the app's exercise row (`user#<id>` / "
    "`exercise#<name>#<YYYY-MM-DD>#<workoutId>#<seq>`)."
)
class ExerciseLog:
    exercise_id: strawberry.ID | None
    exercise_name: str = strawberry.field(description="The normalised (snake_case) name.")
    display_name: str
    original_name: str | None = strawberry.field(description="As the workout named it.")
    discipline: str | None
    workout_id: strawberry.ID
    coach_id: strawberry.ID | None
    completed_at: datetime | None
    day: str = strawberry.field(description="YYYY-MM-DD (UTC, as the app keys the row).")
    sequence: int = strawberry.field(description="1, 2, ... for the same exercise twice.")
    metrics: ExerciseMetrics
    metadata: ExerciseMetadata
    template_id: strawberry.ID | None
    logged_via: str | None

    @staticmethod
    def from_record(record: ExerciseRecord) -> ExerciseLog:
        a = record.attributes
        name = record.name
        return ExerciseLog(
            exercise_id=strawberry.ID(a.exercise_id) if a.exercise_id else None,
            exercise_name=name,
            display_name=display_name(name),
            original_name=a.original_name,
            discipline=a.discipline,
            workout_id=strawberry.ID(a.workout_id),
            coach_id=strawberry.ID(a.coach_id) if a.coach_id else None,
            completed_at=a.completed_at,
            day=record.day,
            sequence=a.sequence,
            metrics=ExerciseMetrics.from_pydantic(a.metrics),
            metadata=ExerciseMetadata.from_pydantic(a.metadata),
            template_id=strawberry.ID(a.template_id) if a.template_id else None,
            logged_via=a.logged_via,
        )


@strawberry.type(description="A personal best: the value, and the session that set it.")
class ExerciseBest:
    value: float
    text: str | None = strawberry.field(description='As stored, for a pace ("7:45").')
    unit: str | None
    day: str
    workout_id: strawberry.ID


@strawberry.type(
    description="The app's aggregates of an exercise's history (exercise.ts:339-405), with "
    "the bests that set them."
)
class ExerciseRecords:
    total_occurrences: int
    session_count: int = strawberry.field(description="Distinct workouts.")
    pr_weight: float | None = strawberry.field(description="The heaviest `maxWeight`.")
    pr_reps: float | None = strawberry.field(description="Most reps in one set (the app's).")
    pr_volume: float | None = strawberry.field(description="The biggest session `totalVolume`.")
    average_weight: float | None
    average_reps: float | None
    first_performed: str | None = strawberry.field(description="YYYY-MM-DD")
    last_performed: str | None = strawberry.field(description="YYYY-MM-DD")
    disciplines: list[str]
    best_weight: ExerciseBest | None
    best_estimated_1rm: ExerciseBest | None = strawberry.field(name="bestEstimated1RM")
    best_volume: ExerciseBest | None
    best_pace: ExerciseBest | None = strawberry.field(description="The fastest pace.")
    longest_distance: ExerciseBest | None


MAX_NAME = 120  # as the workout inputs' exercise names

_PACE = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{2})")


def pace_seconds(pace: str | None) -> float | None:
    """ "MM:SS" or "H:MM:SS" (per mile/km) as seconds; None when unreadable."""
    if not pace:
        return None
    found = _PACE.match(pace.strip())
    if found is None:
        return None
    hours, minutes, seconds = found.groups()
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds)


def _most_reps(m: records.ExerciseMetrics) -> float:
    """exercise.ts:368-374."""
    if m.reps_per_set:
        return max(m.reps_per_set)
    return m.total_reps or m.reps or 0


def aggregate(rows: list[ExerciseRecord]) -> ExerciseRecords | None:
    if not rows:
        return None
    best: dict[str, tuple[float, ExerciseRecord, str | None, str | None]] = {}

    def consider(
        key: str,
        value: float | None,
        row: ExerciseRecord,
        unit: str | None,
        text: str | None = None,
        lower: bool = False,
    ) -> None:
        if value is None or value <= 0:
            return
        held = best.get(key)
        if held is None or (value < held[0] if lower else value > held[0]):
            best[key] = (value, row, unit, text)

    weights: list[float] = []
    reps: list[float] = []
    disciplines: list[str] = []
    max_reps = 0.0
    for row in sorted(rows, key=lambda r: (r.day, r.sk)):  # the earliest keeps a tie
        m = row.attributes.metrics
        consider("weight", m.max_weight, row, m.weight_unit)
        consider("e1rm", m.estimated_1rm, row, m.weight_unit)
        consider("volume", m.total_volume, row, m.weight_unit)
        consider("pace", pace_seconds(m.pace), row, m.distance_unit, m.pace, lower=True)
        consider("distance", m.distance, row, m.distance_unit)
        max_reps = max(max_reps, _most_reps(m))
        if m.weight:
            weights.append(m.weight)
        if m.total_reps or m.reps:
            reps.append(m.total_reps or m.reps or 0)
        if row.attributes.discipline and row.attributes.discipline not in disciplines:
            disciplines.append(row.attributes.discipline)

    def out(key: str) -> ExerciseBest | None:
        if key not in best:
            return None
        value, row, unit, text = best[key]
        return ExerciseBest(
            value=value,
            text=text,
            unit=unit,
            day=row.day,
            workout_id=strawberry.ID(row.attributes.workout_id),
        )

    days = sorted(r.day for r in rows if r.day)
    weight, e1rm, volume = out("weight"), out("e1rm"), out("volume")
    return ExerciseRecords(
        total_occurrences=len(rows),
        session_count=len({r.attributes.workout_id for r in rows}),
        pr_weight=weight.value if weight else None,
        pr_reps=max_reps or None,
        pr_volume=volume.value if volume else None,
        average_weight=sum(weights) / len(weights) if weights else None,
        average_reps=sum(reps) / len(reps) if reps else None,
        first_performed=days[0] if days else None,
        last_performed=days[-1] if days else None,
        disciplines=disciplines,
        best_weight=weight,
        best_estimated_1rm=e1rm,
        best_volume=volume,
        best_pace=out("pace"),
        longest_distance=out("distance"),
    )


def _page_newest_first(rows: list[ExerciseRecord], request: PageRequest) -> RecordPage[Any]:
    """Rows newest day first; a position is [day, sort key], resumed strictly below."""
    after = list(request.after) if request.after is not None else None
    rest = rows if after is None else [r for r in rows if [r.day, r.sk] < after]
    chosen = rest[: request.size]
    return RecordPage(chosen, [[r.day, r.sk] for r in chosen], len(rest) > request.size, len(rows))


@strawberry.type(description="One exercise of the athlete, by its normalised name.")
class Exercise:
    exercise_name: str = strawberry.field(
        description="The name asked for, normalised as the app's fallback normalises "
        '("Back Squat" -> back_squat).'
    )
    display_name: str
    _reads: strawberry.Private[dict[tuple[str | None, str | None], asyncio.Future[Any]]]

    def _rows(
        self, info: Info, low: date | None, high: date | None
    ) -> Callable[[], Awaitable[list[ExerciseRecord]]]:
        span = (low.isoformat() if low else None, high.isoformat() if high else None)

        async def read() -> list[ExerciseRecord]:
            if span not in self._reads:
                user_id = info.context.require_user().user_id
                store = info.context.stores.exercises
                self._reads[span] = asyncio.ensure_future(
                    store.history(user_id, self.exercise_name, *span)
                )
            rows: list[ExerciseRecord] = await self._reads[span]
            return rows

        return read

    @strawberry.field(
        description="Each time it was done, newest day first (the app's GSI1 by day); "
        "`from`/`to` (YYYY-MM-DD, inclusive) bound the days. One query serves the page, "
        "`totalCount` and `records` over the same range."
    )
    async def history(
        self,
        info: Info,
        from_: Annotated[str | None, strawberry.argument(name="from")] = None,
        to: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[ExerciseLog]:
        low, high = day_range(from_, to)
        page, _ = await user_lists.list_whole(
            info,
            "exerciseHistory",
            _HistoryArgs(self.exercise_name, from_, to),
            first,
            after,
            self._rows(info, low, high),
            _page_newest_first,
            len,
        )
        return Connection.build(
            [ExerciseLog.from_record(r) for r in page.records],
            page.cursors,
            has_next=page.has_next,
            has_previous=page.has_previous,
            count=page.count,
        )

    @strawberry.field(description="Personal records and counts over the range (all by default).")
    async def records(
        self,
        info: Info,
        from_: Annotated[str | None, strawberry.argument(name="from")] = None,
        to: str | None = None,
    ) -> ExerciseRecords | None:
        low, high = day_range(from_, to)
        return aggregate(await self._rows(info, low, high)())

    @staticmethod
    def named(name: str) -> Exercise:
        if len(name) > MAX_NAME:
            raise bad_input(f"name: at most {MAX_NAME} characters", ["name"])
        normalized = normalize_name(name)
        return Exercise(exercise_name=normalized, display_name=display_name(normalized), _reads={})


@strawberry.type(description="One of the athlete's exercise names (the app's ExerciseNameEntry).")
class ExerciseNameEntry:
    exercise_name: str
    display_name: str
    count: int = strawberry.field(description="How many times it was logged.")
    last_performed: datetime | None
    last_day: str = strawberry.field(description="YYYY-MM-DD of the latest time.")
    disciplines: list[str]
    original_names: list[str] = strawberry.field(description="Every name it was logged as.")


@strawberry.type(description="The athlete's exercise names, most frequent first.")
class ExerciseNames:
    total_count: int = strawberry.field(description="Distinct names (before `first`).")
    exercises: list[ExerciseNameEntry]


async def exercise_names(info: Info, discipline: str | None, first: int | None) -> ExerciseNames:
    user_id = info.context.require_user().user_id
    names = await info.context.stores.exercises.names(user_id, discipline)
    shown = names if first is None else names[: max(first, 0)]
    return ExerciseNames(
        total_count=len(names),
        exercises=[
            ExerciseNameEntry(
                exercise_name=n.exercise_name,
                display_name=n.display_name,
                count=n.count,
                last_performed=n.last_performed,
                last_day=n.last_day,
                disciplines=n.disciplines,
                original_names=n.original_names,
            )
            for n in shown
        ],
    )


@dataclass(frozen=True)
class _HistoryArgs:
    """What a history cursor is bound to (the name and range)."""

    name: str
    low: str | None
    high: str | None

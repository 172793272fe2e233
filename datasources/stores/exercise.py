"""The app's exercise rows, read as the app reads them (amplify/dynamodb/exercise.ts):
one exercise's history through GSI1 by day (`queryExercises`, :260-334), the athlete's
exercise names by reading the `exercise#` rows of the partition (`queryExerciseNames`,
:411-490; here projected to the four attributes it groups by), a workout's rows by
`attributes.workoutId` under the `exercise#` prefix (:168-196; batched: every workout of a
request in one query)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from boto3.dynamodb.conditions import Attr, Key

from datasources import definition, keys
from datasources.exercises import display_name
from datasources.records.exercise import ExerciseRecord
from datasources.stores.base import EntityStore
from datasources.table import Table

_NAME_PROJECTION = [
    ("entityType",),
    ("gsi1sk",),
    ("attributes", "exerciseName"),
    ("attributes", "originalName"),
    ("attributes", "discipline"),
    ("attributes", "completedAt"),
]


@dataclass
class ExerciseName:
    """One entry of the app's `ExerciseNameEntry` (libs/exercise/types.ts:323-330)."""

    exercise_name: str
    count: int = 0
    last_performed: datetime | None = None
    last_day: str = ""
    disciplines: list[str] = field(default_factory=list)
    original_names: list[str] = field(default_factory=list)

    @property
    def display_name(self) -> str:
        return display_name(self.exercise_name)


class ExerciseStore(EntityStore[ExerciseRecord, None]):
    record_type = ExerciseRecord
    entity_name = "Exercise"
    sk_prefix = keys.EXERCISE_SK

    async def names(self, user_id: str, discipline: str | None) -> list[ExerciseName]:
        """Every exercise name of the athlete with its count and last day, most frequent
        first (the app's order, exercise.ts:480); ties by name."""
        condition = self._is_entity()
        if discipline is not None:
            condition = condition & Attr("attributes.discipline").eq(discipline)
        page = await self.table.query(
            Key("pk").eq(keys.user_pk(user_id)) & Key("sk").begins_with(self.sk_prefix),
            filter=condition,
            projection=_NAME_PROJECTION,
        )
        grouped: dict[str, ExerciseName] = {}
        for item in page.items:
            record = ExerciseRecord.from_projection(_envelope(item))
            a = record.attributes
            name = a.exercise_name or item["sk"].split("#")[1]
            entry = grouped.setdefault(name, ExerciseName(name))
            entry.count += 1
            day = record.day
            if day > entry.last_day:
                entry.last_day = day
                entry.last_performed = a.completed_at
            if a.discipline and a.discipline not in entry.disciplines:
                entry.disciplines.append(a.discipline)
            if a.original_name and a.original_name not in entry.original_names:
                entry.original_names.append(a.original_name)
        return sorted(grouped.values(), key=lambda e: (-e.count, e.exercise_name))

    async def history(
        self, user_id: str, exercise_name: str, low: str | None, high: str | None
    ) -> list[ExerciseRecord]:
        """One exercise's rows, newest day first (GSI1: exercise.ts:274-301), in the day
        range when given (inclusive)."""
        key = Key("gsi1pk").eq(keys.exercise_gsi1pk(user_id, exercise_name))
        if low is not None and high is not None:
            key = key & Key("gsi1sk").between(low, high)
        elif low is not None:
            key = key & Key("gsi1sk").gte(low)
        elif high is not None:
            key = key & Key("gsi1sk").lte(high)
        page = await self.table.query(
            key, index=definition.GSI_EMAIL, filter=self._is_entity(), forward=False
        )
        records = [r for r, _ in self._parsed(page.items)]
        # Newest first; within a day, the workout and sequence (the sort key) decide.
        return sorted(records, key=lambda r: (r.day, r.sk), reverse=True)


def _envelope(item: dict[str, object]) -> dict[str, object]:
    """A projected row made parseable (the envelope's timestamps are not projected)."""
    epoch = "1970-01-01T00:00:00.000Z"
    return {"createdAt": epoch, "updatedAt": epoch, **item}


async def rows_of_workouts(
    table: Table, user_id: str, workout_ids: list[str]
) -> dict[str, list[ExerciseRecord]]:
    """The rows of several workouts of one athlete, in one query (chunks of 100 ids: the
    IN operator's limit), each workout's by name then sequence."""
    found: dict[str, list[ExerciseRecord]] = {w: [] for w in workout_ids}
    unique = list(dict.fromkeys(workout_ids))
    for start in range(0, len(unique), 100):
        chunk = unique[start : start + 100]
        page = await table.query(
            Key("pk").eq(keys.user_pk(user_id)) & Key("sk").begins_with(keys.EXERCISE_SK),
            filter=Attr("entityType").eq(keys.EXERCISE) & Attr("attributes.workoutId").is_in(chunk),
            consistent=True,  # a mutation's payload shows the rows it just wrote
        )
        for item in page.items:
            record = ExerciseRecord.from_item(item)
            found.setdefault(record.attributes.workout_id, []).append(record)
    for rows in found.values():
        rows.sort(key=lambda r: r.sk)
    return found

"""Workouts: log, update, delete; ordered by completion time (through the `lists` index,
or the base table before it exists).

The detailed log goes to S3 first; the item that points at it (key, size, SHA-256) is
written after, in the conditional transaction. A failure in between leaves at most an
orphan object, which `uv run server.py sweep-orphans` removes; no pointer ever names a
missing object. A changed log is written under a new key, never over the object the
current pointer names (keys are content-addressed, see `keys.workout_log_key`).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any

from boto3.dynamodb.conditions import ConditionBase

from datasources import keys
from datasources.enums import Discipline, read
from datasources.errors import AlreadyExists, Cancelled, Invalid, NotFound
from datasources.idempotency import Intent
from datasources.inputs.workout import DeleteWorkout, LogWorkout, UpdateWorkout, WorkoutFields
from datasources.records import WorkoutAttributes, WorkoutData, WorkoutRecord, utcnow
from datasources.records.workout import ExtractionMetadata
from datasources.stores.base import (
    EntityStore,
    PageRequest,
    RecordPage,
    all_of,
    field,
    reads_as,
)
from datasources.stores.coach import current_coaches, require_coaches
from datasources.transaction import Transaction, at_version

# Input fields stored under `workoutData` by the same name.
_DATA_FIELDS = (
    "workout_name",
    "workout_type",
    "methodology",
    "duration",
    "location",
    "performance_metrics",
    "pr_achievements",
    "subjective_feedback",
    "coach_notes",
    "environmental_factors",
    "recovery_metrics",
    "metadata",
)


class WorkoutOrder(Enum):
    COMPLETED_AT = "completedAt"  # the index's order: pages read what they return
    CONFIDENCE = "confidence"  # not key orders: every match is read and sorted
    WORKOUT_NAME = "workoutName"


@dataclass(frozen=True)
class WorkoutQuery:
    """The filters and the order of the workouts list."""

    completed_from: datetime | None = None
    completed_to: datetime | None = None
    discipline: str | None = None
    workout_type: str | None = None
    location: str | None = None
    coach_id: str | None = None
    min_confidence: float | None = None
    order: WorkoutOrder = WorkoutOrder.COMPLETED_AT
    descending: bool = True


class WorkoutStore(EntityStore[WorkoutRecord, WorkoutQuery]):
    record_type = WorkoutRecord
    what = "Workout"
    sk_prefix = keys.WORKOUT_SK
    counter = "workouts"
    default_query = WorkoutQuery()

    @classmethod
    def where(cls, query: WorkoutQuery) -> ConditionBase | None:
        data = ("attributes", "workout_data")
        return all_of(
            reads_as(field(WorkoutRecord, *data, "discipline"), read(Discipline, query.discipline))
            if query.discipline
            else None,
            field(WorkoutRecord, *data, "workout_type").eq(query.workout_type)
            if query.workout_type
            else None,
            field(WorkoutRecord, *data, "location").eq(query.location) if query.location else None,
            field(WorkoutRecord, "attributes", "coach_ids").contains(query.coach_id)
            if query.coach_id
            else None,
            field(WorkoutRecord, "attributes", "extraction_metadata", "confidence").gte(
                query.min_confidence
            )
            if query.min_confidence is not None
            else None,
        )

    async def list_for_user(
        self, user_id: str, request: PageRequest, query: WorkoutQuery
    ) -> RecordPage[WorkoutRecord]:
        between = _range(query)
        if query.order is WorkoutOrder.COMPLETED_AT:
            return await self._list(
                user_id,
                request,
                filter=self.where(query),
                between=between,
                forward=not query.descending,
            )
        records = await self._matching(user_id, self.where(query), between)
        ordered = sorted(records, key=lambda r: _sort_key(r, query.order, query.descending))
        if request.after is not None:
            ordered = [
                r for r in ordered if _sort_key(r, query.order, query.descending) > request.after
            ]
        chosen = ordered[: request.size]
        return RecordPage(
            chosen,
            [_sort_key(r, query.order, query.descending) for r in chosen],
            has_more=len(ordered) > request.size,
            total=len(records),
        )

    def counted_by(self, query: WorkoutQuery) -> str | None:
        return None if _range(query) is not None else super().counted_by(query)

    async def count_for_user(self, user_id: str, query: WorkoutQuery) -> int:
        return await self._count(user_id, filter=self.where(query), between=_range(query))

    async def get(self, user_id: str, workout_id: str) -> WorkoutRecord | None:
        return await self.get_by_key(keys.user_pk(user_id), keys.workout_sk(workout_id))

    async def log(self, user_id: str, data: LogWorkout) -> WorkoutRecord:
        intent = Intent.of(user_id, data)
        return await self._once(intent, lambda: self._log(user_id, data, intent), self._reload)

    async def _log(self, user_id: str, data: LogWorkout, intent: Intent) -> WorkoutRecord:
        _check_discipline(data.discipline.value, data)
        coach_ids = list(dict.fromkeys(data.coach_ids or []))
        coaches = await current_coaches(self.table, user_id, coach_ids)
        now = utcnow()
        attrs = WorkoutAttributes(
            workout_id=data.workout_id or f"workout_{uuid.uuid4().hex}",
            user_id=user_id,
            coach_ids=coach_ids,
            coach_names=[c.attributes.coach_name for c in coaches],
            conversation_id=data.conversation_id,
            completed_at=data.completed_at,
            workout_data=WorkoutData(
                discipline=data.discipline.value, date=data.completed_at.strftime("%Y-%m-%d")
            ),
            extraction_metadata=ExtractionMetadata(
                confidence=data.extraction_confidence, extracted_at=now
            )
            if data.extraction_confidence is not None
            else None,
            summary=data.summary,
        )
        _apply_data(attrs.workout_data, data)
        record = WorkoutRecord.new(attrs, now)
        if data.detailed_log is not None:
            # S3 first; the pointer (with checksum) is only written if this succeeded.
            stored = await self.content.put_json(
                _log_key(user_id, attrs.workout_data.date, attrs.workout_id), data.detailed_log
            )
            attrs.detailed_log = stored.to_pointer()
        tx = Transaction().create("workout", record)
        require_coaches(tx, user_id, coach_ids)
        try:
            await self._commit(tx, intent, record.key)
        except Cancelled as err:
            if err.failed("workout"):
                raise AlreadyExists(
                    f"workoutId {attrs.workout_id} is already taken", "workoutId"
                ) from err
            if err.failed_any("coach"):
                raise NotFound("Coach") from err
            raise
        self._wrote(record)
        return record

    async def update(self, user_id: str, data: UpdateWorkout) -> WorkoutRecord:
        intent = Intent.of(user_id, data)
        return await self._once(intent, lambda: self._update(user_id, data, intent), self._reload)

    async def _update(self, user_id: str, data: UpdateWorkout, intent: Intent) -> WorkoutRecord:
        key = (keys.user_pk(user_id), keys.workout_sk(data.workout_id))
        record = await self._current(key, data.expected_version)
        attrs = record.attributes
        _check_discipline(attrs.workout_data.discipline, data)
        _apply_data(attrs.workout_data, data)
        if data.summary is not None:
            attrs.summary = data.summary
        tx = Transaction()
        if data.coach_ids is not None:
            attrs.coach_ids = list(dict.fromkeys(data.coach_ids))
            coaches = await current_coaches(self.table, user_id, attrs.coach_ids)
            attrs.coach_names = [c.attributes.coach_name for c in coaches]
        if data.completed_at is not None:
            attrs.completed_at = data.completed_at
            attrs.workout_data.date = data.completed_at.strftime("%Y-%m-%d")
        if data.extraction_confidence is not None:
            meta = attrs.extraction_metadata or ExtractionMetadata()
            meta.confidence = data.extraction_confidence
            meta.reviewed_at = utcnow()
            attrs.extraction_metadata = meta
        old_log = (attrs.detailed_log or {}).get("s3Key")
        if data.detailed_log is not None:
            stored = await self.content.put_json(
                _log_key(user_id, attrs.workout_data.date, attrs.workout_id), data.detailed_log
            )
            attrs.detailed_log = stored.to_pointer()
        tx.save("workout", record)
        require_coaches(tx, user_id, attrs.coach_ids if data.coach_ids is not None else [])
        try:
            await self._commit(tx, intent, record.key)
        except Cancelled as err:
            self._version_conflict(err, "workout")
            if err.failed_any("coach"):
                raise NotFound("Coach") from err
            raise
        self._wrote(record)
        new_log = (attrs.detailed_log or {}).get("s3Key")
        if data.detailed_log is not None and old_log != new_log:
            await self._forget_objects(old_log)
        return record

    async def delete(self, user_id: str, data: DeleteWorkout) -> str:
        intent = Intent.of(user_id, data)

        async def replay(_: object) -> str:
            return data.workout_id

        return await self._once(intent, lambda: self._delete(user_id, data, intent), replay)

    async def _delete(self, user_id: str, data: DeleteWorkout, intent: Intent) -> str:
        key = (keys.user_pk(user_id), keys.workout_sk(data.workout_id))
        record = await self._current(key, data.expected_version)
        tx = Transaction().delete(
            "workout", key, condition=at_version(data.expected_version), was=record
        )
        try:
            await self._commit(tx, intent, None)
        except Cancelled as err:
            self._version_conflict(err, "workout")
            raise
        self._gone(key)
        # The item is gone first, then its objects: a failure here only leaves an orphan.
        await self._forget_objects((record.attributes.detailed_log or {}).get("s3Key"))
        return data.workout_id


def _range(query: WorkoutQuery) -> tuple[str, str] | None:
    """A completion-time range is a list-key range (a key range on the lists index)."""
    low, high = query.completed_from, query.completed_to
    if low is None and high is None:
        return None
    return keys.workout_list_bound(low, upper=False), keys.workout_list_bound(high, upper=True)


def _text_desc(value: str) -> list[int]:
    # Negated code points plus a sentinel sort strings in reverse when compared ascending.
    return [-ord(c) for c in value.casefold()] + [1]


def _sort_key(record: WorkoutRecord, order: WorkoutOrder, descending: bool) -> list[Any]:
    attrs = record.attributes
    if order is WorkoutOrder.CONFIDENCE:
        meta = attrs.extraction_metadata
        value: Any = meta.confidence if meta else None
        if value is not None and descending:
            value = -value
    else:
        name = attrs.workout_data.workout_name
        value = None if name is None else (_text_desc(name) if descending else [name.casefold()])
    # Missing values last in either direction; the id makes the order total.
    return [1, 0, attrs.workout_id] if value is None else [0, value, attrs.workout_id]


def _log_key(user_id: str, day: str | None, workout_id: str) -> Callable[[str], str]:
    return lambda digest: keys.workout_log_key(user_id, day or "", workout_id, digest)


def _check_discipline(discipline: str | None, data: WorkoutFields) -> None:
    if data.discipline_specific is None or discipline is None:
        return
    (name,) = data.discipline_specific.stored()
    if name != discipline:
        raise Invalid(
            f"disciplineSpecific is for {name}, but the workout is {discipline}",
            "disciplineSpecific",
        )


def _apply_data(target: WorkoutData, data: WorkoutFields) -> None:
    """The given workoutData fields onto the stored shape (absent ones are left as they are)."""
    given: dict[str, Any] = {
        f: getattr(data, f) for f in _DATA_FIELDS if getattr(data, f) is not None
    }
    plain = {
        f: [_plain(v) for v in value] if isinstance(value, list) else _plain(value)
        for f, value in given.items()
    }
    if data.discipline_specific is not None:
        plain["discipline_specific"] = data.discipline_specific.stored()
    parsed = WorkoutData.model_validate(plain)
    for name in plain:
        setattr(target, name, getattr(parsed, name))


def _plain(value: Any) -> Any:
    return value.model_dump(exclude_none=True) if hasattr(value, "model_dump") else value

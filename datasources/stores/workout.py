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
from dataclasses import field as dataclass_field
from datetime import datetime
from enum import Enum
from typing import Any

from boto3.dynamodb.conditions import Attr, ConditionBase, Key

from datasources import exercises, keys
from datasources.enums import Discipline, read
from datasources.errors import AlreadyExists, Cancelled, Invalid, NotFound
from datasources.idempotency import Intent
from datasources.inputs.workout import DeleteWorkout, LogWorkout, UpdateWorkout, WorkoutFields
from datasources.loaders import request_cache
from datasources.records import WorkoutAttributes, WorkoutData, WorkoutRecord, utcnow
from datasources.records.base import format_timestamp, merge_dict, merge_field
from datasources.records.workout import ExtractionMetadata
from datasources.stores.base import (
    EntityStore,
    PageRequest,
    RecordPage,
    all_of,
    field,
    idempotent,
    reads_as,
)
from datasources.stores.coach import current_coaches, require_coaches
from datasources.transaction import Transaction, at_version
from datasources.uploads import Uploads, workout_attachments

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


# A workout the athlete logs through this API is their own account of it, not an extraction
# from conversation: its confidence is 1.0 and its workoutData.metadata says so in the app's
# own words (libs/schemas/workout-schema.ts:1591-1627, shown by WorkoutViewer.jsx:3310-3344).
# A client that extracted the workout itself sends extractionConfidence instead.
SELF_LOGGED_CONFIDENCE = 1.0


def _source_metadata(extraction_confidence: float | None) -> dict[str, Any]:
    """workoutData.metadata keys that say where a workout logged here came from (the
    WorkoutMetadata the app's type requires, libs/workout/types.ts:971-985); the caller's
    own metadata keys win."""
    extracted = extraction_confidence is not None
    return {
        "logged_via": "app" if extracted else "manual",
        "extraction_method": "api_import" if extracted else "manual_entry",
        "ai_extracted": extracted,
        "user_verified": not extracted,
        "data_confidence": extraction_confidence if extracted else SELF_LOGGED_CONFIDENCE,
        "version": "1.0",
        "schema_version": "2.0",
    }


# What every workout has (a name, a completion time, its coaches, a confidence, the log's
# pointer): an update's explicit null leaves these as they are (as every null used to).
_KEPT = frozenset(
    {"workout_name", "completed_at", "coach_ids", "extraction_confidence", "detailed_log"}
)


class WorkoutOrder(Enum):
    COMPLETED_AT = "completedAt"  # the index's order: pages read what they return
    CONFIDENCE = "confidence"  # not key orders: every match is read and sorted
    WORKOUT_NAME = "workoutName"


@dataclass(frozen=True)
class DeletedWorkout:
    workout_id: str
    exercise_count: int  # the app's exercise rows of it that went with it


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
    entity_name = "Workout"
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

    @idempotent
    async def log(self, user_id: str, data: LogWorkout, intent: Intent) -> WorkoutRecord:
        _check_discipline(data.discipline.value, data)
        await self.check_images(user_id, data.image_s3_keys)
        coach_ids = list(dict.fromkeys(data.coach_ids or []))
        coaches = await current_coaches(self.table, user_id, coach_ids)
        now = utcnow()
        workout_id = data.workout_id or f"workout_{uuid.uuid4().hex}"
        confidence = (
            SELF_LOGGED_CONFIDENCE
            if data.extraction_confidence is None
            else data.extraction_confidence
        )
        attrs = WorkoutAttributes(
            workout_id=workout_id,
            user_id=user_id,
            coach_ids=coach_ids,
            coach_names=[c.attributes.coach_name for c in coaches],
            conversation_id=data.conversation_id,
            completed_at=data.completed_at,
            # The app keeps the name twice and shows the root one (dynamodb/workout.ts:519-525).
            workout_name=data.workout_name,
            workout_data=WorkoutData(
                workout_id=workout_id,
                user_id=user_id,
                discipline=data.discipline.value,
                date=data.completed_at.strftime("%Y-%m-%d"),
            ),
            extraction_metadata=ExtractionMetadata(confidence=confidence, extracted_at=now),
            summary=data.summary,
        )
        _apply_data(attrs.workout_data, data)
        if data.image_s3_keys:
            attrs.image_s3_keys = list(data.image_s3_keys)
        attrs.workout_data.metadata = {
            **_source_metadata(data.extraction_confidence),
            **(attrs.workout_data.metadata or {}),
        }
        record = WorkoutRecord.new(attrs, now)
        if data.detailed_log is not None:
            # S3 first; the pointer (with checksum) is only written if this succeeded.
            stored = await self.content.put_json(
                _log_key(user_id, attrs.workout_data.date, attrs.workout_id), data.detailed_log
            )
            attrs.detailed_log = stored.to_pointer()
        tx = Transaction().create("workout", record)
        require_coaches(tx, user_id, coach_ids)
        # The app's exercise rows of its structured sets, in the same transaction.
        rows = exercises.rows_for_workout(record.to_item(), format_timestamp(now))
        later = _sync_rows(tx, [], rows)
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
        await self._finish_rows(later)
        return record

    async def check_images(
        self, user_id: str, images: list[str] | None, already: list[str] | None = None
    ) -> None:
        """The photos are the athlete's uploads and there (`datasources/uploads.py`)."""
        found = workout_attachments(images, already)
        if found:
            await Uploads(self.content).check(user_id, found)

    @idempotent
    async def update(self, user_id: str, data: UpdateWorkout, intent: Intent) -> WorkoutRecord:
        key = (keys.user_pk(user_id), keys.workout_sk(data.workout_id))
        record = await self._current(key, data.expected_version)
        attrs = record.attributes
        _check_discipline(attrs.workout_data.discipline, data)
        if "image_s3_keys" in data.model_fields_set:
            # A list replaces the photos (only new keys are checked); null removes them.
            await self.check_images(user_id, data.image_s3_keys, attrs.image_s3_keys)
            merge_field(attrs, "image_s3_keys", data.image_s3_keys or None)
        _merge_data(attrs.workout_data, data)
        if data.workout_name is not None:
            attrs.workout_name = data.workout_name  # a rename renames both copies
        if "summary" in data.model_fields_set:
            merge_field(attrs, "summary", data.summary)
        if attrs.extraction_metadata is None:
            # Written before this API wrote it: the app cannot list the workout without it.
            attrs.extraction_metadata = ExtractionMetadata(
                confidence=SELF_LOGGED_CONFIDENCE, extracted_at=record.created_at
            )
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
        later = await self._resync_rows(tx, user_id, record, data)
        try:
            await self._commit(tx, intent, record.key)
        except Cancelled as err:
            self._version_conflict(err, "workout")
            if err.failed_any("coach"):
                raise NotFound("Coach") from err
            raise
        self._wrote(record)
        await self._finish_rows(later)
        new_log = (attrs.detailed_log or {}).get("s3Key")
        if data.detailed_log is not None and old_log != new_log:
            await self._forget_objects(old_log)
        return record

    async def delete(self, user_id: str, data: DeleteWorkout) -> DeletedWorkout:
        intent = Intent.of(user_id, data)

        async def replay(_: object) -> DeletedWorkout:
            # The deletion committed before: finish what it left (nothing, usually).
            marker = await self.table.get(*intent.marker_key, consistent=True)
            outcome = Intent.outcome_of(marker or {})
            await self._finish_deletion(user_id, data.workout_id)
            return DeletedWorkout(data.workout_id, int(outcome.get("deletedExerciseCount", 0)))

        return await self._once(intent, lambda: self._delete(user_id, data, intent), replay)

    async def _delete(self, user_id: str, data: DeleteWorkout, intent: Intent) -> DeletedWorkout:
        """The workout and the app's exercise rows of it (delete-workout/handler.ts:27-52):
        in one transaction when they fit; otherwise the transaction also records the
        deletion as pending (`workoutDeletion` item), the rest of the rows are deleted after
        it, and the record goes last. A call interrupted in between is finished by a retry,
        with or without the idempotency key (a workout that is gone with its deletion pending
        is finished, not NOT_FOUND). The app's Pinecone `workout_summary` record is out of
        this API's reach."""
        key = (keys.user_pk(user_id), keys.workout_sk(data.workout_id))
        try:
            record = await self._current(key, data.expected_version)
        except NotFound:
            pending = await self._finish_deletion(user_id, data.workout_id)
            if pending is None:
                raise
            return DeletedWorkout(data.workout_id, pending)
        rows = await self._exercise_rows(user_id, data.workout_id)
        tx = Transaction().delete(
            "workout", key, condition=at_version(data.expected_version), was=record
        )
        fits = tx.room(reserve=1) >= len(rows)  # the idempotency marker
        now = rows if fits else rows[: tx.room(reserve=2)]  # ... and the pending record
        later = rows[len(now) :]
        for n, row in enumerate(now):
            tx.delete(f"exercise:{n}", row)
        if later:
            pending_key = (keys.user_pk(user_id), keys.workout_deletion_sk(data.workout_id))
            tx.put(
                "pending",
                {
                    "pk": pending_key[0],
                    "sk": pending_key[1],
                    "entityType": keys.WORKOUT_DELETION,
                    "attributes": {
                        "workoutId": data.workout_id,
                        "exerciseCount": len(rows),
                        "startedAt": format_timestamp(utcnow()),
                    },
                },
            )
        try:
            await self._commit(tx, intent, None, outcome={"deletedExerciseCount": len(rows)})
        except Cancelled as err:
            self._version_conflict(err, "workout")
            raise
        self._gone(key, *now)
        _rows_changed()
        if later:
            await self._finish_deletion(user_id, data.workout_id, later)
        # The item is gone first, then its objects: a failure here only leaves an orphan.
        await self._forget_objects((record.attributes.detailed_log or {}).get("s3Key"))
        return DeletedWorkout(data.workout_id, len(rows))

    async def _resync_rows(
        self, tx: Transaction, user_id: str, record: WorkoutRecord, data: UpdateWorkout
    ) -> _LaterRows:
        """An update that changes the structured sets or the completion time keeps the
        exercise rows in step, in the same transaction: new sets (of a discipline this API
        extracts) are extracted again (as the app does on an edit: delete, then build
        again: exercise.ts:163-254, build-exercise `isEdit`); a new completion time alone
        moves the existing rows to the new day, as they were written."""
        attrs = record.attributes
        extracted = (attrs.workout_data.discipline or "").lower() in exercises.EXTRACTED
        specific = "discipline_specific" in data.model_fields_set
        if data.completed_at is None and not (specific and extracted):
            return _LaterRows()  # nothing the rows hold changed: no read
        old = await self._exercise_items(user_id, attrs.workout_id)
        stamp = format_timestamp(utcnow())
        item = record.to_item()
        if specific and extracted:
            new = exercises.rows_for_workout(item, stamp)
        else:  # only the time changed: the rows as written (the app's names kept), moved
            new = exercises.moved_rows(old, item, stamp)
        return _sync_rows(tx, [(str(i["pk"]), str(i["sk"])) for i in old], new)

    async def _finish_rows(self, later: _LaterRows) -> None:
        """What did not fit in the transaction: unconditional puts and deletes of rows whose
        content follows from the committed workout, so a retry (or the next update) that
        repeats them is harmless."""
        _rows_changed()
        if later.puts:
            await self.table.batch_put(later.puts)
        if later.deletes:
            await self.table.batch_delete(later.deletes)
            self._gone(*later.deletes)

    async def _exercise_items(self, user_id: str, workout_id: str) -> list[dict[str, Any]]:
        """The workout's exercise rows, whole (consistent)."""
        page = await self.table.query(
            Key("pk").eq(keys.user_pk(user_id)) & Key("sk").begins_with(keys.EXERCISE_SK),
            filter=Attr("attributes.workoutId").eq(workout_id),
            consistent=True,
        )
        return page.items

    async def _exercise_rows(self, user_id: str, workout_id: str) -> list[tuple[str, str]]:
        """The keys of the app's exercise rows of a workout, found as the app finds them."""
        page = await self.table.query(
            Key("pk").eq(keys.user_pk(user_id)) & Key("sk").begins_with(keys.EXERCISE_SK),
            filter=Attr("attributes.workoutId").eq(workout_id),
            consistent=True,
            projection=[("pk",), ("sk",)],
        )
        return [(str(i["pk"]), str(i["sk"])) for i in page.items]

    async def _finish_deletion(
        self, user_id: str, workout_id: str, rows: list[tuple[str, str]] | None = None
    ) -> int | None:
        """Delete what a pending deletion of the workout left (`rows`, or what is still
        there), then its record; the count it recorded, or None when none was pending."""
        pending_key = (keys.user_pk(user_id), keys.workout_deletion_sk(workout_id))
        if rows is None:
            pending = await self.table.get(*pending_key, consistent=True)
            if pending is None:
                return None
            rows = await self._exercise_rows(user_id, workout_id)
        else:
            pending = None
        await self.table.batch_delete(rows)
        self._gone(*rows)
        await self.table.delete(*pending_key)
        recorded = (pending or {}).get("attributes", {}).get("exerciseCount", len(rows))
        return int(recorded)


def _rows_changed() -> None:
    """The request's `Workout.exercises` reads again after a write of rows (a document
    with several mutations shows each one's rows)."""
    cache = request_cache.get()
    if cache is not None:
        cache.exercises_by_workout.clear_all()


@dataclass
class _LaterRows:
    puts: list[dict[str, Any]] = dataclass_field(default_factory=list)
    deletes: list[tuple[str, str]] = dataclass_field(default_factory=list)


def _sync_rows(
    tx: Transaction, old: list[tuple[str, str]], new: list[dict[str, Any]]
) -> _LaterRows:
    """Put `new`, delete the `old` keys it does not replace: in `tx` as far as it has room
    (one action kept for the idempotency marker), the rest returned for after the commit."""
    new_keys = {(str(i["pk"]), str(i["sk"])) for i in new}
    actions: list[tuple[str, Any]] = [("put", i) for i in new]
    actions += [("delete", k) for k in old if k not in new_keys]
    room = tx.room(reserve=1)
    for n, (kind, value) in enumerate(actions[:room]):
        if kind == "put":
            tx.put(f"exercise:{n}", value)
        else:
            tx.delete(f"exercise:{n}", value)
    rest = actions[room:]
    return _LaterRows(
        puts=[v for k, v in rest if k == "put"], deletes=[v for k, v in rest if k == "delete"]
    )


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
    name = data.discipline_specific.name
    if name != discipline:
        raise Invalid(
            f"disciplineSpecific is for {name}, but the workout is {discipline}",
            "disciplineSpecific",
        )


def _apply_data(target: WorkoutData, data: WorkoutFields) -> None:
    """A new workout's workoutData fields onto the stored shape (what was given, no nulls)."""
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


def _merge_data(target: WorkoutData, data: UpdateWorkout) -> None:
    """An update's workoutData fields merged into the stored ones, at the deepest level:
    only the keys given change, a null removes its key, every other key (the app's, and
    those this API does not know) stays as stored."""
    for name in _DATA_FIELDS:
        value = getattr(data, name)
        if name in data.model_fields_set and (value is not None or name not in _KEPT):
            merge_field(target, name, value)
    if "discipline_specific" in data.model_fields_set:
        specific = data.discipline_specific
        if specific is None:
            merge_field(target, "discipline_specific", None)
        else:
            target.discipline_specific = merge_dict(
                target.discipline_specific or {}, specific.patch()
            )


def _plain(value: Any) -> Any:
    return value.model_dump(exclude_none=True) if hasattr(value, "model_dump") else value

"""logWorkout / updateWorkout / deleteWorkout.

The detailed log goes to S3 first; the item that points at it (key, size, SHA-256) is
written after, in the conditional transaction. A failure in between leaves at most an
orphan object, which `uv run server.py sweep-orphans` removes; no pointer ever names a
missing object. A changed log is written under a new key (`.v<version>`), never over the
object the current pointer names.
"""

from __future__ import annotations

import contextlib
import uuid
from typing import Any

from boto3.dynamodb.conditions import Attr

from datasources import keys
from datasources.errors import StorageError
from datasources.records import WorkoutAttributes, WorkoutData, WorkoutRecord, utcnow
from datasources.stores.coach import CoachStore
from datasources.table import TransactAction
from resolvers.context import Info
from resolvers.errors import bad_input, not_found
from resolvers.writes import (
    Commit,
    Replayed,
    bump,
    commit_record,
    current,
    raise_for_reasons,
    reload,
    version_is,
)

WHAT = "Workout"
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
)


def _check_discipline(discipline: str | None, data: Any) -> None:
    if data.discipline_specific is None or discipline is None:
        return
    (name,) = data.discipline_specific.stored()
    if name != discipline:
        raise bad_input(
            f"disciplineSpecific is for {name}, but the workout is {discipline}",
            ["input", "disciplineSpecific"],
        )


def _coach_checks(user_id: str, coach_ids: list[str]) -> list[TransactAction]:
    return [CoachStore.exists_check(user_id, c) for c in coach_ids]


async def _coach_names(info: Info, user_id: str, coach_ids: list[str]) -> list[str]:
    records = await info.context.loaders.coach_by_key.load_many([(user_id, c) for c in coach_ids])
    missing = [c for c, r in zip(coach_ids, records, strict=True) if r is None]
    if missing:
        raise not_found(f"Coach {missing[0]}")
    return [r.attributes.coach_name for r in records if r is not None]


async def log_workout(info: Info, data: Any) -> WorkoutRecord:
    user_id, commit = Commit.for_caller(info, "logWorkout", data)
    store = info.context.stores.workouts
    if await commit.seen():
        return await commit.replay(store, WHAT)
    _check_discipline(data.discipline.value, data)
    coach_ids = list(dict.fromkeys(data.coach_ids or []))
    names = await _coach_names(info, user_id, coach_ids)
    now = utcnow()
    workout_data: dict[str, Any] = {
        "discipline": data.discipline.value,
        "date": data.completed_at.strftime("%Y-%m-%d"),
        **{f: _plain(getattr(data, f)) for f in _DATA_FIELDS if getattr(data, f) is not None},
    }
    if data.discipline_specific is not None:
        workout_data["discipline_specific"] = data.discipline_specific.stored()
    attrs = WorkoutAttributes(
        workout_id=data.workout_id or f"workout_{uuid.uuid4().hex}",
        user_id=user_id,
        coach_ids=coach_ids,
        coach_names=names,
        conversation_id=data.conversation_id,
        completed_at=data.completed_at,
        workout_data=WorkoutData.model_validate(workout_data),
        extraction_metadata={"confidence": data.extraction_confidence, "extractedAt": now}
        if data.extraction_confidence is not None
        else None,
        summary=data.summary,
    )
    record = WorkoutRecord.new(attrs, now)
    if data.detailed_log is not None:
        # S3 first; the pointer (with checksum) is only written if this succeeded.
        stored = await info.context.stores.content.put_json(
            keys.workout_log_key(user_id, attrs.workout_data.date or "", attrs.workout_id),
            data.detailed_log,
        )
        attrs.detailed_log = stored.to_pointer()
    put = TransactAction(
        "Put", *record.key, item=record.to_item(), condition=Attr("pk").not_exists()
    )
    try:
        reasons = await commit.run([put, *_coach_checks(user_id, coach_ids)], record.key)
    except Replayed as replay:
        return await reload(store, replay.result_key, WHAT)
    if reasons[:1] == ["ConditionalCheckFailed"]:
        raise bad_input(f"workoutId {attrs.workout_id} is already taken", ["input", "workoutId"])
    if reasons:
        raise not_found("Coach")
    return record


def _plain(value: Any) -> Any:
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if hasattr(value, "model_dump"):
        return value.model_dump(exclude_none=True)
    return value


async def update_workout(info: Info, data: Any) -> WorkoutRecord:
    user_id, commit = Commit.for_caller(info, "updateWorkout", data)
    store = info.context.stores.workouts
    if await commit.seen():
        return await commit.replay(store, WHAT)
    key = (keys.user_pk(user_id), keys.workout_sk(data.workout_id))
    record = await current(store, key, WHAT, data.expected_version)
    attrs = record.attributes
    _check_discipline(attrs.workout_data.discipline, data)
    sets = bump(record)
    actions: list[TransactAction] = []
    for field in _DATA_FIELDS:
        value = getattr(data, field)
        if value is not None:
            setattr(
                attrs.workout_data,
                field,
                getattr(WorkoutData.model_validate({field: _plain(value)}), field),
            )
            sets[f"attributes.workoutData.{field}"] = _plain(value)
    if data.discipline_specific is not None:
        attrs.workout_data.discipline_specific = data.discipline_specific.stored()
        sets["attributes.workoutData.discipline_specific"] = attrs.workout_data.discipline_specific
    if data.summary is not None:
        attrs.summary = data.summary
        sets["attributes.summary"] = data.summary
    if data.coach_ids is not None:
        attrs.coach_ids = list(dict.fromkeys(data.coach_ids))
        attrs.coach_names = await _coach_names(info, user_id, attrs.coach_ids)
        sets["attributes.coachIds"] = attrs.coach_ids
        sets["attributes.coachNames"] = attrs.coach_names
        actions += _coach_checks(user_id, attrs.coach_ids)
    if data.completed_at is not None:
        attrs.completed_at = data.completed_at
        attrs.workout_data.date = data.completed_at.strftime("%Y-%m-%d")
        record.lsi1sk = keys.workout_lsi(data.completed_at, attrs.workout_id)
        item = record.to_item()
        sets["attributes.completedAt"] = item["attributes"]["completedAt"]
        sets["attributes.workoutData.date"] = attrs.workout_data.date
        sets["lsi1sk"] = record.lsi1sk
    if data.extraction_confidence is not None:
        sets["attributes.extractionMetadata"] = {
            "confidence": data.extraction_confidence,
            "reviewedAt": sets["updatedAt"],
        }
        attrs.extraction_metadata = (
            attrs.extraction_metadata.__class__.model_validate(
                sets["attributes.extractionMetadata"]
            )
            if attrs.extraction_metadata
            else None
        )
    old_log = dict(attrs.detailed_log) if attrs.detailed_log else None
    if data.detailed_log is not None:
        base = keys.workout_log_key(user_id, attrs.workout_data.date or "", attrs.workout_id)
        stored = await info.context.stores.content.put_json(
            base.removesuffix(".json") + f".v{record.version}.json", data.detailed_log
        )
        attrs.detailed_log = stored.to_pointer()
        sets["attributes.detailedLog"] = attrs.detailed_log
    update = TransactAction(
        "Update", *key, set_values=sets, condition=version_is(data.expected_version)
    )
    result = await commit_record(commit, store, [update, *actions], record, WHAT)
    new_log = attrs.detailed_log or {}
    if old_log and data.detailed_log is not None and old_log.get("s3Key") != new_log.get("s3Key"):
        await _forget(info, old_log.get("s3Key"))
    return result


async def _forget(info: Info, s3_key: str | None) -> None:
    """Best effort: an object no pointer names any more (the sweep catches failures)."""
    if not s3_key:
        return
    with contextlib.suppress(StorageError):
        await info.context.stores.content.delete(s3_key)


async def delete_workout(info: Info, data: Any) -> str:
    user_id, commit = Commit.for_caller(info, "deleteWorkout", data)
    if await commit.seen():
        return str(data.workout_id)
    key = (keys.user_pk(user_id), keys.workout_sk(data.workout_id))
    record = await current(info.context.stores.workouts, key, WHAT, data.expected_version)
    delete = TransactAction("Delete", *key, condition=version_is(data.expected_version))
    try:
        reasons = await commit.run([delete], None)
    except Replayed:
        return str(data.workout_id)
    if reasons:
        raise_for_reasons(reasons, commit.current, WHAT)
    # The item is gone first, then its objects: a failure here only leaves an orphan.
    log = record.attributes.detailed_log
    await _forget(info, log.get("s3Key") if log else None)
    return str(data.workout_id)

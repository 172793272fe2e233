"""Coach creator sessions: start, answer, complete, abandon.

The full history lives in S3. Each change writes the new history under a new key
(`<sessionId>/v<version>.json`) first, then moves the item's pointer in the conditional
write: the pointer never names a missing or half-written object. The superseded object is
deleted afterwards (best effort; the sweep removes leftovers). TTL: 7 days from the last
activity while incomplete, 30 days from completion once complete.
"""

from __future__ import annotations

import contextlib
import uuid
from typing import Any

from boto3.dynamodb.conditions import Attr

from datasources import keys
from datasources.errors import StorageError
from datasources.records import SessionAttributes, SessionRecord, utcnow
from datasources.records.base import format_timestamp
from datasources.records.session import session_ttl
from datasources.stores.coach import CoachStore
from datasources.table import TransactAction
from resolvers.context import Info
from resolvers.errors import ApiError, Code, bad_input
from resolvers.writes import Commit, Replayed, bump, commit_record, current, reload, version_is

WHAT = "Coach creator session"


def history_key(user_id: str, session_id: str, version: int) -> str:
    return keys.session_history_key(user_id, session_id).removesuffix(".json") + f"/v{version}.json"


async def _history(info: Info, record: SessionRecord) -> dict[str, Any]:
    pointer = record.attributes.history or {}
    if not pointer.get("s3Key"):
        return {}
    document = await info.context.stores.content.get_json(pointer["s3Key"], pointer.get("sha256"))
    return document if isinstance(document, dict) else {}


async def _write_history(
    info: Info, record: SessionRecord, document: dict[str, Any]
) -> dict[str, Any]:
    attrs = record.attributes
    stored = await info.context.stores.content.put_json(
        history_key(attrs.user_id, attrs.session_id, record.version), document
    )
    attrs.s3_bucket = info.context.stores.content.bucket
    attrs.s3_key = stored.key
    attrs.history = stored.to_pointer()
    return {
        "attributes.history": attrs.history,
        "attributes.s3Key": stored.key,
        "attributes.s3Bucket": attrs.s3_bucket,
    }


def _metadata(attrs: SessionAttributes) -> dict[str, Any]:
    return {
        "sessionId": attrs.session_id,
        "userId": attrs.user_id,
        "startedAt": format_timestamp(attrs.started_at),
        "completedAt": format_timestamp(attrs.completed_at) if attrs.completed_at else None,
        "totalDuration": int((attrs.completed_at - attrs.started_at).total_seconds())
        if attrs.completed_at
        else None,
        "finalSophisticationLevel": attrs.sophistication_level,
    }


async def start_session(info: Info, data: Any) -> SessionRecord:
    user_id, commit = Commit.for_caller(info, "startCoachCreatorSession", data)
    store = info.context.stores.sessions
    if await commit.seen():
        return await commit.replay(store, WHAT)
    now = utcnow()
    attrs = SessionAttributes(
        session_id=f"coach_creator_{user_id}_{int(now.timestamp() * 1000)}_{uuid.uuid4().hex[:6]}",
        user_id=user_id,
        total_questions=data.total_questions,
        started_at=now,
        last_activity=now,
        creation_type=data.creation_type.value,
        session_version="1.0",
        next_question_topic=data.first_topic,
    )
    record = SessionRecord.new(attrs, now)
    await _write_history(
        info,
        record,
        {
            "sessionMetadata": _metadata(attrs),
            "questionHistory": [],
            "allResponses": {},
            "sophisticationEvolution": [],
            "finalGeneratedCoach": None,
        },
    )
    put = TransactAction(
        "Put", *record.key, item=record.to_item(), condition=Attr("pk").not_exists()
    )
    try:
        reasons = await commit.run([put], record.key)
    except Replayed as replay:
        return await reload(store, replay.result_key, WHAT)
    if reasons:
        raise ApiError(Code.CONFLICT, "Session could not be started; retry")
    return record


def _open(record: SessionRecord) -> None:
    if record.attributes.is_complete:
        raise ApiError(Code.CONFLICT, "The session is complete", currentVersion=record.version)
    if record.attributes.abandoned_at is not None:
        raise ApiError(Code.CONFLICT, "The session was abandoned", currentVersion=record.version)


async def _finish(
    info: Info,
    commit: Commit,
    record: SessionRecord,
    sets: dict[str, Any],
    expected: int,
    old_pointer: dict[str, Any] | None,
    extra: list[TransactAction] | None = None,
) -> SessionRecord:
    record.ttl = session_ttl(record.attributes, utcnow())
    sets["ttl"] = record.ttl
    update = TransactAction("Update", *record.key, set_values=sets, condition=version_is(expected))
    result = await commit_record(
        commit, info.context.stores.sessions, [update, *(extra or [])], record, WHAT
    )
    if old_pointer and old_pointer.get("s3Key") != (record.attributes.history or {}).get("s3Key"):
        with contextlib.suppress(StorageError):
            await info.context.stores.content.delete(old_pointer["s3Key"])
    return result


async def answer_question(info: Info, data: Any) -> SessionRecord:
    user_id, commit = Commit.for_caller(info, "answerCoachCreatorQuestion", data)
    store = info.context.stores.sessions
    if await commit.seen():
        return await commit.replay(store, WHAT)
    key = (keys.user_pk(user_id), keys.session_sk(data.session_id))
    record = await current(store, key, WHAT, data.expected_version)
    _open(record)
    attrs = record.attributes
    old_pointer = dict(attrs.history) if attrs.history else None
    history = await _history(info, record)
    now = utcnow()
    qid = str(data.question_id)
    attrs.responses[qid] = data.user_response
    attrs.questions_answered = len(attrs.responses)
    attrs.current_question = max(attrs.current_question, data.question_id + 1)
    attrs.question_history_count += 1
    attrs.detected_signals = list(
        dict.fromkeys([*attrs.detected_signals, *(data.sophistication_signals or [])])
    )
    if data.detected_sophistication is not None:
        attrs.sophistication_level = data.detected_sophistication.value
    attrs.last_question_topic = data.topic
    attrs.next_question_topic = data.next_question_topic
    attrs.last_activity = now
    attrs.session_progress = round(
        min(1.0, attrs.questions_answered / max(1, attrs.total_questions)), 4
    )
    sets = bump(record)
    history.setdefault("questionHistory", []).append(
        {
            "questionId": data.question_id,
            "topic": data.topic,
            "questionText": data.question_text,
            "userResponse": data.user_response,
            "aiResponse": data.ai_response,
            "detectedSophistication": attrs.sophistication_level,
            "sophisticationSignals": list(data.sophistication_signals or []),
            "timestamp": format_timestamp(now),
            "responseTime": data.response_time,
            "characterCount": len(data.user_response),
        }
    )
    history.setdefault("allResponses", {})[qid] = data.user_response
    history.setdefault("sophisticationEvolution", []).append(
        {
            "questionId": data.question_id,
            "detectedLevel": attrs.sophistication_level,
            "confidence": data.confidence,
            "signals": list(data.sophistication_signals or []),
        }
    )
    history["sessionMetadata"] = _metadata(attrs)
    sets.update(await _write_history(info, record, history))
    item = record.to_item()["attributes"]
    for name in (
        "responses",
        "questionsAnswered",
        "currentQuestion",
        "questionHistoryCount",
        "detectedSignals",
        "sophisticationLevel",
        "lastQuestionTopic",
        "nextQuestionTopic",
        "lastActivity",
        "sessionProgress",
    ):
        sets[f"attributes.{name}"] = item[name]
    return await _finish(info, commit, record, sets, data.expected_version, old_pointer)


async def complete_session(info: Info, data: Any) -> SessionRecord:
    user_id, commit = Commit.for_caller(info, "completeCoachCreatorSession", data)
    store = info.context.stores.sessions
    if await commit.seen():
        return await commit.replay(store, WHAT)
    key = (keys.user_pk(user_id), keys.session_sk(data.session_id))
    record = await current(store, key, WHAT, data.expected_version)
    _open(record)
    coach = await info.context.stores.coaches.get(user_id, data.generated_coach_id)
    if coach is None:
        raise bad_input("generatedCoachId names no coach of yours", ["input", "generatedCoachId"])
    attrs = record.attributes
    old_pointer = dict(attrs.history) if attrs.history else None
    history = await _history(info, record)
    now = utcnow()
    attrs.is_complete = True
    attrs.completed_at = now
    attrs.last_activity = now
    attrs.session_progress = 1.0
    attrs.generated_coach_id = data.generated_coach_id
    sets = bump(record)
    history["sessionMetadata"] = _metadata(attrs)
    config = coach.attributes
    history["finalGeneratedCoach"] = {
        "coachId": config.coach_id,
        "personalityTemplate": config.selected_personality.primary_template
        if config.selected_personality
        else None,
        "methodologyTemplate": config.selected_methodology.primary_methodology
        if config.selected_methodology
        else None,
        "generationTimestamp": format_timestamp(now),
    }
    sets.update(await _write_history(info, record, history))
    item = record.to_item()["attributes"]
    for name in (
        "isComplete",
        "completedAt",
        "lastActivity",
        "sessionProgress",
        "generatedCoachId",
    ):
        sets[f"attributes.{name}"] = item[name]
    check = CoachStore.exists_check(user_id, data.generated_coach_id)
    return await _finish(info, commit, record, sets, data.expected_version, old_pointer, [check])


async def abandon_session(info: Info, data: Any) -> SessionRecord:
    user_id, commit = Commit.for_caller(info, "abandonCoachCreatorSession", data)
    store = info.context.stores.sessions
    if await commit.seen():
        return await commit.replay(store, WHAT)
    key = (keys.user_pk(user_id), keys.session_sk(data.session_id))
    record = await current(store, key, WHAT, data.expected_version)
    _open(record)
    now = utcnow()
    record.attributes.abandoned_at = now
    record.attributes.last_activity = now
    sets = bump(record)
    item = record.to_item()["attributes"]
    sets["attributes.abandonedAt"] = item["abandonedAt"]
    sets["attributes.lastActivity"] = item["lastActivity"]
    return await _finish(info, commit, record, sets, data.expected_version, None)


__all__ = ["abandon_session", "answer_question", "complete_session", "start_session"]

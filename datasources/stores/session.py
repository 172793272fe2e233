"""Coach creator sessions: start, answer, complete, abandon.

The full history lives in S3. Each change writes the new history as a new object first
(content-addressed, see `keys.session_history_key`), then moves the item's pointer in the
conditional write: the pointer never names a missing or half-written object. The
superseded object is deleted afterwards (best effort; the sweep removes leftovers).
No TTL is written: NeonPanda's app keeps sessions as permanent records (it removed the
seed's 7/30-day TTL and soft-deletes with `isDeleted`); a `ttl` already on an item is
honoured (past it, the session is invisible).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from boto3.dynamodb.conditions import ConditionBase

from datasources import keys
from datasources.enums import SophisticationLevel, read
from datasources.errors import Cancelled, Invalid, NotFound, VersionConflict
from datasources.idempotency import Intent
from datasources.inputs.session import (
    AbandonSession,
    AnswerQuestion,
    CompleteSession,
    StartSession,
)
from datasources.records import SessionAttributes, SessionRecord, utcnow
from datasources.records.base import format_timestamp
from datasources.records.session import ConfigGeneration
from datasources.stores.base import EntityStore, all_of, field, idempotent, null_or_absent, reads_as
from datasources.stores.coach import current_coaches, require_coaches
from datasources.transaction import Transaction


@dataclass(frozen=True)
class SessionQuery:
    is_complete: bool | None = None
    sophistication_level: str | None = None
    abandoned: bool | None = None
    include_deleted: bool = False  # sessions the app soft-deleted once the coach was built


class SessionStore(EntityStore[SessionRecord, SessionQuery]):
    """Listed newest first."""

    record_type = SessionRecord
    entity_name = "Coach creator session"
    sk_prefix = keys.SESSION_SK
    counter = "sessions"
    default_query = SessionQuery()

    newest_first = True

    @classmethod
    def where(cls, query: SessionQuery) -> ConditionBase | None:
        abandoned_at = field(SessionRecord, "attributes", "abandoned_at")
        deleted = field(SessionRecord, "attributes", "is_deleted")
        complete, level, abandoned = query.is_complete, query.sophistication_level, query.abandoned
        return all_of(
            None if query.include_deleted else null_or_absent(deleted) | deleted.eq(False),
            field(SessionRecord, "attributes", "is_complete").eq(complete)
            if complete is not None
            else None,
            reads_as(
                field(SessionRecord, "attributes", "sophistication_level"),
                read(SophisticationLevel, level),
                absent=SophisticationLevel.UNKNOWN,
            )
            if level
            else None,
            None
            if abandoned is None
            else (
                null_or_absent(abandoned_at)
                if not abandoned
                else abandoned_at.exists() & ~abandoned_at.attribute_type("NULL")
            ),
        )

    async def get(self, user_id: str, session_id: str) -> SessionRecord | None:
        return await self.get_by_key(keys.user_pk(user_id), keys.session_sk(session_id))

    @idempotent
    async def start(self, user_id: str, data: StartSession, intent: Intent) -> SessionRecord:
        now = utcnow()
        session_id = data.session_id or (
            f"coach_creator_{user_id}_{int(now.timestamp() * 1000)}_{uuid.uuid4().hex[:6]}"
        )
        attrs = SessionAttributes(
            session_id=session_id,
            user_id=user_id,
            total_questions=data.total_questions,
            started_at=now,
            last_activity=now,
            creation_type=data.creation_type.value,
            session_version="1.0",
            next_question_topic=data.first_topic,
        )
        record = SessionRecord.new(attrs, now)
        history: dict[str, Any] = {
            "sessionMetadata": _metadata(attrs),
            "questionHistory": [],
            "allResponses": {},
            "sophisticationEvolution": [],
            "finalGeneratedCoach": None,
        }
        await self._write_history(record, history)
        try:
            await self._commit(Transaction().create("session", record), intent, record.key)
        except Cancelled as err:
            raise VersionConflict(
                self.entity_name, 1, "Session could not be started; retry"
            ) from err
        self._wrote(record)
        return record

    @idempotent
    async def answer(self, user_id: str, data: AnswerQuestion, intent: Intent) -> SessionRecord:
        async def change(record: SessionRecord, history: dict[str, Any]) -> None:
            attrs = record.attributes
            now = utcnow()
            qid = str(data.question_id)
            attrs.responses[qid] = data.user_response
            attrs.questions_answered = len(attrs.responses)
            attrs.current_question = max(attrs.current_question, data.question_id + 1)
            attrs.question_history_count += 1
            signals = list(data.sophistication_signals or [])
            attrs.detected_signals = list(dict.fromkeys([*attrs.detected_signals, *signals]))
            if data.detected_sophistication is not None:
                attrs.sophistication_level = data.detected_sophistication.value
            attrs.last_question_topic = data.topic
            attrs.next_question_topic = data.next_question_topic
            attrs.last_activity = now
            attrs.session_progress = round(
                min(1.0, attrs.questions_answered / max(1, attrs.total_questions)), 4
            )
            history.setdefault("questionHistory", []).append(
                {
                    "questionId": data.question_id,
                    "topic": data.topic,
                    "questionText": data.question_text,
                    "userResponse": data.user_response,
                    "aiResponse": data.ai_response,
                    "detectedSophistication": attrs.sophistication_level,
                    "sophisticationSignals": signals,
                    "timestamp": format_timestamp(now),
                    "responseTime": data.response_time,
                    "characterCount": len(data.user_response),
                }
            )
            history.setdefault("allResponses", {})[qid] = data.user_response
            # The app's transcript of the intake, which its chat replays (user, then the
            # coach's reply when there is one).
            stamp = format_timestamp(now)
            turn = [{"role": "user", "content": data.user_response, "timestamp": stamp}]
            if data.ai_response:
                turn.append({"role": "assistant", "content": data.ai_response, "timestamp": stamp})
            attrs.conversation_history = [*(attrs.conversation_history or []), *turn]
            history.setdefault("sophisticationEvolution", []).append(
                {
                    "questionId": data.question_id,
                    "detectedLevel": attrs.sophistication_level,
                    "confidence": data.confidence,
                    "signals": signals,
                }
            )

        return await self._change(user_id, data.session_id, data.expected_version, intent, change)

    @idempotent
    async def complete(self, user_id: str, data: CompleteSession, intent: Intent) -> SessionRecord:
        async def change(record: SessionRecord, history: dict[str, Any]) -> None:
            try:
                (coach,) = await current_coaches(self.table, user_id, [data.generated_coach_id])
            except NotFound as err:
                raise Invalid(
                    "generatedCoachId names no coach of yours", "generatedCoachId"
                ) from err
            attrs = record.attributes
            now = utcnow()
            attrs.is_complete = True
            attrs.completed_at = now
            attrs.last_activity = now
            attrs.session_progress = 1.0
            attrs.generated_coach_id = data.generated_coach_id
            # The app's record of the build: the same coach, where its UI looks for it.
            build = attrs.config_generation or ConfigGeneration()
            build.status, build.completed_at = "COMPLETE", now
            build.coach_config_id = data.generated_coach_id
            attrs.config_generation = build
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

        return await self._change(
            user_id,
            data.session_id,
            data.expected_version,
            intent,
            change,
            lambda tx: require_coaches(tx, user_id, [data.generated_coach_id]),
        )

    @idempotent
    async def abandon(self, user_id: str, data: AbandonSession, intent: Intent) -> SessionRecord:
        async def change(record: SessionRecord, history: dict[str, Any]) -> None:
            now = utcnow()
            record.attributes.abandoned_at = now
            record.attributes.last_activity = now

        return await self._change(user_id, data.session_id, data.expected_version, intent, change)

    async def _change(
        self,
        user_id: str,
        session_id: str,
        expected_version: int,
        intent: Intent,
        change: Callable[[SessionRecord, dict[str, Any]], Any],
        checks: Callable[[Transaction], None] | None = None,
    ) -> SessionRecord:
        """Read the open session and its history, apply `change` to both, write the new
        history object, then the item (version-checked, TTL moved), then drop the old one."""
        key = (keys.user_pk(user_id), keys.session_sk(session_id))
        record = await self._current(key, expected_version)
        attrs = record.attributes
        if attrs.is_complete or attrs.abandoned_at is not None:
            state = "complete" if attrs.is_complete else "abandoned"
            raise VersionConflict(self.entity_name, record.version, f"The session is {state}")
        old = (attrs.history or {}).get("s3Key")
        history = await self._history(record)
        await change(record, history)
        history["sessionMetadata"] = _metadata(attrs)
        await self._write_history(record, history)
        tx = Transaction().save("session", record)
        if checks is not None:
            checks(tx)
        try:
            await self._commit(tx, intent, record.key)
        except Cancelled as err:
            self._version_conflict(err, "session")
            if err.failed_any("coach"):
                raise Invalid(
                    "generatedCoachId names no coach of yours", "generatedCoachId"
                ) from err
            raise
        self._wrote(record)
        if old != (attrs.history or {}).get("s3Key"):
            await self._forget_objects(old)
        return record

    async def _history(self, record: SessionRecord) -> dict[str, Any]:
        pointer = record.attributes.history or {}
        key = pointer.get("s3Key") or record.attributes.s3_key
        if not key:
            return {}
        document = await self.content.get_json(key, pointer.get("sha256"))
        return document if isinstance(document, dict) else {}

    async def _write_history(self, record: SessionRecord, document: dict[str, Any]) -> None:
        attrs = record.attributes
        stored = await self.content.put_json(
            lambda digest: keys.session_history_key(attrs.user_id, attrs.session_id, digest),
            document,
        )
        attrs.s3_bucket = self.content.bucket
        attrs.s3_key = stored.key
        attrs.history = stored.to_pointer()


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

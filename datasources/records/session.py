"""Coach creator session: pk `user#<userId>`, sk `coachCreatorSession#<sessionId>`, TTL."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, ClassVar

from pydantic import Field

from datasources import keys
from datasources.records.base import CamelModel, ItemRecord, Timestamp

INCOMPLETE_TTL = timedelta(days=7)
COMPLETE_TTL = timedelta(days=30)


class SessionAttributes(CamelModel):
    session_id: str
    user_id: str
    sophistication_level: str = "UNKNOWN"
    current_question: int = 1
    total_questions: int = 18
    questions_answered: int = 0
    responses: dict[str, str] = Field(default_factory=dict)
    detected_signals: list[str] = Field(default_factory=list)
    s3_bucket: str | None = None
    s3_key: str | None = None
    question_history_count: int = 0
    last_question_topic: str | None = None
    next_question_topic: str | None = None
    is_complete: bool = False
    started_at: Timestamp
    last_activity: Timestamp | None = None
    completed_at: Timestamp | None = None
    estimated_duration: int | None = None
    session_progress: float = 0.0
    generated_coach_id: str | None = None
    creation_type: str | None = None
    session_version: str | None = None
    abandoned_at: Timestamp | None = None
    resume_count: int = 0
    history: dict[str, Any] | None = None  # pointer with checksum to the S3 history (ours)


def session_ttl(attrs: SessionAttributes, now: datetime) -> int:
    """Seed: 7 days for incomplete sessions, 30 days once complete."""
    base = attrs.completed_at if attrs.is_complete and attrs.completed_at else now
    return int((base + (COMPLETE_TTL if attrs.is_complete else INCOMPLETE_TTL)).timestamp())


class SessionRecord(ItemRecord):
    ENTITY_TYPE: ClassVar[str] = keys.SESSION
    attributes: SessionAttributes

    @classmethod
    def new(cls, attrs: SessionAttributes, now: datetime) -> SessionRecord:
        return cls.create(
            pk=keys.user_pk(attrs.user_id),
            sk=keys.session_sk(attrs.session_id),
            entity_type=keys.SESSION,
            created_at=now,
            updated_at=now,
            ttl=session_ttl(attrs, now),
            lsi1sk=keys.session_lsi(attrs.started_at, attrs.session_id),
            attributes=attrs,
        )

"""Coach creator session inputs."""

from __future__ import annotations

from pydantic import Field

from datasources.enums import CreationType, Known, SophisticationLevel
from datasources.inputs.common import Id, Tag, Version, WriteInput

Topic = Field(default=None, max_length=80)


class StartSession(WriteInput):
    creation_type: Known[CreationType] = CreationType.INITIAL
    total_questions: int = Field(default=18, ge=1, le=100)
    first_topic: str | None = Topic
    session_id: Id | None = None


class AnswerQuestion(WriteInput):
    session_id: Id
    expected_version: Version
    question_id: int = Field(ge=1, le=1000)
    topic: str | None = Topic
    question_text: str | None = Field(default=None, max_length=4000)
    user_response: str = Field(min_length=1, max_length=10_000)
    ai_response: str | None = Field(default=None, max_length=10_000)
    detected_sophistication: Known[SophisticationLevel] | None = None
    sophistication_signals: list[Tag] | None = Field(default=None, max_length=50)
    confidence: float | None = Field(default=None, ge=0, le=1)
    next_question_topic: str | None = Topic
    response_time: float | None = Field(default=None, ge=0)


class CompleteSession(WriteInput):
    session_id: Id
    expected_version: Version
    generated_coach_id: Id


class AbandonSession(WriteInput):
    session_id: Id
    expected_version: Version

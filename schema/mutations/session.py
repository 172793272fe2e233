"""Coach creator session mutations."""

from __future__ import annotations

from enum import Enum

import strawberry
from pydantic import BaseModel, Field
from strawberry.experimental.pydantic import input as pydantic_input

from resolvers.context import Info
from resolvers.mutations import session as writes
from schema.mutations.common import Id, IdempotencyKey, Tag, Version, to_model
from schema.session import CoachCreatorSession

Topic = Field(default=None, max_length=80)


@strawberry.enum
class CreationType(Enum):
    INITIAL = "initial"
    MODIFICATION = "modification"
    RECREATION = "recreation"


@strawberry.enum
class SophisticationLevel(Enum):
    BEGINNER = "BEGINNER"
    INTERMEDIATE = "INTERMEDIATE"
    ADVANCED = "ADVANCED"
    UNKNOWN = "UNKNOWN"


class StartSession(BaseModel):
    creation_type: CreationType = CreationType.INITIAL
    total_questions: int = Field(default=18, ge=1, le=100)
    first_topic: str | None = Topic
    idempotency_key: IdempotencyKey | None = None


class AnswerQuestion(BaseModel):
    session_id: Id
    expected_version: Version
    question_id: int = Field(ge=1, le=1000)
    topic: str | None = Topic
    question_text: str | None = Field(default=None, max_length=4000)
    user_response: str = Field(min_length=1, max_length=10_000)
    ai_response: str | None = Field(default=None, max_length=10_000)
    detected_sophistication: SophisticationLevel | None = None
    sophistication_signals: list[Tag] | None = Field(default=None, max_length=50)
    confidence: float | None = Field(default=None, ge=0, le=1)
    next_question_topic: str | None = Topic
    response_time: float | None = Field(default=None, ge=0)
    idempotency_key: IdempotencyKey | None = None


class CompleteSession(BaseModel):
    session_id: Id
    expected_version: Version
    generated_coach_id: Id
    idempotency_key: IdempotencyKey | None = None


class AbandonSession(BaseModel):
    session_id: Id
    expected_version: Version
    idempotency_key: IdempotencyKey | None = None


@pydantic_input(model=StartSession, all_fields=True, name="StartCoachCreatorSessionInput")
class StartCoachCreatorSessionInput:
    pass


@pydantic_input(model=AnswerQuestion, all_fields=True, name="AnswerCoachCreatorQuestionInput")
class AnswerCoachCreatorQuestionInput:
    session_id: strawberry.ID


@pydantic_input(model=CompleteSession, all_fields=True, name="CompleteCoachCreatorSessionInput")
class CompleteCoachCreatorSessionInput:
    session_id: strawberry.ID
    generated_coach_id: strawberry.ID


@pydantic_input(model=AbandonSession, all_fields=True, name="AbandonCoachCreatorSessionInput")
class AbandonCoachCreatorSessionInput:
    session_id: strawberry.ID


@strawberry.type
class StartCoachCreatorSessionPayload:
    session: CoachCreatorSession


@strawberry.type
class AnswerCoachCreatorQuestionPayload:
    session: CoachCreatorSession


@strawberry.type
class CompleteCoachCreatorSessionPayload:
    session: CoachCreatorSession


@strawberry.type
class AbandonCoachCreatorSessionPayload:
    session: CoachCreatorSession


async def start_coach_creator_session(
    info: Info, input: StartCoachCreatorSessionInput
) -> StartCoachCreatorSessionPayload:
    record = await writes.start_session(info, to_model(input, StartSession))
    return StartCoachCreatorSessionPayload(session=CoachCreatorSession.from_record(record))


async def answer_coach_creator_question(
    info: Info, input: AnswerCoachCreatorQuestionInput
) -> AnswerCoachCreatorQuestionPayload:
    record = await writes.answer_question(info, to_model(input, AnswerQuestion))
    return AnswerCoachCreatorQuestionPayload(session=CoachCreatorSession.from_record(record))


async def complete_coach_creator_session(
    info: Info, input: CompleteCoachCreatorSessionInput
) -> CompleteCoachCreatorSessionPayload:
    record = await writes.complete_session(info, to_model(input, CompleteSession))
    return CompleteCoachCreatorSessionPayload(session=CoachCreatorSession.from_record(record))


async def abandon_coach_creator_session(
    info: Info, input: AbandonCoachCreatorSessionInput
) -> AbandonCoachCreatorSessionPayload:
    record = await writes.abandon_session(info, to_model(input, AbandonSession))
    return AbandonCoachCreatorSessionPayload(session=CoachCreatorSession.from_record(record))

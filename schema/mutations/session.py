"""Coach creator session mutation inputs and payloads."""

from __future__ import annotations

import strawberry
from strawberry.experimental.pydantic import input as pydantic_input

from datasources.inputs.session import (
    AbandonSession,
    AnswerQuestion,
    CompleteSession,
    StartSession,
)
from schema.enums import CreationType, SophisticationLevel  # noqa: F401 (registered first)
from schema.session import CoachCreatorSession


@pydantic_input(model=StartSession, all_fields=True, name="StartCoachCreatorSessionInput")
class StartCoachCreatorSessionInput:
    session_id: strawberry.ID | None = None


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

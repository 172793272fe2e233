"""Coach creator session mutation inputs, payloads and resolvers."""

from __future__ import annotations

import strawberry
from strawberry.experimental.pydantic import input as pydantic_input

from datasources.inputs.session import (
    AbandonSession,
    AnswerQuestion,
    CompleteSession,
    StartSession,
)
from resolvers.context import Info
from schema.enums import CreationType, SophisticationLevel  # noqa: F401 (registered first)
from schema.mutations.common import validated
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


async def start_coach_creator_session(
    info: Info, input: StartCoachCreatorSessionInput
) -> StartCoachCreatorSessionPayload:
    user_id = info.context.require_user().user_id
    record = await info.context.stores.sessions.start(user_id, validated(input, StartSession))
    return StartCoachCreatorSessionPayload(session=CoachCreatorSession.from_record(record))


async def answer_coach_creator_question(
    info: Info, input: AnswerCoachCreatorQuestionInput
) -> AnswerCoachCreatorQuestionPayload:
    user_id = info.context.require_user().user_id
    record = await info.context.stores.sessions.answer(user_id, validated(input, AnswerQuestion))
    return AnswerCoachCreatorQuestionPayload(session=CoachCreatorSession.from_record(record))


async def complete_coach_creator_session(
    info: Info, input: CompleteCoachCreatorSessionInput
) -> CompleteCoachCreatorSessionPayload:
    user_id = info.context.require_user().user_id
    data = validated(input, CompleteSession)
    record = await info.context.stores.sessions.complete(user_id, data)
    return CompleteCoachCreatorSessionPayload(session=CoachCreatorSession.from_record(record))


async def abandon_coach_creator_session(
    info: Info, input: AbandonCoachCreatorSessionInput
) -> AbandonCoachCreatorSessionPayload:
    user_id = info.context.require_user().user_id
    record = await info.context.stores.sessions.abandon(user_id, validated(input, AbandonSession))
    return AbandonCoachCreatorSessionPayload(session=CoachCreatorSession.from_record(record))


MUTATIONS = {
    "start_coach_creator_session": strawberry.mutation(resolver=start_coach_creator_session),
    "answer_coach_creator_question": strawberry.mutation(resolver=answer_coach_creator_question),
    "complete_coach_creator_session": strawberry.mutation(resolver=complete_coach_creator_session),
    "abandon_coach_creator_session": strawberry.mutation(resolver=abandon_coach_creator_session),
}

"""Coach creator sessions: start, answer, complete, abandon."""

from __future__ import annotations

from datasources.inputs.session import (
    AbandonSession,
    AnswerQuestion,
    CompleteSession,
    StartSession,
)
from resolvers.context import Info
from schema.mutations.common import validated
from schema.mutations.session import (
    AbandonCoachCreatorSessionInput,
    AbandonCoachCreatorSessionPayload,
    AnswerCoachCreatorQuestionInput,
    AnswerCoachCreatorQuestionPayload,
    CompleteCoachCreatorSessionInput,
    CompleteCoachCreatorSessionPayload,
    StartCoachCreatorSessionInput,
    StartCoachCreatorSessionPayload,
)
from schema.session import CoachCreatorSession


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

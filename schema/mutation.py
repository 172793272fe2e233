"""The root Mutation: every field takes one `input` and returns `<Mutation>Payload`."""

from __future__ import annotations

import strawberry

from resolvers.mutations import (
    account,
    coach,
    conversation,
    memory,
    profile,
    session,
    workout,
)


@strawberry.type
class Mutation:
    create_profile = strawberry.mutation(resolver=profile.create_profile)
    update_profile = strawberry.mutation(resolver=profile.update_profile)

    create_coach = strawberry.mutation(resolver=coach.create_coach)
    update_coach = strawberry.mutation(resolver=coach.update_coach)
    delete_coach = strawberry.mutation(resolver=coach.delete_coach)

    start_conversation = strawberry.mutation(resolver=conversation.start_conversation)
    send_message = strawberry.mutation(resolver=conversation.send_message)
    update_conversation = strawberry.mutation(resolver=conversation.update_conversation)
    delete_conversation = strawberry.mutation(resolver=conversation.delete_conversation)
    save_conversation_summary = strawberry.mutation(resolver=conversation.save_conversation_summary)

    log_workout = strawberry.mutation(resolver=workout.log_workout)
    update_workout = strawberry.mutation(resolver=workout.update_workout)
    delete_workout = strawberry.mutation(resolver=workout.delete_workout)

    create_memory = strawberry.mutation(resolver=memory.create_memory)
    update_memory = strawberry.mutation(resolver=memory.update_memory)
    delete_memory = strawberry.mutation(resolver=memory.delete_memory)
    record_memory_use = strawberry.mutation(resolver=memory.record_memory_use)

    start_coach_creator_session = strawberry.mutation(resolver=session.start_coach_creator_session)
    answer_coach_creator_question = strawberry.mutation(
        resolver=session.answer_coach_creator_question
    )
    complete_coach_creator_session = strawberry.mutation(
        resolver=session.complete_coach_creator_session
    )
    abandon_coach_creator_session = strawberry.mutation(
        resolver=session.abandon_coach_creator_session
    )

    submit_contact_form = strawberry.mutation(resolver=account.submit_contact_form)
    request_data_export = strawberry.mutation(resolver=account.request_data_export)
    delete_account = strawberry.mutation(resolver=account.delete_account)

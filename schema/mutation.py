"""The root Mutation: every field takes one `input` and returns `<Mutation>Payload`."""

from __future__ import annotations

import strawberry

from schema.mutations import (
    account,
    coach,
    conversation,
    designer,
    memory,
    profile,
    program,
    session,
    shared_program,
    upload,
    workout,
)


@strawberry.type
class Mutation:
    create_profile = strawberry.mutation(resolver=profile.create_profile)
    update_profile = strawberry.mutation(resolver=profile.update_profile)

    create_coach = strawberry.mutation(resolver=coach.create_coach)
    create_coach_from_template = strawberry.mutation(resolver=coach.create_coach_from_template)
    update_coach = strawberry.mutation(resolver=coach.update_coach)
    delete_coach = strawberry.mutation(resolver=coach.delete_coach)

    start_conversation = strawberry.mutation(resolver=conversation.start_conversation)
    send_message = strawberry.mutation(resolver=conversation.send_message)
    update_conversation = strawberry.mutation(resolver=conversation.update_conversation)
    delete_conversation = strawberry.mutation(resolver=conversation.delete_conversation)
    save_conversation_summary = strawberry.mutation(resolver=conversation.save_conversation_summary)

    log_workout = strawberry.mutation(resolver=workout.log_workout)
    update_workout = strawberry.mutation(resolver=workout.update_workout)
    delete_workout = strawberry.mutation(
        resolver=workout.delete_workout,
        description=(
            "Deletes a workout with its detailed log and the app's exercise rows of it, as the "
            "app's own delete does (one transaction when the rows fit in it; otherwise a "
            "retry finishes what a failure left). The app's Pinecone workout_summary record "
            "is out of this API's reach."
        ),
    )

    create_memory = strawberry.mutation(resolver=memory.create_memory)
    update_memory = strawberry.mutation(resolver=memory.update_memory)
    delete_memory = strawberry.mutation(resolver=memory.delete_memory)
    record_memory_use = strawberry.mutation(resolver=memory.record_memory_use)

    update_program = strawberry.mutation(resolver=program.update_program)
    delete_program = strawberry.mutation(resolver=program.delete_program)
    log_program_workout = strawberry.mutation(resolver=program.log_program_workout)
    skip_program_day = strawberry.mutation(resolver=program.skip_program_day)
    complete_rest_day = strawberry.mutation(resolver=program.complete_rest_day)

    share_program = strawberry.mutation(
        resolver=shared_program.share_program,
        description="Shares one of your programs: a frozen snapshot (its templates without "
        "your progress) anyone with the link can preview (`sharedProgram`). A program shared "
        "already answers with its share.",
    )
    unshare_program = strawberry.mutation(
        resolver=shared_program.unshare_program,
        description="The link stops working (the app's soft delete; the share stays listed "
        "with includeInactive).",
    )
    copy_shared_program = strawberry.mutation(
        resolver=shared_program.copy_shared_program,
        description="A shared program copied into your programs (active, day 1 today); its "
        "copy count moves in the same transaction.",
    )

    rename_program_designer_session = strawberry.mutation(
        resolver=designer.rename_program_designer_session
    )
    delete_program_designer_session = strawberry.mutation(
        resolver=designer.delete_program_designer_session
    )

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

    create_upload_urls = strawberry.mutation(
        resolver=upload.create_upload_urls,
        description="Presigned POST targets for up to 5 files under the caller's "
        "user-uploads/<userId>/, valid 5 minutes; S3 holds each upload to its key, type and "
        "size. Name the keys on sendMessage/startConversation (imageS3Keys, documentS3Keys) "
        "or logWorkout/updateWorkout (imageS3Keys) once uploaded.",
    )

    submit_contact_form = strawberry.mutation(resolver=account.submit_contact_form)
    request_data_export = strawberry.mutation(resolver=account.request_data_export)
    delete_account = strawberry.mutation(resolver=account.delete_account)

"""Subscriptions over graphql-transport-ws, fed by the table's stream (datasources/live.py).

Every event comes from the table itself, so writes by any process or by the app's own
Lambdas reach subscribers. Each subscription sees only the caller's partition.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncGenerator, Iterator
from enum import Enum
from typing import Any

import strawberry

from datasources.live import Interrupted, LiveHub, Overflow, Subscriber, TooMany
from datasources.loaders import Loaders
from datasources.records import (
    CoachRecord,
    ConversationRecord,
    SessionRecord,
    SummaryRecord,
)
from datasources.stream import Change
from resolvers.context import Info
from resolvers.errors import ApiError, Code
from resolvers.messages import message_page
from schema.admin import EntityType
from schema.coach import Coach
from schema.conversation import CoachConversation, ConversationMessage
from schema.entities import LIVE
from schema.memory import UserMemory
from schema.program import Program
from schema.report import TrainingReport
from schema.session import CoachCreatorSession
from schema.summary import ConversationSummary
from schema.workout import Workout

# How often a quiet subscription checks that its token has not expired.
EXPIRY_CHECK_SECONDS = 5.0


@strawberry.enum(description="What happened to the item.")
class EventAction(Enum):
    ADDED = "added"
    UPDATED = "updated"
    REMOVED = "removed"


@strawberry.type(
    description="A change to the athlete's workouts, memories, coaches, conversations, "
    "programs or reports."
)
class ViewerEvent:
    action: EventAction
    entity_type: str = strawberry.field(
        description="workout, userMemory, coachConfig, coachConversation, program",
        deprecation_reason="A string; use `kind` (the EntityType enum).",
    )
    kind: EntityType = strawberry.field(description="What kind of item changed.")
    entity_id: strawberry.ID
    workout: Workout | None = None
    memory: UserMemory | None = None
    coach: Coach | None = None
    conversation: CoachConversation | None = None
    program: Program | None = None
    report: TrainingReport | None = strawberry.field(
        default=None, description="A weekly or monthly report the app built (or rebuilt)."
    )


@strawberry.enum
class ConversationEventKind(Enum):
    MESSAGE_ADDED = "message_added"
    CONVERSATION_UPDATED = "conversation_updated"
    SUMMARY_SAVED = "summary_saved"


@strawberry.type(description="A message, a change to the conversation, or its summary.")
class ConversationEvent:
    kind: ConversationEventKind
    message: ConversationMessage | None = None
    cursor: str | None = strawberry.field(
        default=None, description="The message's cursor (as in `messages`): resume `after` it."
    )
    replayed: bool = strawberry.field(
        default=False, description="Read from the table before going live (`after`)."
    )
    conversation: CoachConversation | None = None
    summary: ConversationSummary | None = None


@strawberry.enum
class SessionEventKind(Enum):
    ANSWERED = "answered"
    COMPLETED = "completed"
    ABANDONED = "abandoned"


@strawberry.type
class CoachCreatorSessionEvent:
    kind: SessionEventKind
    session: CoachCreatorSession
    generated_coach: Coach | None = None


@contextlib.contextmanager
def _subscribed(info: Info, user_id: str) -> Iterator[Subscriber]:
    """Subscribed through the socket's connection (schema/live_socket.py), which learns
    when this subscriber falls too far behind and closes the socket."""
    hub = _hub(info)
    connection = info.context.connection
    try:
        with (
            connection.subscribe() if connection is not None else hub.subscribe(user_id)
        ) as subscriber:
            yield subscriber
    except Interrupted as err:
        raise ApiError(Code.SERVICE_UNAVAILABLE, str(err), retryAfterSeconds=5) from err
    except TooMany as err:
        raise ApiError(
            Code.RATE_LIMITED,
            str(err).capitalize(),
            retryAfterSeconds=60,
            limit="subscriptionsPerUser",
            maximum=hub.max_per_partition,
        ) from err


def _hub(info: Info) -> LiveHub:
    hub = info.context.live
    if hub is None or not hub.running:
        raise ApiError(
            Code.SERVICE_UNAVAILABLE,
            "Live updates need the table's stream (run `server.py migrate`)",
            retryAfterSeconds=60,
        )
    return hub


async def _changes(info: Info, subscriber: Subscriber) -> AsyncGenerator[Change, None]:
    """The partition's changes; ends the subscription when the caller's token expires."""

    principal = info.context.require_user()
    while True:
        if principal.expires_at is not None and principal.expires_at <= time.time():
            raise ApiError(Code.UNAUTHENTICATED, "The token expired; reconnect with a new one")
        try:
            # asyncio.timeout, not wait_for: 3.11's wait_for can swallow the cancellation
            # of a closing socket when a change arrives at the same moment, leaving the
            # subscription running for ever (a server then waits out its shutdown grace).
            async with asyncio.timeout(EXPIRY_CHECK_SECONDS):
                change = await subscriber.next()
        except TimeoutError:
            continue
        except Overflow as err:
            if info.context.connection is not None:
                # A slow consumer: its socket is being closed (1013) and this subscription
                # cancelled with it; an error result now would only queue behind the rest.
                await asyncio.Event().wait()
            raise ApiError(Code.SERVICE_UNAVAILABLE, str(err), retryAfterSeconds=1) from err
        except Interrupted as err:
            raise ApiError(Code.SERVICE_UNAVAILABLE, str(err), retryAfterSeconds=5) from err
        # Fields of an event read through fresh loaders (nothing cached from earlier events).
        stores = info.context.stores
        info.context.loaders = Loaders(stores.table, stores.content)
        yield change


def _action(change: Change) -> EventAction:
    return {"INSERT": EventAction.ADDED, "REMOVE": EventAction.REMOVED}.get(
        change.event, EventAction.UPDATED
    )


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="Workouts logged/updated/deleted, memories, coaches, conversations and "
        "programs of the signed-in athlete, by whichever writer."
    )
    async def viewer_events(self, info: Info) -> AsyncGenerator[ViewerEvent, None]:
        user_id = info.context.require_user().user_id
        with _subscribed(info, user_id) as subscriber:
            async for change in _changes(info, subscriber):
                entity = LIVE.get(change.entity_type or "")
                if entity is None:
                    continue
                record = change.record(entity.record)
                if record is None:
                    continue
                entity_type = entity.record.ENTITY_TYPE
                event = ViewerEvent(
                    action=_action(change),
                    entity_type=entity_type,
                    kind=EntityType(entity_type),
                    entity_id=strawberry.ID(record.entity_id),
                )
                setattr(event, entity.event_field, entity.node(record))  # type: ignore[arg-type]
                yield event

    @strawberry.subscription(
        description="New messages, conversation changes and its summary. With `after` (a "
        "message cursor), every message after it is replayed from the table first, then the "
        "stream takes over with no gap and no duplicate."
    )
    async def conversation_events(
        self, info: Info, conversation_id: strawberry.ID, after: str | None = None
    ) -> AsyncGenerator[ConversationEvent, None]:
        user_id = info.context.require_user().user_id
        hub = _hub(info)
        scope = f"{user_id}:messages:{conversation_id}"
        codec = info.context.cursors
        sent: set[str] = set()
        # Subscribed first, then the table read: a message written in between is in both,
        # and `sent` drops the second copy.
        with _subscribed(info, user_id) as subscriber:
            await hub.ready.wait()
            # Only the caller's own conversations (another athlete's id is not found, like
            # a missing one): answered NOT_FOUND instead of a subscription that never fires.
            record = await info.context.stores.conversations.find(user_id, str(conversation_id))
            if record is None:
                raise ApiError(Code.NOT_FOUND, "Conversation not found")
            if after is not None:
                cursor: str | None = after
                while True:
                    page = await message_page(info, record, 100, cursor, None, None)
                    for message, at in zip(page.messages, page.cursors, strict=True):
                        sent.add(message.id)
                        yield ConversationEvent(
                            kind=ConversationEventKind.MESSAGE_ADDED,
                            message=ConversationMessage.from_message(message),
                            cursor=at,
                            replayed=True,
                        )
                    if not page.has_next or not page.cursors:
                        break
                    cursor = page.cursors[-1]
            async for change in _changes(info, subscriber):
                for event in _conversation_events(change, str(conversation_id), sent, codec, scope):
                    yield event

    @strawberry.subscription(
        description="A coach-creator session answered, completed or abandoned."
    )
    async def coach_creator_session_events(
        self, info: Info, session_id: strawberry.ID
    ) -> AsyncGenerator[CoachCreatorSessionEvent, None]:
        user_id = info.context.require_user().user_id
        if await info.context.stores.sessions.get(user_id, str(session_id)) is None:
            raise ApiError(Code.NOT_FOUND, "Coach creator session not found")
        with _subscribed(info, user_id) as subscriber:
            async for change in _changes(info, subscriber):
                if not change.is_of(SessionRecord, user_id, str(session_id)):
                    continue
                new = change.record(SessionRecord, "new")
                old = change.record(SessionRecord, "old")
                if new is None:
                    continue
                attrs, before = new.attributes, old.attributes if old else None
                if attrs.is_complete and not (before and before.is_complete):
                    coach = None
                    if attrs.built_coach_id:
                        found = await info.context.loaders.of(CoachRecord).load(
                            (user_id, attrs.built_coach_id)
                        )
                        coach = Coach.from_record(found) if found else None
                    kind = SessionEventKind.COMPLETED
                    yield CoachCreatorSessionEvent(
                        kind=kind,
                        session=CoachCreatorSession.from_record(new),
                        generated_coach=coach,
                    )
                elif attrs.abandoned_at is not None and not (before and before.abandoned_at):
                    yield CoachCreatorSessionEvent(
                        kind=SessionEventKind.ABANDONED,
                        session=CoachCreatorSession.from_record(new),
                    )
                elif old is None or (new.version, new.updated_at) != (
                    old.version,
                    old.updated_at,
                ):
                    # NeonPanda's app's turns never move the version; every one of its
                    # writes moves updatedAt (coach-creator.ts:37-39).
                    yield CoachCreatorSessionEvent(
                        kind=SessionEventKind.ANSWERED, session=CoachCreatorSession.from_record(new)
                    )


def _conversation_events(
    change: Change, conversation_id: str, sent: set[str], codec: Any, scope: str
) -> list[ConversationEvent]:
    events: list[ConversationEvent] = []
    summary = change.record(SummaryRecord, "new")
    if summary is not None and summary.attributes.conversation_id == conversation_id:
        return [
            ConversationEvent(
                kind=ConversationEventKind.SUMMARY_SAVED,
                summary=ConversationSummary.from_record(summary),
            )
        ]
    new = change.record(ConversationRecord, "new")
    if new is None or new.attributes.conversation_id != conversation_id:
        return events
    old = change.record(ConversationRecord, "old")
    known = {m.id for m in (old.attributes.messages if old else [])}
    added = [m for m in new.attributes.messages if m.id not in known]
    total = new.attributes.metadata.total_messages or len(new.attributes.messages)
    first_position = total - len(added)
    for offset, message in enumerate(added):
        if message.id in sent:
            continue
        sent.add(message.id)
        events.append(
            ConversationEvent(
                kind=ConversationEventKind.MESSAGE_ADDED,
                message=ConversationMessage.from_message(message),
                cursor=codec.encode(scope, {"i": first_position + offset}),
            )
        )
    if old is not None and _settings(old) != _settings(new):
        events.append(
            ConversationEvent(
                kind=ConversationEventKind.CONVERSATION_UPDATED,
                conversation=CoachConversation.from_record(new),
            )
        )
    return events


def _settings(record: ConversationRecord) -> tuple[Any, ...]:
    attrs = record.attributes
    return (attrs.title, tuple(attrs.metadata.tags), attrs.metadata.is_active, attrs.mode)

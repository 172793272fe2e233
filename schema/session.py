"""`CoachCreatorSession` and its typed S3 history."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import cast

import strawberry
from strawberry.scalars import JSON

from datasources.enums import read
from datasources.records import CoachRecord, SessionRecord
from datasources.stores.session import SessionQuery
from resolvers import user_lists
from resolvers.content import load_content
from resolvers.context import Info
from schema.coach import Coach
from schema.connection import Connection
from schema.content import StoredContent
from schema.convert import from_data, instant, snake_keys
from schema.enums import CreationType, MessageRole, SophisticationLevel
from schema.inputs import CoachCreatorSessionFilter
from schema.node import Node, encode_global_id

_AS_TEXT = "The stamp as stored text; use {} (a DateTime)."


@strawberry.type
class SessionMetadata:
    session_id: str | None
    user_id: str | None
    started_at: str | None = strawberry.field(
        deprecation_reason=_AS_TEXT.format("sessionStartedAt")
    )
    completed_at: str | None = strawberry.field(
        deprecation_reason=_AS_TEXT.format("sessionCompletedAt")
    )
    total_duration: float | None
    final_sophistication_level: SophisticationLevel | None = strawberry.field(
        description=(
            "OTHER for a stored level this API does not know (see finalSophisticationLevelName)."
        )
    )
    final_sophistication_level_name: str | None = strawberry.field(
        description="The level as stored."
    )

    @strawberry.field
    def session_started_at(self) -> datetime | None:
        return instant(self.started_at)

    @strawberry.field
    def session_completed_at(self) -> datetime | None:
        return instant(self.completed_at)


@strawberry.type
class QuestionHistoryEntry:
    question_id: int | None
    topic: str | None
    question_text: str | None
    user_response: str | None
    ai_response: str | None
    detected_sophistication: SophisticationLevel | None = strawberry.field(
        description=(
            "OTHER for a stored level this API does not know (see detectedSophisticationName)."
        )
    )
    detected_sophistication_name: str | None = strawberry.field(description="The level as stored.")
    sophistication_signals: list[str] | None
    timestamp: str | None = strawberry.field(deprecation_reason=_AS_TEXT.format("answeredAt"))
    response_time: float | None
    character_count: int | None

    @strawberry.field(description="When the answer was recorded.")
    def answered_at(self) -> datetime | None:
        return instant(self.timestamp)


@strawberry.type
class SophisticationStep:
    question_id: int | None
    detected_level: SophisticationLevel | None = strawberry.field(
        description="OTHER for a stored level this API does not know (see detectedLevelName)."
    )
    detected_level_name: str | None = strawberry.field(description="The level as stored.")
    confidence: float | None
    signals: list[str] | None


@strawberry.type
class FinalGeneratedCoach:
    coach_id: str | None
    personality_template: str | None
    methodology_template: str | None
    generation_timestamp: str | None = strawberry.field(
        deprecation_reason=_AS_TEXT.format("generatedAt")
    )

    @strawberry.field
    def generated_at(self) -> datetime | None:
        return instant(self.generation_timestamp)


@strawberry.type
class CoachCreatorHistoryDocument:
    session_metadata: SessionMetadata | None
    question_history: list[QuestionHistoryEntry]
    all_responses: JSON | None
    sophistication_evolution: list[SophisticationStep]
    final_generated_coach: FinalGeneratedCoach | None


@strawberry.type(description="The session's full history in S3: the file, and its typed content.")
class CoachCreatorHistory:
    file: StoredContent

    @strawberry.field(description="The history typed (one S3 GET, shared with `file.content`).")
    async def document(self, info: Info) -> CoachCreatorHistoryDocument | None:
        raw = await load_content(info, self.file.key, self.file.sha256)
        if not isinstance(raw, dict):
            return None
        data = snake_keys({k: v for k, v in raw.items() if k != "allResponses"})
        data["all_responses"] = raw.get("allResponses")
        data["question_history"] = data.get("question_history") or []
        data["sophistication_evolution"] = data.get("sophistication_evolution") or []
        return from_data(CoachCreatorHistoryDocument, data)


@strawberry.type(description="One item of the app's intake checklist (libs/todo-types.ts).")
class IntakeItem:
    field: str = strawberry.field(description="The checklist's key, e.g. primaryGoals.")
    status: str | None = strawberry.field(description="pending, complete, ...")
    value: JSON | None
    confidence: str | None
    notes: str | None


@strawberry.type(description="One turn of the app's intake conversation.")
class CoachCreatorTurn:
    role: MessageRole = strawberry.field(
        description="OTHER for a stored role this API does not know (see roleName)."
    )
    role_name: str
    content: str
    timestamp: datetime | None


@strawberry.type(description="The app's coach build for the session (configGeneration).")
class CoachBuild:
    status: str | None
    started_at: datetime | None
    completed_at: datetime | None
    failed_at: datetime | None
    error: str | None
    coach_id: strawberry.ID | None


@strawberry.type
class CoachCreatorSession(Node):
    session_id: strawberry.ID
    sophistication_level: SophisticationLevel = strawberry.field(
        description="OTHER for a stored level this API does not know (see sophisticationLevelName)."
    )
    sophistication_level_name: str = strawberry.field(description="The level as stored.")
    current_question: int
    total_questions: int
    questions_answered: int
    session_progress: float
    responses: JSON
    detected_signals: list[str]
    question_history_count: int
    last_question_topic: str | None
    next_question_topic: str | None
    is_complete: bool
    is_abandoned: bool
    is_deleted: bool = strawberry.field(
        description="Soft-deleted by the app once the coach was built (hidden from lists)."
    )
    title: str | None
    todo_list: JSON | None = strawberry.field(
        description="The app's checklist of what the coach creator still needs to learn."
    )
    intake: list[IntakeItem] = strawberry.field(
        description="The app's checklist, typed: one entry per item (empty when none)."
    )
    conversation_history: list[CoachCreatorTurn] = strawberry.field(
        description="The intake conversation as the app keeps it (its chat replays it)."
    )
    progress_details: JSON | None = strawberry.field(
        description="The app's progress figures, as stored."
    )
    build: CoachBuild | None = strawberry.field(
        description="The app's coach build; its coach is `generatedCoach`."
    )
    started_at: datetime
    last_activity: datetime | None
    completed_at: datetime | None
    abandoned_at: datetime | None
    estimated_duration: int | None
    generated_coach_id: strawberry.ID | None
    creation_type: CreationType | None = strawberry.field(
        description="OTHER for a stored type this API does not know (see creationTypeName)."
    )
    creation_type_name: str | None = strawberry.field(description="The type as stored.")
    session_version: str | None
    resume_count: int
    expires_at: datetime | None = strawberry.field(
        description="When the session is deleted (7 days while incomplete, 30 once complete)."
    )
    created_at: datetime
    updated_at: datetime
    version: int
    _history: strawberry.Private[StoredContent | None]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return encode_global_id("CoachCreatorSession", self.session_id)

    @strawberry.field
    def history(self) -> CoachCreatorHistory | None:
        return CoachCreatorHistory(file=self._history) if self._history else None

    @strawberry.field
    async def generated_coach(self, info: Info) -> Coach | None:
        if not self.generated_coach_id:
            return None
        user_id = info.context.require_user().user_id
        record = await info.context.loaders.of(CoachRecord).load((user_id, self.generated_coach_id))
        return Coach.from_record(record) if record else None

    @staticmethod
    def from_record(record: SessionRecord) -> CoachCreatorSession:
        a = record.attributes
        pointer = a.history or ({"s3Key": a.s3_key} if a.s3_key else None)
        return CoachCreatorSession(
            session_id=strawberry.ID(a.session_id),
            sophistication_level=read(SophisticationLevel, a.sophistication_level),
            sophistication_level_name=a.sophistication_level,
            current_question=a.current_question,
            total_questions=a.total_questions,
            questions_answered=a.questions_answered,
            session_progress=a.session_progress,
            responses=cast(JSON, dict(a.responses)),
            detected_signals=list(a.detected_signals),
            question_history_count=a.question_history_count,
            last_question_topic=a.last_question_topic,
            next_question_topic=a.next_question_topic,
            is_complete=a.is_complete,
            is_abandoned=a.abandoned_at is not None,
            is_deleted=bool(a.is_deleted),
            title=a.title,
            todo_list=cast(JSON, a.todo_list),
            intake=[
                IntakeItem(
                    field=name,
                    status=_text(item.get("status")),
                    value=cast(JSON, item.get("value")),
                    confidence=_text(item.get("confidence")),
                    notes=_text(item.get("notes")),
                )
                for name, item in (a.todo_list or {}).items()
                if isinstance(item, dict)
            ],
            conversation_history=[
                CoachCreatorTurn(
                    role=read(MessageRole, str(turn.get("role"))),
                    role_name=str(turn.get("role")),
                    content=str(turn.get("content") or ""),
                    timestamp=instant(turn.get("timestamp")),
                )
                for turn in a.conversation_history or []
                if isinstance(turn, dict)
            ],
            progress_details=cast(JSON, a.progress_details),
            build=CoachBuild(
                status=a.config_generation.status,
                started_at=a.config_generation.started_at,
                completed_at=a.config_generation.completed_at,
                failed_at=a.config_generation.failed_at,
                error=a.config_generation.error,
                coach_id=strawberry.ID(a.config_generation.coach_config_id)
                if a.config_generation.coach_config_id
                else None,
            )
            if a.config_generation
            else None,
            started_at=a.started_at,
            last_activity=a.last_activity,
            completed_at=a.completed_at,
            abandoned_at=a.abandoned_at,
            estimated_duration=a.estimated_duration,
            generated_coach_id=strawberry.ID(a.built_coach_id) if a.built_coach_id else None,
            creation_type=read(CreationType, a.creation_type)
            if a.creation_type is not None
            else None,
            creation_type_name=a.creation_type,
            session_version=a.session_version,
            resume_count=a.resume_count,
            expires_at=datetime.fromtimestamp(record.ttl, UTC) if record.ttl else None,
            created_at=record.created_at,
            updated_at=record.updated_at,
            version=record.version,
            _history=StoredContent.from_pointer(pointer),
        )


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


# --- the viewer's fields (User, through schema/entities.py) ---------------------------


async def _coach_creator_sessions(
    info: Info,
    filter: CoachCreatorSessionFilter | None = None,
    first: int | None = None,
    after: str | None = None,
) -> Connection[CoachCreatorSession] | None:
    f = filter or CoachCreatorSessionFilter()
    query = SessionQuery(
        is_complete=f.is_complete,
        sophistication_level=f.sophistication_level.value if f.sophistication_level else None,
        abandoned=f.abandoned,
        include_deleted=f.include_deleted,
    )
    store = info.context.stores.sessions
    page = await user_lists.list_of(info, store, "sessions", query, first, after)
    return Connection.of_records(page, CoachCreatorSession.from_record)


VIEWER_FIELDS = {
    "coach_creator_sessions": strawberry.field(
        resolver=_coach_creator_sessions, description="Newest first."
    ),
}

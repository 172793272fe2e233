"""Coach creator session: pk `user#<userId>`, sk `coachCreatorSession#<sessionId>`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, ClassVar

from pydantic import Field

from datasources import keys
from datasources.records.base import CamelModel, ItemRecord, Timestamp

# The app's empty intake list (libs/coach-creator/todo-list-utils.ts:11-57): the 20 required
# fields it reads every turn, and the two optional competition ones.
TODO_FIELDS = (
    "coachGenderPreference",
    "primaryGoals",
    "goalTimeline",
    "age",
    "lifeStageContext",
    "experienceLevel",
    "trainingHistory",
    "trainingFrequency",
    "sessionDuration",
    "timeOfDayPreference",
    "injuryConsiderations",
    "movementLimitations",
    "equipmentAccess",
    "trainingEnvironment",
    "movementPreferences",
    "movementDislikes",
    "coachingStylePreference",
    "motivationStyle",
    "successMetrics",
    "progressTrackingPreferences",
    "competitionGoals",
    "competitionTimeline",
)


def empty_todo_list() -> dict[str, Any]:
    return {name: {"status": "pending", "value": None} for name in TODO_FIELDS}


class ConfigGeneration(CamelModel):
    """The app's coach build (libs/coach-creator/types.ts:125-132)."""

    status: str | None = None
    started_at: Timestamp | None = None
    completed_at: Timestamp | None = None
    failed_at: Timestamp | None = None
    error: str | None = None
    coach_config_id: str | None = None


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
    # The app's (libs/coach-creator/types.ts:98-133): sessions are permanent records there,
    # soft-deleted with `isDeleted` once the coach is built.
    title: str | None = None
    is_deleted: bool | None = None
    todo_list: dict[str, Any] | None = None
    conversation_history: list[dict[str, Any]] | None = None
    progress_details: dict[str, Any] | None = None
    config_generation: ConfigGeneration | None = None

    @property
    def built_coach_id(self) -> str | None:
        """The coach the session built: this API's `generatedCoachId`, or the app's
        `configGeneration.coachConfigId` (build-coach-config/handler.ts:114)."""
        if self.generated_coach_id:
            return self.generated_coach_id
        return self.config_generation.coach_config_id if self.config_generation else None


class SessionRecord(ItemRecord):
    ENTITY_TYPE: ClassVar[str] = keys.SESSION
    SK_OF: ClassVar[Callable[..., str]] = staticmethod(keys.session_sk)
    attributes: SessionAttributes

    @classmethod
    def new(cls, attrs: SessionAttributes, now: datetime) -> SessionRecord:
        return cls.create(
            pk=keys.user_pk(attrs.user_id),
            sk=keys.session_sk(attrs.session_id),
            entity_type=keys.SESSION,
            created_at=now,
            updated_at=now,
            attributes=attrs,
        )

    def list_key(self) -> str:
        """Newest first (the list reads this order backwards)."""
        return keys.session_list_key(self.attributes.started_at, self.attributes.session_id)

    def fill_app_defaults(self) -> None:
        # Every turn of the app runs Object.values(todoList) and pushes onto
        # conversationHistory (todo-list-utils.ts:136, stream-coach-creator-session/
        # handler.ts:157).
        attrs = self.attributes
        if attrs.todo_list is None:
            attrs.todo_list = empty_todo_list()
        if attrs.conversation_history is None:
            attrs.conversation_history = []

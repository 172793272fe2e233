"""The app's program-designer session: pk `user#<userId>`, sk
`programDesignerSession#<sessionId>` (amplify/dynamodb/program-designer.ts:27-51), shaped
as libs/program-designer/types.ts:41-84. No TTL: the app keeps them and soft-deletes with
`isDeleted`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from datasources import keys
from datasources.records.base import CamelModel, ItemRecord, Timestamp

# The app's intake checklist (libs/program-designer/types.ts:93-125): every key is read each
# turn (todo-list-utils.ts:97-107).
TODO_FIELDS = (
    "trainingGoals",
    "programDuration",
    "trainingFrequency",
    "sessionDuration",
    "startDate",
    "restDaysPreference",
    "equipmentAccess",
    "trainingEnvironment",
    "trainingMethodology",
    "programFocus",
    "intensityPreference",
    "volumeTolerance",
    "experienceLevel",
    "currentFitnessBaseline",
    "injuryConsiderations",
    "movementPreferences",
    "movementDislikes",
    "deloadPreference",
    "progressionStyle",
)


class DesignerSessionAttributes(CamelModel):
    session_id: str
    user_id: str | None = None
    coach_id: str | None = None
    coach_name: str | None = None
    title: str | None = None
    todo_list: dict[str, Any] | None = None
    conversation_history: list[dict[str, Any]] | None = None
    is_complete: bool | None = None
    is_deleted: bool | None = None
    started_at: Timestamp | None = None
    last_activity: Timestamp | None = None
    completed_at: Timestamp | None = None
    turn_count: int | None = None
    image_s3_keys: list[str] | None = None
    progress_details: dict[str, Any] | None = None
    program_generation: dict[str, Any] | None = None
    additional_considerations: str | None = None


class DesignerSessionRecord(ItemRecord):
    ENTITY_TYPE: ClassVar[str] = keys.DESIGNER_SESSION
    SK_OF: ClassVar[Callable[..., str]] = staticmethod(keys.designer_session_sk)
    attributes: DesignerSessionAttributes

    @property
    def deleted(self) -> bool:
        return self.attributes.is_deleted is True

    def fill_app_defaults(self) -> None:
        # Every turn runs Object.values(todoList) and each save calls startedAt.toISOString()
        # (todo-list-utils.ts:97, program-designer.ts:43).
        attrs = self.attributes
        if attrs.todo_list is None:
            attrs.todo_list = {name: {"status": "pending", "value": None} for name in TODO_FIELDS}
        else:
            for name in TODO_FIELDS:
                if not isinstance(attrs.todo_list.get(name), dict):
                    attrs.todo_list[name] = {"status": "pending", "value": None}
        if attrs.started_at is None:
            attrs.started_at = self.created_at

    def activity(self) -> tuple[float, str]:
        """The app's list order (most recent activity first, program-designer.ts:280-284),
        as an ascending key: the negated moment, then the id."""
        moment = self.attributes.last_activity or self.updated_at
        return (-moment.timestamp(), self.attributes.session_id)

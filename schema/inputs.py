"""Filter and order inputs of the list fields."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from schema.enums import Discipline, Importance, MemoryType, SophisticationLevel


@strawberry.input
class WorkoutFilter:
    completed_from: datetime | None = None
    completed_to: datetime | None = None
    discipline: Discipline | None = strawberry.field(
        default=None,
        description="Workouts whose `discipline` is this; OTHER: the disciplines this API "
        "does not know (and none).",
    )
    workout_type: str | None = None
    location: str | None = None
    coach_id: strawberry.ID | None = None
    min_confidence: float | None = None


@strawberry.enum
class WorkoutOrderField(Enum):
    COMPLETED_AT = "completedAt"
    CONFIDENCE = "confidence"
    WORKOUT_NAME = "workoutName"


@strawberry.enum
class OrderDirection(Enum):
    ASC = "asc"
    DESC = "desc"


@strawberry.input
class WorkoutOrder:
    field: WorkoutOrderField = WorkoutOrderField.COMPLETED_AT
    direction: OrderDirection = OrderDirection.DESC


@strawberry.input
class MemoryFilter:
    coach_id: strawberry.ID | None = strawberry.field(
        default=None, description="Memories for this coach plus global ones."
    )
    memory_type: MemoryType | None = strawberry.field(
        default=None, description="OTHER: the types this API does not know."
    )
    importance: Importance | None = strawberry.field(
        default=None, description="OTHER: the importances this API does not know."
    )
    include_archived: bool = strawberry.field(
        default=False, description="Also memories the app's memory lifecycle archived."
    )


@strawberry.input
class CoachCreatorSessionFilter:
    is_complete: bool | None = None
    sophistication_level: SophisticationLevel | None = strawberry.field(
        default=None, description="OTHER: the levels this API does not know."
    )
    abandoned: bool | None = None
    include_deleted: bool = strawberry.field(
        default=False, description="Also sessions the app soft-deleted."
    )

"""Filter and order inputs of the list fields."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from schema.enums import Importance, MemoryType


@strawberry.input
class WorkoutFilter:
    completed_from: datetime | None = None
    completed_to: datetime | None = None
    discipline: str | None = strawberry.field(default=None, description="e.g. crossfit")
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
    memory_type: MemoryType | None = None
    importance: Importance | None = None
    include_archived: bool = strawberry.field(
        default=False, description="Also memories the app's memory lifecycle archived."
    )


@strawberry.input
class CoachCreatorSessionFilter:
    is_complete: bool | None = None
    sophistication_level: str | None = None
    abandoned: bool | None = None
    include_deleted: bool = strawberry.field(
        default=False, description="Also sessions the app soft-deleted."
    )

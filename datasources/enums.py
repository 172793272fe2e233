"""The value sets of stored fields that the API treats as enums.

Plain Python enums (values as stored); the GraphQL layer exposes them as GraphQL enums
(`schema/enums.py` registers each with strawberry), and the write inputs validate with them.

Stored data can hold values this API does not know yet (NeonPanda's app adds disciplines
and memory types as it grows): `read(Enum, value)` gives the member, or `OTHER` for a value
outside the set, and the GraphQL types carry the stored string beside the enum. `OTHER` is
never accepted as input (`Known`).
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated, TypeVar

from pydantic import AfterValidator

E = TypeVar("E", bound=Enum)


class Discipline(Enum):
    CROSSFIT = "crossfit"
    POWERLIFTING = "powerlifting"
    BODYBUILDING = "bodybuilding"
    HIIT = "hiit"
    RUNNING = "running"
    TRAIL_RUNNING = "trail_running"
    SWIMMING = "swimming"
    CYCLING = "cycling"
    YOGA = "yoga"
    MARTIAL_ARTS = "martial_arts"
    CLIMBING = "climbing"
    HYBRID = "hybrid"
    HYROX = "hyrox"
    OLYMPIC_WEIGHTLIFTING = "olympic_weightlifting"
    FUNCTIONAL_BODYBUILDING = "functional_bodybuilding"
    CALISTHENICS = "calisthenics"
    CIRCUIT_TRAINING = "circuit_training"
    BACKPACKING = "backpacking"
    RUCKING = "rucking"
    OTHER = "other"


class MemoryType(Enum):
    PREFERENCE = "preference"
    GOAL = "goal"
    CONSTRAINT = "constraint"
    INSTRUCTION = "instruction"
    CONTEXT = "context"
    PROSPECTIVE = "prospective"
    EPISODIC = "episodic"
    BEHAVIORAL = "behavioral"
    OTHER = "other"


class Importance(Enum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    OTHER = "other"


class MessageRole(Enum):
    USER = "user"
    ASSISTANT = "assistant"
    OTHER = "other"


class CreationType(Enum):
    INITIAL = "initial"
    MODIFICATION = "modification"
    RECREATION = "recreation"
    OTHER = "other"


class SophisticationLevel(Enum):
    BEGINNER = "BEGINNER"
    INTERMEDIATE = "INTERMEDIATE"
    ADVANCED = "ADVANCED"
    UNKNOWN = "UNKNOWN"
    OTHER = "OTHER"


class ProgramStatus(Enum):
    """The app's program states (libs/program/types.ts:21)."""

    ACTIVE = "active"
    PAUSED = "paused"
    COMPLETED = "completed"
    ARCHIVED = "archived"
    OTHER = "other"


class ProgramTemplateStatus(Enum):
    """A day template's state in the program's S3 details (libs/program/types.ts:144)."""

    PENDING = "pending"
    COMPLETED = "completed"
    SKIPPED = "skipped"
    REGENERATED = "regenerated"
    OTHER = "other"


class UploadPurpose(Enum):
    """What an upload is for: a message takes images and documents (the app's
    `imageS3Keys` and `documentS3Keys`), a workout images only (its `imageS3Keys`)."""

    MESSAGE = "message"
    WORKOUT = "workout"


class ProgramAction(Enum):
    """The status transitions of the app's update-program handler (:45-92), and archive
    (its delete-program handler's soft delete)."""

    PAUSE = "pause"
    RESUME = "resume"
    COMPLETE = "complete"
    ARCHIVE = "archive"


def read(cls: type[E], value: object) -> E:
    """The member for a stored value (case-insensitively), or `OTHER`."""
    text = str(value) if value is not None else ""
    for member in cls:
        if str(member.value).lower() == text.lower():
            return member
    return cls["OTHER"]


def _not_other(value: Enum) -> Enum:
    if value.name == "OTHER":
        raise ValueError("OTHER stands for stored values this API does not know; give a value")
    return value


# An enum input that must name a known value.
Known = Annotated[E, AfterValidator(_not_other)]

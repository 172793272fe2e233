"""The value sets of stored fields that the API treats as enums.

Plain Python enums (values as stored); the GraphQL layer exposes them as GraphQL enums
(`schema/enums.py` registers each with strawberry), and the write inputs validate with them.
"""

from __future__ import annotations

from enum import Enum


class Discipline(Enum):
    CROSSFIT = "crossfit"
    POWERLIFTING = "powerlifting"
    BODYBUILDING = "bodybuilding"
    HIIT = "hiit"
    RUNNING = "running"
    SWIMMING = "swimming"
    CYCLING = "cycling"
    YOGA = "yoga"
    MARTIAL_ARTS = "martial_arts"
    CLIMBING = "climbing"
    HYBRID = "hybrid"


class MemoryType(Enum):
    PREFERENCE = "preference"
    GOAL = "goal"
    CONSTRAINT = "constraint"
    INSTRUCTION = "instruction"
    CONTEXT = "context"


class Importance(Enum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class MessageRole(Enum):
    USER = "user"
    ASSISTANT = "assistant"


class CreationType(Enum):
    INITIAL = "initial"
    MODIFICATION = "modification"
    RECREATION = "recreation"


class SophisticationLevel(Enum):
    BEGINNER = "BEGINNER"
    INTERMEDIATE = "INTERMEDIATE"
    ADVANCED = "ADVANCED"
    UNKNOWN = "UNKNOWN"

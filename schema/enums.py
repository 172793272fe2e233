"""GraphQL enums over the stored value sets of `datasources/enums.py` (one definition).

`strawberry.enum` registers each class in place, so the write inputs (pydantic models in
datasources/inputs) and the GraphQL schema name the very same enum.
"""

from __future__ import annotations

import strawberry

from datasources.enums import (
    CreationType,
    Discipline,
    Importance,
    MemoryType,
    MessageRole,
    ProgramAction,
    ProgramStatus,
    ProgramTemplateStatus,
    SophisticationLevel,
    UploadPurpose,
)

for _enum in (
    CreationType,
    Discipline,
    Importance,
    MemoryType,
    MessageRole,
    ProgramAction,
    ProgramStatus,
    SophisticationLevel,
    ProgramTemplateStatus,
    UploadPurpose,
):
    strawberry.enum(_enum)

__all__ = [
    "CreationType",
    "Discipline",
    "Importance",
    "MemoryType",
    "MessageRole",
    "ProgramAction",
    "ProgramStatus",
    "ProgramTemplateStatus",
    "SophisticationLevel",
    "UploadPurpose",
]

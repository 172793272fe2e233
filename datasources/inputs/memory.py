"""Memory inputs."""

from __future__ import annotations

from pydantic import Field

from datasources.enums import Importance, Known, MemoryType
from datasources.inputs.common import Id, Tag, Version, WriteInput


class CreateMemory(WriteInput):
    content: str = Field(min_length=1, max_length=2000)
    memory_type: Known[MemoryType]
    importance: Known[Importance] = Importance.MEDIUM
    coach_id: Id | None = None
    tags: list[Tag] | None = Field(default=None, max_length=20)
    source: str | None = Field(default=None, max_length=50)
    memory_id: Id | None = None


class UpdateMemory(WriteInput):
    memory_id: Id
    expected_version: Version
    content: str | None = Field(default=None, min_length=1, max_length=2000)
    memory_type: Known[MemoryType] | None = None
    importance: Known[Importance] | None = None
    tags: list[Tag] | None = Field(default=None, max_length=20)


class DeleteMemory(WriteInput):
    memory_id: Id
    expected_version: Version


class RecordMemoryUse(WriteInput):
    memory_id: Id

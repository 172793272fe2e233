"""Program-designer session inputs (the app's update-program-designer-session-metadata and
delete-program-designer-session handlers)."""

from __future__ import annotations

from pydantic import ConfigDict, Field, field_validator

from datasources.inputs.common import Id, Version, WriteInput


class RenameDesignerSession(WriteInput):
    model_config = ConfigDict(extra="forbid")

    session_id: Id
    expected_version: Version
    title: str = Field(max_length=1000)

    @field_validator("title")
    @classmethod
    def _trimmed(cls, value: str) -> str:
        # The app trims, then refuses empty and past 100 characters (handler.ts:41-47).
        trimmed = value.strip()
        if not trimmed:
            raise ValueError("must not be empty")
        if len(trimmed) > 100:
            raise ValueError("must be 100 characters or fewer")
        return trimmed


class DeleteDesignerSession(WriteInput):
    """The app's soft delete: `isDeleted` and `completedAt` (handler.ts:87-110)."""

    model_config = ConfigDict(extra="forbid")

    session_id: Id
    expected_version: Version

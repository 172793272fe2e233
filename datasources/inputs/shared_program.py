"""Shared-program inputs (the app's create-, delete- and copy-shared-program handlers)."""

from __future__ import annotations

from pydantic import ConfigDict

from datasources.inputs.common import Id, Version, WriteInput


class ShareProgram(WriteInput):
    """One of the athlete's programs, shared (or its share, when it has one already)."""

    model_config = ConfigDict(extra="forbid")

    program_id: Id


class UnshareProgram(WriteInput):
    """The app's soft delete: the share's link stops working; the item stays."""

    model_config = ConfigDict(extra="forbid")

    shared_program_id: Id
    expected_version: Version


class CopySharedProgram(WriteInput):
    """A new program of the caller's from a share, coached by `coach_id` (default: the
    athlete's only active coach)."""

    model_config = ConfigDict(extra="forbid")

    shared_program_id: Id
    coach_id: Id | None = None

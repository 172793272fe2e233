"""Storage-level errors; the GraphQL layer maps them to `extensions.code`."""

from __future__ import annotations

from typing import Any


class StorageError(Exception):
    """Base class for errors raised by `datasources`."""


class BackendUnavailable(StorageError):
    """DynamoDB or S3 did not answer usefully within the retry budget or deadline."""


class ConditionFailed(StorageError):
    """A conditional write's condition did not hold; `item` is the current item, if any."""

    def __init__(self, message: str, item: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.item = item


class TransactionConflict(StorageError):
    """A transaction was cancelled; `reasons` has one code per action ("None" = fine)."""

    def __init__(self, reasons: list[str], items: list[dict[str, Any] | None]) -> None:
        super().__init__(f"transaction cancelled: {reasons}")
        self.reasons = reasons
        self.items = items


class ContentUnavailable(StorageError):
    """An S3 object is missing, unreadable or fails its checksum."""

    def __init__(self, key: str, reason: str) -> None:
        super().__init__(f"content {key!r} unavailable: {reason}")
        self.key = key
        self.reason = reason

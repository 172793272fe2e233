"""Storage-level errors; the GraphQL layer maps them to `extensions.code` in one place
(`resolvers/errors.py: from_storage`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class StorageError(Exception):
    """Base class for errors raised by `datasources`."""


class BackendUnavailable(StorageError):
    """DynamoDB or S3 did not answer usefully within the retry budget or deadline."""

    def __init__(self, message: str, retry_after_seconds: int = 1) -> None:
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds


class ConditionFailed(StorageError):
    """A conditional write's condition did not hold; `item` is the current item, if any."""

    def __init__(self, message: str, item: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.item = item


@dataclass(frozen=True)
class Failure:
    """Why one labelled action of a cancelled transaction failed."""

    code: str  # ConditionalCheckFailed, TransactionConflict, ...
    item: dict[str, Any] | None  # the item as it is now (for a failed condition)


class Cancelled(StorageError):
    """A transaction was cancelled; `failures` names each failed action by its label."""

    def __init__(self, failures: dict[str, Failure]) -> None:
        super().__init__(f"transaction cancelled: {sorted(failures)}")
        self.failures = failures

    def failed(self, label: str) -> Failure | None:
        """The failure of the action labelled `label` (its condition, usually), if it failed."""
        return self.failures.get(label)

    def failed_any(self, prefix: str) -> Failure | None:
        """The first failure among actions labelled `prefix` or `prefix:<something>`."""
        for label, failure in self.failures.items():
            if label == prefix or label.startswith(prefix + ":"):
                return failure
        return None

    @property
    def contended(self) -> bool:
        """Another transaction touched the same items at the same time (retry later)."""
        return any(f.code == "TransactionConflict" for f in self.failures.values())


class ContentUnavailable(StorageError):
    """An S3 object is missing, unreadable or fails its checksum."""

    def __init__(self, key: str, reason: str) -> None:
        super().__init__(f"content {key!r} unavailable: {reason}")
        self.key = key
        self.reason = reason


# --- a write the caller asked for could not be made (nothing was written) ------------------


class WriteRefused(StorageError):
    """Base of the refusals a store method raises; the message is safe to show."""


class NotFound(WriteRefused):
    def __init__(self, entity_name: str) -> None:
        super().__init__(f"{entity_name} not found")
        self.entity_name = entity_name


class VersionConflict(WriteRefused):
    """The item is not at the version the caller read (or it changed since)."""

    def __init__(self, what: str, current_version: int | None, reason: str | None = None) -> None:
        super().__init__(
            reason
            or f"The {what.lower()} has changed (current version {current_version}); "
            "reload and retry"
        )
        self.current_version = current_version


class AlreadyExists(WriteRefused):
    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class InUse(WriteRefused):
    """Other items still refer to the one the caller wants gone; they are named in
    `referenced_by` (the extension's name, e.g. "programs") as `refs`."""

    def __init__(self, message: str, referenced_by: str, refs: list[dict[str, Any]]) -> None:
        super().__init__(message)
        self.referenced_by = referenced_by
        self.refs = refs


class Invalid(WriteRefused):
    """The input names something that does not fit (a value taken, a missing reference).
    `field` is the input field, or its path inside the input (`("messages", 0,
    "imageS3Keys", 1)`); `reason` a stable code for clients, where one helps."""

    def __init__(
        self, message: str, field: str | tuple[str | int, ...], reason: str | None = None
    ) -> None:
        super().__init__(message)
        self.field = field
        self.reason = reason

    @property
    def path(self) -> list[str | int]:
        return [self.field] if isinstance(self.field, str) else list(self.field)


class UnreadableField(WriteRefused):
    """A write would replace a stored value that could not be read (it is kept instead)."""


class Busy(WriteRefused):
    """Concurrent writers kept colliding; the same request may be retried."""


class RateLimited(WriteRefused):
    """A shared limit is reached (datasources/quota.py); retry after the window ends."""

    def __init__(self, message: str, retry_after_seconds: int) -> None:
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds


class Replayed(StorageError):
    """Internal: the idempotency marker was there with the same fingerprint."""

    def __init__(self, result_key: tuple[str, str] | None) -> None:
        super().__init__("replayed")
        self.result_key = result_key

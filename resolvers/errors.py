"""The error codes of `shared/spec/api.md`, raised as GraphQL errors with `extensions.code`."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from graphql import GraphQLError

from datasources.errors import (
    AlreadyExists,
    InUse,
    Invalid,
    NotFound,
    RateLimited,
    VersionConflict,
    WriteRefused,
)


class Code(StrEnum):
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    NOT_FOUND = "NOT_FOUND"
    BAD_USER_INPUT = "BAD_USER_INPUT"
    CONFLICT = "CONFLICT"
    RATE_LIMITED = "RATE_LIMITED"
    QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"
    CONTENT_UNAVAILABLE = "CONTENT_UNAVAILABLE"
    # Throttled or unreachable backend: retry (same idempotency key) after retryAfterSeconds.
    SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"


class ApiError(GraphQLError):
    """An error whose message is safe to show; `extra` lands in `extensions` beside `code`."""

    def __init__(self, code: Code, message: str, **extra: Any) -> None:
        super().__init__(message, extensions={"code": code.value, **extra})
        self.code = code


def unauthenticated(reason: str = "Sign in first: send Authorization: Bearer <token>") -> ApiError:
    return ApiError(Code.UNAUTHENTICATED, reason)


def not_found(what: str) -> ApiError:
    return ApiError(Code.NOT_FOUND, f"{what} not found")


def bad_input(message: str, field: list[str | int] | None = None, **extra: Any) -> ApiError:
    return ApiError(Code.BAD_USER_INPUT, message, field=field or [], **extra)


def from_storage(err: WriteRefused) -> ApiError:
    """The one mapping from a store's refusal to the API's error (codes of api.md)."""
    if isinstance(err, NotFound):
        return ApiError(Code.NOT_FOUND, str(err))
    if isinstance(err, VersionConflict):
        return ApiError(Code.CONFLICT, str(err), currentVersion=err.current_version)
    if isinstance(err, Invalid):
        reason = {"reason": err.reason} if err.reason else {}
        return bad_input(str(err), ["input", *err.path], **reason)
    if isinstance(err, RateLimited):
        return ApiError(Code.RATE_LIMITED, str(err), retryAfterSeconds=err.retry_after_seconds)
    if isinstance(err, InUse):
        return ApiError(Code.CONFLICT, str(err), **{err.referenced_by: err.refs})
    if isinstance(err, AlreadyExists):
        extra = {"field": ["input", err.field]} if err.field else {}
        return ApiError(Code.CONFLICT, str(err), **extra)
    return ApiError(Code.CONFLICT, str(err))  # Busy: a retry with the same request may land

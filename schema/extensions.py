"""The cost report (a schema extension) and the error policy."""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from datasources.cost import current_cost, forget_seen, reset_seen
from datasources.errors import BackendUnavailable, ContentUnavailable, WriteRefused
from datasources.loaders import request_cache
from resolvers.errors import ApiError, Code, from_storage
from telemetry import current_request, operation_name_of, operation_type

log = logging.getLogger("neonpanda.errors")


class CostExtension(SchemaExtension):
    """Routes backend accounting (and the stores' write reports) to this request, and
    reports the cost as `extensions.cost`."""

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context.context
        cost_token = current_cost.set(context.cost)
        seen_token = forget_seen()
        cache_token = request_cache.set(context.loaders)
        try:
            yield
        finally:
            request_cache.reset(cache_token)
            reset_seen(seen_token)
            current_cost.reset(cost_token)
            info = current_request.get()  # the request line (telemetry.py)
            if info is not None:
                info.cost = context.cost.to_dict()
                info.operation_name = operation_name_of(self.execution_context.operation_name)
                info.operation_type = operation_type(self.execution_context)

    def get_results(self) -> dict[str, Any]:
        return {"cost": self.execution_context.context.cost.to_dict()}


RETRY_AFTER_SECONDS = 1  # after the client's own backoff: botocore retried already


def _classify(error: GraphQLError) -> tuple[Code, str] | None:
    """The code and safe message for an error; None means keep it as it is."""
    original = error.original_error
    if isinstance(original, ApiError) or (original is None and "code" in (error.extensions or {})):
        return None
    if error.message.startswith("Syntax Error: Document contains more than"):
        return Code.QUERY_TOO_COMPLEX, error.message  # the parser's token limit
    if (
        original is None
        or isinstance(original, GraphQLError)
        or (error.path is None and isinstance(original, ValueError | TypeError))
    ):
        # Parse, validation and coercion errors (a scalar refusing a variable or a literal
        # before execution, with our message): the client's document is wrong.
        return Code.BAD_USER_INPUT, error.message
    if isinstance(original, ContentUnavailable):
        return Code.CONTENT_UNAVAILABLE, f"Stored content is unavailable ({original.reason})"
    if isinstance(original, BackendUnavailable):
        return Code.SERVICE_UNAVAILABLE, "The data store is busy or unreachable; retry shortly"
    return Code.INTERNAL_SERVER_ERROR, "Internal server error"


_VARIABLE_ERROR = re.compile(r"^Variable '\$(\w+)' (?:has|got) invalid value(?: at ([.\w\[\]]+))?")
_PATH_PART = re.compile(r"\.(\w+)|\[(\d+)\]")


def _variable_path(message: str) -> list[str | int] | None:
    """The field path of a variable coercion error (`$input` at `.completedAt` is
    `["input", "completedAt"]`), as graphql-core writes it in the message."""
    match = _VARIABLE_ERROR.match(message)
    if match is None:
        return None
    path: list[str | int] = [match.group(1)]
    for name, index in _PATH_PART.findall(match.group(2) or ""):
        path.append(name if name else int(index))
    return path


def format_errors(errors: list[GraphQLError], *, details: bool = True) -> list[GraphQLError]:
    """Every error gets an `extensions.code`; internal exception text never leaves.

    Applied to the final result by the HTTP view, so it also covers errors raised before
    or around execution (parse errors from the parser cache, limits, deadlines). Without
    `details` (production: introspection off), validation and variable errors say what
    was wrong in words that name no type or field the client did not send itself: the
    schema cannot be rebuilt from error messages, nor from where they point (no
    locations) or how many there are (one generic error however many fields were wrong).
    """
    formatted: list[GraphQLError] = []
    for error in errors:
        mine = _format(error, details)
        if (
            not details
            and mine.message == _GENERIC
            and any(e.message == _GENERIC for e in formatted)
        ):
            continue
        formatted.append(mine)
    return formatted


_GENERIC = "The document is not valid for this API"


def _format(error: GraphQLError, details: bool = True) -> GraphQLError:
    if isinstance(error.original_error, WriteRefused):
        mapped = from_storage(error.original_error)
        return GraphQLError(
            mapped.message, nodes=error.nodes, path=error.path, extensions=mapped.extensions
        )
    verdict = _classify(error)
    if verdict is None:
        return error
    code, message = verdict
    extensions: dict[str, Any] = {"code": code.value}
    field = _variable_path(error.message) if code is Code.BAD_USER_INPUT else None
    if field:
        extensions["field"] = field
    nodes = error.nodes
    if not details and code is Code.BAD_USER_INPUT and not message.startswith("Syntax Error"):
        where = ".".join(str(p) for p in field[1:]) if field else ""
        if field:
            message = f"Variable '${field[0]}' has an invalid value" + (
                f" at {where}" if where else ""
            )
        else:
            message = _GENERIC
        # Without locations too: which of the names a probe guessed is real would show in
        # where the (generic) error points.
        nodes = None
    if code is Code.SERVICE_UNAVAILABLE:
        extensions["retryAfterSeconds"] = RETRY_AFTER_SECONDS
        log.warning("backend unavailable: %s", error.original_error)
    if code is Code.INTERNAL_SERVER_ERROR:
        # The request's own id (its X-Request-Id and log lines) where there is one.
        info = current_request.get()
        request_id = info.request_id if info is not None else uuid.uuid4().hex[:12]
        extensions["requestId"] = request_id
        log.error("request %s: %s", request_id, error.message, exc_info=error.original_error)
    return GraphQLError(message, nodes=nodes, path=error.path, extensions=extensions)

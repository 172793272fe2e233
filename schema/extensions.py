"""The cost report (a schema extension) and the error policy."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from datasources.cost import current_cost
from datasources.errors import BackendUnavailable, ContentUnavailable, WriteRefused
from datasources.loaders import request_cache
from resolvers.errors import ApiError, Code, from_storage

log = logging.getLogger("neonpanda.errors")


class CostExtension(SchemaExtension):
    """Routes backend accounting (and the stores' write reports) to this request, and
    reports the cost as `extensions.cost`."""

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context.context
        cost_token = current_cost.set(context.cost)
        cache_token = request_cache.set(context.loaders)
        try:
            yield
        finally:
            request_cache.reset(cache_token)
            current_cost.reset(cost_token)

    def get_results(self) -> dict[str, Any]:
        return {"cost": self.execution_context.context.cost.to_dict()}


def _classify(error: GraphQLError) -> tuple[Code, str] | None:
    """The code and safe message for an error; None means keep it as it is."""
    original = error.original_error
    if isinstance(original, ApiError) or (original is None and "code" in (error.extensions or {})):
        return None
    if error.message.startswith("Syntax Error: Document contains more than"):
        return Code.QUERY_TOO_COMPLEX, error.message  # the parser's token limit
    if original is None or isinstance(original, GraphQLError):
        # Parse, validation and variable-coercion errors: the client's document is wrong.
        return Code.BAD_USER_INPUT, error.message
    if isinstance(original, ContentUnavailable):
        return Code.CONTENT_UNAVAILABLE, f"Stored content is unavailable ({original.reason})"
    if isinstance(original, BackendUnavailable):
        return Code.INTERNAL_SERVER_ERROR, "The data store is unavailable; retry shortly"
    return Code.INTERNAL_SERVER_ERROR, "Internal server error"


def format_errors(errors: list[GraphQLError]) -> list[GraphQLError]:
    """Every error gets an `extensions.code`; internal exception text never leaves.

    Applied to the final result by the HTTP view, so it also covers errors raised before
    or around execution (parse errors from the parser cache, limits, deadlines).
    """
    return [_format(e) for e in errors]


def _format(error: GraphQLError) -> GraphQLError:
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
    if code is Code.INTERNAL_SERVER_ERROR:
        request_id = uuid.uuid4().hex[:12]
        extensions["requestId"] = request_id
        log.error("request %s: %s", request_id, error.message, exc_info=error.original_error)
    return GraphQLError(message, nodes=error.nodes, path=error.path, extensions=extensions)

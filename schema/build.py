"""Builds the schema object; `uv run server.py export-schema` writes its SDL."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import strawberry
from graphql import NoSchemaIntrospectionCustomRule, specified_rules
from strawberry.extensions import (
    DisableIntrospection,
    MaxTokensLimiter,
    ParserCache,
)
from strawberry.extensions.parser_cache import _get_parse_cache
from strawberry.schema.config import StrawberryConfig

from resolvers.ratelimit import RateLimit
from schema.extensions import CostExtension
from schema.limits import Limits, QueryLimits
from schema.mutation import Mutation
from schema.query import Query
from schema.scalars import SCALAR_MAP
from schema.subscription import Subscription
from settings import Settings

SDL_PATH = Path(__file__).with_name("schema.graphql")
# Parsed documents kept (strawberry's cache, shared by every request and the socket's
# checks: `parse_document(text, max_tokens=N)` is the same cache entry strawberry uses).
PARSER_CACHE_SIZE = 256
parse_document = _get_parse_cache(PARSER_CACHE_SIZE)


class QuietSchema(strawberry.Schema):
    """Client mistakes are not server errors: the error policy logs what needs logging
    (internal errors, with a request id) instead of strawberry logging every error."""

    def process_errors(self, errors: Any, execution_context: Any = None) -> None:
        return None


def build_schema(
    settings: Settings | None = None, extensions: Sequence[Any] = ()
) -> strawberry.Schema:
    """The schema with the limits of `settings` (defaults: dev mode's); `extensions` run
    after ours (tracing's resolver spans)."""
    settings = settings or Settings(dev_auth=True)
    limits = limits_for(settings)
    # Factories: a fresh instance per request; caches are shared.
    chain: list[Any] = [
        CostExtension,
        lambda: MaxTokensLimiter(settings.max_tokens),
        lambda: ParserCache(maxsize=PARSER_CACHE_SIZE),
        # Limits first, then validation (cached): QueryLimits runs both, in that order.
        lambda: QueryLimits(limits),
        RateLimit,
        *extensions,
    ]
    if not settings.introspection_enabled:
        chain.append(DisableIntrospection)
    return QuietSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=chain,
        config=StrawberryConfig(
            disable_field_suggestions=not settings.introspection_enabled, scalar_map=SCALAR_MAP
        ),
    )


def limits_for(settings: Settings) -> Limits:
    return Limits(
        max_depth=settings.max_depth,
        max_aliases=settings.max_aliases,
        max_directives=settings.max_directives,
        max_cost=settings.max_cost,
        max_field_comparisons=settings.max_field_comparisons,
        max_variable_elements=settings.max_variable_elements,
        max_variable_depth=settings.max_variable_depth,
    )


def validation_rules_for(settings: Settings) -> tuple[Any, ...]:
    """What strawberry's execution context validates with under `settings`: graphql's
    specified rules, plus DisableIntrospection's rule when introspection is off."""
    rules: tuple[Any, ...] = tuple(specified_rules)
    if not settings.introspection_enabled:
        rules += (NoSchemaIntrospectionCustomRule,)
    return rules


def export_sdl(schema: strawberry.Schema) -> str:
    return schema.as_str() + "\n"

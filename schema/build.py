"""Builds the schema object; `uv run server.py export-schema` writes its SDL."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import strawberry
from strawberry.extensions import (
    DisableIntrospection,
    MaxTokensLimiter,
    ParserCache,
)
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
    limits = Limits(
        max_depth=settings.max_depth,
        max_aliases=settings.max_aliases,
        max_directives=settings.max_directives,
        max_cost=settings.max_cost,
    )
    # Factories: a fresh instance per request; caches are shared.
    chain: list[Any] = [
        CostExtension,
        lambda: MaxTokensLimiter(settings.max_tokens),
        lambda: ParserCache(maxsize=256),
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


def export_sdl(schema: strawberry.Schema) -> str:
    return schema.as_str() + "\n"

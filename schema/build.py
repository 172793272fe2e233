"""Builds the schema object; `uv run server.py export-schema` writes its SDL."""

from __future__ import annotations

from pathlib import Path

import strawberry
from strawberry.extensions import ParserCache, ValidationCache

from schema.extensions import CostExtension, ErrorPolicy
from schema.mutation import Mutation
from schema.query import Query

SDL_PATH = Path(__file__).with_name("schema.graphql")


def build_schema() -> strawberry.Schema:
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        extensions=[
            CostExtension,
            ErrorPolicy,
            # Factories: a fresh instance per request; the LRU caches are module-level.
            lambda: ParserCache(maxsize=256),
            lambda: ValidationCache(maxsize=256),
        ],
    )


def export_sdl(schema: strawberry.Schema) -> str:
    return schema.as_str() + "\n"

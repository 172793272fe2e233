"""The committed SDL is the schema; regenerate with `uv run server.py export-schema`."""

from __future__ import annotations

from schema.build import SDL_PATH, build_schema, export_sdl


def test_committed_sdl_matches_the_schema() -> None:
    assert SDL_PATH.read_text() == export_sdl(build_schema()), (
        "schema changed: run `uv run server.py export-schema` and commit schema/schema.graphql"
    )

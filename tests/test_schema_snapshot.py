"""The committed SDL is the schema; regenerate with `uv run server.py export-schema`.

`schema/released.graphql` is the SDL clients last received (copy `schema/schema.graphql`
over it when a release goes out). Every change since must be additive: graphql-core's
`find_breaking_changes` between the two reports nothing that `schema/breaking-changes.json`
does not accept by name, with its reason.
"""

from __future__ import annotations

import json

from graphql import build_schema as build_sdl
from graphql import find_breaking_changes

from schema.build import SDL_PATH, build_schema, export_sdl

RELEASED = SDL_PATH.with_name("released.graphql")
ACCEPTED = SDL_PATH.with_name("breaking-changes.json")


def test_committed_sdl_matches_the_schema() -> None:
    assert SDL_PATH.read_text() == export_sdl(build_schema()), (
        "schema changed: run `uv run server.py export-schema` and commit schema/schema.graphql"
    )


def _breaking(old: str, new: str) -> list[str]:
    return [
        f"{change.type.name}: {change.description}"
        for change in find_breaking_changes(build_sdl(old), build_sdl(new))
    ]


def test_no_breaking_change_since_the_last_release() -> None:
    accepted = {entry["change"] for entry in json.loads(ACCEPTED.read_text())["accepted"]}
    found = _breaking(RELEASED.read_text(), export_sdl(build_schema()))
    unaccepted = [change for change in found if change not in accepted]
    assert not unaccepted, (
        "breaking changes since schema/released.graphql (make them additive, deprecating the "
        "old field, or accept each in schema/breaking-changes.json with its reason):\n"
        + "\n".join(unaccepted)
    )


def test_the_check_sees_a_breaking_change() -> None:
    """The check can fail: a field removed and an argument made required are reported."""
    old = "type Query { a: Int b(x: Int): Int }"
    new = "type Query { b(x: Int!): Int }"
    found = _breaking(old, new)
    assert any(f.startswith("FIELD_REMOVED") for f in found), found
    assert any(f.startswith("ARG_CHANGED_KIND") for f in found), found

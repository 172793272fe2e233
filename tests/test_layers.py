"""The layers import one way: schema (GraphQL types, inputs, mutations) -> resolvers
(context, errors, paging, list helpers) -> datasources (keys, records, stores, the
stream). Nothing above the data layer builds a key or reads a stream image."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.imports import imports_of

ROOT = Path(__file__).resolve().parents[1]
# Lower first: a package may import its own and the ones before it, never one after.
LAYERS = ("datasources", "resolvers", "schema")
# The data layer's internals nothing above it uses: key strings, raw table and stream items.
DATA_INTERNALS = ("datasources.keys", "datasources.table", "datasources.raw_reads")


def _files(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def _package(module: str) -> str:
    return module.split(".", 1)[0]


@pytest.mark.parametrize("layer", LAYERS)
def test_a_layer_imports_only_the_layers_below_it(layer: str) -> None:
    above = set(LAYERS[LAYERS.index(layer) + 1 :])
    wrong = {
        f"{path.relative_to(ROOT)} imports {module}"
        for path in _files(layer)
        for module in imports_of(path, type_checking=True)
        if _package(module) in above
    }
    assert not wrong, sorted(wrong)


@pytest.mark.parametrize("layer", ["resolvers", "schema"])
def test_no_key_or_stream_item_is_read_above_the_data_layer(layer: str) -> None:
    wrong = {
        f"{path.relative_to(ROOT)} imports {module}"
        for path in _files(layer)
        for module in imports_of(path, type_checking=True)
        if module.startswith(DATA_INTERNALS)
    }
    assert not wrong, sorted(wrong)


def test_the_checks_see_what_they_look_for(tmp_path: Path) -> None:
    """The walk finds imports inside functions and under TYPE_CHECKING (or the tests above
    would pass on anything)."""
    source = tmp_path / "m.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from schema.user import User\n"
        "def f():\n    from datasources import keys\n"
    )
    found = imports_of(source, type_checking=True)
    assert {"schema.user", "datasources.keys"} <= found
    assert "schema.user" not in imports_of(source)

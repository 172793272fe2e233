"""Scalars this schema defines itself (same names as strawberry's; every message ours).

- `JSON`: strawberry's, with its input bounded: a value nested deeper than DynamoDB's 32
  levels, or larger than the biggest content an input may carry, is refused while the
  variables are coerced, with the argument's path, before any resolver or store sees it.
  (Unbounded, 200 levels ended in a RecursionError.)
  Its numbers must be ones DynamoDB stores (at most 38 significant digits, magnitude
  between 1e-130 and 1e126, finite), checked in the same single walk as its depth.
- `DateTime`: one shape out, always UTC with milliseconds and `Z`
  (`2026-01-01T07:00:00.000Z`); in, ISO 8601 with a time zone. Bad input gets our
  message, never the parser's ("invalid literal for int()", "year 0 is out of range").
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types.scalar import ScalarDefinition

from datasources.inputs.common import (
    MAX_JSON_CONTENT_BYTES,
    MAX_JSON_DEPTH,
    NUMBER_WORDS,
    storable_number,
)

_ECMA_404 = (
    "https://ecma-international.org/wp-content/uploads/ECMA-404_2nd_edition_december_2017.pdf"
)


def _bounded_json(value: Any) -> Any:
    """One walk: depth and numbers, stopping at the first problem; then the size."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict | list):
            if depth >= MAX_JSON_DEPTH:
                raise ValueError(f"JSON nests deeper than {MAX_JSON_DEPTH} levels")
            children = node.values() if isinstance(node, dict) else node
            stack.extend((child, depth + 1) for child in children)
        elif isinstance(node, int | float) and not storable_number(node):
            raise ValueError(f"JSON {NUMBER_WORDS}")
    size = len(json.dumps(value, ensure_ascii=False, default=str).encode())
    if size > MAX_JSON_CONTENT_BYTES:
        raise ValueError(f"JSON is {size:,} bytes; at most {MAX_JSON_CONTENT_BYTES:,}")
    return value


BoundedJSON = strawberry.scalar(
    name="JSON",
    description=(
        f"The `JSON` scalar type represents JSON values as specified by [ECMA-404]({_ECMA_404})."
    ),
    specified_by_url=_ECMA_404,
    serialize=lambda v: v,
    parse_value=_bounded_json,
)


def _serialize_datetime(value: Any) -> str:
    if not isinstance(value, dt.datetime):
        raise TypeError(f"DateTime cannot represent {type(value).__name__}")
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)  # stored stamps without a zone are UTC
    utc = value.astimezone(dt.UTC)
    return f"{utc:%Y-%m-%dT%H:%M:%S}.{utc.microsecond // 1000:03d}Z"


_DATETIME_EXPECTED = (
    "Expected an ISO 8601 date-time with a time zone, e.g. 2026-01-01T07:00:00.000Z"
)


def _parse_datetime(value: Any) -> dt.datetime:
    if not isinstance(value, str) or len(value) > 40:
        raise ValueError(_DATETIME_EXPECTED)
    try:
        parsed = dt.datetime.fromisoformat(value)
        if parsed.tzinfo is None:
            raise ValueError(_DATETIME_EXPECTED)
        # `0001-01-01T00:00:00+01:00` is a valid string whose UTC instant is before year 1.
        return parsed.astimezone(dt.UTC)
    except (ValueError, OverflowError):
        raise ValueError(_DATETIME_EXPECTED) from None


UtcDateTime = strawberry.scalar(
    name="DateTime",
    description=(
        "An instant. Output: always UTC with milliseconds and `Z` "
        "(2026-01-01T07:00:00.000Z). Input: ISO 8601 with a time zone."
    ),
    serialize=_serialize_datetime,
    parse_value=_parse_datetime,
)

# StrawberryConfig.scalar_map: these stand in for strawberry's own JSON and DateTime.
SCALAR_MAP: dict[object, ScalarDefinition] = {JSON: BoundedJSON, dt.datetime: UtcDateTime}

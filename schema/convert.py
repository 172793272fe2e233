"""Builds strawberry objects from stored snake_case data, leniently.

Nested storage (workout data, coach config, summary structure) has the same snake_case
names as the strawberry types' Python fields, so one converter serves them all. A value
of the wrong kind (a string where a number belongs) becomes null instead of failing the
whole object: stored data comes from AI extraction and may be imperfect.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Hashable
from datetime import datetime
from functools import cache
from typing import Any, TypeVar, Union, cast, get_args, get_origin

from strawberry.scalars import JSON

T = TypeVar("T")

_NONE = type(None)


@cache
def _hints(cls: Hashable) -> dict[str, Any]:
    return {
        name: hint for name, hint in typing.get_type_hints(cls).items() if not name.startswith("_")
    }


def _coerce(hint: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = get_origin(hint)
    if origin in (Union, types.UnionType):
        options = [a for a in get_args(hint) if a is not _NONE]
        return _coerce(options[0], value) if len(options) == 1 else value
    if origin is list:
        if not isinstance(value, list):
            return None
        (item,) = get_args(hint)
        return [_coerce(item, v) for v in value]
    if hint is JSON or hint is Any:
        return value
    if hasattr(hint, "__strawberry_definition__"):
        return from_data(hint, value) if isinstance(value, dict) else None
    if hint is float:
        return (
            float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
        )
    if hint is int:
        if isinstance(value, bool):
            return None
        if isinstance(value, int):
            return value
        return int(value) if isinstance(value, float) and value.is_integer() else None
    if hint is bool:
        return value if isinstance(value, bool) else None
    if hint is str:
        return value if isinstance(value, str) else str(value)
    if hint is datetime:
        return value if isinstance(value, datetime) else None
    return value


def from_data(cls: type[T], data: dict[str, Any]) -> T:
    """An instance of strawberry type `cls` from a snake_case dict (missing keys -> null)."""
    hints: dict[str, Any] = _hints(cast(Hashable, cls))
    return cls(**{name: _coerce(hint, data.get(name)) for name, hint in hints.items()})


def maybe(cls: type[T], data: dict[str, Any] | None) -> T | None:
    return None if not isinstance(data, dict) else from_data(cls, data)

"""Builds strawberry objects from stored snake_case data, leniently.

Nested storage (workout data, coach config, summary structure) has the same snake_case
names as the strawberry types' Python fields, so one converter serves them all. A value
of the wrong kind (a string where a number belongs) becomes null instead of failing the
whole object: stored data comes from AI extraction and may be imperfect.

An enum field reads its stored value with `enums.read` (`OTHER` for a value this API
does not know); a `<field>_name` beside it gets the value as stored.

Each type's converter is compiled once from its annotations (converting is on the hot
path of every list query).
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable
from datetime import UTC, datetime
from enum import Enum
from functools import cache
from typing import Any, TypeVar, Union, cast, get_args, get_origin

from strawberry.scalars import JSON

from datasources.enums import read

T = TypeVar("T")
Converter = Callable[[Any], Any]

_NONE = type(None)


def _identity(value: Any) -> Any:
    return value


def _to_float(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _to_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    return int(value) if isinstance(value, float) and value.is_integer() else None


def _to_bool(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _to_str(value: Any) -> str:
    return value if isinstance(value, str) else str(value)


def _to_datetime(value: Any) -> datetime | None:
    """A datetime, or an ISO 8601 text of one (how the app and the records store them)."""
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


_SCALARS: dict[Any, Converter] = {
    float: _to_float,
    int: _to_int,
    bool: _to_bool,
    str: _to_str,
    datetime: _to_datetime,
}


def _converter(hint: Any) -> Converter:
    """A function that converts one stored value to `hint` (None stays None)."""
    origin = get_origin(hint)
    if origin in (Union, types.UnionType):
        options = [a for a in get_args(hint) if a is not _NONE]
        return _converter(options[0]) if len(options) == 1 else _identity
    if origin is list:
        (item_hint,) = get_args(hint)
        item = _converter(item_hint)

        def convert_list(value: Any) -> Any:
            if not isinstance(value, list):
                return None
            return [None if v is None else item(v) for v in value]

        return convert_list
    if hint is JSON or hint is Any:
        return _identity
    if isinstance(hint, type) and issubclass(hint, Enum):
        enum: type[Enum] = hint
        return lambda value: read(enum, value)
    if hasattr(hint, "__strawberry_definition__"):
        build = _builder(hint)
        return lambda value: build(value) if isinstance(value, dict) else None
    return _SCALARS.get(hint, _identity)


def _is_enum(hint: Any) -> bool:
    """`E` or `E | None` for an enum `E`."""
    if get_origin(hint) in (Union, types.UnionType):
        options = [a for a in get_args(hint) if a is not _NONE]
        hint = options[0] if len(options) == 1 else None
    return isinstance(hint, type) and issubclass(hint, Enum)


@cache
def _builder(cls: Any) -> Callable[[dict[str, Any]], Any]:
    hints = {n: h for n, h in typing.get_type_hints(cls).items() if not n.startswith("_")}
    fields = [(name, _converter(hint)) for name, hint in hints.items()]
    # An enum field's stored value, as stored, in the `<field>_name` beside it.
    raw = [(name, f"{name}_name") for name, hint in hints.items() if _is_enum(hint)]
    raw = [(name, sibling) for name, sibling in raw if sibling in hints]
    # A type derived from a record reads the stored object through the record's view of it
    # (schema/derive.py).
    readable: Callable[[dict[str, Any]], dict[str, Any]] | None = getattr(cls, "__readable__", None)

    def build(data: dict[str, Any]) -> Any:
        if readable is not None:
            data = readable(data)
        values = {}
        for name, convert in fields:
            value = data.get(name)
            values[name] = None if value is None else convert(value)
        for name, sibling in raw:
            value = data.get(name)
            values[sibling] = None if value is None else _to_str(value)
        return cls(**values)

    return build


def from_data(cls: type[T], data: dict[str, Any]) -> T:
    """An instance of strawberry type `cls` from a snake_case dict (missing keys -> null)."""
    return cast(T, _builder(cast(Any, cls))(data))


def maybe(cls: type[T], data: dict[str, Any] | None) -> T | None:
    return None if not isinstance(data, dict) else from_data(cls, data)


def _snake(name: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in name)


def snake_keys(value: Any) -> Any:
    """camelCase keys (as stored by this API and the app) to snake_case, recursively."""
    if isinstance(value, dict):
        return {_snake(k): snake_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [snake_keys(v) for v in value]
    return value


def instant(value: object) -> datetime | None:
    """A stored stamp (ISO 8601 text, as the app and the seed write them) as an instant,
    or None when it is not one (a stamp without a zone is UTC)."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)

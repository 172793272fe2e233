"""Turning a GraphQL input into its validated write input (datasources/inputs)."""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from strawberry import UNSET
from strawberry.utils.str_converters import to_camel_case

from resolvers.errors import bad_input

M = TypeVar("M", bound=BaseModel)


def _plain(value: Any) -> Any:
    """A strawberry input (nested dataclasses) as plain data; unset fields left out."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: _plain(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if getattr(value, f.name) is not UNSET
        }
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def validated(strawberry_input: Any, model: type[M]) -> M:
    """The input validated as a whole by its pydantic model (so error paths are complete),
    or BAD_USER_INPUT with the camelCase path of the first problem."""
    try:
        value = model.model_validate(_plain(strawberry_input))
    except ValidationError as err:
        first = err.errors()[0]
        path: list[str | int] = ["input"]
        path += [to_camel_case(p) if isinstance(p, str) else p for p in first["loc"]]
        raise bad_input(f"{'.'.join(str(p) for p in path)}: {first['msg']}", path) from err
    return value

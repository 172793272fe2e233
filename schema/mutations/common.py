"""Helpers shared by the mutation modules."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, Field, ValidationError
from strawberry import UNSET
from strawberry.utils.str_converters import to_camel_case

from resolvers.errors import bad_input

M = TypeVar("M", bound=BaseModel)

Id = Annotated[str, Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_.:-]+$")]
IdempotencyKey = Annotated[str, Field(min_length=1, max_length=128)]
Tag = Annotated[str, Field(min_length=1, max_length=50)]
Version = Annotated[int, Field(ge=1)]


def _plausible(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("needs a time zone (e.g. 2026-01-01T07:00:00Z)")
    if not 1900 <= value.year <= 2100:
        raise ValueError("must be between the years 1900 and 2100")
    return value


# A timestamp an athlete could mean: with a time zone, between 1900 and 2100.
When = Annotated[datetime, AfterValidator(_plausible)]


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


def to_model(strawberry_input: Any, model: type[M]) -> M:
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

"""Helpers shared by the mutation modules."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, Field, ValidationError
from pydantic.alias_generators import to_camel

from resolvers.errors import bad_input

M = TypeVar("M", bound=BaseModel)

Id = Annotated[str, Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_.:-]+$")]
IdempotencyKey = Annotated[str, Field(min_length=1, max_length=128)]
Tag = Annotated[str, Field(min_length=1, max_length=50)]
Version = Annotated[int, Field(ge=1)]


def to_model(strawberry_input: Any, model: type[M]) -> M:
    """The strawberry input as its validated pydantic model, or BAD_USER_INPUT with the path."""
    try:
        value = strawberry_input.to_pydantic()
    except ValidationError as err:
        first = err.errors()[0]
        path: list[str | int] = ["input"]
        path += [to_camel(p) if isinstance(p, str) else p for p in first["loc"]]
        raise bad_input(f"{'.'.join(str(p) for p in path)}: {first['msg']}", path) from err
    assert isinstance(value, model)
    return value

"""Field types shared by the write inputs."""

from __future__ import annotations

import json
import math
import re
from datetime import datetime
from typing import Annotated, Any, ClassVar, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

# strawberry's own "not given" marker: the only default its pydantic inputs leave out of
# the schema, so a partial update can tell a field left out from an explicit null.
from strawberry import UNSET

from datasources import keys


def _no_double_dot(value: str) -> str:
    if ".." in value:
        raise ValueError("must not hold two dots in a row")
    return value


Id = Annotated[
    str,
    Field(min_length=1, max_length=128, pattern=keys.SAFE_ID_PATTERN),
    AfterValidator(_no_double_dot),
]
IdempotencyKey = Annotated[str, Field(min_length=1, max_length=128)]
Tag = Annotated[str, Field(min_length=1, max_length=50)]
Version = Annotated[int, Field(ge=1)]

USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9_]{3,30}$")
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


def _plausible(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("needs a time zone (e.g. 2026-01-01T07:00:00Z)")
    if not 1900 <= value.year <= 2100:
        raise ValueError("must be between the years 1900 and 2100")
    return value


# A timestamp an athlete could mean: with a time zone, between 1900 and 2100.
When = Annotated[datetime, AfterValidator(_plausible)]


# DynamoDB's numbers: up to 38 significant digits, positive magnitudes from 1E-130 to
# 9.99...E+125 (and their negatives, and zero). Anything else fails when the item is
# written, so inputs are refused first (schema/scalars.py for JSON, validated() for the
# rest).
_SMALLEST, _LARGEST, _DIGITS = 1e-130, 1e126, 38
NUMBER_WORDS = "numbers must be finite, between 1e-130 and 1e126, with at most 38 digits"


def storable_number(value: int | float) -> bool:
    if isinstance(value, bool):
        return True
    if isinstance(value, int):
        return abs(value) < 10**126 and len(str(abs(value)).rstrip("0")) <= _DIGITS
    return math.isfinite(value) and (value == 0 or _SMALLEST <= abs(value) < _LARGEST)


def unstorable_number(value: Any) -> list[str | int] | None:
    """The path of the first number in `value` DynamoDB could not store, if any."""
    stack: list[tuple[Any, list[str | int]]] = [(value, [])]
    while stack:
        node, path = stack.pop()
        if isinstance(node, dict):
            stack.extend((child, [*path, key]) for key, child in node.items())
        elif isinstance(node, list):
            stack.extend((child, [*path, index]) for index, child in enumerate(node))
        elif isinstance(node, int | float) and not storable_number(node):
            return path
    return None


# Free-form JSON (the JSON scalar): bounded before anything else looks at it. 32 levels is
# DynamoDB's own nesting limit; a map stored in the item is capped well under the item's
# 400 KB (several share it); content stored in S3 only by the request body's cap.
MAX_JSON_DEPTH = 32
MAX_JSON_MAP_BYTES = 64 * 1024
MAX_JSON_CONTENT_BYTES = 1024 * 1024


def json_depth(value: Any, limit: int) -> int:
    """How deep `value` nests (a scalar is 0), counted without recursion and stopping
    once past `limit`."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children: Any = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        depth += 1
        if depth > limit:
            return depth
        deepest = max(deepest, depth)
        stack.extend((child, depth) for child in children)
    return deepest


def _bounded(max_bytes: int) -> Any:
    def check(value: dict[str, Any]) -> dict[str, Any]:
        if json_depth(value, MAX_JSON_DEPTH) > MAX_JSON_DEPTH:
            raise ValueError(f"nests deeper than {MAX_JSON_DEPTH} levels")
        size = len(json.dumps(value, ensure_ascii=False, default=str).encode())
        if size > max_bytes:
            raise ValueError(f"is {size:,} bytes as JSON; at most {max_bytes:,}")
        return value

    return AfterValidator(check)


# A free-form map stored in the DynamoDB item.
JsonMap = Annotated[dict[str, Any], _bounded(MAX_JSON_MAP_BYTES)]
# Free-form content stored in S3 (a workout's detailed log).
JsonContent = Annotated[dict[str, Any], _bounded(MAX_JSON_CONTENT_BYTES)]


class WriteInput(BaseModel):
    """Every write input: an optional idempotency key (see datasources/idempotency.py)."""

    idempotency_key: IdempotencyKey | None = None


class Strict(BaseModel):
    """Nested input parts: unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


def _omitted() -> Any:
    return UNSET


def Omittable(**constraints: Any) -> Any:  # a Field factory, hence the capital
    """A field of a partial update, where leaving it out and sending null differ: left out,
    the stored value stays; null removes it. Exposed through strawberry's pydantic inputs,
    whose GraphQL field then has no default (strawberry's UNSET: absent stays absent, and
    `validated` leaves it out); the validated model holds None for it and does not count it
    in `model_fields_set` (`Patch`), which is what `merge_into` applies."""
    return Field(default_factory=_omitted, **constraints)


class Patch(BaseModel):
    """A partial update (or a part of one): what was given is `model_fields_set`, explicit
    nulls included; everything else reads as None. `Intent` fingerprints only what was
    given, so the same key with a field left out or sent as null is not a replay."""

    FINGERPRINT_UNSET: ClassVar[bool] = True

    @model_validator(mode="after")
    def _absent_is_none(self) -> Self:
        for name in type(self).model_fields:
            if name not in self.model_fields_set and self.__dict__.get(name) is UNSET:
                self.__dict__[name] = None  # not setattr: it would count the field as set
        return self

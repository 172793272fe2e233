"""Turning a GraphQL input into its validated write input (datasources/inputs)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from strawberry import UNSET
from strawberry.utils.str_converters import to_camel_case

from datasources.inputs.common import NUMBER_WORDS, unstorable_number
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


def _limit(ctx: dict[str, Any], key: str) -> str:
    value = ctx.get(key)
    return f"{value:,}" if isinstance(value, int | float) else str(value)


# Our words for pydantic's refusals, by its error type (its own text never leaves: it
# quotes patterns and Python types). Anything not listed is "is not valid".
_WORDS: dict[str, Callable[[dict[str, Any]], str]] = {
    "missing": lambda c: "is required",
    "string_too_short": lambda c: f"must be at least {_limit(c, 'min_length')} characters",
    "string_too_long": lambda c: f"must be at most {_limit(c, 'max_length')} characters",
    "string_pattern_mismatch": lambda c: "is not in the expected format",
    "string_type": lambda c: "must be a string",
    "too_short": lambda c: f"must have at least {_limit(c, 'min_length')} items",
    "too_long": lambda c: f"must have at most {_limit(c, 'max_length')} items",
    "greater_than": lambda c: f"must be greater than {_limit(c, 'gt')}",
    "greater_than_equal": lambda c: f"must be at least {_limit(c, 'ge')}",
    "less_than": lambda c: f"must be less than {_limit(c, 'lt')}",
    "less_than_equal": lambda c: f"must be at most {_limit(c, 'le')}",
    "int_type": lambda c: "must be a whole number",
    "int_parsing": lambda c: "must be a whole number",
    "int_from_float": lambda c: "must be a whole number",
    "float_type": lambda c: "must be a number",
    "float_parsing": lambda c: "must be a number",
    "finite_number": lambda c: "must be a finite number",
    "bool_type": lambda c: "must be true or false",
    "dict_type": lambda c: "must be an object",
    "list_type": lambda c: "must be a list",
    "datetime_type": lambda c: "must be a date-time with a time zone",
    "datetime_parsing": lambda c: "must be a date-time with a time zone",
    "timezone_aware": lambda c: "needs a time zone",
    "literal_error": lambda c: f"must be one of {c.get('expected', 'the allowed values')}",
    "enum": lambda c: f"must be one of {c.get('expected', 'the allowed values')}",
    "extra_forbidden": lambda c: "is not a field of this input",
}


def in_our_words(error: Any) -> str:
    """One pydantic error as this API says it. A ValueError our own validators raise
    carries our words already (pydantic's "Value error, " prefix dropped)."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind in ("value_error", "assertion_error") and isinstance(ctx.get("error"), Exception):
        return str(ctx["error"])
    words = _WORDS.get(kind)
    return words(ctx) if words else "is not valid"


def _input_path(where: Any) -> list[str | int]:
    """A path inside the input as the client wrote it (camelCase), from `input`."""
    return ["input", *(to_camel_case(p) if isinstance(p, str) else p for p in where)]


def validated(strawberry_input: Any, model: type[M]) -> M:
    """The input validated as a whole by its pydantic model (so error paths are complete),
    or BAD_USER_INPUT with the camelCase path of the first problem, in our words."""
    plain = _plain(strawberry_input)
    if (where := unstorable_number(plain)) is not None:
        path: list[str | int] = [
            "input",
            *(to_camel_case(p) if isinstance(p, str) else p for p in where),
        ]
        raise bad_input(f"{'.'.join(str(p) for p in path)}: {NUMBER_WORDS}", path)
    try:
        value = model.model_validate(plain)
    except ValidationError as err:
        first = err.errors()[0]
        path = ["input"]
        path += [to_camel_case(p) if isinstance(p, str) else p for p in first["loc"]]
        message = f"{'.'.join(str(p) for p in path)}: {in_our_words(first)}"
        raise bad_input(message, path) from err
    return value

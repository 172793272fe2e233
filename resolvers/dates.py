"""Calendar days as arguments (`YYYY-MM-DD` strings): parsed here, a bad one or a range
whose start is after its end is BAD_USER_INPUT with the argument's name."""

from __future__ import annotations

import re
from datetime import date

from resolvers.errors import bad_input

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def day_argument(value: str | None, argument: str) -> date | None:
    if value is None:
        return None
    try:
        if not _DAY.fullmatch(value):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError as err:
        message = f"{argument}: expected a day as YYYY-MM-DD, got {value!r}"
        raise bad_input(message, [argument]) from err


def day_range(
    low: str | None, high: str | None, names: tuple[str, str] = ("from", "to")
) -> tuple[date | None, date | None]:
    start, end = day_argument(low, names[0]), day_argument(high, names[1])
    if start is not None and end is not None and start > end:
        raise bad_input(f"{names[1]}: {names[0]} ({start}) is after {names[1]} ({end})", [names[1]])
    return start, end

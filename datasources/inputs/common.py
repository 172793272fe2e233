"""Field types shared by the write inputs."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

Id = Annotated[str, Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_.:-]+$")]
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


class WriteInput(BaseModel):
    """Every write input: an optional idempotency key (see datasources/idempotency.py)."""

    idempotency_key: IdempotencyKey | None = None


class Strict(BaseModel):
    """Nested input parts: unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid")

"""Shared record machinery: the item envelope, timestamps, unknown keys kept."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, ClassVar, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PlainSerializer
from pydantic.alias_generators import to_camel


def utcnow() -> datetime:
    return datetime.now(UTC)


def _as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def format_timestamp(value: datetime) -> str:
    """ISO-8601 UTC with `Z`; fraction only when present (round-trips the seed's form).

    The year is always four digits (strftime's %Y gives "517" for 517, which no parser
    reads back)."""
    value = _as_utc(value)
    base = f"{value.year:04d}-" + value.strftime("%m-%dT%H:%M:%S")
    if value.microsecond == 0:
        return base + "Z"
    if value.microsecond % 1000 == 0:
        return f"{base}.{value.microsecond // 1000:03d}Z"
    return f"{base}.{value.microsecond:06d}Z"


Timestamp = Annotated[
    datetime, AfterValidator(_as_utc), PlainSerializer(format_timestamp, return_type=str)
]


def mark_complete(model: BaseModel) -> None:
    """Count every field (recursively) as set, so a new record writes its full shape.

    Parsed records keep exactly the keys they were read with; records made in code
    write defaults too, so later `SET a.b.c` updates find their parent maps.
    """
    model.model_fields_set.update(type(model).model_fields)
    for name in type(model).model_fields:
        value = getattr(model, name)
        children = value if isinstance(value, list) else [value]
        for child in children:
            if isinstance(child, BaseModel):
                mark_complete(child)


class CamelModel(BaseModel):
    """A storage shape with camelCase keys; unknown keys survive a read-modify-write."""

    model_config = ConfigDict(
        extra="allow", populate_by_name=True, alias_generator=to_camel, serialize_by_alias=True
    )


class SnakeModel(BaseModel):
    """A storage shape with snake_case keys (coach config, workout data)."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)


def dump(model: BaseModel) -> dict[str, Any]:
    """Storage form: aliases, only what is set (explicit nulls kept, absent stays absent)."""
    return model.model_dump(by_alias=True, exclude_unset=True, mode="json")


class ItemRecord(CamelModel):
    """The envelope every item shares; subclasses narrow `attributes`."""

    ENTITY_TYPE: ClassVar[str]

    pk: str
    sk: str
    entity_type: str
    created_at: Timestamp
    updated_at: Timestamp
    # Optimistic-concurrency counter: bumped by every update (not in the seed; ours).
    version: int = 1
    ttl: int | None = None
    lsi1sk: str | None = Field(default=None, alias="lsi1sk")
    gsi1pk: str | None = Field(default=None, alias="gsi1pk")
    gsi1sk: str | None = Field(default=None, alias="gsi1sk")
    gsi2pk: str | None = Field(default=None, alias="gsi2pk")
    gsi2sk: str | None = Field(default=None, alias="gsi2sk")
    attributes: Any

    @classmethod
    def create(cls, **fields: Any) -> Self:
        """A new record (not read from the table): every field is written out."""
        record = cls(**fields)
        mark_complete(record)
        # Optional envelope keys that are None are simply absent from the item.
        for name in ("ttl", "lsi1sk", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk"):
            if getattr(record, name) is None:
                record.model_fields_set.discard(name)
        return record

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> Self:
        return cls.model_validate(item)

    def to_item(self) -> dict[str, Any]:
        return dump(self)

    @property
    def key(self) -> tuple[str, str]:
        return (self.pk, self.sk)

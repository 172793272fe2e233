"""Shared record machinery: the item envelope, timestamps, unknown keys kept."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated, Any, ClassVar, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    PlainSerializer,
    PrivateAttr,
    ValidationError,
    model_validator,
)
from pydantic.alias_generators import to_camel

from datasources.errors import UnreadableField

Path = tuple[str, ...]


def utcnow() -> datetime:
    return datetime.now(UTC)


def _as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def format_timestamp(value: datetime) -> str:
    """`YYYY-MM-DDTHH:MM:SS.sssZ`: UTC, milliseconds, always the same width.

    It is what NeonPanda's app writes (`Date.toISOString()`) and what it parses back: the
    app turns every string of this shape into a Date on read and calls `toISOString()` on
    some of them, so a timestamp written in another form (`+00:00`, microseconds) breaks
    its next save. The year is always four digits (strftime's %Y gives "517" for 517)."""
    value = _as_utc(value)
    base = f"{value.year:04d}-" + value.strftime("%m-%dT%H:%M:%S")
    return f"{base}.{value.microsecond // 1000:03d}Z"


Timestamp = Annotated[
    datetime, AfterValidator(_as_utc), PlainSerializer(format_timestamp, return_type=str)
]


def mark_complete(model: BaseModel) -> None:
    """Count every field that holds a value (recursively) as set, so a new record writes
    its full shape.

    Parsed records keep exactly the keys they were read with; records made in code
    write defaults too, so later `SET a.b.c` updates find their parent maps. A field
    that is None is left out: absent, never stored as null (NeonPanda's app treats a
    present null as a value, and its `= {}` defaults do not apply to it).
    """
    model.model_fields_set.update(
        name for name in type(model).model_fields if getattr(model, name) is not None
    )
    for name in type(model).model_fields:
        value = getattr(model, name)
        children = value if isinstance(value, list) else [value]
        for child in children:
            if isinstance(child, BaseModel):
                mark_complete(child)


@dataclass(frozen=True)
class Deprecated:
    """`Annotated` metadata of a field kept for older clients: the GraphQL layer marks the
    field deprecated with this reason (pydantic's own `deprecated` warns on every read)."""

    reason: str


def omit_nulls(model: BaseModel) -> None:
    """Leave fields holding None out of the stored form (recursively): a record made in
    code then writes what it was given, not a null for every field it did not get."""
    for name in type(model).model_fields:
        value = getattr(model, name)
        if value is None:
            model.model_fields_set.discard(name)
        for child in value if isinstance(value, list) else [value]:
            if isinstance(child, BaseModel):
                omit_nulls(child)


class _Lenient(BaseModel):
    """Stored data is read, never refused: a value this model cannot read (a string where
    a number belongs, a map where a string was expected) is read as the field's default,
    and the stored key is remembered as unreadable (`_unreadable`).

    Writes are computed from what changed (`changes()`), and a write that would replace an
    unreadable value is refused rather than lose it; the GraphQL layer shows it as null."""

    _unreadable: frozenset[str] = PrivateAttr(default=frozenset())

    @model_validator(mode="wrap")
    @classmethod
    def _lenient(cls, data: Any, handler: ModelWrapValidatorHandler[Any]) -> Any:
        try:
            return handler(data)
        except ValidationError as err:
            if not isinstance(data, dict):
                raise
            wrong = {
                str(e["loc"][0])
                for e in err.errors()
                if e["loc"]
                and str(e["loc"][0]) in data
                and (len(e["loc"]) > 1 or e["type"] != "missing")
            }
            if not wrong:
                raise
            model = handler({k: v for k, v in data.items() if k not in wrong})
            model._unreadable = frozenset(wrong)
            return model


class CamelModel(_Lenient):
    """A storage shape with camelCase keys; unknown keys survive a read-modify-write."""

    model_config = ConfigDict(
        extra="allow", populate_by_name=True, alias_generator=to_camel, serialize_by_alias=True
    )


class SnakeModel(_Lenient):
    """A storage shape with snake_case keys (coach config, workout data)."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)


def _settle(model: BaseModel) -> bool:
    """Count as set every field that now differs from its default (recursively), so a
    value put into a default (a tag appended to a default list, a field of a nested model
    that was absent) is written; returns whether the model holds anything to write."""
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        children = value if isinstance(value, list) else [value]
        changed = False
        for child in children:
            if isinstance(child, BaseModel) and _settle(child):
                changed = True
        if name not in model.model_fields_set and (
            changed
            or (
                not isinstance(value, BaseModel)
                and value != info.get_default(call_default_factory=True)
            )
        ):
            model.model_fields_set.add(name)
    return bool(model.model_fields_set) or bool(model.model_extra)


def _same(a: Any, b: Any) -> bool:
    """Equal as stored: `True` and `1`, or `1` and `1.0` in different types, differ."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


@dataclass
class Changes:
    """What an update must do to turn the stored item into the record: SET and REMOVE
    paths, computed by comparing the two (never typed by hand)."""

    set: dict[Path, Any] = field(default_factory=dict)
    remove: list[Path] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.set or self.remove)


def diff(old: dict[str, Any], new: dict[str, Any], path: Path = ()) -> Changes:
    """Maps present on both sides are compared key by key (a change sets that key only,
    so concurrent writers of other keys are not overwritten); anything else is replaced."""
    changes = Changes()
    for key, value in new.items():
        here = (*path, key)
        if key not in old:
            changes.set[here] = value
        elif isinstance(value, dict) and isinstance(old[key], dict):
            inner = diff(old[key], value, here)
            changes.set.update(inner.set)
            changes.remove.extend(inner.remove)
        elif not _same(old[key], value):
            changes.set[here] = value
    changes.remove.extend((*path, key) for key in old if key not in new)
    return changes


def dump(model: BaseModel) -> dict[str, Any]:
    """Storage form: aliases, only what is set (explicit nulls kept, absent stays absent)."""
    return model.model_dump(by_alias=True, exclude_unset=True, mode="json")


class ItemRecord(CamelModel):
    """The envelope every item shares; subclasses narrow `attributes`."""

    ENTITY_TYPE: ClassVar[str]
    # An item in an athlete's partition (`user#<id>`): its sort key from the id's parts
    # (`keys.workout_sk(workout_id)`). The request's batched view of the entity is derived
    # from it (`Loaders.of`).
    SK_OF: ClassVar[Callable[..., str]]
    # Listed by `admin.entities`, which shows items whole, as stored (False: an item with
    # something that stays server-side, like the plan's Stripe ids).
    ADMIN_LISTED: ClassVar[bool] = True

    pk: str
    sk: str
    entity_type: str
    created_at: Timestamp
    updated_at: Timestamp
    # Optimistic-concurrency counter: bumped by every update (not in the seed; ours).
    version: int = 1
    ttl: int | None = None
    # The `lists` accelerator's sort key (ours): derived from the record (`list_key()`).
    listsk: str | None = Field(default=None, alias="listsk")
    gsi1pk: str | None = Field(default=None, alias="gsi1pk")
    gsi1sk: str | None = Field(default=None, alias="gsi1sk")
    gsi2pk: str | None = Field(default=None, alias="gsi2pk")
    gsi2sk: str | None = Field(default=None, alias="gsi2sk")
    attributes: Any
    # The stored form when changes began to be tracked (see `track`).
    _baseline: dict[str, Any] | None = PrivateAttr(default=None)
    # `updatedAt` exactly as it was stored (any format): what a write conditions on, with
    # the version, so a write by NeonPanda's app (which never moves `version` but always
    # sets `updatedAt`) between this read and the write is never overwritten unseen.
    _stored_updated_at: Any = PrivateAttr(default=None)
    # Read through a projection (`projection()`): some attributes are missing, so the
    # record is only for showing, never for writing back (Transaction refuses it).
    _partial: bool = PrivateAttr(default=False)

    @classmethod
    def create(cls, **fields: Any) -> Self:
        """A new record (not read from the table): every field is written out."""
        record = cls(**fields)
        record.sync_list_key()
        mark_complete(record)
        # Optional envelope keys that are None are simply absent from the item.
        for name in ("ttl", "listsk", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk"):
            if getattr(record, name) is None:
                record.model_fields_set.discard(name)
        return record

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> Self:
        record = cls.model_validate(item)
        record._stored_updated_at = item.get("updatedAt")
        return record

    @classmethod
    def from_projection(cls, item: dict[str, Any]) -> Self:
        """A record read through `projection()`: for showing, not for writing back."""
        record = cls.from_item(item)
        record._partial = True
        return record

    @property
    def partial(self) -> bool:
        return self._partial

    @classmethod
    def projection(cls, *, without: Collection[str]) -> list[tuple[str, ...]]:
        """Every stored attribute of the entity except the `attributes` fields named in
        `without` (their stored names): a list read that leaves out what lists never show
        (a conversation's messages). DynamoDB has no "all but" projection, so the stored
        names are listed from the model; attributes the model does not know are left out
        too, which is why a projected record is never written back."""
        top = [
            (info.alias or name,) for name, info in cls.model_fields.items() if name != "attributes"
        ]
        shape = cls.model_fields["attributes"].annotation
        inner = [
            ("attributes", info.alias or name)
            for name, info in shape.model_fields.items()  # type: ignore[union-attr]
            if (info.alias or name) not in without
        ]
        return [*top, *inner]

    @property
    def stored_updated_at(self) -> Any:
        """`updatedAt` as read from the table (None: not read from it, or absent)."""
        return self._stored_updated_at

    def to_item(self) -> dict[str, Any]:
        _settle(self)
        return dump(self)

    def list_key(self) -> str | None:
        """Where the record sorts in its list (None: the entity is not listed)."""
        return None

    def fill_app_defaults(self) -> None:
        """Before every write of the record: put in what NeonPanda's app requires of this
        entity and the item lacks (tests/app_contract.py cites where the app reads it),
        with the app's own defaults. Never changes a value that is there: on the app's
        own items this does nothing; on items of other writers (the seed's shapes, older
        versions of this API) the first write through this API makes them readable."""

    def sync_list_key(self) -> None:
        """Bring `listsk` in line with the record (before every write of it)."""
        key = self.list_key()
        if key is not None and key != self.listsk:
            self.listsk = key

    def track(self) -> Self:
        """From now on, `changes()` reports what differs from the record as it is now."""
        self._baseline = self.to_item()
        return self

    @property
    def tracked_item(self) -> dict[str, Any]:
        """The item as it was when tracking began."""
        if self._baseline is None:
            raise RuntimeError("call track() before changing a record")
        return self._baseline

    @property
    def tracked_version(self) -> int:
        """The version the record had when tracking began (what an update conditions on)."""
        if self._baseline is None:
            raise RuntimeError("call track() before changing a record")
        return int(self._baseline.get("version", 1))

    def changes(self) -> Changes:
        if self._baseline is None:
            raise RuntimeError("call track() before changing a record")
        changes = diff(self._baseline, self.to_item())
        unreadable = list(_unreadable_paths(self))
        for path in [*changes.set, *changes.remove]:
            for lost in unreadable:
                if path[: len(lost)] == lost or lost[: len(path)] == path:
                    raise UnreadableField(
                        f"The stored {'.'.join(lost)} could not be read; it is not overwritten"
                    )
        return changes

    @property
    def key(self) -> tuple[str, str]:
        return (self.pk, self.sk)

    @property
    def entity_id(self) -> str:
        """The id the athlete knows the item by: its sort key's last part (a workout's id,
        a conversation's, a report's period)."""
        return self.sk.rsplit("#", 1)[-1]

    @classmethod
    def path(cls, *names: str) -> Path:
        """The stored path of a field, from Python field names through the models' aliases:
        `MemoryRecord.path("attributes", "metadata", "usage_count")` is
        `("attributes", "metadata", "usageCount")`. A name that is not a field fails."""
        model: Any = cls
        out: list[str] = []
        for name in names:
            info = model.model_fields[name]
            out.append(info.alias or name)
            model = _model_in(info.annotation)
        return tuple(out)


def merge_into(target: BaseModel, patch: BaseModel) -> None:
    """A partial input applied to a stored model, at the deepest level: only the fields the
    patch was given (`model_fields_set`) change; a nested model merges field by field, a
    dict key by key (`merge_dict`); a list replaces; an explicit null removes the key
    (absent from the item, never stored as null: NeonPanda's app reads some of these
    objects unguarded). Every key the patch does not name, and every key this API does not
    know (the models keep them as extras), stays as stored."""
    for name in patch.model_fields_set:
        merge_field(target, name, getattr(patch, name))


def merge_field(target: BaseModel, name: str, value: Any) -> None:
    """One field of a partial input applied to a stored model (see `merge_into`)."""
    if value is None:
        _remove(target, name)
        return
    current = getattr(target, name, None)
    if isinstance(value, BaseModel):
        if isinstance(current, BaseModel):
            merge_into(current, value)
        elif isinstance(current, dict):
            setattr(target, name, merge_dict(current, value.model_dump(exclude_unset=True)))
        else:
            setattr(target, name, _as_field(target, name, value))
    elif isinstance(value, dict):
        setattr(target, name, merge_dict(current if isinstance(current, dict) else {}, value))
    elif isinstance(value, list):
        setattr(target, name, _as_list(target, name, value))
    else:
        setattr(target, name, value)


def merge_dict(stored: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """`patch` merged into a copy of `stored`, key by key at every level; a null removes.
    What replaces a value (a list, a map where there was none) is stored without nulls."""
    merged = dict(stored)
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge_dict(merged[key], value)
        else:
            merged[key] = without_nulls(value)
    return merged


def without_nulls(value: Any) -> Any:
    """`value` with every null map entry left out, at every level (lists keep their
    length: a null element stays)."""
    if isinstance(value, dict):
        return {k: without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_nulls(v) for v in value]
    return value


def _remove(target: BaseModel, name: str) -> None:
    fields = type(target).model_fields
    if name in fields:
        setattr(target, name, fields[name].get_default(call_default_factory=True))
        target.model_fields_set.discard(name)  # dumped without it: the key is removed
    elif target.model_extra is not None:
        target.model_extra.pop(name, None)


def _as_field(target: BaseModel, name: str, value: BaseModel | dict[str, Any]) -> Any:
    """A patch's nested model as the target field's own model (only what it was given)."""
    info = type(target).model_fields.get(name)
    model = _model_in(info.annotation) if info is not None else None
    given = without_nulls(
        value.model_dump(exclude_unset=True) if isinstance(value, BaseModel) else value
    )
    return model.model_validate(given) if model is not None else given


def _as_list(target: BaseModel, name: str, value: list[Any]) -> list[Any]:
    """A list replaces the stored one; its models become the target's (no nulls)."""
    return [_as_field(target, name, v) if isinstance(v, BaseModel | dict) else v for v in value]


def _unreadable_paths(model: BaseModel, path: Path = ()) -> Iterator[Path]:
    for key in getattr(model, "_unreadable", ()):
        yield (*path, key)
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        here = (*path, info.alias or name)
        if isinstance(value, BaseModel):
            yield from _unreadable_paths(value, here)


def model_of(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model a field holds (through `X | None` and `list[X]`), if any."""
    found = _model_in(annotation)
    return found if isinstance(found, type) and issubclass(found, BaseModel) else None


def unset_nulls(model: BaseModel) -> None:
    """Count as unset (so not written) every field that is None, recursively: a new item
    written without the keys it has no value for, never with nulls (NeonPanda's app reads
    some of them with `= {}` defaults, which do not apply to null)."""
    for name in list(model.model_fields_set):
        value = getattr(model, name)
        if value is None:
            model.model_fields_set.discard(name)
        children = value if isinstance(value, list) else [value]
        for child in children:
            if isinstance(child, BaseModel):
                unset_nulls(child)


def _model_in(annotation: Any) -> Any:
    """The pydantic model a field holds (through `X | None` and `list[X]`), if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None

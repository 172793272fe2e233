"""`disciplineSpecific`: a union over the typed disciplines, each type derived from its
record (`datasources/records/discipline.py`: the app's 14 and this API's hiit and climbing).

Disciplines without a typed shape (swimming, yoga, martial_arts, and any new one) come
back as `OtherDisciplineData` with the stored object as JSON.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, TypeAlias, Union, cast

import strawberry
from strawberry.scalars import JSON

from datasources.records.discipline import TYPED_DISCIPLINES
from schema.convert import from_data
from schema.derive import output_type


@strawberry.type(description="A discipline without a typed shape yet: the stored object as is.")
class OtherDisciplineData:
    discipline: str
    data: JSON


_TYPED: dict[str, type[Any]] = {
    name: output_type(model) for name, model in TYPED_DISCIPLINES.items()
}

if TYPE_CHECKING:  # built from the registry: to the type checker, any strawberry type
    DisciplineSpecific: TypeAlias = Any
else:
    DisciplineSpecific = Annotated[
        Union[(*_TYPED.values(), OtherDisciplineData)],
        strawberry.union("DisciplineSpecific"),
    ]


def discipline_specific(stored: dict[str, Any] | None, discipline: str | None) -> Any:
    """`{<discipline>: {...}}` -> the typed member, or OtherDisciplineData."""
    if not isinstance(stored, dict) or not stored:
        return None
    name = discipline if discipline in stored else next(iter(stored))
    data = stored.get(name)
    typed = _TYPED.get(name)
    if typed is not None and isinstance(data, dict):
        return from_data(typed, data)
    return OtherDisciplineData(discipline=name, data=cast(JSON, data))

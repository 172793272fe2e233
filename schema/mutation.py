"""The root Mutation: every field takes one `input` and returns `<Mutation>Payload`.

Its fields are declared where their resolvers are (`MUTATIONS` in each module of
schema/mutations): the athlete's account (profile, uploads, export and deletion) here, the
entities' through their registration (schema/entities.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import strawberry

from schema.entities import entity_mutations
from schema.mutations import account, profile, upload


def _fields() -> dict[str, Any]:
    fields: dict[str, Any] = dict(profile.MUTATIONS)
    for name, value in {**entity_mutations(), **upload.MUTATIONS, **account.MUTATIONS}.items():
        if name in fields:
            raise ValueError(f"the mutation {name!r} is declared twice")
        fields[name] = value
    return fields


if TYPE_CHECKING:

    class Mutation:
        """The root Mutation (its fields are built below)."""

else:
    Mutation = strawberry.type(type("Mutation", (), _fields()), name="Mutation")

"""The root Mutation: every field takes one `input` and returns `<Mutation>Payload`.

Its fields are declared where their resolvers are (`MUTATIONS` in each module of
schema/mutations): the athlete's account (profile, uploads, export and deletion) here, the
entities' through their registration (schema/entities.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import strawberry

from schema.entities import entity_mutations, merged
from schema.mutations import account, profile, upload


def _fields() -> dict[str, Any]:
    return merged(
        "mutation",
        profile.MUTATIONS,
        *entity_mutations(),
        upload.MUTATIONS,
        account.MUTATIONS,
    )


if TYPE_CHECKING:

    class Mutation:
        """The root Mutation (its fields are built below)."""

else:
    Mutation = strawberry.type(type("Mutation", (), _fields()), name="Mutation")

"""The root Mutation: every field takes one `input` and returns `<Mutation>Payload`."""

from __future__ import annotations

import strawberry

from schema.mutations import memory


@strawberry.type
class Mutation:
    create_memory = strawberry.mutation(resolver=memory.create_memory)
    update_memory = strawberry.mutation(resolver=memory.update_memory)
    delete_memory = strawberry.mutation(resolver=memory.delete_memory)
    record_memory_use = strawberry.mutation(resolver=memory.record_memory_use)

"""The entity registry (schema/entities.py) is where the viewer's fields come from: each
entity's lists and its read by id reach `User` without an edit of schema/user.py."""

from __future__ import annotations

from graphql import GraphQLNonNull, GraphQLObjectType, get_nullable_type

from schema.build import build_schema
from schema.entities import ENTITIES, viewer_fields
from tests.conftest import Api


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def test_every_entity_field_is_on_user_and_reads_by_id_take_their_id() -> None:
    user = build_schema()._schema.get_type("User")
    assert isinstance(user, GraphQLObjectType)
    declared = viewer_fields()
    assert declared  # the registry declares some: the check below is not vacuous
    for name in declared:
        assert _camel(name) in user.fields, name
    for entity in ENTITIES:
        if entity.by_id is None:
            continue
        field = user.fields[_camel(entity.by_id.field)]
        assert not isinstance(field.type, GraphQLNonNull)  # null: no such item of yours
        assert get_nullable_type(field.type).name == entity.type_name
        argument = field.args[_camel(entity.by_id.argument)]
        assert str(argument.type) == "ID!"


async def test_a_read_by_id_finds_only_the_callers_item(demo_api: Api) -> None:
    """The derived field reads through the entity's `find` in the caller's partition: the
    same id asked by another athlete is null."""
    query = """query($id: ID!) { viewer { coach(coachId: $id) { coachId }
        program(programId: $id) { programId } } }"""
    body = await demo_api.gql("{ viewer { coaches(first: 1) { edges { node { coachId } } } } }")
    coach_id = body["data"]["viewer"]["coaches"]["edges"][0]["node"]["coachId"]
    own = await demo_api.gql(query, {"id": coach_id})
    assert own["data"]["viewer"]["coach"] == {"coachId": coach_id}
    assert own["data"]["viewer"]["program"] is None
    other = await demo_api.gql(query, {"id": coach_id}, user="demo2")
    assert other["data"]["viewer"] == {"coach": None, "program": None}

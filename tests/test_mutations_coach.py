"""Coach mutations, and what deleting a coach does to its memories and conversations."""

from __future__ import annotations

from tests.conftest import Api

CREATE = """mutation($input: CreateCoachInput!) { createCoach(input: $input) {
    coach { coachId name version personality { primaryTemplate }
            technicalConfig { specializations } } } }"""
UPDATE = """mutation($input: UpdateCoachInput!) { updateCoach(input: $input) {
    coach { name version personality { primaryTemplate }
            technicalConfig { specializations } } } }"""
DELETE = """mutation($input: DeleteCoachInput!) { deleteCoach(input: $input) {
    deletedCoachId deletedMemoryCount } }"""


async def test_create_update_and_totals(demo_api: Api) -> None:
    body = await demo_api.gql(
        CREATE,
        {
            "input": {
                "name": "Ava",
                "personality": {"primaryTemplate": "ava"},
                "technicalConfig": {"specializations": ["rowing"]},
            }
        },
    )
    coach = body["data"]["createCoach"]["coach"]
    assert coach["name"] == "Ava" and coach["version"] == 1
    totals = await demo_api.gql("{ viewer { coaches { totalCount } } }")
    assert totals["data"]["viewer"]["coaches"]["totalCount"] == 3

    body = await demo_api.gql(
        UPDATE,
        {
            "input": {
                "coachId": coach["coachId"],
                "expectedVersion": 1,
                "name": "Ava 2",
                "technicalConfig": {"specializations": ["erg"]},
            }
        },
    )
    assert body["data"]["updateCoach"]["coach"] == {
        "name": "Ava 2",
        "version": 2,
        "personality": {"primaryTemplate": "ava"},
        "technicalConfig": {"specializations": ["erg"]},
    }
    stale = await demo_api.gql(
        UPDATE, {"input": {"coachId": coach["coachId"], "expectedVersion": 1, "name": "Nope"}}
    )
    assert stale["errors"][0]["extensions"] == {"code": "CONFLICT", "currentVersion": 2}


async def test_duplicate_coach_id_is_a_conflict(demo_api: Api) -> None:
    body = await demo_api.gql(CREATE, {"input": {"name": "Again", "coachId": "demo_coach_1"}})
    assert body["errors"][0]["extensions"]["code"] == "CONFLICT"
    coach = await demo_api.gql('{ viewer { coach(coachId: "demo_coach_1") { name } } }')
    assert coach["data"]["viewer"]["coach"] == {"name": "Marcus"}


async def test_delete_takes_its_memories_and_keeps_conversations(demo_api: Api) -> None:
    body = await demo_api.gql(DELETE, {"input": {"coachId": "demo_coach_1", "expectedVersion": 1}})
    assert body["data"]["deleteCoach"] == {
        "deletedCoachId": "demo_coach_1",
        "deletedMemoryCount": 1,
    }
    after = await demo_api.gql("""{ viewer {
        coaches { totalCount }
        memories { totalCount edges { node { coach { coachId } } } }
        conversations(coachId: "demo_coach_1") {
          totalCount edges { node { coach { name } } } } } }""")
    viewer = after["data"]["viewer"]
    assert viewer["coaches"]["totalCount"] == 1
    assert viewer["memories"]["totalCount"] == 4
    assert viewer["conversations"]["totalCount"] == 2
    assert all(e["node"]["coach"] is None for e in viewer["conversations"]["edges"])


async def test_delete_with_stale_version_deletes_nothing(demo_api: Api) -> None:
    body = await demo_api.gql(DELETE, {"input": {"coachId": "demo_coach_1", "expectedVersion": 2}})
    assert body["errors"][0]["extensions"] == {"code": "CONFLICT", "currentVersion": 1}
    after = await demo_api.gql("{ viewer { memories { totalCount } coaches { totalCount } } }")
    assert after["data"]["viewer"] == {"memories": {"totalCount": 5}, "coaches": {"totalCount": 2}}

"""Shared programs end to end over HTTP: share (a snapshot without the creator's progress),
the public preview without a token (a view counted in the same call), the creator's list,
copy into another athlete's programs (the copy counted in the same transaction), unshare,
node ids, and the app's own share (tests/app_items.py) previewed and copied."""

from __future__ import annotations

import json
from typing import Any

from tests import app_items
from tests.conftest import Api, cost

SHARE = """mutation($i: ShareProgramInput!) { shareProgram(input: $i) { alreadyShared
  sharedProgram { id sharedProgramId isActive viewCount copyCount version sharePath
    originalProgramId originalProgram { programId } details { key }
    preview { name creatorUsername coachNames totalDays phases { name startDay } } } } }"""
UNSHARE = """mutation($i: UnshareProgramInput!) { unshareProgram(input: $i) {
  sharedProgram { isActive version viewCount copyCount } } }"""
COPY = """mutation($i: CopySharedProgramInput!) { copySharedProgram(input: $i) {
  program { programId name status currentDay totalDays startDate coachIds coachNames
    completedWorkouts metadata templates { status linkedWorkoutId userFeedback
      scheduledDate dayNumber } } } }"""
PUBLIC = """query($id: ID!) { sharedProgram(sharedProgramId: $id) { sharedProgramId name
  description creatorUsername totalDays trainingFrequency coachNames trainingGoals
  equipmentConstraints viewerIsCreator phases { name startDay endDay focusAreas }
  sampleWorkouts { name type description estimatedDuration prescribedExercises } } }"""
MINE = """query($all: Boolean!) { viewer { sharedPrograms(includeInactive: $all) { totalCount
  edges { node { sharedProgramId isActive viewCount copyCount } } } } }"""


async def _ok(api: Api, query: str, variables: dict[str, Any], **kw: Any) -> dict[str, Any]:
    body = await api.gql(query, variables, **kw)
    assert "errors" not in body, body["errors"]
    return body


def _error(body: dict[str, Any]) -> tuple[str, list[Any] | None]:
    (error,) = body["errors"]
    return error["extensions"]["code"], error["extensions"].get("field")


async def _object(api: Api, key: str) -> Any:
    found = await api.runtime.clients.s3.get_object(Bucket=api.settings.bucket, Key=key)
    async with found["Body"] as stream:
        return json.loads(await stream.read())


async def test_share_preview_copy_unshare(demo_api: Api) -> None:
    body = await _ok(demo_api, SHARE, {"i": {"programId": "demo_program_1"}})
    payload = body["data"]["shareProgram"]
    shared = payload["sharedProgram"]
    assert payload["alreadyShared"] is False
    sid = shared["sharedProgramId"]
    assert sid.startswith("sharedProgram_") and len(sid) == len("sharedProgram_") + 21
    assert shared["isActive"] and (shared["viewCount"], shared["copyCount"]) == (0, 0)
    assert shared["version"] == 1 and shared["sharePath"] == f"/shared/programs/{sid}"
    assert shared["originalProgram"] == {"programId": "demo_program_1"}
    preview = shared["preview"]
    assert preview["name"] == "4-Week Snatch Builder" and preview["creatorUsername"] == "demo"
    assert preview["totalDays"] == 28 and len(preview["phases"]) == 2
    # One wave of reads (the program's share through GSI2, the program, the profile), the
    # program's details, the snapshot to S3, ONE transaction (and the payload's program).
    assert cost(body)["dynamodb"]["byOperation"] == {
        "Query": 1,
        "GetItem": 2,
        "TransactWriteItems": 1,
        "BatchGetItem": 1,
    }
    assert cost(body)["s3"]["byOperation"] == {"GetObject": 1, "PutObject": 1}
    assert cost(body)["waves"] == 5
    # The snapshot holds the templates without anyone's progress (demo skipped one on day 1).
    details_key = shared["details"]["key"]
    assert details_key.startswith(f"athletes/demo/sharedPrograms/{sid}/")
    document = await _object(demo_api, details_key)
    assert document["sharedProgramId"] == sid
    assert document["generationMetadata"]["originalProgramId"] == "demo_program_1"
    templates = document["workoutTemplates"]
    assert templates and all(t["status"] == "pending" for t in templates)
    assert all(t["userFeedback"] is None and t["linkedWorkoutId"] is None for t in templates)
    # As the app keeps it: its own partition, GSI1/GSI2 on the creator.
    item = await demo_api.runtime.stores.table.get(f"sharedProgram#{sid}", "metadata")
    assert item is not None and item["entityType"] == "sharedProgram"
    assert (item["gsi1pk"], item["gsi1sk"]) == ("user#demo", f"sharedProgram#{sid}")
    assert (item["gsi2pk"], item["gsi2sk"]) == ("user#demo", "originalProgram#demo_program_1")

    # Sharing it again answers with the same share, writing nothing (as the app).
    again = await _ok(demo_api, SHARE, {"i": {"programId": "demo_program_1"}})
    assert again["data"]["shareProgram"]["alreadyShared"] is True
    assert again["data"]["shareProgram"]["sharedProgram"]["sharedProgramId"] == sid
    assert "TransactWriteItems" not in cost(again)["dynamodb"]["byOperation"]

    # The public preview, without a token: one UpdateItem reads it and counts the view;
    # the sample workouts are one S3 GET.
    public = await _ok(demo_api, PUBLIC, {"id": sid}, user=None)
    seen = public["data"]["sharedProgram"]
    assert seen["name"] == "4-Week Snatch Builder" and seen["viewerIsCreator"] is False
    assert seen["coachNames"] and seen["phases"][1]["focusAreas"] == ["strength"]
    assert 1 <= len(seen["sampleWorkouts"]) <= 4
    assert cost(public)["dynamodb"]["byOperation"] == {"UpdateItem": 1}
    assert cost(public)["s3"]["byOperation"] == {"GetObject": 1}
    creator = await _ok(demo_api, PUBLIC, {"id": sid})
    assert creator["data"]["sharedProgram"]["viewerIsCreator"] is True
    # What the public type does not have: the creator's ids, counters, keys.
    for hidden in ("creatorUserId", "originalProgramId", "viewCount", "details"):
        body = await demo_api.gql(
            f'{{ sharedProgram(sharedProgramId: "{sid}") {{ {hidden} }} }}', user=None
        )
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", hidden
    # Anything else still needs a token; an unknown id is null and writes nothing.
    body = await demo_api.gql(
        f'{{ sharedProgram(sharedProgramId: "{sid}") {{ name }} viewer {{ userId }} }}',
        user=None,
    )
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    missing = await _ok(demo_api, PUBLIC, {"id": "sharedProgram_nope"}, user=None)
    assert missing["data"]["sharedProgram"] is None
    # An id no share could have (a key separator, a path) names nothing, without a read.
    for unsafe in ("a#b", "../x"):
        odd = await _ok(demo_api, PUBLIC, {"id": unsafe}, user=None)
        assert odd["data"]["sharedProgram"] is None
        assert cost(odd)["dynamodb"]["calls"] == 0, unsafe

    # demo2 copies it: a program of theirs, fresh, with the app's copy metadata.
    copied = await _ok(
        demo_api,
        COPY,
        {"i": {"sharedProgramId": sid, "coachId": "demo2_coach_1", "idempotencyKey": "c1"}},
        user="demo2",
    )
    program = copied["data"]["copySharedProgram"]["program"]
    assert program["name"] == "4-Week Snatch Builder" and program["status"] == "ACTIVE"
    assert program["currentDay"] == 1 and program["completedWorkouts"] == 0
    assert program["coachIds"] == ["demo2_coach_1"] and program["coachNames"] == ["Marcus"]
    assert program["metadata"]["copiedFromSharedProgram"] is True
    assert program["metadata"]["sharedProgramId"] == sid
    assert program["metadata"]["sourceCreator"] == "demo"
    assert all(t["status"] == "PENDING" and t["userFeedback"] is None for t in program["templates"])
    day_one = [t for t in program["templates"] if t["dayNumber"] == 1]
    assert {t["scheduledDate"] for t in day_one} == {program["startDate"]}
    # The share and the coach in one wave, the snapshot, the copy's details, ONE
    # transaction (the new program, the coach check, the share's copyCount); the payload's
    # templates are the document just written (no S3 read).
    assert cost(copied)["dynamodb"]["byOperation"] == {
        "GetItem": 2,  # the idempotency key's marker, then the share
        "BatchGetItem": 1,
        "TransactWriteItems": 1,
    }
    assert cost(copied)["s3"]["byOperation"] == {"GetObject": 1, "PutObject": 1}
    # The same key: the same program, counted once.
    replay = await _ok(
        demo_api,
        COPY,
        {"i": {"sharedProgramId": sid, "coachId": "demo2_coach_1", "idempotencyKey": "c1"}},
        user="demo2",
    )
    assert replay["data"]["copySharedProgram"]["program"]["programId"] == program["programId"]
    listed = await demo_api.gql(
        "{ viewer { programs { edges { node { programId } } } } }", user="demo2"
    )
    assert {"programId": program["programId"]} in [
        e["node"] for e in listed["data"]["viewer"]["programs"]["edges"]
    ]
    # Without a coach, demo2 (two coaches) is asked to name one.
    body = await demo_api.gql(COPY, {"i": {"sharedProgramId": sid}}, user="demo2")
    assert _error(body) == ("BAD_USER_INPUT", ["input", "coachId"])
    body = await demo_api.gql(
        COPY, {"i": {"sharedProgramId": sid, "coachId": "nobody"}}, user="demo2"
    )
    assert _error(body)[0] == "NOT_FOUND"

    mine = await _ok(demo_api, MINE, {"all": False})
    (node,) = [e["node"] for e in mine["data"]["viewer"]["sharedPrograms"]["edges"]]
    assert (node["viewCount"], node["copyCount"]) == (2, 1)
    assert mine["data"]["viewer"]["sharedPrograms"]["totalCount"] == 1
    # Another athlete's share is not theirs to list, read or unshare.
    other = await _ok(demo_api, MINE, {"all": True}, user="demo2")
    assert other["data"]["viewer"]["sharedPrograms"]["totalCount"] == 0
    body = await demo_api.gql(
        UNSHARE, {"i": {"sharedProgramId": sid, "expectedVersion": 1}}, user="demo2"
    )
    assert _error(body)[0] == "NOT_FOUND"
    body = await demo_api.gql(f'{{ node(id: "{shared["id"]}") {{ id }} }}', user="demo2")
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    node_body = await _ok(
        demo_api, f'{{ node(id: "{shared["id"]}") {{ ... on SharedProgram {{ copyCount }} }} }}', {}
    )
    assert node_body["data"]["node"] == {"copyCount": 1}

    # Unshare: a stale version is CONFLICT; counted views and copies stay.
    body = await demo_api.gql(UNSHARE, {"i": {"sharedProgramId": sid, "expectedVersion": 2}})
    assert _error(body)[0] == "CONFLICT"
    body = await _ok(demo_api, UNSHARE, {"i": {"sharedProgramId": sid, "expectedVersion": 1}})
    gone = body["data"]["unshareProgram"]["sharedProgram"]
    assert gone == {"isActive": False, "version": 2, "viewCount": 2, "copyCount": 1}
    # The link stops; nothing is counted; it cannot be copied; the list hides it.
    closed = await _ok(demo_api, PUBLIC, {"id": sid}, user=None)
    assert closed["data"]["sharedProgram"] is None
    body = await demo_api.gql(
        COPY, {"i": {"sharedProgramId": sid, "coachId": "demo2_coach_1"}}, user="demo2"
    )
    assert _error(body) == ("BAD_USER_INPUT", ["input", "sharedProgramId"])
    mine = await _ok(demo_api, MINE, {"all": False})
    assert mine["data"]["viewer"]["sharedPrograms"]["totalCount"] == 0
    mine = await _ok(demo_api, MINE, {"all": True})
    assert [e["node"]["viewCount"] for e in mine["data"]["viewer"]["sharedPrograms"]["edges"]] == [
        2
    ]
    # Unsharing again writes nothing; sharing again makes a new share.
    body = await _ok(demo_api, UNSHARE, {"i": {"sharedProgramId": sid, "expectedVersion": 2}})
    assert "TransactWriteItems" not in cost(body)["dynamodb"]["byOperation"]
    fresh = await _ok(demo_api, SHARE, {"i": {"programId": "demo_program_1"}})
    assert fresh["data"]["shareProgram"]["sharedProgram"]["sharedProgramId"] != sid


async def test_share_refusals(demo_api: Api) -> None:
    body = await demo_api.gql(SHARE, {"i": {"programId": "no_such_program"}})
    assert _error(body)[0] == "NOT_FOUND"
    archive = """mutation { deleteProgram(input: {programId: "demo_program_1",
      expectedVersion: 2}) { archived } }"""
    done = await _ok(demo_api, archive, {})
    assert done["data"]["deleteProgram"]["archived"] is True
    body = await demo_api.gql(SHARE, {"i": {"programId": "demo_program_1"}})
    assert _error(body) == ("BAD_USER_INPUT", ["input", "programId"])


async def test_the_apps_share_previewed_and_copied(app_api: Api) -> None:
    """The app's own share (its snapshot holds its creator's completed templates): the
    preview shows what the app's page shows; a copy starts with none of that progress."""
    dana = app_items._Athlete(app_items.ATHLETE)
    sid = dana.shared_program
    public = await _ok(app_api, PUBLIC, {"id": sid}, user=None)
    seen = public["data"]["sharedProgram"]
    assert seen["creatorUsername"] == dana.persona.username and seen["sampleWorkouts"]
    other = app_items._Athlete(app_items.OTHER)
    copied = await _ok(
        app_api,
        COPY,
        {"i": {"sharedProgramId": sid, "coachId": other.coach_a}},
        user=app_items.OTHER,
    )
    program = copied["data"]["copySharedProgram"]["program"]
    assert program["templates"] and all(
        t["status"] == "PENDING" and t["linkedWorkoutId"] is None for t in program["templates"]
    )
    item = await app_api.runtime.stores.table.get(f"sharedProgram#{sid}", "metadata")
    assert item is not None
    attributes = item["attributes"]
    assert (attributes["viewCount"], attributes["copyCount"]) == (13, 2)  # the app's 12 and 1
    # Dana sees her share in her list (the app's item, through GSI1).
    mine = await _ok(app_api, MINE, {"all": False}, user=app_items.ATHLETE)
    edges = mine["data"]["viewer"]["sharedPrograms"]["edges"]
    assert [e["node"]["sharedProgramId"] for e in edges] == [sid]


async def test_shared_programs_and_uploads_in_export_and_account_deletion(demo_api: Api) -> None:
    export = """mutation { requestDataExport { itemCount objectCount } }"""
    before = (await _ok(demo_api, export, {}))["data"]["requestDataExport"]
    shared = await _ok(demo_api, SHARE, {"i": {"programId": "demo_program_1"}})
    sid = shared["data"]["shareProgram"]["sharedProgram"]["sharedProgramId"]
    details = shared["data"]["shareProgram"]["sharedProgram"]["details"]["key"]
    # An upload never attached to anything is the athlete's too.
    s3 = demo_api.runtime.clients.s3
    bucket = demo_api.settings.bucket
    await s3.put_object(Bucket=bucket, Key="user-uploads/demo/loose.png", Body=b"\x89PNG")
    after = (await _ok(demo_api, export, {}))["data"]["requestDataExport"]
    assert after["itemCount"] == before["itemCount"] + 1  # the share
    # The snapshot, the loose upload, and the first export itself is not counted.
    assert after["objectCount"] == before["objectCount"] + 2

    await _ok(
        demo_api, 'mutation { deleteAccount(input: {confirm: "DELETE"}) { deletedItemCount } }', {}
    )
    assert await demo_api.runtime.stores.table.get(f"sharedProgram#{sid}", "metadata") is None
    for key in (details, "user-uploads/demo/loose.png"):
        listed = await s3.list_objects_v2(Bucket=bucket, Prefix=key)
        assert listed["KeyCount"] == 0, key

"""Workout mutations: typed disciplines, S3 before pointer, versions, deletes with objects."""

from __future__ import annotations

from typing import Any

from datasources.aws import AwsClients
from devserver.fixtures import fran_workout_data
from tests.conftest import Api, cost
from tests.faults import FaultPlan

LOG = """mutation($input: LogWorkoutInput!) { logWorkout(input: $input) { workout {
    workoutId workoutName discipline version completedAt coachNames
    detailedLog { key sha256 content }
    disciplineSpecific { __typename ... on CrossfitData { rxStatus
      performanceData { totalTime roundTimes } rounds { exercises { exerciseName } } }
      ... on OtherDisciplineData { discipline data } } } } }"""
UPDATE = """mutation($input: UpdateWorkoutInput!) { updateWorkout(input: $input) { workout {
    workoutName version completedAt location detailedLog { key content } } } }"""
DELETE = """mutation($input: DeleteWorkoutInput!) { deleteWorkout(input: $input) {
    deletedWorkoutId } }"""


def _fran_input(**extra: Any) -> dict[str, Any]:
    fran = fran_workout_data("2026-05-01")
    return {
        "completedAt": "2026-05-01T07:00:00Z",
        "workoutName": "Fran",
        "discipline": "CROSSFIT",
        "coachIds": ["demo_coach_1"],
        "duration": 9,
        "performanceMetrics": {"intensity": 10, "heartRate": {"avg": 172, "max": 189}},
        "prAchievements": [
            {
                "exercise": "Fran",
                "prType": "workout_time",
                "previousBest": 612,
                "newBest": 537,
                "significance": "major",
            }
        ],
        "disciplineSpecific": {"crossfit": _camel(fran["discipline_specific"]["crossfit"])},
        "detailedLog": {"raw": "21-15-9 thrusters and C2B", "splits": [195, 148, 194]},
        "extractionConfidence": 0.9,
        **extra,
    }


def _camel(value: Any) -> Any:
    from strawberry.utils.str_converters import to_camel_case

    if isinstance(value, dict):
        return {to_camel_case(k): _camel(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_camel(v) for v in value]
    return value


async def test_log_typed_workout_with_detailed_log(demo_api: Api) -> None:
    body = await demo_api.gql(LOG, {"input": _fran_input()})
    assert "errors" not in body, body["errors"]
    workout = body["data"]["logWorkout"]["workout"]
    assert workout["coachNames"] == ["Marcus"] and workout["version"] == 1
    specific = workout["disciplineSpecific"]
    assert specific["__typename"] == "CrossfitData" and specific["rxStatus"] == "rx"
    assert specific["performanceData"]["roundTimes"] == [195.0, 148.0, 194.0]
    log = workout["detailedLog"]
    # Content-addressed under the seed's folder: <workoutId>.<first 16 hex of SHA-256>.json
    assert log["key"] == (
        f"athletes/demo/workouts/2026-05-01/{workout['workoutId']}.{log['sha256'][:16]}.json"
    )
    assert log["content"] == {"raw": "21-15-9 thrusters and C2B", "splits": [195, 148, 194]}
    # S3 first, then one transaction (marker + item + coach check).
    assert cost(body)["s3"]["puts"] == 1
    assert cost(body)["dynamodb"]["byOperation"]["TransactWriteItems"] == 1


async def test_untyped_discipline_is_stored_as_json(demo_api: Api) -> None:
    body = await demo_api.gql(
        LOG,
        {
            "input": {
                "completedAt": "2026-05-02T07:00:00Z",
                "workoutName": "Flow",
                "discipline": "YOGA",
                "disciplineSpecific": {"other": {"discipline": "yoga", "data": {"poses": 12}}},
            }
        },
    )
    specific = body["data"]["logWorkout"]["workout"]["disciplineSpecific"]
    assert specific == {
        "__typename": "OtherDisciplineData",
        "discipline": "yoga",
        "data": {"poses": 12},
    }


async def test_validation_paths(demo_api: Api) -> None:
    cases: list[tuple[dict[str, Any], list[str]]] = [
        ({"performanceMetrics": {"intensity": 11}}, ["input", "performanceMetrics", "intensity"]),
        (
            {"disciplineSpecific": {"crossfit": {"rxStatus": "maybe"}}},
            ["input", "disciplineSpecific", "crossfit", "rxStatus"],
        ),
        (
            {"disciplineSpecific": {"running": {"totalDistance": 5}}},
            ["input", "disciplineSpecific"],
        ),
        ({"completedAt": "2026-05-01T07:00:00"}, ["input", "completedAt"]),
    ]
    for extra, path in cases:
        body = await demo_api.gql(LOG, {"input": _fran_input(**extra)})
        error = body["errors"][0]
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": path}, (extra, error)
        assert cost(body)["s3"]["puts"] == 0
    totals = await demo_api.gql("{ viewer { workouts { totalCount } } }")
    assert totals["data"]["viewer"]["workouts"]["totalCount"] == 32


async def test_unknown_coach_writes_no_item(demo_api: Api) -> None:
    body = await demo_api.gql(LOG, {"input": _fran_input(coachIds=["nope"])})
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    totals = await demo_api.gql("{ viewer { workouts { totalCount } } }")
    assert totals["data"]["viewer"]["workouts"]["totalCount"] == 32


async def test_update_moves_the_date_and_versions_the_log(demo_api: Api, aws: AwsClients) -> None:
    logged = (await demo_api.gql(LOG, {"input": _fran_input()}))["data"]["logWorkout"]["workout"]
    old_key = logged["detailedLog"]["key"]
    body = await demo_api.gql(
        UPDATE,
        {
            "input": {
                "workoutId": logged["workoutId"],
                "expectedVersion": 1,
                "location": "home",
                "completedAt": "2026-04-01T07:00:00Z",
                "detailedLog": {"raw": "corrected"},
            }
        },
    )
    assert "errors" not in body, body["errors"]
    updated = body["data"]["updateWorkout"]["workout"]
    assert updated["version"] == 2 and updated["location"] == "home"
    assert updated["detailedLog"]["content"] == {"raw": "corrected"}
    assert updated["detailedLog"]["key"] != old_key
    listed = await aws.s3.list_objects_v2(
        Bucket=demo_api.settings.bucket, Prefix="athletes/demo/workouts/2026-05-01/"
    )
    assert old_key not in [o["Key"] for o in listed.get("Contents", [])]
    # The date range follows the new completion time.
    ranged = await demo_api.gql("""{ viewer { workouts(filter: {
        completedFrom: "2026-03-31T00:00:00Z", completedTo: "2026-04-02T00:00:00Z"}) {
        edges { node { workoutId } } } } }""")
    assert [e["node"]["workoutId"] for e in ranged["data"]["viewer"]["workouts"]["edges"]] == [
        logged["workoutId"]
    ]
    stale = await demo_api.gql(
        UPDATE,
        {"input": {"workoutId": logged["workoutId"], "expectedVersion": 1, "location": "gym"}},
    )
    assert stale["errors"][0]["extensions"] == {"code": "CONFLICT", "currentVersion": 2}


async def test_delete_removes_item_and_objects(demo_api: Api, aws: AwsClients) -> None:
    logged = (await demo_api.gql(LOG, {"input": _fran_input()}))["data"]["logWorkout"]["workout"]
    body = await demo_api.gql(
        DELETE, {"input": {"workoutId": logged["workoutId"], "expectedVersion": 1}}
    )
    assert body["data"]["deleteWorkout"] == {"deletedWorkoutId": logged["workoutId"]}
    gone = await demo_api.gql(
        "query($id: ID!) { viewer { workout(workoutId: $id) { workoutId } } }",
        {"id": logged["workoutId"]},
    )
    assert gone["data"]["viewer"]["workout"] is None
    listed = await aws.s3.list_objects_v2(
        Bucket=demo_api.settings.bucket, Prefix=logged["detailedLog"]["key"]
    )
    assert listed.get("KeyCount", 0) == 0


async def test_failed_commit_leaves_at_most_an_orphan_never_a_dangling_pointer(
    demo_api: Api, aws: AwsClients
) -> None:
    runtime = demo_api.runtime
    with FaultPlan(runtime.clients.dynamodb, {"TransactWriteItems": ["5xx", "5xx", "5xx"]}):
        body = await demo_api.gql(LOG, {"input": _fran_input(workoutId="w_fault")})
    assert body["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
    assert "injected" not in body["errors"][0]["message"]
    item = await runtime.stores.workouts.get("demo", "w_fault")
    assert item is None  # no pointer
    orphans = await aws.s3.list_objects_v2(
        Bucket=demo_api.settings.bucket, Prefix="athletes/demo/workouts/2026-05-01/w_fault"
    )
    assert orphans["KeyCount"] == 1  # the object stays until the sweep

    # The client retries with the same input: the workout lands once.
    again = await demo_api.gql(LOG, {"input": _fran_input(workoutId="w_fault")})
    assert again["data"]["logWorkout"]["workout"]["detailedLog"]["content"]["raw"]


async def test_total_count_is_exact_with_two_concurrent_writers(demo_api: Api) -> None:
    import asyncio

    async def writer(name: str) -> None:
        for n in range(5):
            body = await demo_api.gql(
                LOG,
                {
                    "input": {
                        "completedAt": f"2026-03-0{n + 1}T07:00:00Z",
                        "workoutName": f"{name} {n}",
                        "discipline": "HIIT",
                    }
                },
            )
            assert "errors" not in body, body["errors"]

    await asyncio.gather(writer("a"), writer("b"))
    body = await demo_api.gql(
        "{ viewer { hiit: workouts(filter: {discipline: HIIT}) { totalCount } "
        "all: workouts { totalCount } } }"
    )
    viewer = body["data"]["viewer"]
    assert viewer["all"]["totalCount"] == 32 + 10
    assert viewer["hiit"]["totalCount"] == 10 + 5  # the demo's own hiit workouts, plus ours


async def test_implausible_dates_are_refused(demo_api: Api) -> None:
    # Found by schemathesis: a year-517 workout was stored and then failed every read.
    body = await demo_api.gql(LOG, {"input": _fran_input(completedAt="0517-02-14T17:13:38Z")})
    assert body["errors"][0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "field": ["input", "completedAt"],
    }

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


def _nulls(value: Any, path: str = "") -> list[str]:
    """Dotted paths of the null map entries in a stored value."""
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _nulls(v, f"{path}.{k}" if path else k)]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _nulls(v, f"{path}[{i}]")]
    return [path] if value is None else []


async def _stored(api: Api, workout_id: str) -> dict[str, Any]:
    item = await api.runtime.stores.table.get("user#demo", f"workout#{workout_id}", consistent=True)
    assert item is not None
    return item


async def test_a_logged_workout_is_what_the_app_reads(demo_api: Api) -> None:
    """extractionMetadata with a number (1.0 for the athlete's own log), both names, the
    coach ids as a list, the app's WorkoutMetadata, and no nulls."""
    body = await demo_api.gql(
        LOG,
        {
            "input": {
                "completedAt": "2026-05-03T07:00:00Z",
                "workoutName": "Easy row",
                "discipline": "HYBRID",
                "performanceMetrics": {"intensity": 4},
            }
        },
    )
    assert "errors" not in body, body["errors"]
    workout_id = body["data"]["logWorkout"]["workout"]["workoutId"]
    attrs = (await _stored(demo_api, workout_id))["attributes"]
    meta = attrs["extractionMetadata"]
    assert meta["confidence"] == 1 and meta["extractedAt"].endswith("Z")
    assert attrs["workoutName"] == attrs["workoutData"]["workout_name"] == "Easy row"
    assert attrs["coachIds"] == [] and attrs["coachNames"] == []
    data = attrs["workoutData"]
    assert data["workout_id"] == workout_id and data["user_id"] == "demo"
    assert data["metadata"] == {
        "logged_via": "manual",
        "extraction_method": "manual_entry",
        "ai_extracted": False,
        "user_verified": True,
        "data_confidence": 1,
        "version": "1.0",
        "schema_version": "2.0",
    }
    assert _nulls(attrs) == []
    assert set(data["performance_metrics"]) == {"intensity"}

    # A client that extracted the workout says how sure it is; its own metadata wins.
    body = await demo_api.gql(
        LOG, {"input": _fran_input(metadata={"logged_via": "conversation", "note": "x"})}
    )
    workout = body["data"]["logWorkout"]["workout"]
    attrs = (await _stored(demo_api, workout["workoutId"]))["attributes"]
    assert float(attrs["extractionMetadata"]["confidence"]) == 0.9
    assert attrs["coachIds"] == ["demo_coach_1"] and attrs["workoutName"] == "Fran"
    metadata = attrs["workoutData"]["metadata"]
    assert metadata["logged_via"] == "conversation" and metadata["note"] == "x"
    assert metadata["ai_extracted"] is True and metadata["extraction_method"] == "api_import"
    assert _nulls(attrs) == []


async def test_demo_workouts_are_complete_for_the_app(demo_api: Api) -> None:
    from boto3.dynamodb.conditions import Key

    from tests.app_contract import check_items

    page = await demo_api.runtime.stores.table.query(
        Key("pk").eq("user#demo") & Key("sk").begins_with("workout#"), consistent=True
    )
    assert len(page.items) == 32
    assert check_items(page.items) == []
    for item in page.items:
        attrs = item["attributes"]
        assert attrs["workoutName"] == attrs["workoutData"]["workout_name"]
        # Extracted from the demo conversations (Fran's fixture has a confidence of its own).
        metadata = attrs["workoutData"]["metadata"]
        assert metadata["logged_via"] == "conversation" and metadata["ai_extracted"] is True
        assert 0 < metadata["data_confidence"] <= 1
        assert _nulls(attrs) == [], _nulls(attrs)


MERGE = """mutation($input: UpdateWorkoutInput!) { updateWorkout(input: $input) { workout {
    workoutName version location
    performanceMetrics { caloriesBurned heartRate { avg max zones { zone1 zone2 } } }
    subjectiveFeedback { notes sorenessPost { overall legs } }
    disciplineSpecific { ... on CrossfitData { rxStatus performanceData { totalTime
      roundTimes score { value valueText } } rounds { roundNumber } } } } } }"""


async def test_update_merges_at_the_deepest_level_and_null_removes(demo_api: Api) -> None:
    from tests.item_diff import changed_paths, outside

    fran = fran_workout_data("2026-05-01")
    full = _fran_input(
        performanceMetrics=_camel(fran["performance_metrics"]),
        subjectiveFeedback=_camel(fran["subjective_feedback"]),
        location="gym",
    )
    logged = (await demo_api.gql(LOG, {"input": full}))["data"]["logWorkout"]["workout"]
    workout_id = logged["workoutId"]
    before = await _stored(demo_api, workout_id)
    body = await demo_api.gql(
        MERGE,
        {
            "input": {
                "workoutId": workout_id,
                "expectedVersion": 1,
                "workoutName": "Fran, again",
                "location": None,
                "performanceMetrics": {
                    "heartRate": {"avg": 170, "zones": {"zone2": 30}},
                    "caloriesBurned": None,
                },
                "subjectiveFeedback": {"sorenessPost": {"legs": 8}},
                "disciplineSpecific": {
                    "crossfit": {
                        "performanceData": {
                            "totalTime": 530,
                            "score": {"valueText": "8:50", "type": "time"},
                        }
                    }
                },
            }
        },
    )
    assert "errors" not in body, body["errors"]
    workout = body["data"]["updateWorkout"]["workout"]
    assert workout["workoutName"] == "Fran, again" and workout["location"] is None
    metrics = workout["performanceMetrics"]
    assert metrics["caloriesBurned"] is None
    assert metrics["heartRate"] == {"avg": 170, "max": 189, "zones": {"zone1": 0, "zone2": 30}}
    assert workout["subjectiveFeedback"] == {
        "notes": "Lungs on fire in the round of 15.",
        "sorenessPost": {"overall": 6, "legs": 8},
    }
    crossfit = workout["disciplineSpecific"]
    assert crossfit["rxStatus"] == "rx" and len(crossfit["rounds"]) == 3
    assert crossfit["performanceData"] == {
        "totalTime": 530,
        "roundTimes": [195, 148, 194],
        "score": {"value": None, "valueText": "8:50"},
    }
    # Two calls: the consistent read and the conditional transaction.
    assert cost(body)["dynamodb"]["calls"] == 2

    after = await _stored(demo_api, workout_id)
    data = "attributes.workoutData"
    changed = changed_paths(before, after)
    assert outside(changed, {"version", "updatedAt"}) == {
        "attributes.workoutName",
        f"{data}.workout_name",
        f"{data}.location",
        f"{data}.performance_metrics.heart_rate.avg",
        f"{data}.performance_metrics.heart_rate.zones.zone_2",
        f"{data}.performance_metrics.calories_burned",
        f"{data}.subjective_feedback.soreness_post.legs",
        f"{data}.discipline_specific.crossfit.performance_data.total_time",
        f"{data}.discipline_specific.crossfit.performance_data.score",
    }
    stored = after["attributes"]["workoutData"]
    assert "location" not in stored and "calories_burned" not in stored["performance_metrics"]
    assert stored["discipline_specific"]["crossfit"]["performance_data"]["score"] == {
        "value": "8:50",
        "type": "time",
    }
    assert _nulls(after) == []

    # A null on what every workout has leaves it; a null on an object removes it.
    body = await demo_api.gql(
        MERGE,
        {
            "input": {
                "workoutId": workout_id,
                "expectedVersion": 2,
                "workoutName": None,
                "completedAt": None,
                "subjectiveFeedback": None,
            }
        },
    )
    assert "errors" not in body, body["errors"]
    workout = body["data"]["updateWorkout"]["workout"]
    assert workout["workoutName"] == "Fran, again" and workout["subjectiveFeedback"] is None
    final = await _stored(demo_api, workout_id)
    assert outside(changed_paths(after, final), {"version", "updatedAt"}) == {
        f"{data}.subjective_feedback"
    }


DELETE_COUNTED = """mutation($input: DeleteWorkoutInput!) { deleteWorkout(input: $input) {
    deletedWorkoutId deletedExerciseCount } }"""


def _exercise_rows(user_id: str, workout_id: str, count: int) -> list[dict[str, Any]]:
    """The app's exercise rows of a workout (build-exercise/handler.ts:137-175, keys of
    dynamodb/exercise.ts:37-41)."""
    from datasources import keys

    day, stamp = "2026-05-01", "2026-05-01T08:00:00.000Z"
    rows = []
    for n in range(1, count + 1):
        name = f"move_{n % 7}"
        rows.append(
            {
                "pk": keys.user_pk(user_id),
                "sk": keys.exercise_sk(name, day, workout_id, n),
                "entityType": "exercise",
                "createdAt": stamp,
                "updatedAt": stamp,
                "gsi1pk": keys.exercise_gsi1pk(user_id, name),
                "gsi1sk": day,
                "attributes": {
                    "exerciseId": f"exercise_{workout_id}_{n}",
                    "userId": user_id,
                    "workoutId": workout_id,
                    "exerciseName": name,
                    "completedAt": stamp,
                    "sequence": n,
                    "metrics": {"reps": 5, "repsPerSet": [5]},
                    "metadata": {"extractedAt": stamp},
                },
            }
        )
    return rows


async def _exercise_keys(api: Api, user_id: str = "demo") -> set[str]:
    """The exercise rows of the workouts a test logged (the demo data's own strength
    workouts have theirs, written when they were logged: left out here)."""
    from boto3.dynamodb.conditions import Key

    page = await api.runtime.stores.table.query(
        Key("pk").eq(f"user#{user_id}") & Key("sk").begins_with("exercise#"), consistent=True
    )
    return {str(i["sk"]) for i in page.items if "#demo_workout_" not in str(i["sk"])}


async def _log_with_rows(api: Api, workout_id: str, rows: int) -> None:
    from devserver.builders import bulk_put

    body = await api.gql(LOG, {"input": _fran_input(workoutId=workout_id)})
    assert "errors" not in body, body["errors"]
    await bulk_put(api.runtime.stores.table, _exercise_rows("demo", workout_id, rows))


async def test_delete_takes_the_apps_exercise_rows_in_the_same_transaction(
    demo_api: Api,
) -> None:
    await _log_with_rows(demo_api, "w_small", 3)
    await _log_with_rows(demo_api, "w_other", 2)
    body = await demo_api.gql(
        DELETE_COUNTED, {"input": {"workoutId": "w_small", "expectedVersion": 1}}
    )
    assert body["data"]["deleteWorkout"] == {
        "deletedWorkoutId": "w_small",
        "deletedExerciseCount": 3,
    }
    assert all("#w_other#" in sk for sk in await _exercise_keys(demo_api))
    assert len(await _exercise_keys(demo_api)) == 2
    # The consistent read, the rows' query, one transaction (no follow-up).
    assert cost(body)["dynamodb"]["byOperation"] == {
        "GetItem": 1,
        "Query": 1,
        "TransactWriteItems": 1,
    }


async def test_rows_beyond_one_transaction_go_in_a_follow_up_that_a_retry_finishes(
    demo_api: Api,
) -> None:
    table = demo_api.runtime.stores.table
    await _log_with_rows(demo_api, "w_big", 150)
    await _log_with_rows(demo_api, "w_other", 2)
    delete = {"input": {"workoutId": "w_big", "expectedVersion": 1}}
    # The follow-up fails: the workout and the rows that fitted are gone, the deletion is
    # recorded as pending, the rest of the rows are still there.
    with FaultPlan(demo_api.runtime.clients.dynamodb, {"BatchWriteItem": ["5xx"] * 3}):
        failed = await demo_api.gql(DELETE_COUNTED, delete)
    assert failed["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
    assert await table.get("user#demo", "workout#w_big", consistent=True) is None
    pending = await table.get("user#demo", "deletion#workout#w_big", consistent=True)
    assert pending is not None and pending["attributes"]["exerciseCount"] == 150
    left = [sk for sk in await _exercise_keys(demo_api) if "#w_big#" in sk]
    assert len(left) == 150 - 96  # 96 fitted beside the workout, the marker and the record

    # A retry (no idempotency key) finishes it instead of answering NOT_FOUND.
    again = await demo_api.gql(DELETE_COUNTED, delete)
    assert again["data"]["deleteWorkout"] == {
        "deletedWorkoutId": "w_big",
        "deletedExerciseCount": 150,
    }
    assert all("#w_other#" in sk for sk in await _exercise_keys(demo_api))
    assert await table.get("user#demo", "deletion#workout#w_big", consistent=True) is None
    # Now it is simply gone.
    gone = await demo_api.gql(DELETE_COUNTED, delete)
    assert gone["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_a_follow_up_runs_in_the_same_call_and_replays_with_the_key(demo_api: Api) -> None:
    await _log_with_rows(demo_api, "w_big", 150)
    delete = {"input": {"workoutId": "w_big", "expectedVersion": 1, "idempotencyKey": "del-1"}}
    body = await demo_api.gql(DELETE_COUNTED, delete)
    assert body["data"]["deleteWorkout"]["deletedExerciseCount"] == 150
    assert await _exercise_keys(demo_api) == set()
    table = demo_api.runtime.stores.table
    assert await table.get("user#demo", "deletion#workout#w_big", consistent=True) is None
    # The key's marker and the workout read, the rows' query, one transaction of 100
    # actions, then the 54 other rows 25 at a time, then the pending record.
    assert cost(body)["dynamodb"]["byOperation"] == {
        "GetItem": 2,
        "Query": 1,
        "TransactWriteItems": 1,
        "BatchWriteItem": 3,
        "DeleteItem": 1,
    }
    replayed = await demo_api.gql(DELETE_COUNTED, delete)
    assert replayed["data"] == body["data"]

"""Workouts logged through this API with structured sets (powerlifting, bodybuilding) write
the exercise rows the app's build-exercise would (amplify/functions/build-exercise/
handler.ts:121-175, keys amplify/dynamodb/exercise.ts:30-56, metrics
libs/exercise/extraction.ts:222-512) in the workout's own transaction; updates and deletes
keep them in step. The app-contract check (tests/conftest.py) reads every row back."""

from __future__ import annotations

from typing import Any

from boto3.dynamodb.conditions import Key

from datasources import keys
from devserver import builders
from tests.conftest import Api, cost

LOG = """mutation($input: LogWorkoutInput!) { logWorkout(input: $input) { workout {
  workoutId exercises { exerciseName originalName sequence day
    metrics { maxWeight totalVolume estimated1RM repsPerSet } } } } }"""
UPDATE = """mutation($input: UpdateWorkoutInput!) { updateWorkout(input: $input) {
  workout { workoutId version completedAt } } }"""
DELETE = """mutation($input: DeleteWorkoutInput!) { deleteWorkout(input: $input) {
  deletedWorkoutId deletedExerciseCount } }"""


def _lift(name: str, *sets: tuple[float, int]) -> dict[str, Any]:
    return {"exerciseName": name, "sets": [{"weight": w, "reps": r} for w, r in sets]}


def _powerlifting(exercises: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {
        "workoutId": "workout_pl_1",
        "completedAt": "2026-06-01T23:30:00Z",
        "workoutName": "Heavy day",
        "discipline": "POWERLIFTING",
        "disciplineSpecific": {"powerlifting": {"exercises": exercises}},
        **extra,
    }


async def _rows(api: Api, user_id: str = "lifter") -> dict[str, dict[str, Any]]:
    page = await api.runtime.stores.table.query(
        Key("pk").eq(keys.user_pk(user_id)) & Key("sk").begins_with("exercise#"), consistent=True
    )
    return {str(i["sk"]): i for i in page.items}


async def test_logging_structured_sets_writes_the_apps_rows_in_the_same_transaction(
    api: Api,
) -> None:
    await builders.athlete(api.runtime.stores, "lifter")
    lifts = [
        _lift("Back Squat", (100, 5), (110, 3), (120, 1)),
        _lift("Bench-Press", (80, 8)),
        _lift("back  squat", (90, 10)),  # the same exercise again: sequence 2
    ]
    body = await api.gql(LOG, {"input": _powerlifting(lifts)}, user="lifter")
    assert "errors" not in body, body["errors"]
    # The workout, its rows, the counter and the idempotency marker: ONE transaction.
    assert cost(body)["dynamodb"]["byOperation"].get("TransactWriteItems") == 1
    assert "BatchWriteItem" not in cost(body)["dynamodb"]["byOperation"]
    logged = body["data"]["logWorkout"]["workout"]
    assert [(e["exerciseName"], e["sequence"]) for e in logged["exercises"]] == [
        ("back_squat", 1),
        ("back_squat", 2),
        ("bench_press", 1),
    ]

    rows = await _rows(api)
    day = "2026-06-01"  # the UTC day of completedAt, as the app keys it
    squat = rows[f"exercise#back_squat#{day}#workout_pl_1#1"]
    assert squat["entityType"] == "exercise"
    assert squat["gsi1pk"] == "user#lifter#exercise#back_squat" and squat["gsi1sk"] == day
    a = squat["attributes"]
    assert a["exerciseName"] == "back_squat" and a["originalName"] == "Back Squat"
    assert a["workoutId"] == "workout_pl_1" and a["userId"] == "lifter"
    assert a["discipline"] == "powerlifting" and a["sequence"] == 1
    assert a["completedAt"] == "2026-06-01T23:30:00.000Z"
    assert a["exerciseId"].startswith("exercise_lifter_")
    assert a["metrics"] == {
        "weight": 120,
        "weightUnit": "lbs",  # the app's default when the sets name none
        "reps": 3,  # Math.round(9 / 3)
        "totalReps": 9,
        "sets": 3,
        "repsPerSet": [5, 3, 1],
        "weightsPerSet": [100, 110, 120],
        "volumePerSet": [500, 330, 120],
        "totalVolume": 950,
        "maxWeight": 120,
        "bestSet": {"setNumber": 1, "reps": 5, "weight": 100, "volume": 500, "estimated1rm": 117},
        "estimated1RM": 117,  # Math.round(100 * (1 + 5/30))
        "intensityMetrics": {"averageIntensity": 110 / 120, "volumeLoad": 950},
        "movementCategory": "main_lift",
    }
    assert set(rows) == {
        f"exercise#back_squat#{day}#workout_pl_1#1",
        f"exercise#back_squat#{day}#workout_pl_1#2",
        f"exercise#bench_press#{day}#workout_pl_1#1",
    }

    history = await api.gql(
        '{ viewer { exercise(name: "Back Squat") { records { totalOccurrences prWeight '
        "bestEstimated1RM { value } } } } }",
        user="lifter",
    )
    records = history["data"]["viewer"]["exercise"]["records"]
    # 90 x 10 (the second time) estimates more than 100 x 5: round(90 * (1 + 10/30)).
    assert records == {"totalOccurrences": 2, "prWeight": 120, "bestEstimated1RM": {"value": 120}}


async def test_updates_move_and_re_extract_the_rows_and_delete_removes_them(api: Api) -> None:
    await builders.athlete(api.runtime.stores, "lifter")
    lifts = [_lift("Back Squat", (100, 5)), _lift("Deadlift", (140, 3))]
    logged = await api.gql(LOG, {"input": _powerlifting(lifts)}, user="lifter")
    assert "errors" not in logged, logged["errors"]

    moved = await api.gql(
        UPDATE,
        {
            "input": {
                "workoutId": "workout_pl_1",
                "expectedVersion": 1,
                "completedAt": "2026-06-03T10:00:00Z",
            }
        },
        user="lifter",
    )
    assert "errors" not in moved, moved["errors"]
    assert cost(moved)["dynamodb"]["byOperation"].get("TransactWriteItems") == 1
    assert set(await _rows(api)) == {
        "exercise#back_squat#2026-06-03#workout_pl_1#1",
        "exercise#deadlift#2026-06-03#workout_pl_1#1",
    }

    edited = await api.gql(
        UPDATE,
        {
            "input": {
                "workoutId": "workout_pl_1",
                "expectedVersion": 2,
                "disciplineSpecific": {
                    "powerlifting": {"exercises": [_lift("Back Squat", (105, 5))]}
                },
            }
        },
        user="lifter",
    )
    assert "errors" not in edited, edited["errors"]
    rows = await _rows(api)
    assert list(rows) == ["exercise#back_squat#2026-06-03#workout_pl_1#1"]
    assert (
        rows["exercise#back_squat#2026-06-03#workout_pl_1#1"]["attributes"]["metrics"]["maxWeight"]
        == 105
    )

    deleted = await api.gql(
        DELETE, {"input": {"workoutId": "workout_pl_1", "expectedVersion": 3}}, user="lifter"
    )
    assert deleted["data"]["deleteWorkout"]["deletedExerciseCount"] == 1
    assert await _rows(api) == {}


async def test_the_apps_rows_of_other_disciplines_move_with_the_workout(api: Api) -> None:
    await builders.athlete(api.runtime.stores, "runner")
    body = await api.gql(
        LOG,
        {
            "input": {
                "workoutId": "workout_run_1",
                "completedAt": "2026-06-01T07:00:00Z",
                "workoutName": "Easy run",
                "discipline": "RUNNING",
            }
        },
        user="runner",
    )
    assert body["data"]["logWorkout"]["workout"]["exercises"] == []  # not extracted here
    # The app's build-exercise wrote a row for it (exercise.ts:30-56).
    row: dict[str, Any] = {
        "pk": "user#runner",
        "sk": "exercise#easy_run#2026-06-01#workout_run_1#1",
        "entityType": "exercise",
        "createdAt": "2026-06-01T07:01:00.000Z",
        "updatedAt": "2026-06-01T07:01:00.000Z",
        "gsi1pk": "user#runner#exercise#easy_run",
        "gsi1sk": "2026-06-01",
        "attributes": {
            "exerciseId": "exercise_runner_1_abc",
            "userId": "runner",
            "workoutId": "workout_run_1",
            "exerciseName": "easy_run",
            "discipline": "running",
            "completedAt": "2026-06-01T07:00:00.000Z",
            "sequence": 1,
            "metrics": {"distance": 5, "distanceUnit": "km", "pace": "5:30"},
            "metadata": {"extractedAt": "2026-06-01T07:01:00.000Z"},
        },
    }
    await api.runtime.stores.table.put(row)
    moved = await api.gql(
        UPDATE,
        {
            "input": {
                "workoutId": "workout_run_1",
                "expectedVersion": 1,
                "completedAt": "2026-06-02T07:00:00Z",
            }
        },
        user="runner",
    )
    assert "errors" not in moved, moved["errors"]
    rows = await _rows(api, "runner")
    assert list(rows) == ["exercise#easy_run#2026-06-02#workout_run_1#1"]
    kept = rows["exercise#easy_run#2026-06-02#workout_run_1#1"]
    assert kept["gsi1sk"] == "2026-06-02"
    assert kept["attributes"]["completedAt"] == "2026-06-02T07:00:00.000Z"
    assert kept["attributes"]["metrics"] == row["attributes"]["metrics"]  # kept as the app wrote


async def test_more_rows_than_a_transaction_holds_follow_it(api: Api) -> None:
    await builders.athlete(api.runtime.stores, "lifter")
    lifts = [_lift(f"Accessory {n}", (20, 10)) for n in range(99)]  # the input allows 100
    body = await api.gql(LOG, {"input": _powerlifting(lifts)}, user="lifter")
    assert "errors" not in body, body["errors"]
    by_operation = cost(body)["dynamodb"]["byOperation"]
    assert by_operation["TransactWriteItems"] == 1 and by_operation["BatchWriteItem"] >= 1
    assert len(await _rows(api)) == 99
    deleted = await api.gql(
        DELETE, {"input": {"workoutId": "workout_pl_1", "expectedVersion": 1}}, user="lifter"
    )
    assert deleted["data"]["deleteWorkout"]["deletedExerciseCount"] == 99
    assert await _rows(api) == {}


async def test_olympic_lifts_write_rows_with_the_apps_defaults(api: Api) -> None:
    await builders.athlete(api.runtime.stores, "lifter")
    lift = {
        "liftName": "Clean & Jerk",
        "liftCategory": "competition",
        "variation": "power",
        "sets": [{"weight": 80, "reps": 2}, {"weight": 90, "reps": 1}],
    }
    body = await api.gql(
        LOG,
        {
            "input": {
                "workoutId": "workout_oly_1",
                "completedAt": "2026-06-05T09:00:00Z",
                "workoutName": "Oly",
                "discipline": "OLYMPIC_WEIGHTLIFTING",
                "disciplineSpecific": {"olympicWeightlifting": {"lifts": [lift]}},
            }
        },
        user="lifter",
    )
    assert "errors" not in body, body["errors"]
    (row,) = (await _rows(api)).values()
    assert row["sk"] == "exercise#clean_jerk#2026-06-05#workout_oly_1#1"
    metrics = row["attributes"]["metrics"]
    assert metrics["weightUnit"] == "kg"  # the app's olympic default (extraction.ts:1119)
    assert metrics["movementCategory"] == "competition" and metrics["variation"] == "power"
    assert metrics["estimated1RM"] == 85  # best set by volume: 80 x 2, round(80 * 32/30)
    assert metrics["maxWeight"] == 90


async def test_a_new_time_alone_moves_the_apps_rows_as_the_app_named_them(app_api: Api) -> None:
    from tests import app_items

    dana = app_items._Athlete(app_items.ATHLETE)
    workout = await app_api.gql(
        "query($id: ID!) { viewer { workout(workoutId: $id) { version } } }",
        {"id": dana.w_oly},
        user=dana.user_id,
    )
    version = workout["data"]["viewer"]["workout"]["version"]
    moved = await app_api.gql(
        UPDATE,
        {
            "input": {
                "workoutId": dana.w_oly,
                "expectedVersion": version,
                "completedAt": "2026-05-13T11:30:00Z",
            }
        },
        user=dana.user_id,
    )
    assert "errors" not in moved, moved["errors"]
    rows = [
        r
        for r in (await _rows(app_api, dana.user_id)).values()
        if r["attributes"]["workoutId"] == dana.w_oly
    ]
    assert [r["sk"] for r in rows] == [f"exercise#snatch#2026-05-13#{dana.w_oly}#1"]
    assert rows[0]["attributes"]["originalName"] == "Hang Snatch"  # the app's AI name kept


async def test_each_mutation_of_a_document_shows_its_own_rows(api: Api) -> None:
    await builders.athlete(api.runtime.stores, "lifter")
    document = """mutation($log: LogWorkoutInput!, $edit: UpdateWorkoutInput!) {
      first: logWorkout(input: $log) { workout { exercises { exerciseName } } }
      second: updateWorkout(input: $edit) { workout { exercises { exerciseName } } } }"""
    edit = {
        "workoutId": "workout_pl_1",
        "expectedVersion": 1,
        "disciplineSpecific": {"powerlifting": {"exercises": [_lift("Deadlift", (140, 3))]}},
    }
    body = await api.gql(
        document,
        {"log": _powerlifting([_lift("Back Squat", (100, 5))]), "edit": edit},
        user="lifter",
    )
    assert "errors" not in body, body["errors"]
    assert body["data"]["first"]["workout"]["exercises"] == [{"exerciseName": "back_squat"}]
    assert body["data"]["second"]["workout"]["exercises"] == [{"exerciseName": "deadlift"}]

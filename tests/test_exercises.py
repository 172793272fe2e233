"""The app's exercise rows read through the API (amplify/dynamodb/exercise.ts): the names
list, one exercise's history and personal records, a workout's exercises; on the app's
own items (tests/app_items.py) plus rows shaped exactly as the app's build-exercise writes
them. Round trips counted; bad input is BAD_USER_INPUT."""

from __future__ import annotations

from typing import Any

from datasources import keys
from tests import app_items
from tests.conftest import Api, cost

DANA, SAM = app_items.ATHLETE, app_items.OTHER
A = app_items._Athlete(DANA)

NAMES = """query($d: String, $first: Int) { viewer { exerciseNames(discipline: $d, first: $first) {
  totalCount exercises { exerciseName displayName count lastDay lastPerformed disciplines
    originalNames } } } }"""

ONE = """query($name: String!, $from: String, $to: String, $first: Int, $after: String) {
  viewer { exercise(name: $name) { exerciseName displayName
    history(from: $from, to: $to, first: $first, after: $after) {
      totalCount pageInfo { hasNextPage endCursor }
      edges { node { exerciseName originalName day workoutId sequence discipline
        metrics { weight weightUnit maxWeight estimated1RM totalVolume repsPerSet pace
          distance distanceUnit } } } }
    records(from: $from, to: $to) { totalOccurrences sessionCount prWeight prReps prVolume
      averageWeight averageReps firstPerformed lastPerformed disciplines
      bestWeight { value unit day workoutId } bestEstimated1RM { value day }
      bestVolume { value day } bestPace { value text day } longestDistance { value unit } }
  } } }"""


def _row(
    user_id: str, name: str, day: str, workout_id: str, metrics: dict[str, Any], seq: int = 1
) -> dict[str, Any]:
    """An exercise row as the app's build-exercise writes it (handler.ts:137-175; keys of
    dynamodb/exercise.ts:37-41)."""
    stamp = f"{day}T07:00:00.000Z"
    return {
        "pk": keys.user_pk(user_id),
        "sk": keys.exercise_sk(name, day, workout_id, seq),
        "entityType": "exercise",
        "createdAt": stamp,
        "updatedAt": stamp,
        "gsi1pk": keys.exercise_gsi1pk(user_id, name),
        "gsi1sk": day,
        "attributes": {
            "exerciseId": f"exercise_{user_id}_{day}_{seq}",
            "userId": user_id,
            "coachId": A.coach_a,
            "workoutId": workout_id,
            "exerciseName": name,
            "originalName": name.replace("_", " ").title(),
            "discipline": "powerlifting",
            "completedAt": stamp,
            "sequence": seq,
            "metrics": metrics,
            "metadata": {"extractedAt": stamp, "normalizationConfidence": 0.9},
        },
    }


SQUATS = [
    (
        "2026-03-02",
        "w_sq1",
        {
            "weight": 100,
            "weightUnit": "kg",
            "sets": 3,
            "reps": 5,
            "totalReps": 15,
            "repsPerSet": [5, 5, 5],
            "maxWeight": 100,
            "totalVolume": 1500,
            "estimated1RM": 116.7,
        },
    ),
    (
        "2026-03-09",
        "w_sq2",
        {
            "weight": 110,
            "weightUnit": "kg",
            "sets": 3,
            "reps": 3,
            "totalReps": 9,
            "repsPerSet": [3, 3, 3],
            "maxWeight": 110,
            "totalVolume": 990,
            "estimated1RM": 121.0,
        },
    ),
    (
        "2026-03-16",
        "w_sq3",
        {
            "weight": 90,
            "weightUnit": "kg",
            "sets": 2,
            "reps": 8,
            "totalReps": 16,
            "repsPerSet": [8, 8],
            "maxWeight": 90,
            "totalVolume": 1440,
            "estimated1RM": 114.0,
        },
    ),
]


async def _squats(api: Api) -> None:
    for day, workout_id, metrics in SQUATS:
        await api.runtime.stores.table.put(_row(DANA, "back_squat", day, workout_id, metrics))


def _ok(body: dict[str, Any]) -> dict[str, Any]:
    assert "errors" not in body, body["errors"]
    viewer: dict[str, Any] = body["data"]["viewer"]
    return viewer


async def test_exercise_names_with_counts_and_last_days(app_api: Api) -> None:
    await _squats(app_api)
    body = await app_api.gql(NAMES, user=DANA)
    names = _ok(body)["exerciseNames"]
    assert names["totalCount"] == 5
    first = names["exercises"][0]
    assert first["exerciseName"] == "back_squat" and first["count"] == 3
    assert first["displayName"] == "Back Squat"
    assert first["lastDay"] == "2026-03-16"
    assert first["lastPerformed"].startswith("2026-03-16T07:00:00")
    rest = {e["exerciseName"]: e for e in names["exercises"][1:]}
    assert set(rest) == {"snatch", "thruster", "easy_run", "ski_erg"}
    assert rest["snatch"]["originalNames"] == ["Hang Snatch"]
    assert rest["snatch"]["disciplines"] == ["olympic_weightlifting"]
    assert cost(body)["dynamodb"]["byOperation"] == {"Query": 1}

    running = _ok(await app_api.gql(NAMES, {"d": "running"}, user=DANA))["exerciseNames"]
    assert [e["exerciseName"] for e in running["exercises"]] == ["easy_run"]
    top = _ok(await app_api.gql(NAMES, {"first": 1}, user=DANA))["exerciseNames"]
    assert top["totalCount"] == 5 and len(top["exercises"]) == 1
    # Another athlete has the same app items but not these squats.
    other = _ok(await app_api.gql(NAMES, user=SAM))["exerciseNames"]
    assert "back_squat" not in {e["exerciseName"] for e in other["exercises"]}


async def test_history_and_records_newest_first_one_query(app_api: Api) -> None:
    await _squats(app_api)
    body = await app_api.gql(ONE, {"name": "Back Squat"}, user=DANA)
    exercise = _ok(body)["exercise"]
    assert exercise["exerciseName"] == "back_squat"
    history = exercise["history"]
    assert history["totalCount"] == 3
    assert [e["node"]["day"] for e in history["edges"]] == [
        "2026-03-16",
        "2026-03-09",
        "2026-03-02",
    ]
    assert history["edges"][1]["node"]["metrics"]["estimated1RM"] == 121.0
    records = exercise["records"]
    assert records["totalOccurrences"] == 3 and records["sessionCount"] == 3
    assert records["prWeight"] == 110 and records["prReps"] == 8 and records["prVolume"] == 1500
    assert records["averageWeight"] == 100 and records["averageReps"] == 40 / 3
    assert (records["firstPerformed"], records["lastPerformed"]) == ("2026-03-02", "2026-03-16")
    assert records["bestWeight"] == {
        "value": 110,
        "unit": "kg",
        "day": "2026-03-09",
        "workoutId": "w_sq2",
    }
    assert records["bestEstimated1RM"] == {"value": 121.0, "day": "2026-03-09"}
    assert records["bestVolume"] == {"value": 1500, "day": "2026-03-02"}
    assert records["bestPace"] is None
    # History page, totalCount and records over the same range: one GSI1 query.
    assert cost(body)["dynamodb"]["byOperation"] == {"Query": 1}

    ranged = _ok(
        await app_api.gql(
            ONE, {"name": "back_squat", "from": "2026-03-05", "to": "2026-03-31"}, user=DANA
        )
    )["exercise"]
    assert ranged["history"]["totalCount"] == 2
    assert ranged["records"]["bestVolume"] == {"value": 1440, "day": "2026-03-16"}

    page = _ok(await app_api.gql(ONE, {"name": "back_squat", "first": 2}, user=DANA))
    connection = page["exercise"]["history"]
    assert connection["pageInfo"]["hasNextPage"] is True
    after = connection["pageInfo"]["endCursor"]
    rest = _ok(
        await app_api.gql(ONE, {"name": "back_squat", "first": 2, "after": after}, user=DANA)
    )["exercise"]["history"]
    assert [e["node"]["day"] for e in rest["edges"]] == ["2026-03-02"]
    assert rest["pageInfo"]["hasNextPage"] is False


async def test_pace_and_distance_records_from_the_apps_running_row(app_api: Api) -> None:
    exercise = _ok(await app_api.gql(ONE, {"name": "easy_run"}, user=DANA))["exercise"]
    records = exercise["records"]
    assert records["bestPace"] == {"value": 344, "text": "5:44", "day": "2026-05-05"}
    assert records["longestDistance"] == {"value": 5, "unit": "km"}
    assert records["prWeight"] is None
    unknown = _ok(await app_api.gql(ONE, {"name": "nothing_logged"}, user=DANA))["exercise"]
    assert unknown["history"]["totalCount"] == 0 and unknown["records"] is None


async def test_workout_exercises_batched_for_a_whole_list(app_api: Api) -> None:
    query = """{ viewer { workouts(first: 10) { edges { node { workoutId
      exercises { exerciseName originalName sequence discipline workoutId
        metrics { repsPerSet weightsPerSet maxWeight rxStatus stationNumber }
        metadata { sourceSet sourceRound normalizationConfidence extractedAt } } } } } } }"""
    body = await app_api.gql(query, user=DANA)
    workouts = {
        e["node"]["workoutId"]: e["node"]["exercises"] for e in _ok(body)["workouts"]["edges"]
    }
    assert [x["exerciseName"] for x in workouts[A.w_oly]] == ["snatch"]
    snatch = workouts[A.w_oly][0]
    assert snatch["metrics"]["weightsPerSet"] == [45, 50]
    assert snatch["metadata"]["sourceSet"] == 2
    assert [x["exerciseName"] for x in workouts[A.w_fran]] == ["thruster"]
    assert workouts[A.w_hyrox][0]["metrics"]["stationNumber"] == 1
    # The workouts list, then every listed workout's exercises in ONE more query.
    assert cost(body)["dynamodb"]["byOperation"].get("Query", 0) <= 2
    assert cost(body)["dynamodb"]["calls"] == 2


async def test_bad_ranges_and_names_are_bad_user_input(app_api: Api) -> None:
    long = await app_api.gql(ONE, {"name": "x" * 121}, user=DANA)
    assert long["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert long["errors"][0]["path"] == ["viewer", "exercise"]

    for variables in (
        {"name": "back_squat", "from": "2026-04-01", "to": "2026-03-01"},
        {"name": "back_squat", "from": "yesterday"},
    ):
        body = await app_api.gql(ONE, variables, user=DANA)
        error = body["errors"][0]
        assert error["extensions"]["code"] == "BAD_USER_INPUT"
        assert error["path"][:3] == ["viewer", "exercise", "history"] or error["path"][:3] == [
            "viewer",
            "exercise",
            "records",
        ]

"""Round trips on the workouts NeonPanda's app wrote (tests/app_items.py): every workout
mutation, over HTTP, changes nothing in the stored item outside the keys it names (plus
this API's bookkeeping: `version`, `updatedAt`, and `listsk` on a table not migrated yet),
and deleting a workout removes exactly its exercise rows. The conftest's contract check
reads back every item written and fails a test whose item the app could not read."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests import app_items
from tests.conftest import Api, cost
from tests.item_diff import changed_paths, outside

DANA = app_items.ATHLETE
DATA = "attributes.workoutData"
OURS = {"version", "updatedAt", "listsk"}

UPDATE = """mutation($input: UpdateWorkoutInput!) { updateWorkout(input: $input) {
    workout { workoutName version } } }"""


def _workout(discipline: str) -> dict[str, Any]:
    for item in app_items.items_for(DANA):
        attrs = item["attributes"]
        if item["entityType"] == "workout" and attrs["workoutData"]["discipline"] == discipline:
            return copy.deepcopy(item)
    raise LookupError(discipline)


def _with_the_apps_extras(item: dict[str, Any]) -> dict[str, Any]:
    """The running workout with what the app's logger also extracts (types.ts:133-152,
    :249-302, :905-930), among them keys this API does not model."""
    data = item["attributes"]["workoutData"]
    data["performance_metrics"] = {
        "intensity": 4,
        "perceived_exertion": 3,
        "heart_rate": {"avg": 142, "max": 158, "zones": {"zone_2": 1500, "zone_3": 220}},
        "calories_burned": 410,
        "hrv_rmssd": 61,  # not a key of this API's
    }
    data["subjective_feedback"] = {
        "enjoyment": 8,
        "notes": "Felt easy.",
        "soreness_pre": {"overall": 2, "calves": 3},
    }
    running = data["discipline_specific"]["running"]
    running["weather"] = {"temperature": 54, "temperature_unit": "F", "conditions": "cloudy"}
    running["fueling"] = {"pre_run": "banana", "hydration_oz": 12}
    running["strava_activity_id"] = "123456"  # nor this
    data["environmental_factors"] = {"temperature": 12, "gym_crowding": "n/a"}
    data["coach_notes"] = {"programming_intent": "aerobic base", "safety_flags": []}
    return item


async def _stored(api: Api, item: dict[str, Any]) -> dict[str, Any]:
    found = await api.runtime.stores.table.get(item["pk"], item["sk"], consistent=True)
    assert found is not None
    return found


async def _migrate(api: Api) -> None:
    from datasources.migrate import migrate

    await migrate(api.runtime.stores.table)
    assert api.runtime.background is not None
    await api.runtime.background.refresh()


def _at(item: dict[str, Any], path: str) -> Any:
    value: Any = item
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _has(item: dict[str, Any], path: str) -> bool:
    *parents, last = path.split(".")
    holder = _at(item, ".".join(parents)) if parents else item
    return isinstance(holder, dict) and last in holder


def _input(item: dict[str, Any], version: int, **fields: Any) -> dict[str, Any]:
    return {
        "input": {
            "workoutId": item["attributes"]["workoutId"],
            "expectedVersion": version,
            **fields,
        }
    }


# (discipline of the app's workout, the update, the stored paths it may change)
CASES: list[tuple[str, dict[str, Any], set[str]]] = [
    (
        "running",
        {"performanceMetrics": {"heartRate": {"avg": 150, "zones": {"zone4": 30}}}},
        {
            f"{DATA}.performance_metrics.heart_rate.avg",
            f"{DATA}.performance_metrics.heart_rate.zones.zone_4",
        },
    ),
    (
        "running",
        {"performanceMetrics": {"caloriesBurned": None, "moodPost": 8}},
        {f"{DATA}.performance_metrics.calories_burned", f"{DATA}.performance_metrics.mood_post"},
    ),
    (
        "running",
        {"subjectiveFeedback": {"sorenessPre": {"legs": 4}, "notes": "Easy, honestly."}},
        {f"{DATA}.subjective_feedback.soreness_pre.legs", f"{DATA}.subjective_feedback.notes"},
    ),
    (
        "running",
        {"disciplineSpecific": {"running": {"weatherDetails": {"humidity": 80}}}},
        {f"{DATA}.discipline_specific.running.weather.humidity"},
    ),
    (
        "running",
        {"disciplineSpecific": {"running": {"fueling": {"preRun": None}, "totalTime": 1700}}},
        {
            f"{DATA}.discipline_specific.running.fueling.pre_run",
            f"{DATA}.discipline_specific.running.total_time",
        },
    ),
    (
        "running",
        {
            "coachNotes": {"nextSessionFocus": "strides"},
            "environmentalFactors": {"humidity": 70, "gym_crowding": None},
            "metadata": {"user_verified": True},
        },
        {
            f"{DATA}.coach_notes.next_session_focus",
            f"{DATA}.environmental_factors.humidity",
            f"{DATA}.environmental_factors.gym_crowding",
            f"{DATA}.metadata.user_verified",
        },
    ),
    (
        "crossfit",
        {"disciplineSpecific": {"crossfit": {"performanceData": {"totalTime": 470}}}},
        {f"{DATA}.discipline_specific.crossfit.performance_data.total_time"},
    ),
    (
        "crossfit",
        {"workoutName": "Fran (scaled)"},
        {"attributes.workoutName", f"{DATA}.workout_name"},
    ),
    (
        # The app's root workoutName appears with the first rename (workout.ts:520-525).
        "olympic_weightlifting",
        {"workoutName": "Snatch Complex"},
        {"attributes.workoutName", f"{DATA}.workout_name"},
    ),
    (
        "hyrox",
        {
            "disciplineSpecific": {
                "hyrox": {"stations": [{"stationNumber": 1, "stationName": "SkiErg"}]}
            },
            "location": "Hyrox Berlin",
            "summary": None,
        },
        {f"{DATA}.discipline_specific.hyrox.stations", f"{DATA}.location", "attributes.summary"},
    ),
    (
        "hyrox",
        {"extractionConfidence": 0.7},
        {"attributes.extractionMetadata.confidence", "attributes.extractionMetadata.reviewedAt"},
    ),
    (
        "olympic_weightlifting",
        {
            "completedAt": "2026-05-11T10:30:00Z",
            "prAchievements": [
                {"exercise": "snatch", "prType": "1rm", "newBest": 52, "significance": "minor"}
            ],
        },
        {"attributes.completedAt", f"{DATA}.date", f"{DATA}.pr_achievements"},
    ),
]


@pytest.mark.parametrize("migrated", [False, True], ids=["seed-table", "migrated"])
async def test_every_update_changes_only_what_it_names(app_api: Api, migrated: bool) -> None:
    table = app_api.runtime.stores.table
    await table.put(_with_the_apps_extras(_workout("running")))
    if migrated:
        await _migrate(app_api)
    versions: dict[str, int] = {}
    for discipline, update, allowed in CASES:
        item = _workout(discipline)
        before = await _stored(app_api, item)
        version = versions.get(discipline, 1)
        body = await app_api.gql(UPDATE, _input(item, version, **update), user=DANA)
        assert "errors" not in body, (update, body["errors"])
        # The consistent read, one transaction; a new completion time also reads the
        # workout's exercise rows, which move with it (in the same transaction).
        assert cost(body)["dynamodb"]["calls"] == (3 if "completedAt" in update else 2)
        versions[discipline] = version + 1
        after = await _stored(app_api, item)
        changed = outside(changed_paths(before, after), OURS)
        assert changed == allowed, (update, changed ^ allowed)
        # What was written is a value (a removed key is absent, never null).
        assert [p for p in changed if _at(after, p) is None and _has(after, p)] == []
        assert after["version"] == version + 1
        # The app's own envelope and root keys are all still there.
        for key in ("gsi1pk", "gsi2pk", "createdAt", "entityType"):
            assert after.get(key) == before.get(key), key

    running = (await _stored(app_api, _workout("running")))["attributes"]["workoutData"]
    metrics = running["performance_metrics"]
    assert metrics["hrv_rmssd"] == 61 and "calories_burned" not in metrics
    assert metrics["heart_rate"] == {
        "avg": 150,
        "max": 158,
        "zones": {"zone_2": 1500, "zone_3": 220, "zone_4": 30},
    }
    specific = running["discipline_specific"]["running"]
    assert specific["strava_activity_id"] == "123456"
    assert specific["weather"] == {
        "temperature": 54,
        "temperature_unit": "F",
        "conditions": "cloudy",
        "humidity": 80,
    }
    assert specific["fueling"] == {"hydration_oz": 12}
    assert (
        specific["segments"]
        == _workout("running")["attributes"]["workoutData"]["discipline_specific"]["running"][
            "segments"
        ]
    )
    assert running["subjective_feedback"]["soreness_pre"] == {"overall": 2, "calves": 3, "legs": 4}
    fran = (await _stored(app_api, _workout("crossfit")))["attributes"]
    assert fran["workoutName"] == fran["workoutData"]["workout_name"] == "Fran (scaled)"
    score = fran["workoutData"]["discipline_specific"]["crossfit"]["performance_data"]["score"]
    assert score == {"value": "7:48", "type": "time"}


DELETE = """mutation($input: DeleteWorkoutInput!) { deleteWorkout(input: $input) {
    deletedWorkoutId deletedExerciseCount } }"""


@pytest.mark.parametrize("migrated", [False, True], ids=["seed-table", "migrated"])
async def test_delete_removes_the_workout_and_exactly_its_exercise_rows(
    app_api: Api, migrated: bool
) -> None:
    if migrated:
        await _migrate(app_api)
    table = app_api.runtime.stores.table
    everything = app_items.all_items()
    fran = _workout("crossfit")
    workout_id = fran["attributes"]["workoutId"]
    rows = [
        i
        for i in everything
        if i["entityType"] == "exercise" and i["attributes"]["workoutId"] == workout_id
    ]
    assert len(rows) == 1  # the thruster row (app_items._exercises)
    body = await app_api.gql(
        DELETE, {"input": {"workoutId": workout_id, "expectedVersion": 1}}, user=DANA
    )
    assert body["data"]["deleteWorkout"] == {
        "deletedWorkoutId": workout_id,
        "deletedExerciseCount": 1,
    }
    gone = {(fran["pk"], fran["sk"]), *((r["pk"], r["sk"]) for r in rows)}
    for item in everything:
        key = (item["pk"], item["sk"])
        found = await table.get(*key, consistent=True)
        if key in gone:
            assert found is None, key
        else:
            assert found is not None, key
            assert outside(changed_paths(item, found), OURS | {"version"}) == set(), key


def test_item_diff_compares_true_as_true_and_never_as_one() -> None:
    assert changed_paths({"a": True, "n": 1}, {"a": True, "n": 1.0}) == set()
    assert changed_paths({"a": True}, {"a": 1}) == {"a"}

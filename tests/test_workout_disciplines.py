"""Every discipline of NeonPanda's app is typed: written through logWorkout as the app
stores it, read back through disciplineSpecific, over HTTP. Keys stored in two forms
(`reps.prescribed` a number or "max", `running.weather` an object or this API's old text)
read and write in both."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import (
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
)
from strawberry.utils.str_converters import to_camel_case

from datasources.records.discipline import TYPED_DISCIPLINES
from schema.build import build_schema
from tests import app_items
from tests.conftest import Api

# One workout per discipline, in the shapes of the app's interfaces
# (amplify/functions/libs/workout/types.ts at tests/app_items.APP_COMMIT).
EXAMPLES: dict[str, dict[str, Any]] = {
    "crossfit": {  # :177-240
        "workout_format": "amrap",
        "time_cap": 720,
        "rx_status": "modified",
        "rounds": [
            {
                "round_number": 1,
                "rep_scheme": "max",
                "exercises": [
                    {
                        "exercise_name": "wall ball",
                        "movement_type": "bodyweight",
                        "weight": {"value": 20, "unit": "lbs"},
                        "reps": {"prescribed_text": "max", "completed": 41},
                    }
                ],
            }
        ],
        "performance_data": {
            "rounds_completed": 7,
            "score": {"value_text": "7+12", "type": "rounds"},
        },
    },
    "trail_running": {  # :332-404
        "run_type": "long",
        "total_distance": 21.5,
        "distance_unit": "km",
        "total_time": 9900,
        "elevation_gain": 1100,
        "elevation_unit": "m",
        "technicality": "high",
        "is_ultra": False,
        "segments": [{"segment_number": 1, "segment_type": "climb", "elevation_gain": 600}],
        "fueling": {"during_run": ["gel", "gel"], "aid_stations": 2},
        "weather": {"temperature": 9, "temperature_unit": "C", "conditions": "foggy"},
        "equipment": {"shoes": "Speedgoat", "poles": True},
    },
    "cycling": {  # :521-640
        "ride_type": "gravel",
        "total_distance": 64,
        "distance_unit": "km",
        "total_time": 8400,
        "average_speed": "27.4 km/h",
        "surface": "gravel",
        "average_power": 188,
        "ftp": 250,
        "power_zones_distribution": {"zone2": 3600, "zone3": 2400},
        "weather": {"temperature": 18, "conditions": "clear", "wind_speed": 12},
        "equipment": {"bike_type": "gravel", "other_gear": ["bottle"]},
        "warmup": {"time": 600, "description": "spin"},
        "segments": [
            {"segment_number": 1, "segment_type": "climb", "distance": 4, "grade_percent": 6}
        ],
        "route": {"name": "Ridge loop", "type": "loop"},
        "fueling": {"during_ride": ["bar"], "hydration_oz": 40},
    },
    "hyrox": {  # :672-698
        "race_or_training": "race",
        "division": "open",
        "total_time": 5400,
        "stations": [
            {"station_number": 3, "station_name": "Sled Pull", "distance": 50, "weight": 103}
        ],
        "runs": [{"run_number": 1, "distance": 1000, "time": 285, "pace": "4:45"}],
        "performance_notes": "legs gone at wall balls",
    },
    "olympic_weightlifting": {  # :700-733
        "session_type": "competition",
        "competition_prep": True,
        "lifts": [
            {
                "lift_name": "Clean & Jerk",
                "lift_category": "competition_lift",
                "attempts": {"opener": 100, "successful_attempts": [100, 105]},
                "sets": [{"set_number": 1, "weight": 100, "weight_unit": "kg", "reps": 1}],
                "complex_structure": None,
            }
        ],
    },
    "functional_bodybuilding": {  # :735-765
        "session_focus": "upper",
        "exercises": [
            {
                "exercise_name": "DB bench",
                "movement_pattern": "push",
                "target_muscles": ["chest"],
                "emom_details": {"interval": 60, "rounds": 8, "reps_per_round": 6},
                "sets": [{"set_number": 1, "reps": 6, "weight": 60, "tempo": "30X1"}],
            }
        ],
    },
    "calisthenics": {  # :767-789
        "session_focus": "skill",
        "exercises": [
            {
                "exercise_name": "front lever",
                "skill_category": "pull",
                "progression_level": "tuck",
                "sets": [{"set_number": 1, "hold_time": 12, "success": True}],
            }
        ],
    },
    "circuit_training": {  # :791-824
        "circuit_format": "stations",
        "session_focus": "hybrid",
        "total_rounds": 3,
        "work_interval": 40,
        "stations": [{"station_number": 1, "exercise_name": "rower", "work_time": 40}],
        "performance_data": {"total_time": 2700, "rounds_completed": 3},
        "class_name": "F45 Hollywood",
        "class_style": "f45",
    },
    "hybrid": {  # :826-883
        "primary_focus": "conditioning",
        "phases": [
            {
                "phase_name": "finisher",
                "phase_type": "conditioning",
                "rounds": 3,
                "exercises": [
                    {
                        "exercise_name": "lunge",
                        "sets": [
                            {"reps_text": "10/side", "weight": {"value": 24, "unit": "kg"}},
                            {"reps": 12, "distance": "50m"},
                        ],
                    }
                ],
            }
        ],
    },
    "backpacking": {  # :412-466
        "trip_name": "Lost Coast",
        "trip_day": 2,
        "total_trip_days": 3,
        "total_distance": 12,
        "distance_unit": "miles",
        "pack_weight": 32,
        "pack_weight_unit": "lbs",
        "segments": [{"segment_number": 1, "segment_type": "approach", "duration_min": 90}],
        "fueling": {"calories": 3200},
        "equipment": {"pack": "Baltoro 65", "poles": True, "other_gear": ["stove"]},
    },
    "rucking": {  # :475-519
        "ruck_type": "endurance",
        "total_distance": 8,
        "distance_unit": "miles",
        "total_time": 7800,
        "pack_weight": 45,
        "pack_weight_unit": "lbs",
        "segments": [{"segment_number": 1, "segment_type": "hill", "pace": "15:30"}],
        "equipment": {"plate_weight": "30 lb"},
    },
    "bodybuilding": {  # :642-670
        "split_type": "push",
        "target_muscle_groups": ["chest", "triceps"],
        "exercises": [
            {
                "exercise_name": "incline press",
                "movement_category": "compound",
                "target_muscles": ["upper chest"],
                "equipment": "dumbbell",
                "superset_with": "fly",
                "sets": [
                    {"set_number": 1, "reps": 10, "weight": 70, "failure": False, "notes": "ok"}
                ],
            }
        ],
    },
    "running": {  # :249-323
        "run_type": "tempo",
        "total_distance": 10,
        "distance_unit": "km",
        "total_time": 2580,
        "average_pace": "4:18",
        "elevation_loss": 40,
        "surface": "road",
        "weather_details": {"temperature": 61, "temperature_unit": "F", "conditions": "cloudy"},
        "equipment": {"shoes": "Endorphin"},
        "cooldown": {"distance": 1, "description": "jog"},
        "segments": [{"segment_number": 1, "segment_type": "working", "cadence": 178}],
        "route": {"name": "river", "type": "out_and_back"},
        "fueling": {"pre_run": "coffee"},
    },
    "powerlifting": {  # :245-247 (libs/schemas/disciplines/powerlifting-schema.ts)
        "session_type": "heavy",
        "exercises": [
            {
                "exercise_name": "squat",
                "attempts": {"opener": 180, "miss_reasons": ["depth"]},
                "sets": [{"set_type": "top", "weight": 180, "reps": 1, "rpe": 9}],
            }
        ],
    },
}


def _camel(value: Any) -> Any:
    if isinstance(value, dict):
        return {to_camel_case(k): _camel(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_camel(v) for v in value]
    return value


def _selection(schema: GraphQLSchema, type_name: str) -> str:
    """Every field of an object type, nested objects expanded (what a client may select)."""
    graphql_type = schema.get_type(type_name)
    assert isinstance(graphql_type, GraphQLObjectType)
    parts = []
    for name, field in graphql_type.fields.items():
        inner = field.type
        while isinstance(inner, GraphQLNonNull | GraphQLList):
            inner = inner.of_type
        if isinstance(inner, GraphQLObjectType):
            parts.append(f"{name} {{ {_selection(schema, inner.name)} }}")
        else:
            parts.append(name)
    return " ".join(parts)


def _within(expected: Any, actual: Any, path: str = "") -> None:
    """Everything in `expected` is in `actual` (numbers compared as numbers)."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict), path
        for key, value in expected.items():
            _within(value, actual.get(key), f"{path}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), path
        for index, (e, a) in enumerate(zip(expected, actual, strict=True)):
            _within(e, a, f"{path}[{index}]")
    elif isinstance(expected, int | float) and not isinstance(expected, bool):
        assert actual is not None and float(actual) == float(expected), (path, actual)
    else:
        assert actual == expected, (path, actual)


def _discipline_enum(name: str) -> str:
    return name.upper()


def _union_members() -> dict[str, str]:
    schema = build_schema()._schema
    union = schema.get_type("DisciplineSpecific")
    assert isinstance(union, GraphQLUnionType)
    return {member.name: _selection(schema, member.name) for member in union.types}


def test_the_union_has_every_discipline_of_the_app() -> None:
    members = set(_union_members())
    app = set(EXAMPLES)  # the 14 of types.ts:157-172
    assert len(app) == 14
    typed = {getattr(TYPED_DISCIPLINES[name], "graphql_name", None) for name in app}
    assert typed <= members
    assert members - typed == {"HiitData", "ClimbingData", "OtherDisciplineData"}


@pytest.mark.parametrize("discipline", sorted(EXAMPLES))
async def test_each_discipline_is_written_as_the_app_stores_it_and_read_typed(
    demo_api: Api, discipline: str
) -> None:
    example = EXAMPLES[discipline]
    type_name = TYPED_DISCIPLINES[discipline].graphql_name
    selection = _union_members()[str(type_name)]
    body = await demo_api.gql(
        f"""mutation($input: LogWorkoutInput!) {{ logWorkout(input: $input) {{ workout {{
            workoutId disciplineSpecific {{ __typename ... on {type_name} {{ {selection} }} }}
        }} }} }}""",
        {
            "input": {
                "completedAt": "2026-05-04T07:00:00Z",
                "workoutName": f"A {discipline} session",
                "discipline": _discipline_enum(discipline),
                "disciplineSpecific": {to_camel_case(discipline): _camel(example)},
            }
        },
    )
    assert "errors" not in body, body["errors"]
    workout = body["data"]["logWorkout"]["workout"]
    read = workout["disciplineSpecific"]
    assert read["__typename"] == type_name
    _within(_camel(_without_nulls(example)), read)

    item = await demo_api.runtime.stores.table.get(
        "user#demo", f"workout#{workout['workoutId']}", consistent=True
    )
    assert item is not None
    stored = item["attributes"]["workoutData"]["discipline_specific"]
    assert list(stored) == [discipline]
    _within(_as_the_app_stores(example), stored[discipline])


def _without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


def _as_the_app_stores(value: Any) -> Any:
    """The example with this API's second forms under the app's keys."""
    if isinstance(value, list):
        return [_as_the_app_stores(v) for v in value]
    if not isinstance(value, dict):
        return value
    out = {}
    for key, inner in _without_nulls(value).items():
        if key == "weather_details":
            out["weather"] = _as_the_app_stores(inner)
        elif key.endswith("_text"):
            out[key.removesuffix("_text")] = inner
        else:
            out[key] = _as_the_app_stores(inner)
    return out


WEATHER = """mutation($input: LogWorkoutInput!) { logWorkout(input: $input) { workout {
    workoutId disciplineSpecific { ... on RunningData { weather weatherDetails {
      temperature conditions } } } } } }"""


async def test_running_weather_reads_and_writes_in_both_forms(demo_api: Api) -> None:
    def run(running: dict[str, Any]) -> dict[str, Any]:
        return {
            "input": {
                "completedAt": "2026-05-05T07:00:00Z",
                "workoutName": "Run",
                "discipline": "RUNNING",
                "disciplineSpecific": {"running": running},
            }
        }

    # The old text form: stored as the app's object (its conditions), read in both forms.
    body = await demo_api.gql(WEATHER, run({"weather": "windy"}))
    workout = body["data"]["logWorkout"]["workout"]
    assert workout["disciplineSpecific"] == {
        "weather": "windy",
        "weatherDetails": {"temperature": None, "conditions": "windy"},
    }
    item = await demo_api.runtime.stores.table.get(
        "user#demo", f"workout#{workout['workoutId']}", consistent=True
    )
    assert item is not None
    stored = item["attributes"]["workoutData"]["discipline_specific"]["running"]
    assert stored == {"weather": {"conditions": "windy"}}

    both = await demo_api.gql(
        WEATHER, run({"weather": "windy", "weatherDetails": {"temperature": 3}})
    )
    assert both["errors"][0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "field": ["input", "disciplineSpecific", "running"],
    }
    # The deprecation is in the schema for clients to see.
    running = build_schema()._schema.get_type("RunningData")
    assert isinstance(running, GraphQLObjectType)
    assert running.fields["weather"].deprecation_reason


async def test_the_apps_workouts_read_typed(app_api: Api) -> None:
    """The app's own hyrox, olympic, crossfit and running items, through the typed union;
    and the legacy programContext and session_duration of the app's type (types.ts:90-97,
    :118) on one of them."""
    table = app_api.runtime.stores.table
    running = next(
        i
        for i in app_items.items_for(app_items.ATHLETE)
        if i["entityType"] == "workout"
        and i["attributes"]["workoutData"]["discipline"] == "running"
    )
    running["attributes"]["programContext"] = {
        "programId": "program_1",
        "coachId": "coach_1",
        "templateId": "template_1",
        "dayNumber": 3,
        "phaseId": "phase_1",
        "phaseName": "Base",
    }
    running["attributes"]["workoutData"]["session_duration"] = 35
    await table.put(running)
    schema = build_schema()._schema
    members = " ".join(
        f"... on {name} {{ {_selection(schema, name)} }}"
        for name in ("HyroxData", "OlympicWeightliftingData", "CrossfitData", "RunningData")
    )
    body = await app_api.gql(
        f"""{{ viewer {{ workouts {{ edges {{ node {{ disciplineName
            extractionMetadata {{ confidence extractedAt templateComparison {{
              wasScaled modifications adherenceScore analysisConfidence }} }}
            insights {{ generatedAt }} sessionDuration
            programContext {{ programId coachId templateId dayNumber phaseId phaseName }}
            disciplineSpecific {{ __typename {members} }} }} }} }} }} }}""",
        user=app_items.ATHLETE,
    )
    assert "errors" not in body, body["errors"]
    nodes = {
        e["node"]["disciplineName"]: e["node"] for e in body["data"]["viewer"]["workouts"]["edges"]
    }
    stored = {
        item["attributes"]["workoutData"]["discipline"]: item["attributes"]
        for item in app_items.items_for(app_items.ATHLETE)
        if item["entityType"] == "workout"
    }
    for discipline, node in nodes.items():
        specific = stored[discipline]["workoutData"]["discipline_specific"][discipline]
        assert node["disciplineSpecific"]["__typename"] != "OtherDisciplineData"
        _within(_camel(_readable(specific)), node["disciplineSpecific"])
        meta = node["extractionMetadata"]
        assert meta["confidence"] == 0.9 and meta["extractedAt"].endswith("Z")
    crossfit = nodes["crossfit"]["disciplineSpecific"]
    score = crossfit["performanceData"]["score"]
    assert score["valueText"] == "7:48" and score["value"] is None
    reps = crossfit["rounds"][0]["exercises"][0]["reps"]
    assert reps["prescribed"] == 21 and reps["prescribedText"] == "21"
    olympic = nodes["olympic_weightlifting"]
    assert olympic["extractionMetadata"]["templateComparison"] == {
        "wasScaled": False,
        "modifications": [],
        "adherenceScore": 0.95,
        "analysisConfidence": 0.8,
    }
    assert olympic["insights"]["generatedAt"] == app_items.OLY_INSIGHTS
    assert nodes["running"]["sessionDuration"] == 35
    assert nodes["running"]["programContext"] == {
        "programId": "program_1",
        "coachId": "coach_1",
        "templateId": "template_1",
        "dayNumber": 3,
        "phaseId": "phase_1",
        "phaseName": "Base",
    }
    assert olympic["programContext"] is None


def _readable(stored: Any) -> Any:
    """The app's stored object as the typed fields show it (text forms beside numbers)."""
    if isinstance(stored, list):
        return [_readable(v) for v in stored]
    if not isinstance(stored, dict):
        return stored
    out = {k: _readable(v) for k, v in stored.items() if v is not None}
    for key in ("prescribed", "value"):
        if isinstance(out.get(key), str):
            out[f"{key}_text"] = out.pop(key)
    return out

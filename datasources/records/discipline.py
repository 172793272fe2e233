"""`workoutData.discipline_specific.<discipline>`: one model per discipline, the stored
shape (snake_case keys, as the app writes them), used as the write input and as the
GraphQL output type alike (`schema/derive.py`).

The 14 disciplines of NeonPanda's app (amplify/functions/libs/workout/types.ts:157-172; the
line of each model below is its interface there) and two of this API's own
(workout-disciplines.md: hiit, climbing). Unknown keys are kept (extra="allow"); every
field may be missing or null; the constraints are checked on what a client writes.

Where the app stores either a number or a string in one key (`reps.prescribed` is a number
or "max"), the model has the number and a `<name>_text` sibling (`TextOf`): the sibling reads
the stored value as text, and a client writes one of the two, stored under the one key.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, ClassVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    model_serializer,
    model_validator,
)
from pydantic.alias_generators import to_camel

from datasources.records.base import Deprecated

Count = Field(default=None, ge=0)
Rating = Field(default=None, ge=0, le=10)
Unit = Field(default=None, pattern="^(lbs|kg)$")
DistanceUnit = Field(default=None, pattern="^(miles|km)$")
TemperatureUnit = Field(default=None, pattern="^(F|C)$")
HeightUnit = Field(default=None, pattern="^(ft|m)$")


@dataclass(frozen=True)
class TextOf:
    """This field is the text form of the stored key `key` (see the module docstring)."""

    key: str


def _as_text(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    number = float(value)
    return str(int(number)) if number.is_integer() else str(number)


class _Part(BaseModel):
    model_config = ConfigDict(extra="allow")

    # The GraphQL output type's name when it is not the class name.
    graphql_name: ClassVar[str | None] = None

    @classmethod
    def _texts(cls) -> dict[str, str]:
        return {
            name: marker.key
            for name, info in cls.model_fields.items()
            for marker in info.metadata
            if isinstance(marker, TextOf)
        }

    @model_validator(mode="after")
    def _one_form_per_key(self) -> _Part:
        for name, key in self._texts().items():
            if getattr(self, name) is not None and getattr(self, key) is not None:
                raise ValueError(f"give {to_camel(key)} or {to_camel(name)}, not both")
        return self

    @model_serializer(mode="wrap")
    def _stored_form(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """As stored: a text sibling's value goes under its key."""
        out: dict[str, Any] = handler(self)
        for name, key in self._texts().items():
            if name in out:
                text = out.pop(name)
                if text is not None or key not in out:
                    out[key] = text
        return self.stored_form(out)

    def stored_form(self, out: dict[str, Any]) -> dict[str, Any]:
        """Hook: the dumped fields as stored (by default, as they are)."""
        return out

    @classmethod
    def readable(cls, stored: dict[str, Any]) -> dict[str, Any]:
        """The stored object with each field's value under the field's name (for reading)."""
        texts = cls._texts()
        if not texts:
            return stored
        view = dict(stored)
        for name, key in texts.items():
            view[name] = _as_text(stored.get(key))
        return view


# --- crossfit: types.ts:177-240 ----------------------------------------------------------


class CrossfitWeight(_Part):
    value: float | None = Field(default=None, ge=0)
    unit: str | None = Unit
    percentage_1rm: float | None = Field(default=None, ge=0, le=200)
    rx_weight: float | None = Field(default=None, ge=0)
    scaled_weight: float | None = Field(default=None, ge=0)


class CrossfitReps(_Part):
    prescribed: int | None = Field(
        default=None, ge=0, description='A number of reps (null when it is "max").'
    )
    prescribed_text: Annotated[str | None, TextOf("prescribed")] = Field(
        default=None,
        pattern="^max$",
        description='The prescription as text ("max", or a number\'s digits); written, "max" '
        "is stored as prescribed.",
    )
    completed: int | None = Field(default=None, ge=0)
    broken_sets: list[int] | None = None
    rest_between_sets: list[float] | None = None


class CrossfitExercise(_Part):
    exercise_name: str = Field(min_length=1, max_length=120)
    movement_type: str | None = None
    variation: str | None = None
    assistance: str | None = None
    weight: CrossfitWeight | None = None
    reps: CrossfitReps | None = None
    distance: float | None = None
    calories: float | None = None
    time: float | None = None
    form_notes: str | None = None


class CrossfitRound(_Part):
    round_number: int | None = Field(default=None, ge=1)
    rep_scheme: str | None = None
    exercises: list[CrossfitExercise] | None = None


class CrossfitScore(_Part):
    value: float | None = Field(
        default=None, description="A numeric score (null when it is text, as a time is)."
    )
    value_text: Annotated[str | None, TextOf("value")] = Field(
        default=None,
        max_length=40,
        description='The score as text ("7:48", or a number\'s digits); written, it is stored '
        "as value.",
    )
    type: str | None = Field(default=None, pattern="^(time|rounds|reps|weight|distance|points)$")
    unit: str | None = None


class CrossfitPerformance(_Part):
    total_time: float | None = Field(default=None, ge=0)
    rounds_completed: float | None = Field(default=None, ge=0)
    total_reps: int | None = Field(default=None, ge=0)
    round_times: list[float] | None = None
    score: CrossfitScore | None = None


class Crossfit(_Part):
    graphql_name = "CrossfitData"

    workout_format: str | None = None
    time_cap: float | None = Field(default=None, ge=0)
    rx_status: str | None = Field(default=None, pattern="^(rx|scaled|rx_plus|modified)$")
    rounds: list[CrossfitRound] | None = None
    performance_data: CrossfitPerformance | None = None


# --- powerlifting: types.ts:245-247 (a placeholder there; the shape of
# libs/schemas/disciplines/powerlifting-schema.ts and workout-disciplines.md) --------------


class PowerliftingAttempts(_Part):
    opener: float | None = None
    second_attempt: float | None = None
    third_attempt: float | None = None
    successful_attempts: list[float] | None = None
    missed_attempts: list[float] | None = None
    miss_reasons: list[str] | None = None


class PowerliftingSet(_Part):
    set_type: str | None = None
    weight: float | None = Field(default=None, ge=0)
    reps: int | None = Field(default=None, ge=0)
    rpe: float | None = Field(default=None, ge=0, le=10)
    rest_time: float | None = Field(default=None, ge=0)
    percentage_1rm: float | None = Field(default=None, ge=0, le=200)
    bar_speed: float | None = None
    competition_commands: bool | None = None


class PowerliftingExercise(_Part):
    exercise_name: str = Field(min_length=1, max_length=120)
    movement_category: str | None = None
    equipment: list[str] | None = None
    competition_commands: bool | None = None
    attempts: PowerliftingAttempts | None = None
    sets: list[PowerliftingSet] | None = None


class Powerlifting(_Part):
    graphql_name = "PowerliftingData"

    session_type: str | None = None
    competition_prep: bool | None = None
    exercises: list[PowerliftingExercise] | None = None


# --- bodybuilding: types.ts:642-670, and workout-disciplines.md's keys ---------------------


class BodybuildingSet(_Part):
    weight: float | None = Field(default=None, ge=0)
    reps: int | None = Field(default=None, ge=0)
    rpe: float | None = Field(default=None, ge=0, le=10)
    rest_time: float | None = Field(default=None, ge=0)
    tempo: str | None = None
    range_of_motion: str | None = None
    mind_muscle_connection: float | None = Field(default=None, ge=1, le=10)
    pump_rating: float | None = Field(default=None, ge=1, le=10)
    intensity_techniques: dict[str, Any] | None = None
    set_number: int | None = Field(default=None, ge=1)
    set_type: str | None = None
    weight_unit: str | None = Unit
    time_under_tension: float | None = Field(default=None, ge=0)
    failure: bool | None = None
    notes: str | None = None


class BodybuildingExercise(_Part):
    exercise_name: str = Field(min_length=1, max_length=120)
    movement_category: str | None = None
    muscle_emphasis: str | None = None
    sets: list[BodybuildingSet] | None = None
    target_muscles: list[str] | None = None
    equipment: str | None = None
    variation: str | None = None
    superset_with: str | None = None


class Bodybuilding(_Part):
    graphql_name = "BodybuildingData"

    training_split: str | None = None
    muscle_groups_primary: list[str] | None = None
    muscle_groups_secondary: list[str] | None = None
    volume_landmarks: dict[str, Any] | None = None
    exercises: list[BodybuildingExercise] | None = None
    split_type: str | None = Field(default=None, description="The app's name of the split.")
    target_muscle_groups: list[str] | None = None


# --- hiit (this API's: workout-disciplines.md) -------------------------------------------


class HiitExercise(_Part):
    exercise_name: str = Field(min_length=1, max_length=120)
    interval_scores: list[float] | None = None
    total_reps: int | None = Field(default=None, ge=0)
    fatigue_dropoff: float | None = None
    form_maintenance: float | None = Field(default=None, ge=1, le=10)


class Hiit(_Part):
    graphql_name = "HiitData"

    protocol: str | None = None
    work_duration: float | None = Field(default=None, ge=0)
    rest_duration: float | None = Field(default=None, ge=0)
    total_rounds: int | None = Field(default=None, ge=0)
    exercises: list[HiitExercise] | None = None


# --- running: types.ts:249-323 ------------------------------------------------------------


class RunningSegment(_Part):
    segment_number: int | None = Field(default=None, ge=1)
    distance: float | None = Field(default=None, ge=0)
    time: float | None = Field(default=None, ge=0)
    pace: str | None = None
    heart_rate_avg: float | None = Field(default=None, ge=0)
    effort_level: str | None = None
    terrain: str | None = None
    segment_type: str | None = None
    heart_rate_max: float | None = Field(default=None, ge=0)
    cadence: float | None = Count
    elevation_change: float | None = None
    notes: str | None = None


class RunningWeather(_Part):
    temperature: float | None = None
    temperature_unit: str | None = TemperatureUnit
    conditions: str | None = None
    wind_speed: float | None = Count
    humidity: float | None = Field(default=None, ge=0, le=100)


class RunningEquipment(_Part):
    shoes: str | None = None
    wearable: str | None = None
    other_gear: list[str] | None = None


class RunningWarmupCooldown(_Part):
    distance: float | None = Count
    time: float | None = Count
    description: str | None = None


class RunningRoute(_Part):
    name: str | None = None
    description: str | None = None
    type: str | None = None


class RunningFueling(_Part):
    pre_run: str | None = None
    during_run: list[str] | None = None
    hydration_oz: float | None = Count


class Running(_Part):
    graphql_name = "RunningData"

    run_type: str | None = None
    total_distance: float | None = Field(default=None, ge=0)
    distance_unit: str | None = None
    total_time: float | None = Field(default=None, ge=0)
    average_pace: str | None = None
    elevation_gain: float | None = None
    surface: str | None = None
    weather: Annotated[
        str | None,
        Deprecated("The app stores weather as an object: use weatherDetails."),
    ] = Field(
        default=None,
        max_length=200,
        description=(
            "The weather's conditions as text (weatherDetails.conditions, where a text "
            "written here is stored)."
        ),
    )
    weather_details: RunningWeather | None = Field(
        default=None, description="The weather, as the app stores it (under weather)."
    )
    segments: list[RunningSegment] | None = None
    elevation_loss: float | None = None
    equipment: RunningEquipment | None = None
    warmup: RunningWarmupCooldown | None = None
    cooldown: RunningWarmupCooldown | None = None
    route: RunningRoute | None = None
    fueling: RunningFueling | None = None

    @model_validator(mode="after")
    def _one_weather(self) -> Running:
        if self.weather is not None and self.weather_details is not None:
            raise ValueError("give weatherDetails or weather, not both")
        return self

    def stored_form(self, out: dict[str, Any]) -> dict[str, Any]:
        # Both are stored as the app's `weather` object (a text is its conditions).
        if "weather_details" in out:
            out["weather"] = out.pop("weather_details")
        elif isinstance(out.get("weather"), str):
            out["weather"] = {"conditions": out["weather"]}
        return out

    @classmethod
    def readable(cls, stored: dict[str, Any]) -> dict[str, Any]:
        view = dict(stored)
        weather = stored.get("weather")
        view["weather_details"] = weather if isinstance(weather, dict) else None
        view["weather"] = weather.get("conditions") if isinstance(weather, dict) else weather
        return view


# --- trail_running: types.ts:332-404 -------------------------------------------------------


class TrailRunningSegment(_Part):
    segment_number: int | None = Field(default=None, ge=1)
    segment_type: str | None = None
    distance: float | None = Count
    time: float | None = Count
    pace: str | None = None
    elevation_gain: float | None = None
    elevation_loss: float | None = None
    surface: str | None = None
    effort_level: str | None = None
    notes: str | None = None


class TrailRunningFueling(_Part):
    pre_run: str | None = None
    during_run: list[str] | None = None
    hydration_oz: float | None = Count
    aid_stations: int | None = Count


class TrailRunningWeather(_Part):
    temperature: float | None = None
    temperature_unit: str | None = TemperatureUnit
    conditions: str | None = None


class TrailRunningEquipment(_Part):
    shoes: str | None = None
    pack: str | None = None
    poles: bool | None = None
    wearable: str | None = None


class TrailRunning(_Part):
    graphql_name = "TrailRunningData"

    run_type: str | None = None
    total_distance: float | None = Count
    distance_unit: str | None = DistanceUnit
    total_time: float | None = Count
    average_pace: str | None = None
    elevation_gain: float | None = None
    elevation_loss: float | None = None
    elevation_unit: str | None = HeightUnit
    surface: str | None = None
    technicality: str | None = None
    is_ultra: bool | None = None
    race_name: str | None = None
    vertical_meters_per_km: float | None = None
    segments: list[TrailRunningSegment] | None = None
    fueling: TrailRunningFueling | None = None
    weather: TrailRunningWeather | None = None
    equipment: TrailRunningEquipment | None = None
    notes: str | None = None


# --- backpacking: types.ts:412-466 ---------------------------------------------------------


class BackpackingSegment(_Part):
    segment_number: int | None = Field(default=None, ge=1)
    segment_type: str | None = None
    distance: float | None = Count
    duration_min: float | None = Count
    elevation_gain_ft: float | None = None
    elevation_loss_ft: float | None = None
    pack_weight_lb: float | None = Count
    surface: str | None = None
    notes: str | None = None


class BackpackingFueling(_Part):
    calories: float | None = Count
    hydration_oz: float | None = Count
    notes: str | None = None


class BackpackingEquipment(_Part):
    pack: str | None = None
    footwear: str | None = None
    poles: bool | None = None
    other_gear: list[str] | None = None


class Backpacking(_Part):
    graphql_name = "BackpackingData"

    trip_name: str | None = None
    trip_day: int | None = Field(default=None, ge=1)
    total_trip_days: int | None = Field(default=None, ge=1)
    total_distance: float | None = Count
    distance_unit: str | None = DistanceUnit
    total_time: float | None = Count
    moving_time: float | None = Count
    pack_weight: float | None = Count
    pack_weight_unit: str | None = Unit
    elevation_gain: float | None = None
    elevation_loss: float | None = None
    elevation_unit: str | None = HeightUnit
    surface: str | None = None
    terrain_notes: str | None = None
    segments: list[BackpackingSegment] | None = None
    fueling: BackpackingFueling | None = None
    equipment: BackpackingEquipment | None = None
    notes: str | None = None


# --- rucking: types.ts:475-519 -------------------------------------------------------------


class RuckingSegment(_Part):
    segment_number: int | None = Field(default=None, ge=1)
    segment_type: str | None = None
    distance: float | None = Count
    duration_min: float | None = Count
    pace: str | None = None
    pack_weight_lb: float | None = Count
    cadence: float | None = Count
    notes: str | None = None


class RuckingEquipment(_Part):
    pack: str | None = None
    footwear: str | None = None
    plate_weight: str | None = None


class Rucking(_Part):
    graphql_name = "RuckingData"

    ruck_type: str | None = None
    event_name: str | None = None
    total_distance: float | None = Count
    distance_unit: str | None = DistanceUnit
    total_time: float | None = Count
    average_pace: str | None = None
    pack_weight: float | None = Count
    pack_weight_unit: str | None = Unit
    cadence: float | None = Count
    elevation_gain: float | None = None
    elevation_unit: str | None = HeightUnit
    surface: str | None = None
    segments: list[RuckingSegment] | None = None
    equipment: RuckingEquipment | None = None
    notes: str | None = None


# --- cycling: types.ts:521-640 -------------------------------------------------------------


class CyclingPowerZones(_Part):
    zone1: float | None = Count
    zone2: float | None = Count
    zone3: float | None = Count
    zone4: float | None = Count
    zone5: float | None = Count
    zone6: float | None = Count
    zone7: float | None = Count


class CyclingWeather(_Part):
    temperature: float | None = None
    temperature_unit: str | None = TemperatureUnit
    conditions: str | None = None
    wind_speed: float | None = Count
    humidity: float | None = Field(default=None, ge=0, le=100)


class CyclingEquipment(_Part):
    bike_type: str | None = None
    bike_model: str | None = None
    power_meter: str | None = None
    indoor_trainer: str | None = None
    wearable: str | None = None
    other_gear: list[str] | None = None


class CyclingWarmupCooldown(_Part):
    distance: float | None = Count
    time: float | None = Count
    description: str | None = None


class CyclingSegment(_Part):
    segment_number: int | None = Field(default=None, ge=1)
    segment_type: str | None = None
    distance: float | None = Count
    time: float | None = Count
    average_speed: str | None = None
    average_power: float | None = Count
    normalized_power: float | None = Count
    cadence: float | None = Count
    heart_rate_avg: float | None = Count
    heart_rate_max: float | None = Count
    elevation_change: float | None = None
    grade_percent: float | None = None
    effort_level: str | None = None
    notes: str | None = None


class CyclingRoute(_Part):
    name: str | None = None
    description: str | None = None
    type: str | None = None
    strava_segment_id: str | None = None


class CyclingFueling(_Part):
    pre_ride: str | None = None
    during_ride: list[str] | None = None
    hydration_oz: float | None = Count


class Cycling(_Part):
    graphql_name = "CyclingData"

    ride_type: str | None = None
    total_distance: float | None = Count
    distance_unit: str | None = DistanceUnit
    total_time: float | None = Count
    average_speed: str | None = None
    surface: str | None = None
    average_power: float | None = Count
    normalized_power: float | None = Count
    max_power: float | None = Count
    ftp: float | None = Count
    intensity_factor: float | None = Count
    training_stress_score: float | None = Count
    average_cadence: float | None = Count
    average_heart_rate: float | None = Count
    max_heart_rate: float | None = Count
    elevation_gain: float | None = None
    elevation_loss: float | None = None
    elevation_unit: str | None = HeightUnit
    power_zones_distribution: CyclingPowerZones | None = None
    weather: CyclingWeather | None = None
    equipment: CyclingEquipment | None = None
    warmup: CyclingWarmupCooldown | None = None
    cooldown: CyclingWarmupCooldown | None = None
    segments: list[CyclingSegment] | None = None
    route: CyclingRoute | None = None
    fueling: CyclingFueling | None = None


# --- hyrox: types.ts:672-698 ---------------------------------------------------------------


class HyroxStation(_Part):
    station_number: int | None = Field(default=None, ge=1)
    station_name: str | None = None
    distance: float | None = Count
    reps: int | None = Count
    weight: float | None = Count
    weight_unit: str | None = None
    time: float | None = Count
    notes: str | None = None


class HyroxRun(_Part):
    run_number: int | None = Field(default=None, ge=1)
    distance: float | None = Count
    time: float | None = Count
    pace: str | None = None
    notes: str | None = None


class Hyrox(_Part):
    graphql_name = "HyroxData"

    race_or_training: str | None = None
    division: str | None = None
    total_time: float | None = Count
    stations: list[HyroxStation] | None = None
    runs: list[HyroxRun] | None = None
    performance_notes: str | None = None


# --- olympic_weightlifting: types.ts:700-733 -----------------------------------------------


class OlympicLiftAttempts(_Part):
    opener: float | None = None
    second_attempt: float | None = None
    third_attempt: float | None = None
    successful_attempts: list[float] | None = None
    missed_attempts: list[float] | None = None
    miss_reasons: list[str] | None = None


class OlympicLiftSet(_Part):
    set_number: int | None = Field(default=None, ge=1)
    set_type: str | None = None
    weight: float | None = Count
    weight_unit: str | None = None
    reps: int | None = Count
    percentage_1rm: float | None = Field(default=None, ge=0, le=200)
    success: bool | None = None
    rest_time: float | None = Count
    technique_notes: str | None = None


class OlympicLift(_Part):
    lift_name: str = Field(min_length=1, max_length=120)
    lift_category: str | None = None
    variation: str | None = None
    position: str | None = None
    attempts: OlympicLiftAttempts | None = None
    sets: list[OlympicLiftSet] | None = None
    complex_structure: str | None = None


class OlympicWeightlifting(_Part):
    graphql_name = "OlympicWeightliftingData"

    session_type: str | None = None
    competition_prep: bool | None = None
    lifts: list[OlympicLift] | None = None


# --- functional_bodybuilding: types.ts:735-765 ---------------------------------------------


class FunctionalBodybuildingEmom(_Part):
    interval: float | None = Count
    rounds: int | None = Count
    reps_per_round: int | None = Count


class FunctionalBodybuildingSet(_Part):
    set_number: int | None = Field(default=None, ge=1)
    reps: int | None = Count
    weight: float | None = Count
    weight_unit: str | None = None
    rest_time: float | None = Count
    tempo: str | None = None
    quality_focus: str | None = None
    notes: str | None = None


class FunctionalBodybuildingExercise(_Part):
    exercise_name: str = Field(min_length=1, max_length=120)
    movement_pattern: str | None = None
    target_muscles: list[str] | None = None
    equipment: str | None = None
    structure: str | None = None
    emom_details: FunctionalBodybuildingEmom | None = None
    sets: list[FunctionalBodybuildingSet] | None = None
    superset_with: str | None = None


class FunctionalBodybuilding(_Part):
    graphql_name = "FunctionalBodybuildingData"

    session_focus: str | None = None
    methodology: str | None = None
    exercises: list[FunctionalBodybuildingExercise] | None = None


# --- calisthenics: types.ts:767-789 --------------------------------------------------------


class CalisthenicsSet(_Part):
    set_number: int | None = Field(default=None, ge=1)
    set_type: str | None = None
    reps: int | None = Count
    hold_time: float | None = Count
    rest_time: float | None = Count
    success: bool | None = None
    quality_rating: float | None = Rating
    notes: str | None = None


class CalisthenicsExercise(_Part):
    exercise_name: str = Field(min_length=1, max_length=120)
    skill_category: str | None = None
    progression_level: str | None = None
    assistance_method: str | None = None
    sets: list[CalisthenicsSet] | None = None


class Calisthenics(_Part):
    graphql_name = "CalisthenicsData"

    session_focus: str | None = None
    exercises: list[CalisthenicsExercise] | None = None


# --- circuit_training: types.ts:791-824 ----------------------------------------------------


class CircuitStation(_Part):
    station_number: int | None = Field(default=None, ge=1)
    station_name: str | None = None
    exercise_name: str = Field(min_length=1, max_length=120)
    work_time: float | None = Count
    rest_time: float | None = Count
    reps: int | None = Count
    weight: float | None = Count
    weight_unit: str | None = None
    equipment: str | None = None
    notes: str | None = None


class CircuitPerformance(_Part):
    total_time: float | None = Count
    rounds_completed: float | None = Count
    total_work_time: float | None = Count


class CircuitTraining(_Part):
    graphql_name = "CircuitTrainingData"

    circuit_format: str | None = None
    session_focus: str | None = None
    total_rounds: int | None = Count
    work_interval: float | None = Count
    rest_interval: float | None = Count
    stations: list[CircuitStation] | None = None
    performance_data: CircuitPerformance | None = None
    class_name: str | None = None
    class_style: str | None = None


# --- hybrid: types.ts:826-883 --------------------------------------------------------------


class HybridWeight(_Part):
    value: float | None = Count
    unit: str | None = Unit


class HybridSet(_Part):
    set_number: int | None = Field(default=None, ge=1)
    reps: float | None = Field(
        default=None, ge=0, description="A number of reps (null when they are text)."
    )
    reps_text: Annotated[str | None, TextOf("reps")] = Field(
        default=None,
        max_length=40,
        description='The reps as text ("10/side", or a number\'s digits); written, they are '
        "stored as reps.",
    )
    weight: HybridWeight | None = None
    duration: float | None = Count
    distance: str | None = None
    rpe: float | None = Rating
    notes: str | None = None


class HybridExercise(_Part):
    exercise_name: str = Field(min_length=1, max_length=120)
    movement_pattern: str | None = None
    equipment: str | None = None
    sets: list[HybridSet] | None = None


class HybridPhase(_Part):
    phase_name: str | None = None
    phase_type: str | None = None
    duration: float | None = Count
    rounds: int | None = Count
    notes: str | None = None
    exercises: list[HybridExercise] | None = None


class Hybrid(_Part):
    graphql_name = "HybridData"

    primary_focus: str | None = None
    workout_style: str | None = None
    phases: list[HybridPhase] | None = None
    exercises: list[HybridExercise] | None = None


# --- climbing (this API's: workout-disciplines.md) ----------------------------------------


class ClimbingRoute(_Part):
    route_name: str | None = None
    grade: str | None = None
    attempts: int | None = Field(default=None, ge=0)
    completed: bool | None = None
    style: str | None = None
    technique_quality: float | None = None
    fear_level: float | None = None
    equipment: list[str] | None = None


class Climbing(_Part):
    graphql_name = "ClimbingData"

    climbing_type: str | None = None
    location: str | None = None
    routes: list[ClimbingRoute] | None = None


# The stored discipline name -> its model, in the order the GraphQL union lists them (the
# six typed first, then the app's others in types.ts order).
TYPED_DISCIPLINES: dict[str, type[_Part]] = {
    "crossfit": Crossfit,
    "powerlifting": Powerlifting,
    "bodybuilding": Bodybuilding,
    "hiit": Hiit,
    "running": Running,
    "climbing": Climbing,
    "trail_running": TrailRunning,
    "cycling": Cycling,
    "hyrox": Hyrox,
    "olympic_weightlifting": OlympicWeightlifting,
    "functional_bodybuilding": FunctionalBodybuilding,
    "calisthenics": Calisthenics,
    "circuit_training": CircuitTraining,
    "hybrid": Hybrid,
    "backpacking": Backpacking,
    "rucking": Rucking,
}

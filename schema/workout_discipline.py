"""`disciplineSpecific`: a union over the disciplines typed in workout-disciplines.md.

Disciplines without a fixed structure (swimming, cycling, yoga, martial_arts, hybrid, and
any new one) come back as `OtherDisciplineData` with the stored object as JSON.
"""

from __future__ import annotations

from typing import Annotated, Any, cast

import strawberry
from strawberry.scalars import JSON

from schema.convert import from_data

# --- crossfit ---------------------------------------------------------------------------


@strawberry.type
class CrossfitWeight:
    value: float | None
    unit: str | None
    percentage_1rm: float | None
    rx_weight: float | None
    scaled_weight: float | None


@strawberry.type
class CrossfitReps:
    prescribed: int | None
    completed: int | None
    broken_sets: list[int | None] | None
    rest_between_sets: list[float | None] | None


@strawberry.type
class CrossfitExercise:
    exercise_name: str | None
    movement_type: str | None
    variation: str | None
    assistance: str | None
    weight: CrossfitWeight | None
    reps: CrossfitReps | None
    distance: float | None
    calories: float | None
    time: float | None
    form_notes: str | None


@strawberry.type
class CrossfitRound:
    round_number: int | None
    rep_scheme: str | None
    exercises: list[CrossfitExercise] | None


@strawberry.type
class CrossfitPerformance:
    total_time: float | None
    rounds_completed: float | None
    total_reps: int | None
    round_times: list[float | None] | None


@strawberry.type
class CrossfitData:
    workout_format: str | None
    time_cap: float | None
    rx_status: str | None
    rounds: list[CrossfitRound] | None
    performance_data: CrossfitPerformance | None


# --- powerlifting -----------------------------------------------------------------------


@strawberry.type
class PowerliftingAttempts:
    opener: float | None
    second_attempt: float | None
    third_attempt: float | None
    successful_attempts: list[float | None] | None
    missed_attempts: list[float | None] | None
    miss_reasons: list[str | None] | None


@strawberry.type
class PowerliftingSet:
    set_type: str | None
    weight: float | None
    reps: int | None
    rpe: float | None
    rest_time: float | None
    percentage_1rm: float | None
    bar_speed: float | None
    competition_commands: bool | None


@strawberry.type
class PowerliftingExercise:
    exercise_name: str | None
    movement_category: str | None
    equipment: list[str | None] | None
    competition_commands: bool | None
    attempts: PowerliftingAttempts | None
    sets: list[PowerliftingSet] | None


@strawberry.type
class PowerliftingData:
    session_type: str | None
    competition_prep: bool | None
    exercises: list[PowerliftingExercise] | None


# --- bodybuilding -----------------------------------------------------------------------


@strawberry.type
class BodybuildingSet:
    weight: float | None
    reps: int | None
    rpe: float | None
    rest_time: float | None
    tempo: str | None
    range_of_motion: str | None
    mind_muscle_connection: float | None
    pump_rating: float | None
    intensity_techniques: JSON | None


@strawberry.type
class BodybuildingExercise:
    exercise_name: str | None
    movement_category: str | None
    muscle_emphasis: str | None
    sets: list[BodybuildingSet] | None


@strawberry.type
class BodybuildingData:
    training_split: str | None
    muscle_groups_primary: list[str | None] | None
    muscle_groups_secondary: list[str | None] | None
    volume_landmarks: JSON | None
    exercises: list[BodybuildingExercise] | None


# --- hiit -------------------------------------------------------------------------------


@strawberry.type
class HiitExercise:
    exercise_name: str | None
    interval_scores: list[float | None] | None
    total_reps: int | None
    fatigue_dropoff: float | None
    form_maintenance: float | None


@strawberry.type
class HiitData:
    protocol: str | None
    work_duration: float | None
    rest_duration: float | None
    total_rounds: int | None
    exercises: list[HiitExercise] | None


# --- running ----------------------------------------------------------------------------


@strawberry.type
class RunningSegment:
    segment_number: int | None
    distance: float | None
    time: float | None
    pace: str | None
    heart_rate_avg: float | None
    effort_level: str | None
    terrain: str | None


@strawberry.type
class RunningData:
    run_type: str | None
    total_distance: float | None
    distance_unit: str | None
    total_time: float | None
    average_pace: str | None
    elevation_gain: float | None
    surface: str | None
    weather: str | None
    segments: list[RunningSegment] | None


# --- climbing ---------------------------------------------------------------------------


@strawberry.type
class ClimbingRoute:
    route_name: str | None
    grade: str | None
    attempts: int | None
    completed: bool | None
    style: str | None
    technique_quality: float | None
    fear_level: float | None
    equipment: list[str | None] | None


@strawberry.type
class ClimbingData:
    climbing_type: str | None
    location: str | None
    routes: list[ClimbingRoute] | None


@strawberry.type(description="A discipline without a typed shape yet: the stored object as is.")
class OtherDisciplineData:
    discipline: str
    data: JSON


DisciplineSpecific = Annotated[
    CrossfitData
    | PowerliftingData
    | BodybuildingData
    | HiitData
    | RunningData
    | ClimbingData
    | OtherDisciplineData,
    strawberry.union("DisciplineSpecific"),
]

_TYPED: dict[str, type[Any]] = {
    "crossfit": CrossfitData,
    "powerlifting": PowerliftingData,
    "bodybuilding": BodybuildingData,
    "hiit": HiitData,
    "running": RunningData,
    "climbing": ClimbingData,
}


def discipline_specific(stored: dict[str, Any] | None, discipline: str | None) -> Any:
    """`{<discipline>: {...}}` -> the typed member, or OtherDisciplineData."""
    if not isinstance(stored, dict) or not stored:
        return None
    name = discipline if discipline in stored else next(iter(stored))
    data = stored.get(name)
    typed = _TYPED.get(name)
    if typed is not None and isinstance(data, dict):
        return from_data(typed, data)
    return OtherDisciplineData(discipline=name, data=cast(JSON, data))

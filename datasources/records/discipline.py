"""Write-side models of `workoutData.discipline_specific.<discipline>` (workout-disciplines.md).

Unknown keys are kept (extra="allow"); every field may be null.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Part(BaseModel):
    model_config = ConfigDict(extra="allow")


class CrossfitWeight(_Part):
    value: float | None = Field(default=None, ge=0)
    unit: str | None = Field(default=None, pattern="^(lbs|kg)$")
    percentage_1rm: float | None = Field(default=None, ge=0, le=200)
    rx_weight: float | None = Field(default=None, ge=0)
    scaled_weight: float | None = Field(default=None, ge=0)


class CrossfitReps(_Part):
    prescribed: int | None = Field(default=None, ge=0)
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


class CrossfitPerformance(_Part):
    total_time: float | None = Field(default=None, ge=0)
    rounds_completed: float | None = Field(default=None, ge=0)
    total_reps: int | None = Field(default=None, ge=0)
    round_times: list[float] | None = None


class Crossfit(_Part):
    workout_format: str | None = None
    time_cap: float | None = Field(default=None, ge=0)
    rx_status: str | None = Field(default=None, pattern="^(rx|scaled|rx_plus)$")
    rounds: list[CrossfitRound] | None = None
    performance_data: CrossfitPerformance | None = None


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
    session_type: str | None = None
    competition_prep: bool | None = None
    exercises: list[PowerliftingExercise] | None = None


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


class BodybuildingExercise(_Part):
    exercise_name: str = Field(min_length=1, max_length=120)
    movement_category: str | None = None
    muscle_emphasis: str | None = None
    sets: list[BodybuildingSet] | None = None


class Bodybuilding(_Part):
    training_split: str | None = None
    muscle_groups_primary: list[str] | None = None
    muscle_groups_secondary: list[str] | None = None
    volume_landmarks: dict[str, Any] | None = None
    exercises: list[BodybuildingExercise] | None = None


class HiitExercise(_Part):
    exercise_name: str = Field(min_length=1, max_length=120)
    interval_scores: list[float] | None = None
    total_reps: int | None = Field(default=None, ge=0)
    fatigue_dropoff: float | None = None
    form_maintenance: float | None = Field(default=None, ge=1, le=10)


class Hiit(_Part):
    protocol: str | None = None
    work_duration: float | None = Field(default=None, ge=0)
    rest_duration: float | None = Field(default=None, ge=0)
    total_rounds: int | None = Field(default=None, ge=0)
    exercises: list[HiitExercise] | None = None


class RunningSegment(_Part):
    segment_number: int | None = Field(default=None, ge=1)
    distance: float | None = Field(default=None, ge=0)
    time: float | None = Field(default=None, ge=0)
    pace: str | None = None
    heart_rate_avg: float | None = Field(default=None, ge=0)
    effort_level: str | None = None
    terrain: str | None = None


class Running(_Part):
    run_type: str | None = None
    total_distance: float | None = Field(default=None, ge=0)
    distance_unit: str | None = None
    total_time: float | None = Field(default=None, ge=0)
    average_pace: str | None = None
    elevation_gain: float | None = None
    surface: str | None = None
    weather: str | None = None
    segments: list[RunningSegment] | None = None


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
    climbing_type: str | None = None
    location: str | None = None
    routes: list[ClimbingRoute] | None = None


TYPED_DISCIPLINES: dict[str, type[_Part]] = {
    "crossfit": Crossfit,
    "powerlifting": Powerlifting,
    "bodybuilding": Bodybuilding,
    "hiit": Hiit,
    "running": Running,
    "climbing": Climbing,
}

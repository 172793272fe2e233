"""The app's exercise rows: one per exercise occurrence of a workout, `user#<userId>` /
`exercise#<name>#<YYYY-MM-DD>#<workoutId>#<seq>`, `entityType: exercise`, with GSI1
`user#<userId>#exercise#<name>` / `<YYYY-MM-DD>` (amplify/dynamodb/exercise.ts:28-67,
:73-161). The attributes are the app's `Exercise` (libs/exercise/types.ts:182-210) with its
`ExerciseMetrics` (:81-161) and `ExerciseMetadata` (:166-174); the app writes them from
build-exercise/handler.ts:121-175, and this API writes the same for workouts logged with
structured sets (datasources/exercises.py)."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pydantic import Field

from datasources import keys
from datasources.records.base import CamelModel, ItemRecord, Timestamp


class BestSet(CamelModel):
    set_number: int | None = None
    reps: float | None = None
    weight: float | None = None
    volume: float | None = None
    estimated_1rm: float | None = Field(default=None, alias="estimated1rm")


class IntensityMetrics(CamelModel):
    average_intensity: float | None = None
    volume_load: float | None = None


class LiftAttempts(CamelModel):
    opener: float | None = None
    second: float | None = None
    third: float | None = None
    successful: list[float] | None = None
    missed: list[float] | None = None


class ExerciseMetrics(CamelModel):
    """types.ts:81-161: every metric is optional (absent: not applicable)."""

    weight: float | None = None
    weight_unit: str | None = None
    reps: float | None = None
    total_reps: float | None = None
    sets: int | None = None
    reps_per_set: list[float] | None = None
    weights_per_set: list[float] | None = None
    volume_per_set: list[float] | None = None
    total_volume: float | None = None
    max_weight: float | None = None
    estimated_1rm: float | None = Field(default=None, alias="estimated1RM")
    rpe: float | None = None
    percentage_1rm: float | None = Field(default=None, alias="percentage1rm")
    best_set: BestSet | None = None
    intensity_metrics: IntensityMetrics | None = None
    bar_speed: str | None = None
    competition_commands: bool | None = None
    attempts: LiftAttempts | None = None
    tempo: str | None = None
    time_under_tension: float | None = None
    failure: bool | None = None
    superset_with: str | None = None
    distance: float | None = None
    distance_unit: str | None = None
    time: float | None = None  # seconds
    pace: str | None = None  # "MM:SS" per mile/km
    calories: float | None = None
    elevation_gain: float | None = None
    elevation_loss: float | None = None
    elevation_unit: str | None = None
    surface: str | None = None
    pack_weight: float | None = None
    pack_weight_unit: str | None = None
    cadence: float | None = None
    hold_time: float | None = None
    quality_rating: float | None = None
    progression_level: str | None = None
    assistance_method: str | None = None
    station_number: int | None = None
    movement_type: str | None = None
    movement_category: str | None = None
    variation: str | None = None
    rx_status: str | None = None
    equipment: list[str] | None = None
    target_muscles: list[str] | None = None
    set_type: str | None = None
    phase_type: str | None = None


class ExerciseMetadata(CamelModel):
    """types.ts:166-174."""

    extracted_at: Timestamp | None = None
    normalization_confidence: float | None = None
    source_round: int | None = None
    source_set: int | None = None
    source_segment: int | None = None
    source_phase: str | None = None
    notes: str | None = None


class ExerciseAttributes(CamelModel):
    exercise_id: str | None = None
    user_id: str | None = None
    coach_id: str | None = None
    workout_id: str = ""
    exercise_name: str = ""
    original_name: str | None = None
    discipline: str | None = None
    completed_at: Timestamp | None = None
    sequence: int = 1
    metrics: ExerciseMetrics = Field(default_factory=ExerciseMetrics)
    metadata: ExerciseMetadata = Field(default_factory=ExerciseMetadata)
    template_id: str | None = None
    logged_via: str | None = None


class ExerciseRecord(ItemRecord):
    ENTITY_TYPE: ClassVar[str] = keys.EXERCISE
    attributes: ExerciseAttributes

    @property
    def name(self) -> str:
        """The normalised exercise name (stored, or the sort key's: exercise.ts:37)."""
        return self.attributes.exercise_name or self.sk.split("#")[1]

    @property
    def day(self) -> str:
        """The row's day (`gsi1sk`, the UTC date of `completedAt`, exercise.ts:34)."""
        if self.gsi1sk:
            return self.gsi1sk
        done: datetime | None = self.attributes.completed_at
        return done.date().isoformat() if done else ""

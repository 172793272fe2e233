"""Workout inputs: typed for the known disciplines, JSON for the others."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic.alias_generators import to_camel

from datasources.enums import Discipline, Known
from datasources.inputs.common import Id, JsonContent, JsonMap, Version, When, WriteInput
from datasources.inputs.conversation import UploadKey
from datasources.records import discipline as d
from datasources.uploads import MAX_MESSAGE_IMAGES

Score = Field(default=None, ge=1, le=10)


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Write(WriteInput):
    model_config = ConfigDict(extra="forbid")


class HeartRateZones(_In):
    zone_1: float | None = Field(default=None, ge=0)
    zone_2: float | None = Field(default=None, ge=0)
    zone_3: float | None = Field(default=None, ge=0)
    zone_4: float | None = Field(default=None, ge=0)
    zone_5: float | None = Field(default=None, ge=0)


class HeartRate(_In):
    avg: float | None = Field(default=None, ge=0, le=260)
    max: float | None = Field(default=None, ge=0, le=260)
    zones: HeartRateZones | None = None


class PerformanceMetrics(_In):
    intensity: float | None = Score
    perceived_exertion: float | None = Score
    heart_rate: HeartRate | None = None
    calories_burned: float | None = Field(default=None, ge=0)
    mood_pre: float | None = Score
    mood_post: float | None = Score
    energy_level_pre: float | None = Score
    energy_level_post: float | None = Score


class PrAchievement(_In):
    exercise: str = Field(min_length=1, max_length=120)
    discipline: str | None = None
    pr_type: str | None = None
    previous_best: float | None = None
    new_best: float | None = None
    improvement: float | None = None
    improvement_percentage: float | None = None
    date_previous: str | None = None
    significance: str | None = Field(default=None, pattern="^(minor|moderate|major)$")
    context: str | None = Field(default=None, max_length=500)


class Soreness(_In):
    overall: float | None = Score
    legs: float | None = Score
    arms: float | None = Score
    back: float | None = Score


class SubjectiveFeedback(_In):
    enjoyment: float | None = Score
    difficulty: float | None = Score
    form_quality: float | None = Score
    motivation: float | None = Score
    confidence: float | None = Score
    mental_state: str | None = None
    pacing_strategy: str | None = None
    nutrition_pre_workout: str | None = None
    hydration_level: str | None = None
    sleep_quality_previous: float | None = Score
    stress_level: float | None = Score
    soreness_pre: Soreness | None = None
    soreness_post: Soreness | None = None
    notes: str | None = Field(default=None, max_length=4000)


class CoachNotes(_In):
    programming_intent: str | None = None
    coaching_cues_given: list[str] | None = None
    areas_for_improvement: list[str] | None = None
    positive_observations: list[str] | None = None
    next_session_focus: str | None = None
    adaptation_recommendations: list[str] | None = None
    safety_flags: list[str] | None = None
    motivation_strategy: str | None = None


class OtherDiscipline(_In):
    discipline: str = Field(min_length=1, max_length=40)
    data: JsonMap


class DisciplineSpecific(_In):
    """Exactly one member: the discipline's typed record, or `other` as JSON."""

    crossfit: d.Crossfit | None = None
    powerlifting: d.Powerlifting | None = None
    bodybuilding: d.Bodybuilding | None = None
    hiit: d.Hiit | None = None
    running: d.Running | None = None
    climbing: d.Climbing | None = None
    trail_running: d.TrailRunning | None = None
    cycling: d.Cycling | None = None
    hyrox: d.Hyrox | None = None
    olympic_weightlifting: d.OlympicWeightlifting | None = None
    functional_bodybuilding: d.FunctionalBodybuilding | None = None
    calisthenics: d.Calisthenics | None = None
    circuit_training: d.CircuitTraining | None = None
    hybrid: d.Hybrid | None = None
    backpacking: d.Backpacking | None = None
    rucking: d.Rucking | None = None
    other: OtherDiscipline | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> DisciplineSpecific:
        if len(self.model_dump(exclude_none=True)) != 1:
            raise ValueError(f"give exactly one of {', '.join(_MEMBERS)}")
        return self

    @property
    def name(self) -> str:
        """The stored discipline name the member is for."""
        if self.other is not None:
            return self.other.discipline
        ((name, _),) = self.model_dump(exclude_none=True).items()
        return name

    def stored(self) -> dict[str, Any]:
        """`{<discipline>: {...}}` as stored (a new workout's: what was given, no nulls)."""
        if self.other is not None:
            return {self.other.discipline: self.other.data}
        ((name, value),) = self.model_dump(exclude_none=True).items()
        return {name: value}

    def patch(self) -> dict[str, Any]:
        """`{<discipline>: {...}}` as a partial update: the keys given, a null for a key to
        remove (`records.base.merge_dict`)."""
        if self.other is not None:
            return {self.other.discipline: self.other.data}
        name = self.name
        member = getattr(self, name)
        return {name: member.model_dump(exclude_unset=True)}


_MEMBERS = [to_camel(name) for name in DisciplineSpecific.model_fields]


class WorkoutFields(_Write):
    completed_at: When | None = None
    workout_name: str | None = Field(default=None, min_length=1, max_length=120)
    workout_type: str | None = Field(default=None, max_length=40)
    methodology: str | None = Field(default=None, max_length=80)
    duration: float | None = Field(default=None, ge=0, le=24 * 60)
    location: str | None = Field(default=None, max_length=80)
    summary: str | None = Field(default=None, max_length=2000)
    coach_ids: list[Id] | None = Field(default=None, max_length=10)
    performance_metrics: PerformanceMetrics | None = None
    pr_achievements: list[PrAchievement] | None = Field(default=None, max_length=50)
    subjective_feedback: SubjectiveFeedback | None = None
    coach_notes: CoachNotes | None = None
    discipline_specific: DisciplineSpecific | None = None
    environmental_factors: JsonMap | None = None
    recovery_metrics: JsonMap | None = None
    metadata: JsonMap | None = None
    extraction_confidence: float | None = Field(default=None, ge=0, le=1)
    detailed_log: JsonContent | None = None
    # Photos of the workout: the athlete's uploads (the app's Workout.imageS3Keys,
    # libs/workout/types.ts:98-99; at most as many as one message carries).
    image_s3_keys: list[UploadKey] | None = Field(default=None, max_length=MAX_MESSAGE_IMAGES)


class LogWorkout(WorkoutFields):
    workout_id: Id | None = None
    completed_at: When
    workout_name: str = Field(min_length=1, max_length=120)
    discipline: Known[Discipline]
    conversation_id: Id | None = None


class UpdateWorkout(WorkoutFields):
    """A partial update: a field left out stays as stored; an object merges key by key at
    every level; a list replaces; an explicit null removes the key (the workout's name,
    completion time, coaches, confidence and log pointer cannot be removed: a null leaves
    them)."""

    workout_id: Id
    expected_version: Version


class DeleteWorkout(_Write):
    workout_id: Id
    expected_version: Version

"""Training-program inputs (the app's handlers: update-program, delete-program,
log-workout-template, skip-workout-template and its rest-day route)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from datasources.enums import Discipline, Known, ProgramAction
from datasources.inputs.common import Id, JsonMap, Strict, Version, WriteInput
from datasources.inputs.workout import WorkoutFields


class UpdateProgram(WriteInput):
    """Name and description (the app's `update` action), and one status transition."""

    model_config = ConfigDict(extra="forbid")

    program_id: Id
    expected_version: Version
    name: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=2000)
    action: ProgramAction | None = None

    @model_validator(mode="after")
    def _something(self) -> UpdateProgram:
        if self.name is None and self.description is None and self.action is None:
            raise ValueError("give at least one of name, description, action")
        return self


class DeleteProgram(WriteInput):
    """The app's delete-program: archived by default; `hard` deletes the item, its S3
    details and (ours) its insights."""

    model_config = ConfigDict(extra="forbid")

    program_id: Id
    expected_version: Version
    hard: bool = False


class TemplateFeedback(Strict):
    """WorkoutFeedback (libs/program/types.ts:250-262), without the app's AI scaling analysis."""

    rating: int = Field(default=0, ge=0, le=5)
    difficulty: str | None = Field(default=None, pattern="^(too_easy|just_right|too_hard)$")
    comments: str | None = Field(default=None, max_length=2000)


class LogProgramWorkout(WorkoutFields):
    """A day template logged: the workout (as `logWorkout` takes it; its name defaults to the
    template's) and the athlete's feedback on the template."""

    program_id: Id
    template_id: Id
    expected_version: Version
    workout_id: Id | None = None
    discipline: Known[Discipline]
    feedback: TemplateFeedback | None = None

    @model_validator(mode="after")
    def _program_coach(self) -> LogProgramWorkout:
        # The app logs a template's workout for the program's coach (tools.ts:1284).
        if self.coach_ids is not None:
            raise ValueError("coachIds: a program's workout is its coach's; leave it out")
        return self


class SkipProgramDay(WriteInput):
    """skip-workout-template: one template, or (no `templateId`) every pending template of
    `dayNumber` (default: the program's current day)."""

    model_config = ConfigDict(extra="forbid")

    program_id: Id
    expected_version: Version
    template_id: Id | None = None
    day_number: int | None = Field(default=None, ge=1, le=3660)
    skip_reason: str | None = Field(default=None, max_length=500)
    skip_notes: str | None = Field(default=None, max_length=2000)


class CompleteRestDay(WriteInput):
    """The rest-day route of skip-workout-template (a day with no templates)."""

    model_config = ConfigDict(extra="forbid")

    program_id: Id
    expected_version: Version
    day_number: int | None = Field(default=None, ge=1, le=3660)
    notes: str | None = Field(default=None, max_length=2000)


# --- creating a program: demo data only (the app builds programs with its designer) ---------


class PhaseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=2000)
    start_day: int = Field(ge=1)
    end_day: int = Field(ge=1)
    focus_areas: list[str] = Field(default_factory=list, max_length=20)


class TemplateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    day_number: int = Field(ge=1)
    name: str = Field(min_length=1, max_length=200)
    type: str = Field(default="mixed", max_length=40)
    description: str = Field(max_length=4000)
    prescribed_exercises: list[str] = Field(default_factory=list, max_length=50)
    scoring_type: str = Field(default="completion", max_length=40)
    estimated_duration: int = Field(default=60, ge=0, le=600)
    session_role: Literal["primary", "optional"] | None = None
    equipment: list[str] | None = None
    metadata: JsonMap | None = None


class CreateProgram(WriteInput):
    model_config = ConfigDict(extra="forbid")

    program_id: Id | None = None
    coach_id: Id
    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=2000)
    start_date: date
    total_days: int = Field(ge=1, le=3660)
    training_frequency: int = Field(ge=1, le=14)
    training_goals: list[str] = Field(default_factory=list, max_length=20)
    equipment_constraints: list[str] = Field(default_factory=list, max_length=50)
    phases: list[PhaseIn] = Field(min_length=1, max_length=20)
    templates: list[TemplateIn] = Field(max_length=1000)

"""Coach inputs."""

from __future__ import annotations

from pydantic import BaseModel, Field

from datasources.inputs.common import Id, Version, WriteInput

Name = Field(min_length=1, max_length=80)
Text = Field(default=None, max_length=2000)


class Personality(BaseModel):
    primary_template: str | None = Field(default=None, max_length=80)
    selection_reasoning: str | None = Text


class Methodology(BaseModel):
    primary_methodology: str | None = Field(default=None, max_length=80)


class TechnicalConfig(BaseModel):
    programming_focus: list[str] | None = Field(default=None, max_length=20)
    specializations: list[str] | None = Field(default=None, max_length=20)
    methodology: str | None = Field(default=None, max_length=80)
    experience_level: str | None = Field(default=None, max_length=40)
    goal_timeline: str | None = Field(default=None, max_length=80)
    preferred_intensity: str | None = Field(default=None, max_length=40)
    equipment_available: list[str] | None = Field(default=None, max_length=50)


class CreateCoach(WriteInput):
    name: str = Name
    coach_id: Id | None = None
    personality: Personality | None = None
    methodology: Methodology | None = None
    technical_config: TechnicalConfig | None = None


class UpdateCoach(WriteInput):
    coach_id: Id
    expected_version: Version
    name: str | None = Field(default=None, min_length=1, max_length=80)
    personality: Personality | None = None
    methodology: Methodology | None = None
    technical_config: TechnicalConfig | None = None


class DeleteCoach(WriteInput):
    coach_id: Id
    expected_version: Version

"""Coach inputs: the parts of NeonPanda's app's `CoachConfig`
(amplify/functions/libs/coach-creator/types.ts:245-328), with the app's snake_case names.

Each part is a `Patch`: on update it changes only the keys it names (deepest level), and an
explicit null removes a key, except where the app reads the key unguarded: there null is
refused (the citation says where the app would break).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from pydantic import AfterValidator, Field, field_validator

from datasources.inputs.common import Id, Omittable, Patch, Version, WriteInput

Name = Field(min_length=1, max_length=80)
Item = Annotated[str, Field(min_length=1, max_length=200)]
GENDERS = ("male", "female", "neutral")  # types.ts:249


def _gender(value: str) -> str:
    if value not in GENDERS:
        raise ValueError(f"must be one of {', '.join(GENDERS)}")
    return value


Gender = Annotated[str, AfterValidator(_gender)]


def _word() -> Any:
    return Omittable(min_length=1, max_length=80)


def _text() -> Any:
    return Omittable(max_length=2000)


def _items(most: int = 50) -> Any:
    return Omittable(max_length=most)


def _prompt() -> Any:
    return Omittable(min_length=1, max_length=10_000)


def kept(*names: str, where: str) -> Any:
    """Refuse an explicit null for `names`: the app reads them unguarded (`where`)."""

    def check(value: Any) -> Any:
        if value is None:
            raise ValueError(
                "NeonPanda's app requires this key (amplify/functions/"
                f"{where}); send a value instead of null"
            )
        return value

    validator: Callable[..., Any] = field_validator(*names, mode="after")
    return validator(classmethod(lambda cls, value: check(value)))


class BlendingWeights(Patch):
    primary: float | None = Omittable(ge=0, le=1)
    secondary: float | None = Omittable(ge=0, le=1)


class Personality(Patch):
    primary_template: str | None = _word()
    secondary_influences: list[Item] | None = _items(10)
    selection_reasoning: str | None = _text()
    blending_weights: BlendingWeights | None = Omittable()

    _kept = kept("primary_template", where="libs/coach-config/personality-utils.ts:31")


class Methodology(Patch):
    primary_methodology: str | None = _word()
    methodology_reasoning: str | None = _text()
    programming_emphasis: str | None = _word()
    periodization_approach: str | None = _word()
    creativity_emphasis: str | None = _word()
    workout_innovation: str | None = _word()


class TimeConstraints(Patch):
    preferred_time: str | None = _word()
    session_duration: str | None = _word()
    weekly_frequency: str | None = _word()


class SafetyConstraints(Patch):
    volume_progression_limit: str | None = _word()
    contraindicated_exercises: list[Item] | None = _items()
    required_modifications: list[Item] | None = _items()
    recovery_requirements: list[Item] | None = _items()
    safety_monitoring: list[Item] | None = _items()

    _kept = kept(
        "contraindicated_exercises", where="libs/coach-conversation/prompt-generation.ts:883"
    )


class TechnicalConfig(Patch):
    programming_focus: list[Item] | None = _items(20)
    specializations: list[Item] | None = _items(20)
    methodology: str | None = _word()
    experience_level: str | None = Omittable(min_length=1, max_length=40)
    goal_timeline: str | None = _word()
    preferred_intensity: str | None = Omittable(min_length=1, max_length=40)
    equipment_available: list[Item] | None = _items()
    # 1-7: libs/schemas/coach-config-schema.ts:571-575
    training_frequency: int | None = Omittable(ge=1, le=7)
    injury_considerations: list[Item] | None = _items()
    time_constraints: TimeConstraints | None = Omittable()
    safety_constraints: SafetyConstraints | None = Omittable()

    _kept = kept(
        "equipment_available",
        "time_constraints",
        "safety_constraints",
        where="libs/coach-conversation/prompt-generation.ts:536,763-770",
    )


class GeneratedPrompts(Patch):
    personality_prompt: str | None = _prompt()
    safety_integrated_prompt: str | None = _prompt()
    motivation_prompt: str | None = _prompt()
    methodology_prompt: str | None = _prompt()
    communication_style: str | None = _prompt()
    learning_adaptation_prompt: str | None = _prompt()
    gender_tone_prompt: str | None = _prompt()

    _kept = kept(
        "personality_prompt",
        "safety_integrated_prompt",
        "motivation_prompt",
        "methodology_prompt",
        "communication_style",
        "learning_adaptation_prompt",
        where="libs/coach-conversation/prompt-generation.ts:851-869",
    )


class ModificationCapabilities(Patch):
    enabled_modifications: list[Item] | None = _items(20)
    personality_flexibility: str | None = _word()
    programming_adaptability: str | None = _word()
    creative_programming: str | None = _word()
    workout_variety_emphasis: str | None = _word()
    safety_override_level: str | None = _word()


class MethodologyProfile(Patch):
    primary: str | None = _word()
    focus: list[Item] | None = _items(20)
    preferences: list[Item] | None = _items(20)
    experience: list[Item] | None = _items(20)


class CreateCoach(WriteInput):
    """Parts left out are the app's defaults; prompts left out are templated."""

    name: str = Name
    coach_id: Id | None = None
    description: str | None = Field(default=None, max_length=500)
    gender_preference: Gender | None = None
    personality: Personality | None = None
    methodology: Methodology | None = None
    technical_config: TechnicalConfig | None = None
    generated_prompts: GeneratedPrompts | None = None
    modification_capabilities: ModificationCapabilities | None = None
    methodology_profile: MethodologyProfile | None = None


class UpdateCoach(WriteInput, Patch):
    coach_id: Id
    expected_version: Version
    name: str | None = Omittable(min_length=1, max_length=80)
    description: str | None = Omittable(max_length=500)
    gender_preference: Gender | None = Omittable()
    personality: Personality | None = Omittable()
    methodology: Methodology | None = Omittable()
    technical_config: TechnicalConfig | None = Omittable()
    generated_prompts: GeneratedPrompts | None = Omittable()
    modification_capabilities: ModificationCapabilities | None = Omittable()
    methodology_profile: MethodologyProfile | None = Omittable()

    _kept = kept(
        "name",
        "personality",
        "methodology",
        "technical_config",
        "generated_prompts",
        where="libs/coach-config/personality-utils.ts:97-111",
    )


class DeleteCoach(WriteInput):
    coach_id: Id
    expected_version: Version


class CreateCoachFromTemplate(WriteInput):
    """A coach copied from one of the app's templates (amplify/dynamodb/coach-template.ts)."""

    template_id: Id

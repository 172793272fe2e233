"""How a coach item stays whole for NeonPanda's app, whoever writes it.

NeonPanda's app chats with a coach only when its config is whole: `selected_personality`,
`selected_methodology`, `technical_config` and `generated_prompts` must be there
(libs/coach-config/personality-utils.ts:97-111), the legacy prompt builder reads
`technical_config.equipment_available`, `.time_constraints`, `.safety_constraints`
unguarded (libs/coach-conversation/prompt-generation.ts:536,763-770), and the coach list
destructures `metadata` (dynamodb/coach-config.ts:157). So:

- `complete` (createCoach): every part of the app's `CoachConfig`
  (libs/coach-creator/types.ts:245-328) the client did not give, with the values the app's
  own coach builder falls back to (each cited below, paths under amplify/functions/).
- `repair` (updateCoach): only what the app requires, and only where it is missing (a
  coach an older version of this API wrote); the app's own coaches have it all and are
  left exactly as they are.
- `template_prompts`: the six prompts (and the gender tone) the app's coach creator has
  an AI write, templated instead from the coach's own fields: deterministic, so a coach
  whose prompts are still the template's gets them rewritten when its fields change.
  Marked `metadata.prompts_source = "template"` (the app reads no such key; its own
  `generation_method` is an enum of "tool" | "fallback" checked by
  libs/schemas/coach-config-schema.ts:579-586, so it is left alone).
- `move_copies`: the values the app keeps twice (the methodology three times) move
  together when an update changes the original.
"""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from datasources.records.base import format_timestamp, merge_field, model_of
from datasources.records.coach import (
    ACTIVE,
    PROMPTS_FROM_CLIENT,
    PROMPTS_FROM_TEMPLATE,
    CoachAttributes,
    GeneratedPrompts,
)

# libs/coach-creator/tool-generation.ts:167-185 (personality) and :288-309 (methodology).
DEFAULT_TEMPLATE = "emma"
DEFAULT_METHODOLOGY = "prvn_fitness"
# libs/agents/coach-creator/helpers.ts:178 (experience), libs/coach-creator/data-extraction.ts
# :147 (days per week), :195 (goal timeline), :234 (intensity).
DEFAULT_EXPERIENCE = "intermediate"
DEFAULT_FREQUENCY = 4
DEFAULT_TIMELINE = "6 months"
DEFAULT_INTENSITY = "moderate"
# The ids of SAFETY_RULES of severity "critical" (libs/coach-creator/coach-generation.ts
# :449-563), as libs/agents/coach-creator/helpers.ts:247-249 stores them.
CRITICAL_SAFETY_RULES = [
    "volume_progression",
    "injury_considerations",
    "form_over_intensity",
    "contraindicated_exercises",
    "pain_vs_discomfort",
    "emergency_protocols",
]
# Object.keys(COACH_MODIFICATION_OPTIONS): coach-generation.ts:565-601, helpers.ts:254.
ENABLED_MODIFICATIONS = [
    "personality_adjustments",
    "programming_focus_changes",
    "communication_style_tweaks",
    "goal_updates",
    "template_switching",
]
CONFIG_VERSION = "1.0"  # helpers.ts:318

# The prompts the app requires (prompt-generation.ts:851-857), then the optional one.
REQUIRED_PROMPTS = (
    "personality_prompt",
    "safety_integrated_prompt",
    "motivation_prompt",
    "methodology_prompt",
    "communication_style",
    "learning_adaptation_prompt",
)
PROMPTS = (*REQUIRED_PROMPTS, "gender_tone_prompt")


def _or(value: Any, default: Any) -> Any:
    return default if value is None else value


def _full_shape(attrs: CoachAttributes, now: datetime) -> dict[str, Any]:
    """The app's whole CoachConfig for this coach: its values where it has them, the app's
    defaults elsewhere (as libs/agents/coach-creator/helpers.ts:268-333 assembles it)."""
    methodology = attrs.selected_methodology
    technical = attrs.technical_config
    time = technical.time_constraints if technical else None
    safety = technical.safety_constraints if technical else None
    primary = _or(methodology and methodology.primary_methodology, DEFAULT_METHODOLOGY)
    experience = _or(technical and technical.experience_level, DEFAULT_EXPERIENCE)
    frequency = _or(technical and technical.training_frequency, DEFAULT_FREQUENCY)
    focus = _or(technical and technical.programming_focus, ["strength", "conditioning"])
    injuries = _or(technical and technical.injury_considerations, [])
    equipment = _or(technical and technical.equipment_available, [])
    contraindicated = _or(safety and safety.contraindicated_exercises, [])
    modifications = _or(safety and safety.required_modifications, [])
    recovery = _or(safety and safety.recovery_requirements, [])
    variety = _or(methodology and methodology.creativity_emphasis, "medium_variety")
    creative = "high" if variety == "high_variety" else "medium"  # helpers.ts:257-264
    return {
        "status": ACTIVE,  # helpers.ts:272
        "gender_preference": "neutral",
        "selected_personality": {
            "primary_template": DEFAULT_TEMPLATE,
            "secondary_influences": [],
            "selection_reasoning": "Default selection",
            "blending_weights": {"primary": 0.7, "secondary": 0.3},
        },
        "selected_methodology": {
            "primary_methodology": primary,
            "methodology_reasoning": "Default selection",
            "programming_emphasis": "balanced",
            "periodization_approach": "linear",
            "creativity_emphasis": variety,
            "workout_innovation": "enabled",
        },
        "technical_config": {
            "methodology": primary,  # helpers.ts:292: the methodology, kept twice
            "programming_focus": focus,
            "experience_level": experience,
            "training_frequency": frequency,
            "specializations": [],
            "injury_considerations": injuries,
            "goal_timeline": DEFAULT_TIMELINE,
            "preferred_intensity": DEFAULT_INTENSITY,
            "equipment_available": equipment,
            "time_constraints": {  # helpers.ts:231-237
                "preferred_time": "flexible",
                "session_duration": "45-60 minutes",
                "weekly_frequency": _or(
                    time and time.weekly_frequency, f"{frequency} days per week"
                ),
            },
            "safety_constraints": {  # helpers.ts:241-250
                "volume_progression_limit": "10%_weekly"
                if experience == "beginner"
                else "5%_weekly",
                "contraindicated_exercises": contraindicated,
                "required_modifications": modifications,
                "recovery_requirements": recovery,
                "safety_monitoring": CRITICAL_SAFETY_RULES,
            },
        },
        "modification_capabilities": {  # helpers.ts:253-266
            "enabled_modifications": ENABLED_MODIFICATIONS,
            "personality_flexibility": "medium",
            "programming_adaptability": "medium",
            "creative_programming": creative,
            "workout_variety_emphasis": creative,
            "safety_override_level": "limited",
        },
        "metadata": {  # helpers.ts:317-332 (no session summary: there was no session)
            "version": CONFIG_VERSION,
            "created_date": format_timestamp(now),
            "total_conversations": 0,
            # The app's SafetyProfile (libs/agents/coach-creator/types.ts:88-99), from which
            # helpers.ts:241-303 derives the technical config: the same lists, kept twice.
            "safety_profile": {
                "injuries": injuries,
                "contraindications": contraindicated,
                "equipment": equipment,
                "modifications": modifications,
                "recoveryNeeds": recovery,
                "experienceLevel": experience,
            },
            "methodology_profile": {  # helpers.ts:323-328
                "primary": primary,
                "focus": focus,
                "preferences": [],
                "experience": [experience],
            },
        },
    }


# The parts of a coach the app reads unguarded (tests/app_contract.py's CoachConfigItem): a
# key maps to its own required keys ({}: the whole object, with whatever it holds).
_REQUIRED: dict[str, Any] = {
    "selected_personality": {"primary_template": {}},
    "selected_methodology": {},
    "technical_config": {
        "equipment_available": {},
        "time_constraints": {},
        "safety_constraints": {},
    },
    "metadata": {"total_conversations": {}},
}


def _fill(model: BaseModel, defaults: dict[str, Any], only: dict[str, Any] | None) -> None:
    """Set each missing field of `model` to its default and go inside what is there: every
    field (`only` None), or the fields `only` names (`{}`: the field itself, as it is)."""
    for name, default in defaults.items():
        if only is not None and name not in only:
            continue
        inner = None if only is None else only[name]
        current = getattr(model, name, None)
        if current is None:
            field = type(model).model_fields.get(name)
            if field is None:
                continue  # not a field of the model (never the case for the shapes above)
            model_type = model_of(field.annotation)
            value = copy.deepcopy(default)
            if model_type is not None and isinstance(value, dict):
                value = model_type.model_validate(value)
            setattr(model, name, value)
        elif isinstance(current, BaseModel) and isinstance(default, dict) and inner != {}:
            _fill(current, default, inner)


def complete(attrs: CoachAttributes, now: datetime) -> None:
    """Everything the app's CoachConfig holds, the app's defaults where nothing was given;
    prompts the client did not write are templated (and marked so)."""
    _fill(attrs, _full_shape(attrs, now), None)
    _prompts(attrs, given=attrs.generated_prompts)


def repair(attrs: CoachAttributes, now: datetime) -> None:
    """Only what the app requires and the coach lacks (never anything the app wrote)."""
    _fill(attrs, _full_shape(attrs, now), _REQUIRED)
    if attrs.generated_prompts is None:
        _prompts(attrs, given=None)


def _prompts(attrs: CoachAttributes, given: GeneratedPrompts | None) -> None:
    templated = template_prompts(attrs)
    prompts = given or GeneratedPrompts()
    filled = False
    for name in PROMPTS:
        if getattr(prompts, name) is None:
            setattr(prompts, name, getattr(templated, name))
            filled = True
    attrs.generated_prompts = prompts
    if filled:
        attrs.metadata.prompts_source = PROMPTS_FROM_TEMPLATE
    elif attrs.metadata.prompts_source is None:
        attrs.metadata.prompts_source = PROMPTS_FROM_CLIENT


def retemplate(before: GeneratedPrompts, old: CoachAttributes, new: CoachAttributes) -> bool:
    """After an update of a templated coach: each prompt still exactly as the template
    wrote it from the old fields is templated again from the new ones (so a renamed coach
    is not still called by its old name). Whether any prompt is still the template's."""
    prompts = new.generated_prompts
    if prompts is None:
        return False
    was, now = template_prompts(old), template_prompts(new)
    still = False
    for name in PROMPTS:
        value = getattr(prompts, name)
        if value is not None and value == getattr(before, name) == getattr(was, name):
            setattr(prompts, name, getattr(now, name))
            still = True
    return still


# The app's four personality templates (libs/coach-creator/coach-generation.ts:40-276): who
# they are, how they talk, how they motivate. Other template ids get a neutral wording.
_TEMPLATES = {
    "emma": (
        "a patient, encouraging coach who builds confidence and teaches fundamentals",
        "simple language, positive reinforcement, and questions that check how the athlete "
        "is feeling",
        "celebrate small wins and value progress over perfection, never judging",
    ),
    "marcus": (
        "a technical skills expert who develops movement mastery and systematic progression",
        "detailed, technically precise explanations with specific, actionable feedback",
        "build competence, solve problems together and recognise every achievement",
    ),
    "diana": (
        "an elite performance coach who develops competitors and maximises athletic potential",
        "direct, performance-oriented feedback tied to the athlete's goals",
        "set high standards, frame work as a challenge and feed a competitive spirit",
    ),
    "alex": (
        "a lifestyle integration expert who makes fitness sustainable for busy people",
        "realistic planning, a flexible approach and advice that fits into daily life",
        "point to lifestyle benefits, keep goals flexible and think long term",
    ),
}
_GENDER_TONES = {
    "male": "You are a MALE fitness coach: use he/him, and be confident, direct and "
    "straight-talking while staying supportive.",
    "female": "You are a FEMALE fitness coach: use she/her, and be warm, empathetic and "
    "encouraging while staying direct about what matters.",
}
_NEUTRAL_TONE = (
    "Maintain a balanced, professional coaching approach that blends confidence with "
    "empathy; use gender-neutral language about yourself."
)


def _words(value: Any, empty: str) -> str:
    """A stored id or list as words ("olympic_weightlifting" -> "olympic weightlifting")."""
    if isinstance(value, list):
        items = [str(v).replace("_", " ") for v in value if v]
        return ", ".join(items) if items else empty
    if value is None or value == "":
        return empty
    return str(value).replace("_", " ")


def template_prompts(attrs: CoachAttributes) -> GeneratedPrompts:
    """The coach's prompts templated from its fields (the same fields give the same text)."""
    name = attrs.coach_name.replace("_", " ")
    personality = attrs.selected_personality
    methodology = attrs.selected_methodology
    technical = attrs.technical_config
    safety = technical.safety_constraints if technical else None
    time = technical.time_constraints if technical else None
    template = (personality.primary_template if personality else None) or DEFAULT_TEMPLATE
    who, talk, motivate = _TEMPLATES.get(
        template.lower(),
        (
            f"a coach in the style of the {_words(template, 'default')} personality",
            "clear, friendly explanations with specific, actionable feedback",
            "recognise effort, connect training to the athlete's goals and keep it fun",
        ),
    )
    secondary = personality.secondary_influences if personality else None
    blend = f" with {_words(secondary, '')} influences" if secondary else ""
    about = f" {attrs.coach_description.strip()}." if attrs.coach_description else ""
    specialties = _words(technical.specializations if technical else None, "general fitness")
    method = _words(methodology.primary_methodology if methodology else None, "balanced training")
    emphasis = _words(methodology.programming_emphasis if methodology else None, "balanced")
    periodization = _words(
        methodology.periodization_approach if methodology else None, "systematic"
    )
    focus = _words(technical.programming_focus if technical else None, "progressive training")
    level = _words(technical.experience_level if technical else None, DEFAULT_EXPERIENCE)
    frequency = technical.training_frequency if technical else None
    days = (
        f"{frequency:g} days per week"
        if isinstance(frequency, int | float)
        else "a sustainable weekly rhythm"
    )
    duration = _words(time.session_duration if time else None, "the time the athlete has")
    equipment = _words(technical.equipment_available if technical else None, "whatever is at hand")
    avoid = _words(safety.contraindicated_exercises if safety else None, "none listed")
    modify = _words(safety.required_modifications if safety else None, "none listed")
    injuries = _words(technical.injury_considerations if technical else None, "none reported")
    gender = (attrs.gender_preference or "").lower()
    return GeneratedPrompts(
        personality_prompt=(
            f"You are {name}, {who}{blend}.{about} You coach {specialties} for an athlete "
            f"at the {level} level."
        ),
        safety_integrated_prompt=(
            f"Safety comes before intensity. Never program these exercises: {avoid}. Always "
            f"apply these modifications: {modify}. Injuries to respect: {injuries}. Stop and "
            "refer the athlete to a professional at any sign of pain beyond normal effort."
        ),
        motivation_prompt=(
            f"Motivate the way {name} does: {motivate}. Tie every session back to the "
            "athlete's own goals."
        ),
        methodology_prompt=(
            f"Program with the {method} methodology: {emphasis} emphasis, {periodization} "
            f"periodization, focused on {focus}, {days}, sessions of {duration}, using "
            f"{equipment}."
        ),
        communication_style=(
            f"Communicate with {talk}. Keep answers concise and explain the why behind "
            "each recommendation."
        ),
        learning_adaptation_prompt=(
            f"Adapt to an athlete at the {level} level: teach one cue at a time, ask how "
            "each session felt, and adjust volume and complexity to what they report."
        ),
        gender_tone_prompt=_GENDER_TONES.get(gender, _NEUTRAL_TONE),
    )


def is_templated(attrs: CoachAttributes) -> bool:
    return attrs.metadata.prompts_source == PROMPTS_FROM_TEMPLATE


# Values the app's coach builder writes in more than one place (helpers.ts:268-333): the
# original (what a client edits), then its copies. An update that changes the original
# moves each copy that still held the original's old value (compared case-insensitively:
# the template coach has "STARTING_STRENGTH" and "starting_strength"); a copy that held
# something else, or that the same update set itself, is left as it is.
Path = tuple[str, ...]
COPIES: tuple[tuple[Path, tuple[Path, ...]], ...] = (
    (
        ("selected_methodology", "primary_methodology"),
        (("technical_config", "methodology"), ("metadata", "methodology_profile", "primary")),
    ),
    (("technical_config", "programming_focus"), (("metadata", "methodology_profile", "focus"),)),
    (("technical_config", "equipment_available"), (("metadata", "safety_profile", "equipment"),)),
    (("technical_config", "injury_considerations"), (("metadata", "safety_profile", "injuries"),)),
    (
        ("technical_config", "experience_level"),
        (("metadata", "safety_profile", "experienceLevel"),),
    ),
    (
        ("technical_config", "safety_constraints", "contraindicated_exercises"),
        (("metadata", "safety_profile", "contraindications"),),
    ),
    (
        ("technical_config", "safety_constraints", "required_modifications"),
        (("metadata", "safety_profile", "modifications"),),
    ),
    (
        ("technical_config", "safety_constraints", "recovery_requirements"),
        (("metadata", "safety_profile", "recoveryNeeds"),),
    ),
)


def read_path(node: Any, path: Path) -> Any:
    """The value at `path` through models (fields and kept extras) and maps; None if absent."""
    for name in path:
        if node is None:
            return None
        node = node.get(name) if isinstance(node, dict) else getattr(node, name, None)
    return node


def _write_path(root: BaseModel, path: Path, value: Any) -> None:
    parent = read_path(root, path[:-1])
    name = path[-1]
    if isinstance(parent, dict):
        if value is None:
            parent.pop(name, None)
        else:
            parent[name] = copy.deepcopy(value)
    elif isinstance(parent, BaseModel):
        merge_field(parent, name, copy.deepcopy(value))


def _folded(value: Any) -> Any:
    if isinstance(value, str):
        return value.casefold()
    if isinstance(value, list):
        return [_folded(v) for v in value]
    return value


def move_copies(old: CoachAttributes, new: CoachAttributes) -> None:
    """After an update was applied to `new` (`old`: the coach as it was read)."""
    for original, copies in COPIES:
        was, now = read_path(old, original), read_path(new, original)
        if was == now:
            continue
        for path in copies:
            held = read_path(old, path)
            if held is None or read_path(new, path) != held:
                continue  # absent, or set by this update itself
            if _folded(held) == _folded(was):
                _write_path(new, path, now)

"""What NeonPanda's own code needs of the items it shares with this API, as a checkable contract.

The app (github.com/m3kan1cal/neonpanda-proto-v1, commit APP_COMMIT) stores every entity through
`createDynamoDBItem` (amplify/dynamodb/core.ts:458-473): root `pk`, `sk`, `entityType`,
`createdAt`, `updatedAt` (ISO strings), optional `gsi1pk/gsi1sk/gsi2pk/gsi2sk`, and the entity's
fields inside the `attributes` map. Every read goes through `deserializeFromDynamoDB`
(core.ts:112-143), which turns any string matching core.ts:119's regex into a `Date`: that is
why some keys below must be such ISO stamps (the app calls `.toISOString()` on them).

How to read it:
- CONTRACTS maps each `entityType` to the pydantic model of the whole stored item; nested models
  are the maps inside `attributes`. Unknown keys are allowed (extra="allow"). Values are strict:
  `str` is a string, `list` a real list (a DynamoDB set is not: the app calls `.map`/`.length`),
  `Num` an int/float/Decimal (not a bool), `Map` a map.
- A field without a default is REQUIRED: present and not null, because the app reads it unguarded.
  `App(cite, why)` beside it is the citation (path at APP_COMMIT, relative to the app's repo root)
  of the line that breaks, and how. `T | None = None` means optional, null allowed; its type is
  still checked when present (a cited App then says why the type matters).
- `= NotNullIfPresent()` with `OnNull(cite, why)`: the app tolerates the key missing but breaks on
  null (`const { a = {} } = x` defaults apply to undefined only; `Object.values(todoList)` reads
  `.status` of every value present).
- `_require_if(...)` in a model validator: required only in some state (e.g. a running build).
- A requirement of "visibility" (a GSI key, a filtered status) says the item silently disappears
  from the app's queries without it, rather than crashing.

How to update when the app changes: re-read the readers of the entity (its amplify/dynamodb/*.ts
module, the handlers under amplify/functions/*/handler.ts and amplify/functions/libs/**, and the
React code under src/ that renders the API's answer), grep for unguarded dereferences
(`x.y.z`, `x.y.map(`, destructuring), then edit the field, its App citation and APP_COMMIT.
tests/app_items.py must keep passing (it is the app's own writes); tests/test_app_contract.py
holds one mutation per requirement of the priority entities.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    StringConstraints,
    ValidationError,
    model_validator,
)
from pydantic_core import PydanticCustomError

__all__ = [
    "APP_COMMIT",
    "CONTRACTS",
    "App",
    "NotNullIfPresent",
    "OnNull",
    "check_items",
    "violations",
]

APP_COMMIT = "c1f1b619b5de5f09e7842ac7d68de1693f3bbecd"


# ---------------------------------------------------------------------------------------------
# Markers and types
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class App:
    """Where the app reads the key (`path:line` at APP_COMMIT) and what it does with it."""

    cite: str
    why: str


@dataclass(frozen=True)
class OnNull(App):
    """The citation used when the value is null (the app tolerates it missing, not null)."""


def NotNullIfPresent() -> Any:  # a marker used as a default, hence the capitalised name
    """Missing is fine, null is not: pydantic does not validate defaults, so an absent key takes
    this None, while an explicit null is validated against the (non-optional) type and fails."""
    return Field(default=None)


def _fn(path: str, line: int) -> str:
    return f"amplify/functions/{path}:{line}"


def _lib(path: str, line: int) -> str:
    return f"amplify/functions/libs/{path}:{line}"


def _ddb(path: str, line: int) -> str:
    return f"amplify/dynamodb/{path}:{line}"


def _ui(path: str, line: int) -> str:
    return f"src/{path}:{line}"


def _number(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise PydanticCustomError("number_type", "Input should be a number")
    return value


Num = Annotated[int | float | Decimal, PlainValidator(_number)]
Map = dict[str, Any]
NonEmptyStr = Annotated[str, StringConstraints(min_length=1)]
# The deserializer's regex (core.ts:119): only such strings come back as Dates.
_ISO = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z?$"
IsoStamp = Annotated[str, StringConstraints(pattern=_ISO)]


class _Shape(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)


def _require_if(model: BaseModel, key: str, app: App) -> None:
    """Raise the app's requirement for `key` when the caller's condition holds."""
    if getattr(model, key, None) is None:
        problem = "is null" if key in model.model_fields_set else "is missing"
        raise PydanticCustomError(
            "app_requires",
            "{key} {problem}",
            {"key": key, "problem": problem, "cite": app.cite, "why": app.why},
        )


# File shorthands used below.
STREAM_CHAT = "stream-coach-conversation/handler.ts"
SUMMARY_LAMBDA = "build-conversation-summary/handler.ts"
PERSONALITY = "coach-config/personality-utils.ts"
LEGACY_PROMPT = "coach-conversation/prompt-generation.ts"  # send-coach-conversation-message path
MSG_CACHE = "agents/shared/message-caching.ts"
COACH_AGENT_UI = "utils/agents/CoachAgent.js"
POPOVER_UI = "components/navigation/QuickAccessPopover.jsx"


class _Root(_Shape):
    """createDynamoDBItem: amplify/dynamodb/core.ts:458-473."""

    pk: str
    sk: str
    entityType: str
    createdAt: str | None = None
    updatedAt: str | None = None
    gsi1pk: str | None = None
    gsi1sk: str | None = None
    gsi2pk: str | None = None
    gsi2sk: str | None = None


# ---------------------------------------------------------------------------------------------
# Shared: conversation messages and to-do items
# ---------------------------------------------------------------------------------------------
class Message(_Shape):
    """CoachMessage: amplify/functions/libs/coach-conversation/types.ts:84-108. Also the element
    of coachCreatorSession/programDesignerSession `conversationHistory`; every one of them is
    replayed to Bedrock Converse by buildMessagesWithCaching (message-caching.ts:204-314)."""

    role: Annotated[
        Literal["user", "assistant"],
        App(_lib(MSG_CACHE, 304), "sends it as the Bedrock turn role (only user/assistant)"),
    ]
    content: Annotated[str, App(_lib(MSG_CACHE, 304), "sends it to Bedrock as {text: content}")]
    id: str | None = None
    timestamp: str | None = None
    messageType: str | None = None
    imageS3Keys: Annotated[list[str] | None, App(_lib(MSG_CACHE, 221), "reads .length")] = None
    documentS3Keys: Annotated[
        list[str] | None, App(_lib("streaming/streaming-contextual-flags.ts", 25), "reads .length")
    ] = None
    metadata: Map | None = None


_NULL_MESSAGE = OnNull(_fn(STREAM_CHAT, 487), "reads .role of every message")
Messages = list[Annotated[Message, _NULL_MESSAGE]]


class TodoItem(_Shape):
    """TodoItem: amplify/functions/libs/todo-types.ts:12-19."""

    status: str | None = None  # compared only: a missing status counts as not collected
    value: Any = None
    confidence: str | None = None
    notes: str | None = None
    extractedFrom: str | None = None
    imageRefs: list[str] | None = None


_CC_TODO = _lib("coach-creator/todo-list-utils.ts", 140)
_CC_ALL = _lib("coach-creator/todo-list-utils.ts", 136)
_PD_TODO = _lib("program-designer/todo-list-utils.ts", 107)
_PD_ALL = _lib("program-designer/todo-list-utils.ts", 97)
_REQUIRED_TODO = "reads .status of this required intake field every turn"
_ANY_TODO = "reads .status of every value present (Object.values)"
CcTodo = Annotated[TodoItem, App(_CC_TODO, _REQUIRED_TODO)]
CcTodoIfPresent = Annotated[TodoItem, OnNull(_CC_ALL, _ANY_TODO)]
PdTodo = Annotated[TodoItem, App(_PD_TODO, _REQUIRED_TODO)]
PdTodoIfPresent = Annotated[TodoItem, OnNull(_PD_ALL, _ANY_TODO)]


# ---------------------------------------------------------------------------------------------
# coachConfig
# ---------------------------------------------------------------------------------------------
class SelectedPersonality(_Shape):
    """amplify/functions/libs/coach-creator/types.ts:251-259."""

    primary_template: Annotated[
        NonEmptyStr,
        App(_lib(PERSONALITY, 31), "throws unless it is truthy, then calls .toUpperCase() on it"),
    ]
    secondary_influences: Annotated[
        list[str] | None, App(_lib(PERSONALITY, 200), "calls .join (`|| []` covers null only)")
    ] = None
    selection_reasoning: str | None = None
    blending_weights: Map | None = None


class SelectedMethodology(_Shape):
    """amplify/functions/libs/coach-creator/types.ts:260-267."""

    primary_methodology: Annotated[str | None, App(_ui(POPOVER_UI, 811), "calls .replace")] = None
    methodology_reasoning: str | None = None
    programming_emphasis: str | None = None
    periodization_approach: str | None = None
    creativity_emphasis: Annotated[str | None, App(_ui(POPOVER_UI, 830), "calls .replace")] = None
    workout_innovation: str | None = None


class SafetyConstraints(_Shape):
    """amplify/functions/libs/coach-creator/types.ts:282-288."""

    contraindicated_exercises: Annotated[
        list[str] | None, App(_lib(PERSONALITY, 264), "calls .join")
    ] = None
    required_modifications: Annotated[
        list[str] | None, App(_lib(PERSONALITY, 265), "calls .join")
    ] = None
    volume_progression_limit: str | None = None
    recovery_requirements: list[str] | None = None
    safety_monitoring: list[str] | None = None


class TechnicalConfig(_Shape):
    """amplify/functions/libs/coach-creator/types.ts:268-289. Generated coaches store
    time_constraints values as strings, template coaches a number session_duration."""

    # Required by the legacy prompt builder: send-coach-conversation-message, which runs the
    # initial message of a conversation created with one (command palette).
    equipment_available: Annotated[
        list[str], App(_lib(LEGACY_PROMPT, 763), "calls .join unguarded")
    ]
    time_constraints: Annotated[
        Map, App(_lib(LEGACY_PROMPT, 766), "reads .session_duration unguarded")
    ]
    safety_constraints: Annotated[
        SafetyConstraints,
        App(_lib(LEGACY_PROMPT, 536), "reads .contraindicated_exercises unguarded"),
    ]
    methodology: str | None = None
    programming_focus: Annotated[
        list[str] | None, App(_ui(COACH_AGENT_UI, 646), "maps f.charAt over it")
    ] = None
    specializations: Annotated[
        list[str] | None, App(_ui(COACH_AGENT_UI, 636), "maps spec.replace over it")
    ] = None
    experience_level: Annotated[str | None, App(_ui(COACH_AGENT_UI, 653), "calls .charAt")] = None
    training_frequency: Num | None = None
    injury_considerations: Annotated[
        list[str] | None, App(_lib(PERSONALITY, 267), "reads .length / .join")
    ] = None
    goal_timeline: str | None = None
    preferred_intensity: str | None = None


class GeneratedPrompts(_Shape):
    """amplify/functions/libs/coach-creator/types.ts:290-298. The chat only needs the map to be
    truthy; each missing prompt is interpolated as the text "undefined" into the system prompt
    (personality-utils.ts:120-129, 207-261)."""

    personality_prompt: str | None = None
    safety_integrated_prompt: str | None = None
    motivation_prompt: Annotated[str | None, App(_ui(POPOVER_UI, 791), "calls .slice")] = None
    methodology_prompt: str | None = None
    communication_style: Annotated[str | None, App(_ui(POPOVER_UI, 775), "calls .slice")] = None
    learning_adaptation_prompt: str | None = None
    gender_tone_prompt: str | None = None


class MethodologyProfile(_Shape):
    """amplify/functions/libs/coach-creator/types.ts:312-317."""

    primary: str | None = None
    focus: Annotated[
        list[str] | None, App(_ui(COACH_AGENT_UI, 672), "maps item.replace over it")
    ] = None
    preferences: Annotated[
        list[str] | None, App(_ui(COACH_AGENT_UI, 688), "maps item.replace over it")
    ] = None
    experience: list[str] | None = None


class CoachMetadata(_Shape):
    """amplify/functions/libs/coach-creator/types.ts:307-323."""

    total_conversations: Num | None = None
    created_date: str | None = None
    methodology_profile: MethodologyProfile | None = None
    coach_creator_session_summary: str | None = None
    user_satisfaction: Num | None = None
    version: str | None = None
    safety_profile: Map | None = None


class ModificationCapabilities(_Shape):
    """amplify/functions/libs/coach-creator/types.ts:299-306 (read `|| {}`: null is fine)."""

    enabled_modifications: Annotated[
        list[str] | None, App(_lib("agents/conversation/prompts.ts", 345), "calls ?.join")
    ] = None


_LIST_NULL = "destructures it with a `= {}` default, which does not apply to null (coach list)"


class CoachConfigAttributes(_Shape):
    """CoachConfig: amplify/functions/libs/coach-creator/types.ts:245-328; listed by
    amplify/dynamodb/coach-config.ts:115-189, chatted with via personality-utils.ts:89-158.
    Each selected_personality/technical_config/metadata is also read by the coach list with a
    `= {}` default (coach-config.ts:149,150,157): null there breaks the whole list."""

    selected_personality: Annotated[
        SelectedPersonality,
        App(_lib(PERSONALITY, 97), "throws without it when building the chat prompt"),
        OnNull(_ddb("coach-config.ts", 149), _LIST_NULL),
    ]
    selected_methodology: Annotated[
        SelectedMethodology,
        App(_lib(PERSONALITY, 105), "throws without it when building the chat prompt"),
    ]
    technical_config: Annotated[
        TechnicalConfig,
        App(_lib(PERSONALITY, 109), "throws without it when building the chat prompt"),
        OnNull(_ddb("coach-config.ts", 150), _LIST_NULL),
    ]
    generated_prompts: Annotated[
        GeneratedPrompts,
        App(_lib(PERSONALITY, 101), "throws without it when building the chat prompt"),
    ]
    metadata: Annotated[
        CoachMetadata,
        # also create-coach-conversation/handler.ts:124, delete-coach-conversation/handler.ts:45
        App(_fn(SUMMARY_LAMBDA, 352), "reads .total_conversations unguarded"),
        OnNull(_ddb("coach-config.ts", 157), _LIST_NULL),
    ]
    coach_id: str | None = None
    coach_name: Annotated[
        str | None, App(_lib(PERSONALITY, 191), "calls .toUpperCase() when truthy")
    ] = None
    coach_description: str | None = None
    status: str | None = None  # "archived" hides it: coach-config.ts:136
    gender_preference: str | None = None
    modification_capabilities: ModificationCapabilities | None = None


class CoachConfigItem(_Root):
    """Saved by amplify/dynamodb/coach-config.ts:26-46 (UpdateCommand, no gsi keys)."""

    attributes: Annotated[
        CoachConfigAttributes, App(_ddb("coach-config.ts", 162), "destructures item.attributes")
    ]


# ---------------------------------------------------------------------------------------------
# coachConversation
# ---------------------------------------------------------------------------------------------
class EditContext(_Shape):
    """amplify/functions/libs/coach-conversation/types.ts:76-79."""

    entityType: str | None = None
    entityId: str | None = None


class ConversationMetadata(_Shape):
    """amplify/functions/libs/coach-conversation/types.ts:120-127."""

    startedAt: str | None = None
    lastActivity: str | None = None
    # Display only; recomputed as len(messages) on every append (coach-conversation.ts:333).
    totalMessages: Num | None = None
    isActive: bool | None = None
    tags: Annotated[
        list[str] | None, App(_ui("components/ManageCoachConversations.jsx", 653), "calls .forEach")
    ] = None
    editContext: EditContext | None = None
    sessionProgramContext: Map | None = None


class CoachConversationAttributes(_Shape):
    """CoachConversation: amplify/functions/libs/coach-conversation/types.ts:113-139."""

    conversationId: Annotated[
        str, App(_ddb("coach-conversation.ts", 170), "sorts with .localeCompare")
    ]
    messages: Annotated[
        Messages, App(_fn(STREAM_CHAT, 414), "reads .length unguarded on every chat turn")
    ]
    # Also: updateCoachConversation SETs attributes.metadata.lastActivity, a DynamoDB path that
    # fails when the map is absent (coach-conversation.ts:448); the edit flow reads
    # .editContext (stream-coach-conversation/handler.ts:546).
    metadata: Annotated[
        ConversationMetadata, App(_fn(SUMMARY_LAMBDA, 66), "reads .totalMessages unguarded")
    ]
    coachId: str | None = None
    userId: str | None = None
    title: str | None = None
    mode: str | None = None
    workoutCreatorSession: Map | None = None


class CoachConversationItem(_Root):
    """Saved by amplify/dynamodb/coach-conversation.ts:54-66; appended to by :246-415."""

    attributes: Annotated[
        CoachConversationAttributes,
        App(_ddb("coach-conversation.ts", 125), "destructures item.attributes"),
    ]


# ---------------------------------------------------------------------------------------------
# conversationSummary
# ---------------------------------------------------------------------------------------------
_SUMMARY_LIB = "coach-conversation/summary.ts"


class SummaryStructuredData(_Shape):
    """amplify/functions/libs/coach-conversation/types.ts:188-212 (v2 flat; v1 records keep
    these four lists too and carry `preferences`/`methodology_preferences` maps)."""

    current_goals: Annotated[list[str], App(_lib(_SUMMARY_LIB, 399), "reads .length (chat)")]
    recent_progress: Annotated[list[str], App(_lib(_SUMMARY_LIB, 403), "reads .length (chat)")]
    key_insights: Annotated[list[str], App(_lib(_SUMMARY_LIB, 407), "reads .length (chat)")]
    important_context: Annotated[list[str], App(_lib(_SUMMARY_LIB, 411), "reads .length (chat)")]
    training_preferences: Annotated[
        list[str] | None, App(_lib(_SUMMARY_LIB, 93), "calls ?.join")
    ] = None
    schedule_constraints: Annotated[
        list[str] | None, App(_lib(_SUMMARY_LIB, 94), "calls ?.join")
    ] = None
    conversation_tags: list[str] | None = None


class MessageRange(_Shape):
    """amplify/functions/libs/coach-conversation/types.ts:215-219."""

    startMessageId: str | None = None
    endMessageId: str | None = None
    totalMessages: Num | None = None


class SummaryMetadata(_Shape):
    """amplify/functions/libs/coach-conversation/types.ts:213-223."""

    createdAt: str | None = None
    messageRange: Annotated[
        MessageRange, App(_fn(SUMMARY_LAMBDA, 103), "reads .totalMessages unguarded")
    ]
    triggerReason: str | None = None
    complexityIndicators: list[str] | None = None
    confidence: Num | None = None


class ConversationSummaryAttributes(_Shape):
    """CoachConversationSummary: amplify/functions/libs/coach-conversation/types.ts:182-224.
    Read whole into every chat turn (stream-coach-conversation/handler.ts:409-410) and by the
    next summary build (summary.ts:87-102)."""

    structuredData: Annotated[
        SummaryStructuredData, App(_lib(_SUMMARY_LIB, 399), "reads its lists unguarded (chat)")
    ]
    # also libs/analytics/data-fetching.ts:183 (errors swallowed per coach)
    metadata: Annotated[
        SummaryMetadata, App(_fn(SUMMARY_LAMBDA, 101), "reads .createdAt unguarded")
    ]
    narrative: str | None = None  # v1 records have `summary` instead
    summaryId: str | None = None
    userId: str | None = None
    coachId: str | None = None
    conversationId: str | None = None


class ConversationSummaryItem(_Root):
    """Saved by amplify/dynamodb/coach-conversation.ts:571-592."""

    attributes: Annotated[
        ConversationSummaryAttributes,
        App(_ddb("coach-conversation.ts", 666), "reads item.coachId of each attributes"),
    ]


# ---------------------------------------------------------------------------------------------
# workout
# ---------------------------------------------------------------------------------------------
class WorkoutData(_Shape):
    """UniversalWorkoutSchema: amplify/functions/libs/workout/types.ts:109-128."""

    discipline: str | None = None
    workout_name: str | None = None  # the list's `workoutName` (get-workouts/handler.ts:122)
    workout_type: str | None = None
    duration: Num | None = None
    location: str | None = None
    date: str | None = None
    pr_achievements: Annotated[
        list[Map] | None, App(_ui("components/WorkoutViewer.jsx", 2844), "calls .map")
    ] = None
    performance_metrics: Map | None = None
    discipline_specific: Map | None = None
    metadata: Map | None = None


class ExtractionMetadata(_Shape):
    """amplify/functions/libs/workout/types.ts:64-77."""

    confidence: Num | None = None  # compared and sorted on (workout.ts:160,406,426)
    extractedAt: str | None = None
    reviewedBy: str | None = None
    reviewedAt: str | None = None
    templateComparison: Map | None = None
    normalizationSummary: str | None = None


class WorkoutAttributes(_Shape):
    """Workout: amplify/functions/libs/workout/types.ts:56-104; listed by
    amplify/dynamodb/workout.ts:340-459 and get-workouts/handler.ts:118-158."""

    workoutData: Annotated[
        WorkoutData,
        # also WorkoutViewer.jsx:1239 and, when sorting by name, workout.ts:430
        App(_fn("get-workouts/handler.ts", 121), "reads .discipline unguarded"),
    ]
    extractionMetadata: Annotated[
        ExtractionMetadata,
        # also workout.ts:160,406,426 (filters/sorts) and :543 (every update)
        App(_fn("get-workouts/handler.ts", 129), "reads .confidence unguarded"),
    ]
    coachIds: Annotated[
        list[str], App(_ddb("workout.ts", 398), "calls .includes when filtering by coach")
    ]
    workoutId: str | None = None
    userId: str | None = None
    coachNames: list[str] | None = None
    conversationId: str | None = None
    # String-compared BETWEEN ISO bounds by queryWorkoutSummaries (workout.ts:205-206).
    completedAt: str | None = None
    summary: str | None = None
    workoutName: str | None = None  # root copy, set only by updateWorkout (workout.ts:520-525)
    insights: Map | None = None
    templateId: str | None = None
    groupId: str | None = None
    imageS3Keys: list[str] | None = None


class WorkoutItem(_Root):
    """Saved by amplify/dynamodb/workout.ts:25-56 (gsi1 by groupId, gsi2 by templateId)."""

    attributes: Annotated[
        WorkoutAttributes,
        App(_fn("get-workouts/handler.ts", 121), "spreads item.attributes, reads .workoutData"),
    ]


# ---------------------------------------------------------------------------------------------
# userMemory
# ---------------------------------------------------------------------------------------------
class TriggerWindow(_Shape):
    """amplify/functions/libs/memory/types.ts:75-80."""

    startDaysBefore: Num | None = None
    endDaysAfter: Num | None = None


class Prospective(_Shape):
    """ProspectiveMemoryMetadata: amplify/functions/libs/memory/types.ts:50-81."""

    targetDate: str | None = None
    status: str | None = None
    triggerWindow: TriggerWindow | None = None
    followUpPrompt: str | None = None

    @model_validator(mode="after")
    def _window(self) -> Prospective:
        if self.targetDate and self.status in ("pending", "triggered"):
            cite = _lib("memory/prospective.ts", 279)
            _require_if(self, "triggerWindow", App(cite, "reads .startDaysBefore (chat turn)"))
        return self


class MemoryMetadata(_Shape):
    """amplify/functions/libs/memory/types.ts:32-43."""

    createdAt: Annotated[
        IsoStamp,
        App(_lib(LEGACY_PROMPT, 682), "calls .toDateString() on the deserialized Date"),
    ]
    importance: str | None = None  # ranks by it: memory.ts:125
    usageCount: Num | None = None
    lastUsed: Annotated[
        IsoStamp | None, App(_lib(LEGACY_PROMPT, 679), "calls .toDateString() when truthy")
    ] = None
    source: str | None = None
    tags: Annotated[
        list[str] | None,
        App(_ui("components/ManageMemories.jsx", 528), "filters with tag.toLowerCase()"),
    ] = None
    prospective: Prospective | None = None
    lifecycle: Map | None = None


class UserMemoryAttributes(_Shape):
    """UserMemory: amplify/functions/libs/memory/types.ts:26-44; listed by
    amplify/dynamodb/memory.ts:77-146 (every chat turn loads all of them: handler.ts:270)."""

    memoryId: Annotated[str, App(_ddb("memory.ts", 142), "sorts with .localeCompare")]
    content: Annotated[
        str, App(_ui("components/ManageMemories.jsx", 490), "calls .replace unguarded")
    ]
    metadata: Annotated[
        MemoryMetadata,
        # also memory.ts:125 and libs/user/living-profile.ts:94
        App(_ddb("memory.ts", 112), "reads .lifecycle unguarded"),
    ]
    userId: str | None = None
    coachId: str | None = None  # null = global memory
    memoryType: str | None = None


class UserMemoryItem(_Root):
    """Saved by amplify/dynamodb/memory.ts:30-54."""

    attributes: Annotated[
        UserMemoryAttributes, App(_ddb("memory.ts", 93), "reads memory.coachId of attributes")
    ]


# ---------------------------------------------------------------------------------------------
# coachCreatorSession
# ---------------------------------------------------------------------------------------------
class CoachCreatorTodoList(_Shape):
    """CoachCreatorTodoList: amplify/functions/libs/coach-creator/types.ts:21-65; the 20
    REQUIRED_FIELDS (todo-list-utils.ts:68-89) are read every turn by getTodoProgress."""

    coachGenderPreference: CcTodo
    primaryGoals: CcTodo
    goalTimeline: CcTodo
    age: CcTodo
    lifeStageContext: CcTodo
    experienceLevel: CcTodo
    trainingHistory: CcTodo
    trainingFrequency: CcTodo
    sessionDuration: CcTodo
    timeOfDayPreference: CcTodo
    injuryConsiderations: CcTodo
    movementLimitations: CcTodo
    equipmentAccess: CcTodo
    trainingEnvironment: CcTodo
    movementPreferences: CcTodo
    movementDislikes: CcTodo
    coachingStylePreference: CcTodo
    motivationStyle: CcTodo
    successMetrics: CcTodo
    progressTrackingPreferences: CcTodo
    competitionGoals: CcTodoIfPresent = NotNullIfPresent()
    competitionTimeline: CcTodoIfPresent = NotNullIfPresent()


class ConfigGeneration(_Shape):
    """amplify/functions/libs/coach-creator/types.ts:125-132."""

    status: str | None = None
    startedAt: IsoStamp | None = None
    completedAt: Annotated[
        IsoStamp | None,
        App(_lib("coach-creator/session-management.ts", 339), "calls ?.toISOString()"),
    ] = None
    failedAt: str | None = None
    error: str | None = None
    coachConfigId: str | None = None

    @model_validator(mode="after")
    def _running(self) -> ConfigGeneration:
        if self.status == "IN_PROGRESS":
            cite = _lib("coach-creator/session-management.ts", 355)
            _require_if(self, "startedAt", App(cite, "calls .toISOString() on it"))
        return self


class CoachCreatorSessionAttributes(_Shape):
    """CoachCreatorSession: amplify/functions/libs/coach-creator/types.ts:98-133; one turn is
    stream-coach-creator-session/handler.ts:121-445."""

    todoList: Annotated[
        CoachCreatorTodoList, App(_CC_ALL, "runs Object.values(todoList) every turn")
    ]
    conversationHistory: Annotated[
        Messages,
        App(_fn("stream-coach-creator-session/handler.ts", 157), "reads .length, then .push"),
    ]
    startedAt: Annotated[
        IsoStamp, App(_ddb("coach-creator.ts", 39), "calls .toISOString() on every save")
    ]
    lastActivity: str | None = None  # reset to new Date() before every save (coach-creator.ts:37)
    userId: str | None = None
    sessionId: str | None = None
    title: str | None = None
    sophisticationLevel: str | None = None
    isComplete: bool | None = None
    isDeleted: bool | None = None  # true hides it from the list (coach-creator.ts:190)
    completedAt: str | None = None
    progressDetails: Map | None = None
    configGeneration: ConfigGeneration | None = None


class CoachCreatorSessionItem(_Root):
    """Saved by amplify/dynamodb/coach-creator.ts:26-44 (createdAt = startedAt,
    updatedAt = lastActivity)."""

    attributes: Annotated[
        CoachCreatorSessionAttributes,
        App(_ddb("coach-creator.ts", 190), "reads .isDeleted of attributes"),
    ]


# ---------------------------------------------------------------------------------------------
# user profile (entityType "user", sk "profile")
# ---------------------------------------------------------------------------------------------
_LIVING = "user/living-profile.ts"


class LifeContext(_Shape):
    """amplify/functions/libs/user/types.ts:89-96."""

    summary: str | None = None
    constraints: list[str] | None = None

    @model_validator(mode="after")
    def _constraints(self) -> LifeContext:
        if self.summary and self.summary != "Unknown":
            app = App(_lib(_LIVING, 257), "reads .length unguarded")
            _require_if(self, "constraints", app)
        return self


class Highlight(_Shape):
    """amplify/functions/libs/user/types.ts:139-145."""

    significance: str | None = None
    themes: list[str] | None = None

    @model_validator(mode="after")
    def _themes(self) -> Highlight:
        if self.significance == "high":
            _require_if(self, "themes", App(_lib(_LIVING, 292), "calls .join unguarded"))
        return self


def _living(line: int, what: str = "reads it unguarded") -> App:
    return App(_lib(_LIVING, line), what)


# Lists inside the maps above that formatLivingProfileForPrompt reads .length of.
_LIVING_LISTS = (
    ("communicationPreferences", "motivationalTriggers", 236),
    ("communicationPreferences", "sensitiveTopics", 237),
    ("goalsAndProgress", "activeGoals", 241),
    ("goalsAndProgress", "recentMilestones", 242),
    ("knowledgeGaps", "suggestedQuestions", 266),
    ("observedPatterns", "patterns", 275),
)


class LivingProfile(_Shape):
    """LivingProfile: amplify/functions/libs/user/types.ts:71-155; formatted whole into every
    chat turn when truthy (stream-coach-conversation/handler.ts:397-399)."""

    trainingIdentity: Annotated[Map, _living(229)]
    communicationPreferences: Annotated[Map, _living(234)]
    goalsAndProgress: Annotated[Map, _living(241)]
    lifeContext: Annotated[LifeContext, _living(252)]
    coachingRelationship: Annotated[Map, _living(262)]
    knowledgeGaps: Annotated[Map, _living(266)]
    observedPatterns: Annotated[Map, _living(275)]
    highlightReel: Annotated[
        list[Annotated[Highlight, OnNull(_lib(_LIVING, 288), "reads h.significance")]],
        _living(287, "calls .filter unguarded"),
    ]
    metadata: Annotated[Map, _living(224)]

    @model_validator(mode="after")
    def _lists(self) -> LivingProfile:
        for parent, key, line in _LIVING_LISTS:
            value = getattr(self, parent).get(key)
            if not isinstance(value, list):
                problem = "is not a list"
                if value is None:
                    problem = "is null" if key in getattr(self, parent) else "is missing"
                raise PydanticCustomError(
                    "app_requires",
                    "{key} {problem}",
                    {
                        "key": f"{parent}.{key}",
                        "problem": problem,
                        "cite": _lib(_LIVING, line),
                        "why": "reads .length unguarded",
                    },
                )
        return self


class ProfileMetadata(_Shape):
    """amplify/functions/libs/user/types.ts:41-43."""

    isActive: Annotated[
        bool,
        App(_ddb("admin.ts", 110), "lists only isActive = true users (analytics, notifications)"),
    ]


class Directive(_Shape):
    """CriticalTrainingDirective: amplify/functions/libs/user/types.ts:59-64."""

    content: str | None = None
    enabled: bool | None = None


class UserProfileAttributes(_Shape):
    """UserProfile: amplify/functions/libs/user/types.ts:6-57."""

    userId: Annotated[
        str, App(_ddb("user-profile.ts", 239), "updates the profile found by email by it")
    ]
    email: Annotated[
        str, App(_ddb("user-profile.ts", 210), "rewrites gsi1pk = `email#${email}` on update")
    ]
    username: Annotated[
        str, App(_ddb("user-profile.ts", 211), "rewrites gsi2pk = `username#${username}`")
    ]
    metadata: Annotated[ProfileMetadata, App(_ddb("admin.ts", 110), "filters on .isActive")]
    firstName: Annotated[
        str | None, App(_lib("user/utils.ts", 24), "calls .trim() when truthy")
    ] = None
    lastName: str | None = None
    displayName: Annotated[
        str | None, App(_lib("user/utils.ts", 20), "calls .trim() when truthy")
    ] = None
    nickname: str | None = None
    avatar: Map | None = None
    preferences: Map | None = None
    criticalTrainingDirective: Directive | None = None
    livingProfile: LivingProfile | None = None
    athleteProfile: Map | None = None


class UserProfileItem(_Root):
    """Saved by amplify/dynamodb/user-profile.ts:22-49 (gsi1 email#, gsi2 username#)."""

    attributes: Annotated[
        UserProfileAttributes,
        App(_lib("object-utils.ts", 180), "deepMerges into it on every update"),
    ]
    gsi1pk: Annotated[str, App(_ddb("user-profile.ts", 86), "finds it by email via gsi1")]
    gsi1sk: Annotated[Literal["profile"], App(_ddb("user-profile.ts", 86), "queries gsi1sk")]
    gsi2pk: Annotated[str, App(_ddb("user-profile.ts", 139), "finds it by username via gsi2")]
    gsi2sk: Annotated[Literal["profile"], App(_ddb("user-profile.ts", 139), "queries gsi2sk")]


# ---------------------------------------------------------------------------------------------
# program
# ---------------------------------------------------------------------------------------------
class ProgramAttributes(_Shape):
    """Program: amplify/functions/libs/program/types.ts; listed by
    amplify/dynamodb/program.ts:245-372 (through gsi1, never by pk)."""

    programId: Annotated[str, App(_ddb("program.ts", 356), "sorts with .localeCompare")]
    coachIds: Annotated[
        list[str], App(_ddb("program.ts", 515), "calls .includes when filtering by coach")
    ]
    status: Annotated[
        str,
        App(_ddb("program.ts", 293), "lists with `attributes.status <> archived` (absent: hidden)"),
    ]
    phases: Annotated[
        list[Map], App(_lib("program/calendar-utils.ts", 239), "calls .find unguarded")
    ]
    name: str | None = None
    startDate: str | None = None
    totalDays: Num | None = None
    currentDay: Num | None = None
    s3DetailKey: str | None = None
    coachNames: list[str] | None = None


class ProgramItem(_Root):
    """Saved by amplify/dynamodb/program.ts:26-62 (gsi1pk user#, gsi1sk program#)."""

    attributes: Annotated[
        ProgramAttributes,
        App(_ddb("program.ts", 356), "spreads item.attributes, sorts on .programId"),
    ]
    gsi1pk: Annotated[str, App(_ddb("program.ts", 315), "lists programs through gsi1 only")]
    gsi1sk: Annotated[str, App(_ddb("program.ts", 315), "lists programs through gsi1 only")]


# ---------------------------------------------------------------------------------------------
# exercise
# ---------------------------------------------------------------------------------------------
class ExerciseMetrics(_Shape):
    """ExerciseMetrics: amplify/functions/libs/exercise/types.ts:81-161."""

    repsPerSet: Annotated[
        list[Num] | None, App(_ddb("exercise.ts", 370), "reads .length, spreads into Math.max")
    ] = None


class ExerciseAttributes(_Shape):
    """Exercise: amplify/functions/libs/exercise/types.ts:182-210."""

    exerciseName: Annotated[
        str, App(_ddb("exercise.ts", 539), "calls .split on it (exercise name list)")
    ]
    metadata: Annotated[Map, App(_ddb("exercise.ts", 315), "reads .extractedAt unguarded")]
    metrics: Annotated[ExerciseMetrics, App(_ddb("exercise.ts", 364), "reads .maxWeight unguarded")]
    workoutId: Annotated[
        str, App(_ddb("exercise.ts", 184), "deleting a workout deletes rows by it")
    ]
    completedAt: str | None = None
    discipline: str | None = None
    originalName: str | None = None


class ExerciseItem(_Root):
    """Saved by amplify/dynamodb/exercise.ts:28-67 / 73-161."""

    attributes: Annotated[
        ExerciseAttributes, App(_ddb("exercise.ts", 436), "reads exercise.discipline")
    ]
    gsi1pk: Annotated[str, App(_ddb("exercise.ts", 295), "reads history through gsi1 only")]
    gsi1sk: Annotated[str, App(_ddb("exercise.ts", 295), "reads history through gsi1 only")]


# ---------------------------------------------------------------------------------------------
# The rest
# ---------------------------------------------------------------------------------------------
class ProgramDesignerTodoList(_Shape):
    """ProgramDesignerTodoList: amplify/functions/libs/program-designer/types.ts:93-125;
    REQUIRED_PROGRAM_FIELDS (types.ts:135-161) are all keys but targetEvent."""

    trainingGoals: PdTodo
    programDuration: PdTodo
    trainingFrequency: PdTodo
    sessionDuration: PdTodo
    startDate: PdTodo
    restDaysPreference: PdTodo
    equipmentAccess: PdTodo
    trainingEnvironment: PdTodo
    trainingMethodology: PdTodo
    programFocus: PdTodo
    intensityPreference: PdTodo
    volumeTolerance: PdTodo
    experienceLevel: PdTodo
    currentFitnessBaseline: PdTodo
    injuryConsiderations: PdTodo
    movementPreferences: PdTodo
    movementDislikes: PdTodo
    deloadPreference: PdTodo
    progressionStyle: PdTodo
    targetEvent: PdTodoIfPresent = NotNullIfPresent()


class ProgramDesignerSessionAttributes(_Shape):
    """ProgramDesignerSession: amplify/functions/libs/program-designer/types.ts:41-84."""

    coachId: Annotated[
        str, App(_fn("stream-program-designer-session/handler.ts", 103), "throws without it")
    ]
    todoList: Annotated[
        ProgramDesignerTodoList,
        App(_PD_ALL, "runs Object.values(todoList) every turn"),
    ]
    startedAt: Annotated[
        IsoStamp, App(_ddb("program-designer.ts", 43), "calls .toISOString() on every save")
    ]
    conversationHistory: Messages | None = None  # `|| []` (handler.ts:466)
    isDeleted: bool | None = None
    isComplete: bool | None = None
    progressDetails: Map | None = None
    programGeneration: Map | None = None


class ProgramDesignerSessionItem(_Root):
    """Saved by amplify/dynamodb/program-designer.ts:27-51."""

    attributes: Annotated[
        ProgramDesignerSessionAttributes,
        App(_ddb("program-designer.ts", 85), "reads .isDeleted of attributes"),
    ]


class ProgramInsightsItem(_Root):
    """ProgramInsights: amplify/functions/libs/program/types.ts:420-489; saved by
    amplify/dynamodb/program-insights.ts:18-44, read by :55-71 (spread only)."""

    attributes: Map | None = None


class AnalyticsAttributes(_Shape):
    """WeeklyAnalytics/MonthlyAnalytics: amplify/functions/libs/analytics/types.ts:140-152."""

    metadata: Annotated[
        Map, App(_ddb("analytics.ts", 87), "reads .workoutCount when sorting by it")
    ]
    weekId: str | None = None
    monthId: str | None = None
    weekStart: str | None = None
    monthStart: str | None = None
    analyticsData: Map | None = None


class AnalyticsItem(_Root):
    """Weekly (amplify/dynamodb/analytics.ts:21-41) and monthly (:184-204), one entityType."""

    attributes: Annotated[
        AnalyticsAttributes, App(_ddb("analytics.ts", 87), "reads r.metadata of attributes")
    ]


class SubscriptionItem(_Root):
    """Hand-built item: amplify/dynamodb/subscription.ts:21-51 (entityType also inside);
    read by getSubscription (:112-128), spread only."""

    attributes: Map | None = None


class CoachTemplateAttributes(_Shape):
    """CoachTemplate: amplify/functions/libs/coach-creator/types.ts:330-345."""

    metadata: Annotated[Map, App(_ddb("coach-template.ts", 36), "filters on .is_active unguarded")]
    template_name: Annotated[str, App(_ddb("coach-template.ts", 44), "sorts with .localeCompare")]
    # Copied as the new coach's attributes (coach-template.ts:144-152).
    base_config: Annotated[
        CoachConfigAttributes,
        App(_ddb("coach-template.ts", 150), "copies it into a coach, reads .metadata"),
    ]


class CoachTemplateItem(_Root):
    """Seeded (scripts/seed-coach-templates.js); read by amplify/dynamodb/coach-template.ts."""

    attributes: Annotated[
        CoachTemplateAttributes,
        App(_ddb("coach-template.ts", 36), "reads item.metadata of attributes"),
    ]


class SharedProgramSnapshot(_Shape):
    """SharedProgramSnapshot: amplify/functions/libs/shared-program/types.ts:18-27."""

    name: Annotated[
        str, App(_fn("get-shared-program/handler.ts", 76), "reads .name unguarded (and shows it)")
    ]
    totalDays: Annotated[
        Num,
        App(
            _ui("components/shared-programs/SharedProgramPreview.jsx", 346),
            "divides it by 7 for the weeks (copy-utils.ts:84-87: the copy's end date)",
        ),
    ]
    phases: Annotated[
        list[Map], App(_lib("shared-program/copy-utils.ts", 112), "copies it as the phases")
    ]
    description: str | None = None
    trainingFrequency: Num | None = None
    trainingGoals: list[str] | None = None
    equipmentConstraints: list[str] | None = None
    coachNames: list[str] | None = None


class SharedProgramAttributes(_Shape):
    """SharedProgram: amplify/functions/libs/shared-program/types.ts:45-71."""

    sharedProgramId: Annotated[
        str,
        App(
            _ui("components/shared-programs/ManageSharedPrograms.jsx", 300),
            "builds the share link and the unshare call from it",
        ),
    ]
    creatorUserId: Annotated[
        str,
        App(_ddb("shared-program.ts", 289), "refuses the creator's unshare unless it matches"),
    ]
    programSnapshot: Annotated[
        SharedProgramSnapshot,
        App(_fn("get-shared-program/handler.ts", 76), "reads .name unguarded"),
    ]
    s3DetailKey: Annotated[
        str,
        App(_lib("shared-program/copy-utils.ts", 64), "reads the templates from it (else 500)"),
    ]
    isActive: Annotated[bool, App(_ddb("shared-program.ts", 79), "hides it unless true")]
    originalProgramId: str | None = None
    creatorUsername: str | None = None
    viewCount: Num | None = None
    copyCount: Num | None = None


class SharedProgramItem(_Root):
    """Saved by amplify/dynamodb/shared-program.ts:25-55."""

    attributes: Annotated[
        SharedProgramAttributes,
        App(_ddb("shared-program.ts", 79), "reads item.attributes.isActive"),
    ]
    gsi1pk: Annotated[str, App(_ddb("shared-program.ts", 191), "lists a creator's shares")]
    gsi1sk: Annotated[str, App(_ddb("shared-program.ts", 192), "lists a creator's shares")]
    gsi2pk: Annotated[
        str, App(_ddb("shared-program.ts", 119), "finds a program's share (else shares it again)")
    ]
    gsi2sk: Annotated[
        str, App(_ddb("shared-program.ts", 120), "finds a program's share (else shares it again)")
    ]


class EmotionalSnapshotItem(_Root):
    """EmotionalSnapshot: amplify/functions/libs/memory/emotional-types.ts:13-35; saved by
    amplify/dynamodb/memory.ts:383-400."""

    attributes: Annotated[Map, App(_ddb("memory.ts", 425), "sorts on .timestamp of attributes")]


class EmotionalTrendAttributes(_Shape):
    """EmotionalTrend: amplify/functions/libs/memory/emotional-types.ts:41-65."""

    trend: Annotated[
        Map, App(_lib("memory/emotional.ts", 221), "reads .motivation unguarded (chat)")
    ]
    periodStart: str | None = None


class EmotionalTrendItem(_Root):
    """Saved by amplify/dynamodb/memory.ts:442-460."""

    attributes: Annotated[
        EmotionalTrendAttributes,
        App(_ddb("memory.ts", 481), "sorts on .periodStart of attributes"),
    ]


class ContactFormItem(_Root):
    """ContactFormAttributes: amplify/functions/libs/coach-creator/types.ts:89-96; written by
    amplify/dynamodb/core.ts:482-509, never read back by the app."""

    attributes: Map | None = None


CONTRACTS: dict[str, type[BaseModel]] = {
    "user": UserProfileItem,
    "coachConfig": CoachConfigItem,
    "coachConversation": CoachConversationItem,
    "conversationSummary": ConversationSummaryItem,
    "workout": WorkoutItem,
    "userMemory": UserMemoryItem,
    "coachCreatorSession": CoachCreatorSessionItem,
    "program": ProgramItem,
    "programInsights": ProgramInsightsItem,
    "programDesignerSession": ProgramDesignerSessionItem,
    "exercise": ExerciseItem,
    "analytics": AnalyticsItem,
    "subscription": SubscriptionItem,
    "coachTemplate": CoachTemplateItem,
    "sharedProgram": SharedProgramItem,
    "emotionalSnapshot": EmotionalSnapshotItem,
    "emotionalTrend": EmotionalTrendItem,
    "contactForm": ContactFormItem,
}


# ---------------------------------------------------------------------------------------------
# Checking
# ---------------------------------------------------------------------------------------------
_OWN_SK_PREFIXES = ("idempotency#", "quota#", "meta#", "dedupe#", "migration#")
_OWN_PK_PREFIXES = ("unique#", "quota#", "meta#")
_SOURCE = re.compile(r"amplify/[\w./-]+:\d+(?:-\d+)?")


def _is_app_item(item: dict[str, Any]) -> bool:
    sk, pk = str(item.get("sk", "")), str(item.get("pk", ""))
    if sk in ("counts", "unique") or sk.startswith(_OWN_SK_PREFIXES):
        return False
    if pk.startswith(_OWN_PK_PREFIXES):
        return False
    return isinstance(item.get("entityType"), str)


def _unwrap(tp: Any) -> tuple[Any, list[App]]:
    """Strip Annotated and Optional, collecting App markers on the way."""
    apps: list[App] = []
    while True:
        origin = get_origin(tp)
        if origin is Annotated:
            base, *meta = get_args(tp)
            apps.extend(m for m in meta if isinstance(m, App))
            tp = base
        elif origin in (Union, UnionType):
            members = [a for a in get_args(tp) if a is not type(None)]
            if len(members) != 1:
                return tp, apps
            tp = members[0]
        else:
            return tp, apps


def _apps_along(model: type[BaseModel], loc: tuple[int | str, ...]) -> tuple[list[App], str]:
    """The markers of the deepest cited key on `loc`, and the nearest model's source."""
    current: Any = model
    found: list[App] = []
    source = _source_of(model)
    for part in loc:
        current, apps = _unwrap(current)
        if isinstance(part, int):
            if get_origin(current) is list:
                current, apps = _unwrap(get_args(current)[0])
                found = apps or found
                continue
            break
        if isinstance(current, type) and issubclass(current, BaseModel):
            source = _source_of(current) or source
            info = current.model_fields.get(part)
            if info is None:
                break
            apps = [m for m in info.metadata if isinstance(m, App)]
            current, inner = _unwrap(info.annotation)
            found = apps + inner or found
            continue
        break
    return found, source


def _source_of(model: type[BaseModel]) -> str:
    match = _SOURCE.search(model.__doc__ or "")
    return match.group(0) if match else ""


def _path(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _describe(error: Any) -> str:
    if error["type"] == "missing":
        return "is missing"
    value = error.get("input")
    if value is None:
        return "is null"
    shown = repr(value)
    shown = shown if len(shown) <= 40 else shown[:37] + "..."
    why = error["msg"]
    if error["type"] == "string_pattern_mismatch":
        why = "not an ISO stamp the app's deserializer turns into a Date, core.ts:119"
    return f"is {type(value).__name__} {shown} ({why})"


def violations(item: dict[str, Any]) -> list[str]:
    """What in this stored item the app could not read, one sentence per problem."""
    if not isinstance(item, dict) or not _is_app_item(item):
        return []
    entity = str(item["entityType"])
    model = CONTRACTS.get(entity)
    if model is None:
        return []
    try:
        model.model_validate(item)
    except ValidationError as exc:
        label = f"{entity} {item.get('sk', '?')}"
        found: list[str] = []
        for error in exc.errors():
            loc = tuple(error["loc"])
            if error["type"] == "app_requires":
                ctx = error.get("ctx") or {}
                path = _path((*loc, *str(ctx["key"]).split(".")))
                found.append(
                    f"{label}: {path} {ctx['problem']}; the app {ctx['why']} ({ctx['cite']})"
                )
                continue
            apps, source = _apps_along(model, loc)
            problem = _describe(error)
            null = [a for a in apps if isinstance(a, OnNull)]
            plain = [a for a in apps if not isinstance(a, OnNull)]
            chosen = (null if problem == "is null" else plain) or plain or null
            if chosen:
                reason = f"the app {chosen[0].why} ({chosen[0].cite})"
            else:
                reason = f"the app's type ({source or 'amplify/dynamodb/core.ts:458'})"
            found.append(f"{label}: {_path(loc)} {problem}; {reason}")
        return found
    return []


def check_items(items: Iterable[dict[str, Any]]) -> list[str]:
    """violations() of every item, concatenated."""
    return [problem for item in items for problem in violations(item)]

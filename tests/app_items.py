"""Items in the exact shapes the real NeonPanda app writes, for two athletes, plus their S3 objects.

The NeonPanda TypeScript app (github.com/m3kan1cal/neonpanda-proto-v1) and this GraphQL API
share one DynamoDB table and one content bucket. This module builds a fixture of what the app
itself would have left in that table: every item is a plain JSON-like dict exactly as stored
(the `attributes` envelope of `createDynamoDBItem`, ISO strings where the app's serializer turns
`Date`s into `toISOString()` output, `null` kept, `undefined` keys dropped), not the DynamoDB wire
format. Numbers are Python int/float.

Sourcing: every shape was read from the app at commit c1f1b619b5de5f09e7842ac7d68de1693f3bbecd
(2026-05-18) of m3kan1cal/neonpanda-proto-v1. Each item and each notable field
choice below carries a `path:line` comment into that commit: `dynamodb/...` is
`amplify/dynamodb/...`, `libs/...` and handler directories are under `amplify/functions/`,
`docs/` and `scripts/` are at the repo root. A few legacy records (the
`user#<id>#coach#<coachId>` program, the workout-creator conversation, the oldest summary) follow
the older code that wrote them; those comments name the older commit (`@34782ed1^` is the app
just before 2025-12-07, `@2275ee09^` just before 2026-02-22).

Two app facts worth knowing when reading the data: a workout logged from a program template
has `conversationId: "program_designer"` (a sentinel, not a conversation;
log-workout-template/handler.ts:254), and the embedded `workoutCreatorSession` is stored in the
simplified form of workout-creator/handler-helpers.ts:118-125, not the full TS type.

Everything is derived from the user id, deterministically (hash-derived short ids, fixed
timestamps, no randomness, no clock), so both athletes have the same structure with different
ids and no item of one athlete mentions the other athlete's id. Long prose (coach prompts,
narratives) is shortened; keys, types and nesting are the app's.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
import string
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

__all__ = ["ATHLETE", "OTHER", "all_items", "items_for", "s3_objects"]

Item = dict[str, Any]

ATHLETE = "V1StGXR8_Z5jdHi6B-myT"  # nanoid(21): post-confirmation/handler.ts:172
OTHER = "k9Qw-2xZ_pL7mN4bV8cR1"

APP_COMMIT = "c1f1b619b5de5f09e7842ac7d68de1693f3bbecd"

# Model ids and display names: libs/api-helpers.ts:35-39, 99-124.
HAIKU_DISPLAY = "claude-4.5-haiku"
SONNET_DISPLAY = "claude-sonnet-4.6"
HAIKU_MODEL = "us.anthropic.claude-haiku-4-5-20251001-v1:0"
SONNET_MODEL = "us.anthropic.claude-sonnet-4-6"
LEGACY_SONNET_MODEL = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"  # api-helpers.ts@34782ed1^:22

# Debug/analytics bucket, NOT the content bucket: libs/api-helpers.ts:2980.
LOGS_BUCKET = "midgard-sandbox-logs"
TEMPLATE_ID = "tmpl_bsb_2025_08_23"  # docs/templates/beginner-strength-builder-template.json:6

_BASE36 = string.digits + string.ascii_lowercase  # shortId alphabet: libs/id-utils.ts:22-25
_BASE62 = string.digits + string.ascii_letters
_NANOID = string.ascii_letters + string.digits + "_-"  # nanoid's URL-safe alphabet
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

# ---------------------------------------------------------------------------------------------
# Timeline (UTC). Every stamp is `new Date().toISOString()` style: milliseconds and `Z`
# (libs/../dynamodb/core.ts:65-106 serialises Dates that way; notes §0.3).
# ---------------------------------------------------------------------------------------------
SIGNUP = "2025-11-20T13:20:11.402Z"
SIGNUP_DATE_OBJ = "2025-11-20T13:20:11.398Z"  # the `new Date()` built just before the put
CC_DONE_START = "2025-11-20T13:33:20.001Z"
CC_DONE_USER_1 = "2025-11-20T13:35:00.000Z"
CC_DONE_AI_1 = "2025-11-20T13:35:06.412Z"
CC_DONE_USER_2 = "2025-11-20T13:58:40.000Z"
CC_DONE_AI_2 = "2025-11-20T13:58:47.905Z"
CC_DONE_COMPLETE = "2025-11-20T14:01:00.000Z"
CC_DONE_GEN_START = "2025-11-20T14:01:00.100Z"
COACH_A_CREATED = "2025-11-20T14:03:22.517Z"
LEGACY_CONV_CREATED = "2025-11-24T18:00:00.321Z"
LEGACY_CONV_USER = "2025-11-24T18:01:30.000Z"
LEGACY_CONV_AI = "2025-11-24T18:02:10.480Z"
LEGACY_CONV_RESAVED = "2025-11-24T18:02:10.505Z"
LEGACY_SUMMARY = "2025-11-24T18:20:00.450Z"
LEGACY_PROGRAM_IDS = "2025-11-24T18:28:40.000Z"
LEGACY_PROGRAM_S3 = "2025-11-24T18:29:58.101Z"
LEGACY_PROGRAM_CREATED = "2025-11-24T18:30:00.000Z"
LEGACY_PROGRAM_UPDATED = "2026-01-05T21:14:09.880Z"
ARCHIVED_MEMORY_CREATED = "2025-12-01T09:00:00.000Z"
COACH_B_CREATED = "2026-01-15T19:22:41.090Z"
SUBSCRIPTION_CREATED = "2026-02-01T12:00:00.000Z"
SUB_PERIOD_START = "2026-05-01T12:00:00.000Z"
SUB_PERIOD_END = "2026-06-01T12:00:00.000Z"
COMPRESSED_MEMORY_CREATED = "2026-03-02T18:00:00.000Z"
ARCHIVED_AT = "2026-04-15T06:00:00.350Z"
MONTHLY_S3 = "2026-05-01T10:00:06.500Z"
MONTHLY_CREATED = "2026-05-01T10:00:07.000Z"
PD_START = "2026-05-03T17:43:20.000Z"
PD_USER_1 = "2026-05-03T17:44:00.000Z"
PD_AI_1 = "2026-05-03T17:44:09.250Z"
PD_USER_2 = "2026-05-03T17:57:30.000Z"
PD_AI_2 = "2026-05-03T17:57:41.733Z"
PD_COMPLETE = "2026-05-03T17:58:00.000Z"
PD_GEN_START = "2026-05-03T17:58:05.000Z"
PROGRAM_IDS = "2026-05-03T17:58:06.000Z"
PROGRAM_S3 = "2026-05-03T17:59:58.412Z"
PROGRAM_CREATED = "2026-05-03T18:00:00.000Z"
PD_SOFT_DELETED = "2026-05-03T18:00:00.250Z"
COACH_C_CREATED = "2026-05-04T08:15:30.250Z"
COACH_C_SAVED = "2026-05-04T08:15:30.262Z"
TEMPLATE_POPULARITY = "2026-05-04T08:15:30.390Z"
DIRECTIVE_SET = "2026-05-04T10:00:00.000Z"
CHAT_CREATED = "2026-05-05T07:40:00.123Z"
CHAT_STARTED = "2026-05-05T07:40:00.120Z"
COACH_A_COUNT_1 = "2026-05-05T07:40:00.460Z"
CHAT_U1 = "2026-05-05T07:41:00.000Z"
RUN_DONE = "2026-05-05T06:40:00.000Z"
RUN_SAVED = "2026-05-05T07:41:05.210Z"
CHAT_A1 = "2026-05-05T07:41:06.870Z"
RUN_INSIGHTS = "2026-05-05T07:41:19.640Z"
FRAN_DONE = "2026-05-06T18:30:00.000Z"
CHAT_U2 = "2026-05-06T19:04:00.500Z"
FRAN_SAVED = "2026-05-06T19:04:07.950Z"
CHAT_A2 = "2026-05-06T19:04:09.112Z"
FRAN_INSIGHTS = "2026-05-06T19:04:21.300Z"
COACH_B_ARCHIVED = "2026-05-06T20:00:00.000Z"
CHAT_U3 = "2026-05-10T08:30:00.000Z"
AGENT_MEMORY_CREATED = "2026-05-10T08:30:10.118Z"
CHAT_A3 = "2026-05-10T08:30:12.004Z"
PROSPECTIVE_CREATED = "2026-05-10T08:31:00.290Z"
PROSPECTIVE_SAVED = "2026-05-10T08:31:00.300Z"
WEEKLY_S3 = "2026-05-11T09:00:04.000Z"
WEEKLY_CREATED = "2026-05-11T09:00:05.000Z"
LAST_SENT_WEEKLY = "2026-05-11T09:05:00.412Z"
LAST_SENT_ADHERENCE = "2026-05-11T15:00:03.004Z"
OLY_DONE = "2026-05-12T11:30:00.000Z"
OLY_GENERATED = "2026-05-12T12:13:19.000Z"
OLY_EXTRACTED = "2026-05-12T12:13:19.800Z"
OLY_SAVED = "2026-05-12T12:13:20.410Z"
OLY_INSIGHTS = "2026-05-12T12:13:31.500Z"
OLY_REVIEWED = "2026-05-12T12:13:31.990Z"
OLY_UPDATED = "2026-05-12T12:13:31.992Z"
OLY_EXERCISES = "2026-05-12T12:13:40.000Z"
PROGRAM_UPDATED = "2026-05-12T12:14:00.000Z"
INSIGHTS_CREATED = "2026-05-12T12:15:00.000Z"
PROSPECTIVE_USED = "2026-05-13T07:00:00.050Z"
EDIT_CREATED = "2026-05-13T20:10:00.456Z"
EDIT_STARTED = "2026-05-13T20:10:00.450Z"
COACH_A_COUNT_2 = "2026-05-13T20:10:00.470Z"
EDIT_U1 = "2026-05-13T20:10:40.000Z"
FRAN_EDITED = "2026-05-13T20:11:02.777Z"
EDIT_A1 = "2026-05-13T20:11:03.015Z"
EDIT_TITLED = "2026-05-13T20:11:05.400Z"
SNAPSHOT_1 = "2026-05-13T20:30:01.000Z"
SHARED_S3 = "2026-05-14T09:59:59.870Z"
SHARED_CREATED = "2026-05-14T10:00:00.000Z"
SHARED_VIEWED = "2026-05-15T08:00:00.000Z"
API_MEMORY_CREATED = "2026-05-14T21:05:00.000Z"
COMPRESSED_AT = "2026-05-15T06:00:01.500Z"
BEHAVIORAL_CREATED = "2026-05-15T06:00:02.000Z"
HYROX_DONE = "2026-05-16T09:00:00.000Z"
CHAT_U4 = "2026-05-16T10:02:00.000Z"
HYROX_SAVED = "2026-05-16T10:02:13.020Z"
CHAT_A4 = "2026-05-16T10:02:15.333Z"
HYROX_EXERCISES = "2026-05-16T10:02:30.000Z"
SUMMARY_META = "2026-05-16T10:20:00.441Z"
SUMMARY_SAVED = "2026-05-16T10:20:00.450Z"
CHAT_TAGGED = "2026-05-16T10:20:00.812Z"
EPISODIC_CREATED = "2026-05-16T10:20:01.020Z"
SNAPSHOT_2 = "2026-05-16T10:20:01.000Z"
TREND_CREATED = "2026-05-17T06:00:00.000Z"
LIVING_PROFILE_BUILT = "2026-05-17T09:15:43.870Z"
PROFILE_UPDATED = "2026-05-17T09:15:44.120Z"
CC_OPEN_START = "2026-05-17T19:00:00.000Z"
CC_OPEN_USER = "2026-05-17T19:06:30.000Z"
CC_OPEN_AI = "2026-05-17T19:06:40.250Z"
CC_OPEN_TITLED = "2026-05-17T19:06:42.118Z"
CONTACT_SENT = "2026-05-18T10:00:00.000Z"
TEMPLATE_SEEDED = "2026-01-02T00:00:00.000Z"  # beginner-strength-builder-template.json:100,170

PROGRAM_START = date(2026, 5, 4)  # a Monday; day 9 is 2026-05-12 (the olympic session)
PROGRAM_DAYS = 56
LEGACY_PROGRAM_START = date(2025, 11, 25)
LEGACY_PROGRAM_DAYS = 42


# ---------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------
def _ms(stamp: str) -> int:
    """Epoch milliseconds of an ISO stamp: the `Date.now()` the app embedded in ids."""
    moment = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    return (moment - _EPOCH) // timedelta(milliseconds=1)


def _iso(millis: int) -> str:
    """`new Date(millis).toISOString()`."""
    moment = _EPOCH + timedelta(milliseconds=millis)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _dashed(stamp: str) -> str:
    """`toISOString().replace(/[:.]/g, "-")`, the S3 key timestamp (libs/program/s3-utils.ts:29)."""
    return re.sub(r"[:.]", "-", stamp)


def _day(day: date, offset: int = 0) -> str:
    return (day + timedelta(days=offset)).isoformat()


def _token(user_id: str, label: str, alphabet: str, size: int) -> str:
    """A stable stand-in for a random id part, derived from the athlete and a label."""
    value = int.from_bytes(hashlib.sha256(f"{user_id}|{label}".encode()).digest(), "big")
    chars = []
    for _ in range(size):
        value, rem = divmod(value, len(alphabet))
        chars.append(alphabet[rem])
    return "".join(chars)


def _item(
    entity_type: str,
    pk: str,
    sk: str,
    attributes: Item,
    created: str,
    updated: str,
    **gsi: str,
) -> Item:
    """`createDynamoDBItem` (dynamodb/core.ts:458-473) plus optional gsi1/gsi2 keys.

    No top-level `version` (notes §0.4) and no `ttl` (nothing at HEAD writes one,
    dynamodb/resource.ts:38 only names the attribute)."""
    item: Item = {
        "pk": pk,
        "sk": sk,
        "entityType": entity_type,
        "createdAt": created,
        "updatedAt": updated,
    }
    item.update(gsi)
    item["attributes"] = attributes
    return item


def _todo(
    value: Any = None,
    status: str = "complete",
    confidence: str | None = "high",
    **extra: Any,
) -> Item:
    """TodoItem (libs/todo-types.ts:12-19); undefined optional keys are simply absent."""
    if value is None and status == "pending":
        return {
            "status": "pending",
            "value": None,
        }  # empty item: coach-creator/todo-list-utils.ts:11
    todo: Item = {"status": status, "value": value}
    if confidence is not None:
        todo["confidence"] = confidence
    todo.update(extra)
    return todo


def _todo_list(keys: tuple[str, ...], filled: dict[str, Item]) -> Item:
    """Every key of a todo list; anything not collected stays `{status: pending, value: null}`."""
    return {key: filled.get(key, _todo(status="pending")) for key in keys}


# Coach creator: 22 keys, libs/coach-creator/types.ts:21-65.
COACH_CREATOR_KEYS = (
    "coachGenderPreference",
    "primaryGoals",
    "goalTimeline",
    "age",
    "lifeStageContext",
    "experienceLevel",
    "trainingHistory",
    "trainingFrequency",
    "sessionDuration",
    "timeOfDayPreference",
    "injuryConsiderations",
    "movementLimitations",
    "equipmentAccess",
    "trainingEnvironment",
    "movementPreferences",
    "movementDislikes",
    "coachingStylePreference",
    "motivationStyle",
    "successMetrics",
    "progressTrackingPreferences",
    "competitionGoals",
    "competitionTimeline",
)
# Program designer: 20 keys, libs/program-designer/types.ts:93-125.
PROGRAM_DESIGNER_KEYS = (
    "trainingGoals",
    "targetEvent",
    "programDuration",
    "trainingFrequency",
    "sessionDuration",
    "startDate",
    "restDaysPreference",
    "equipmentAccess",
    "trainingEnvironment",
    "experienceLevel",
    "currentFitnessBaseline",
    "injuryConsiderations",
    "movementPreferences",
    "movementDislikes",
    "trainingMethodology",
    "programFocus",
    "intensityPreference",
    "volumeTolerance",
    "deloadPreference",
    "progressionStyle",
)
# Workout creator (embedded in a conversation): 20 keys, libs/workout-creator/types.ts:14-42.
WORKOUT_CREATOR_KEYS = (
    "exercises",
    "setsOrRounds",
    "repsOrTime",
    "workoutDate",
    "discipline",
    "weights",
    "restPeriods",
    "workoutType",
    "duration",
    "sessionDuration",
    "intensity",
    "rpe",
    "enjoyment",
    "difficulty",
    "location",
    "performanceNotes",
    "heartRate",
    "caloriesBurned",
    "temperature",
    "sleepHours",
)


# ---------------------------------------------------------------------------------------------
# Athletes: names and every id, derived from the user id
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Persona:
    first_name: str
    last_name: str
    email: str  # verbatim from Cognito: post-confirmation/handler.ts:87,216
    username: str  # case kept as typed: post-confirmation/handler.ts:101
    timezone: str
    unit_system: str


_PERSONAS = {
    ATHLETE: Persona(
        "Dana", "Demo", "Dana.Demo@Example.com", "DanaDemo_88", "America/Los_Angeles", "imperial"
    ),
    OTHER: Persona(
        "Sam", "Second", "sam.second@example.com", "sam_second", "Europe/London", "metric"
    ),
}


def _persona(user_id: str) -> Persona:
    if user_id in _PERSONAS:
        return _PERSONAS[user_id]
    slug = re.sub(r"[^a-z0-9]", "", user_id.lower())[:8] or "anon"
    # Username rule `^[a-zA-Z0-9_-]+$`, 3-20 chars: update-user-profile/handler.ts:45-72.
    return Persona(
        "Alex",
        "Tester",
        f"athlete.{slug}@example.com",
        f"athlete_{slug}",
        "America/Los_Angeles",  # signup default: post-confirmation/handler.ts:225
        "imperial",
    )


@dataclass(frozen=True)
class _Athlete:
    user_id: str

    @property
    def persona(self) -> Persona:
        return _persona(self.user_id)

    @property
    def pk(self) -> str:
        return f"user#{self.user_id}"

    def token(self, label: str, alphabet: str = _BASE36, size: int = 9) -> str:
        return _token(self.user_id, label, alphabet, size)

    def scoped_id(self, prefix: str, at: str, label: str) -> str:
        """`${prefix}_${userId}_${Date.now()}_${shortId}`: libs/id-utils.ts:46-140."""
        return f"{prefix}_{self.user_id}_{_ms(at)}_{self.token(label)}"

    def coach_id(self, at: str) -> str:
        # libs/agents/coach-creator/helpers.ts:208; from a template: dynamodb/coach-template.ts:140
        return f"user_{self.user_id}_coach_{_ms(at)}"

    def conversation_id(self, at: str, label: str) -> str:
        # `conv_${Date.now()}_${Math.random().toString(36).substr(2, 9)}`:
        # create-coach-conversation/handler.ts:54 (no user id inside)
        return f"conv_{_ms(at)}_{self.token(label)}"

    def upload(self, label: str, ext: str) -> str:
        # `user-uploads/${userId}/${nanoid()}.${ext}`: generate-upload-urls/handler.ts:83-90
        return f"user-uploads/{self.user_id}/{self.token(label, _NANOID, 21)}.{ext}"

    # --- coaches ---------------------------------------------------------------------------
    @property
    def coach_a(self) -> str:
        return self.coach_id(COACH_A_CREATED)

    @property
    def coach_b(self) -> str:
        return self.coach_id(COACH_B_CREATED)

    @property
    def coach_c(self) -> str:
        return self.coach_id(COACH_C_CREATED)

    # --- conversations -----------------------------------------------------------------------
    @property
    def conv_chat(self) -> str:
        return self.conversation_id(CHAT_CREATED, "conv-chat")

    @property
    def conv_edit(self) -> str:
        return self.conversation_id(EDIT_CREATED, "conv-edit")

    @property
    def conv_legacy(self) -> str:
        return self.conversation_id(LEGACY_CONV_CREATED, "conv-legacy")

    # --- workouts (id minted at extraction, a moment before the save) ----------------------------
    def workout_id(self, saved: str, label: str) -> str:
        return self.scoped_id("workout", _iso(_ms(saved) - 2600), label)

    @property
    def w_run(self) -> str:
        return self.workout_id(RUN_SAVED, "workout-run")

    @property
    def w_fran(self) -> str:
        return self.workout_id(FRAN_SAVED, "workout-fran")

    @property
    def w_oly(self) -> str:
        return self.workout_id(OLY_SAVED, "workout-oly")

    @property
    def w_hyrox(self) -> str:
        return self.workout_id(HYROX_SAVED, "workout-hyrox")

    # --- programs ------------------------------------------------------------------------------
    @property
    def program(self) -> str:
        return self.scoped_id("program", PROGRAM_IDS, "program")

    @property
    def template_day9(self) -> str:
        return self.scoped_id("template", PROGRAM_IDS, "template-day9")

    @property
    def group_day9(self) -> str:
        return self.scoped_id("group", PROGRAM_IDS, "group-day9")

    @property
    def template_day10(self) -> str:
        return self.scoped_id("template", PROGRAM_IDS, "template-day10")

    @property
    def group_day10(self) -> str:
        return self.scoped_id("group", PROGRAM_IDS, "group-day10")

    @property
    def program_key(self) -> str:
        # `programs/${userId}/${programId}_${timestamp}.json`: libs/program/s3-utils.ts:29-32
        return f"programs/{self.user_id}/{self.program}_{_dashed(PROGRAM_S3)}.json"

    @property
    def legacy_program(self) -> str:
        return self.scoped_id("program", LEGACY_PROGRAM_IDS, "program-legacy")

    @property
    def legacy_program_key(self) -> str:
        # same key layout before the PK change: libs/program/s3-utils.ts@34782ed1^:27-30
        return f"programs/{self.user_id}/{self.legacy_program}_{_dashed(LEGACY_PROGRAM_S3)}.json"

    @property
    def legacy_template(self) -> str:
        return self.scoped_id("template", LEGACY_PROGRAM_IDS, "template-legacy")

    @property
    def legacy_group(self) -> str:
        return self.scoped_id("group", LEGACY_PROGRAM_IDS, "group-legacy")

    @property
    def shared_program(self) -> str:
        # `sharedProgram_${nanoid(21)}`, no user id for privacy: libs/id-utils.ts:59-62
        return f"sharedProgram_{self.token('shared-program', _NANOID, 21)}"

    @property
    def shared_key(self) -> str:
        # libs/shared-program/s3-utils.ts:31-34
        return f"sharedPrograms/{self.user_id}/{self.shared_program}_{_dashed(SHARED_S3)}.json"

    # --- sessions ------------------------------------------------------------------------------
    @property
    def cc_done(self) -> str:
        # `coach_creator_${userId}_${Date.now()}`: create-coach-creator-session/handler.ts:18
        return f"coach_creator_{self.user_id}_{_ms(CC_DONE_START)}"

    @property
    def cc_open(self) -> str:
        return f"coach_creator_{self.user_id}_{_ms(CC_OPEN_START)}"

    @property
    def pd_session(self) -> str:
        # `program_designer_${userId}_${Date.now()}`: create-program-designer-session/handler.ts:49
        return f"program_designer_{self.user_id}_{_ms(PD_START)}"

    # --- uploads (content bucket) ------------------------------------------------------------
    @property
    def img_whiteboard(self) -> str:
        return self.upload("img-whiteboard", "jpg")

    @property
    def doc_training_log(self) -> str:
        return self.upload("doc-training-log", "csv")  # doc types: libs/document-types.ts:1-3

    @property
    def img_oly(self) -> str:
        return self.upload("img-oly", "jpg")

    @property
    def img_notebook(self) -> str:
        return self.upload("img-notebook", "png")

    @property
    def img_gym(self) -> str:
        return self.upload("img-gym", "heic")  # image exts: generate-upload-urls/handler.ts:12-14

    # --- memories and snapshots ----------------------------------------------------------------
    def memory_id(self, at: str, label: str) -> str:
        return self.scoped_id("user_memory", at, label)  # libs/id-utils.ts:136-140

    @property
    def agent_memory(self) -> str:
        # `memory_${userId}_${ts}_${Math.random().toString(36).substring(2, 8)}`:
        # libs/agents/shared/tools.ts:389-391 (6 random chars, other prefix)
        suffix = self.token("agent-memory", size=6)
        return f"memory_{self.user_id}_{_ms(AGENT_MEMORY_CREATED)}_{suffix}"

    def snapshot_id(self, at: str, label: str) -> str:
        # `es_${userId}_${Date.now()}_${rand6}`: libs/memory/emotional.ts:94
        return f"es_{self.user_id}_{_ms(at)}_{self.token(label, size=6)}"


# ---------------------------------------------------------------------------------------------
# 1. user profile: dynamodb/user-profile.ts:22-49, shape libs/user/types.ts:6-155
# ---------------------------------------------------------------------------------------------
def _living_profile(a: _Athlete) -> Item:
    """Built in libs/user/living-profile.ts:129-182; saved by build-living-profile/handler:71-73."""
    return {
        "trainingIdentity": {
            "summary": "Intermediate lifter, CrossFit background, now weightlifting-focused",
            "experienceLevel": "intermediate",
            "trainingAge": "3 years",
            "primaryDisciplines": ["olympic_weightlifting", "crossfit", "hyrox"],
            "identityNarrative": "Sees training as stress relief after long shifts",
        },
        "communicationPreferences": {
            "preferredStyle": "Direct and technical",
            "responseLength": "concise",
            "motivationalTriggers": ["PRs", "visible technique progress"],
            "sensitiveTopics": [],
        },
        "lifeContext": {
            "summary": "Works rotating hospital shifts",
            "occupation": "Nurse",
            "schedule": "Rotating shifts, trains mornings when possible",
            "stressors": ["work"],
            "supportFactors": ["partner trains too"],
            "constraints": ["time"],
        },
        "goalsAndProgress": {
            "activeGoals": ["Bodyweight snatch", "Sub-70 Hyrox"],
            "recentMilestones": ["Fran under 8 minutes (scaled)"],
            "currentPhase": "Phase 1: Positions",
            "progressTrajectory": "Consistent improvement",
        },
        "coachingRelationship": {
            "relationshipStage": "developing",  # comment-only enum: libs/user/types.ts:71-155
            "totalConversations": 3,
            "rapport": "good",
            "communicationDynamic": "collaborative",
        },
        "knowledgeGaps": {
            "unknownTopics": ["sleep schedule"],
            "partiallyKnown": ["nutrition"],
            "suggestedQuestions": ["How many hours do you sleep after a night shift?"],
            "lastAssessed": LIVING_PROFILE_BUILT,
        },
        "observedPatterns": {
            "patterns": [
                {
                    "pattern": "Skips Monday sessions after weekend shifts",
                    "confidence": 0.7,
                    "observedCount": 2,
                    "firstObserved": CHAT_U1,
                    "lastObserved": LIVING_PROFILE_BUILT,
                    "category": "adherence",
                }
            ]
        },
        "highlightReel": [
            {
                "moment": "First sub-8 Fran",
                "date": FRAN_DONE,
                "emotionalValence": "positive",
                "significance": "high",
                "themes": ["pr"],
            }
        ],
        # `metadata.lastUpdated`, the only "lastUpdated" in stored shapes: libs/user/types.ts:148
        "metadata": {
            "version": 3,
            "lastUpdated": LIVING_PROFILE_BUILT,
            "lastConversationId": a.conv_chat,
            "confidence": 0.6,
            "sources": ["conversations", "workouts", "memories"],
        },
    }


def _profile(a: _Athlete) -> Item:
    p = a.persona
    attributes: Item = {
        "userId": a.user_id,
        "email": p.email,  # not lower-cased: post-confirmation/handler.ts:216
        "username": p.username,
        "firstName": p.first_name,
        "lastName": p.last_name,
        "displayName": f"{p.first_name} {p.last_name}",  # post-confirmation/handler.ts:215
        "nickname": p.first_name,
        "avatar": {"s3Key": "", "url": ""},  # no avatar upload exists: handler.ts:210-213
        "preferences": {
            "timezone": p.timezone,
            "unitSystem": p.unit_system,
            # unsubscribe-email/handler.ts:71-104 sets individual flags false
            "emailNotifications": {
                "coachCheckIns": False,
                "weeklyReports": True,
                "monthlyReports": True,
                "programUpdates": True,
                "featureAnnouncements": False,
                "programAdherence": True,
            },
            # notify-inactive-users/handler.ts:302-308 (Dates, stored as ISO strings)
            "lastSent": {
                "weeklyReports": LAST_SENT_WEEKLY,
                "programAdherence": LAST_SENT_ADHERENCE,
            },
        },
        "subscription": {},
        "demographics": {},
        "fitness": {},
        "metadata": {"isActive": True},  # filtered on by dynamodb/admin.ts:110
        # signup placeholder, never rewritten; `updatedAt`, not `lastUpdated`:
        # post-confirmation/handler.ts:203-209, libs/user/types.ts:47
        "athleteProfile": {
            "confidence": 0,
            "updatedAt": SIGNUP_DATE_OBJ,
            "sources": [],
            "summary": "",
            "version": 1,
        },
        # libs/user/types.ts:59-64, validated by libs/user/validation.ts:62-76 (<= 500 chars)
        "criticalTrainingDirective": {
            "content": "No kipping or overhead work above bodyweight - left shoulder rehab",
            "enabled": True,
            "createdAt": DIRECTIVE_SET,
            "updatedAt": DIRECTIVE_SET,
        },
        "livingProfile": _living_profile(a),
    }
    # gsi keys recomputed verbatim on every update: dynamodb/user-profile.ts:36-39, 209-211
    return _item(
        "user",
        a.pk,
        "profile",
        attributes,
        SIGNUP,
        PROFILE_UPDATED,
        gsi1pk=f"email#{p.email}",
        gsi1sk="profile",
        gsi2pk=f"username#{p.username}",
        gsi2sk="profile",
    )


# ---------------------------------------------------------------------------------------------
# 2. coachConfig: dynamodb/coach-config.ts:26-46 (UpdateCommand, snake_case attributes,
#    libs/coach-creator/types.ts:245-328). No gsi keys.
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _CoachStyle:
    name: str
    description: str
    gender: str
    personality: str
    secondary: str
    methodology: str
    emphasis: str
    periodization: str
    focus: tuple[str, ...]
    specializations: tuple[str, ...]
    frequency: int


_OLY_COACH = _CoachStyle(
    "Vesper_The_Barbell_Architect",
    "Olympic Lifting Technique Specialist",
    "female",
    "emma",
    "marcus",
    "olympic_weightlifting",
    "technique",
    "block",
    ("strength", "technique"),
    ("snatch", "clean_and_jerk"),
    4,
)
_ENGINE_COACH = _CoachStyle(
    "Rook_The_Engine_Builder",
    "Hybrid Conditioning Coach",
    "male",
    "marcus",
    "alex",
    "hybrid_conditioning",
    "conditioning",
    "undulating",
    ("conditioning", "strength"),
    ("hyrox", "metcons"),
    5,
)


def _generated_coach_config(
    coach_id: str, style: _CoachStyle, created: str, status: str, conversations: int
) -> Item:
    """The coach-creator agent's config: libs/agents/coach-creator/helpers.ts:268-333."""
    return {
        "coach_id": coach_id,
        "coach_name": style.name,
        "coach_description": style.description,
        # "active" at creation (helpers.ts:272); archive: delete-coach-config/handler.ts:46-48
        "status": status,
        "gender_preference": style.gender,
        "selected_personality": {
            "primary_template": style.personality,
            "secondary_influences": [style.secondary],
            "selection_reasoning": "Technical but encouraging for an intermediate athlete",
            "blending_weights": {"primary": 0.7, "secondary": 0.3},
        },
        "selected_methodology": {
            "primary_methodology": style.methodology,
            "methodology_reasoning": "Matches the athlete's stated goals",
            "programming_emphasis": style.emphasis,
            "periodization_approach": style.periodization,
            "creativity_emphasis": "medium_variety",
            "workout_innovation": "moderate",
        },
        "technical_config": {
            "methodology": style.methodology,
            "programming_focus": list(style.focus),
            "experience_level": "intermediate",
            "training_frequency": style.frequency,
            "specializations": list(style.specializations),
            "injury_considerations": ["left shoulder"],
            "goal_timeline": "12 months",
            "preferred_intensity": "moderate",
            "equipment_available": ["barbell", "bumper plates", "squat rack", "rower", "skierg"],
            # strings here (helpers.ts:231-237); template coaches carry a number instead
            "time_constraints": {
                "preferred_time": "morning",
                "session_duration": "60 minutes",
                "weekly_frequency": f"{style.frequency} days per week",
            },
            "safety_constraints": {
                "volume_progression_limit": "5%_weekly",
                "contraindicated_exercises": ["behind_the_neck_press"],
                "required_modifications": ["strict_before_kipping"],
                "recovery_requirements": ["48h_between_heavy_sessions"],
                "safety_monitoring": ["injury_screening", "pain_reporting"],
            },
        },
        "generated_prompts": {
            "personality_prompt": f"You are {style.name.split('_')[0]}, a precise, warm coach.",
            "safety_integrated_prompt": "Protect the left shoulder; scale overhead volume.",
            "motivation_prompt": "Celebrate technique wins as much as PRs.",
            "methodology_prompt": f"Program {style.methodology} with {style.periodization} blocks.",
            "communication_style": "Direct, technical, concise.",
            "learning_adaptation_prompt": "Use video feedback and one cue at a time.",
            "gender_tone_prompt": f"You are a {style.gender.upper()} fitness coach.",
        },
        "modification_capabilities": {
            "enabled_modifications": ["personality_adjustments", "programming_adjustments"],
            "personality_flexibility": "medium",
            "programming_adaptability": "medium",
            "creative_programming": "medium",
            "workout_variety_emphasis": "medium",
            "safety_override_level": "limited",
        },
        "metadata": {
            "version": "1.0",  # string: libs/coach-creator/types.ts:309
            "created_date": created,
            "user_satisfaction": None,  # null is kept (core.ts:82-88 drops only undefined)
            "total_conversations": conversations,
            "safety_profile": {"injuries": ["left shoulder"], "contraindications": []},
            "methodology_profile": {
                "primary": style.methodology,
                "focus": list(style.focus),
                "preferences": ["video_feedback"],
                "experience": ["intermediate"],
            },
            "coach_creator_session_summary": "Intermediate athlete, 4-5 days/week, shoulder rehab.",
            "generation_method": "tool",
            "generation_timestamp": created,
        },
    }


def _template_base_config() -> Item:
    """`base_config` of the seeded Beginner Strength Builder template (prose shortened):
    docs/templates/beginner-strength-builder-template.json:16-162. No `status` key."""
    return {
        "coach_id": "template_placeholder",  # json:17, overridden on copy
        "coach_name": "Emma_The_Foundation_Builder",
        "coach_description": "Beginner-Friendly Foundation Builder",
        "gender_preference": "female",
        "generated_prompts": {
            "communication_style": "Communicate with patience and encouragement...",
            "learning_adaptation_prompt": "New athletes learn best through demonstration...",
            "methodology_prompt": "Program using simple, progressive overload principles...",
            "motivation_prompt": "Focus on building confidence through competence...",
            "personality_prompt": "You are Emma, The Foundation Builder...",
            "safety_integrated_prompt": "Always prioritize safety and proper form...",
            "gender_tone_prompt": "You are a FEMALE fitness coach...",
        },
        "selected_methodology": {
            "methodology_reasoning": "Starting Strength methodology is perfect for beginners...",
            "periodization_approach": "linear",
            "primary_methodology": "STARTING_STRENGTH",
            "programming_emphasis": "strength",
            "creativity_emphasis": "high_variety",
            "workout_innovation": "enabled",
        },
        "selected_personality": {
            "blending_weights": {"primary": 0.85, "secondary": 0.15},
            "primary_template": "emma",
            "secondary_influences": ["alex"],
            "selection_reasoning": "Emma is perfect for beginners...",
        },
        "technical_config": {
            "equipment_available": ["barbell", "dumbbells", "rack", "bench"],
            "experience_level": "beginner",
            "goal_timeline": "6_months",
            "injury_considerations": [],
            "methodology": "starting_strength",
            "preferred_intensity": "low_to_moderate",
            "programming_focus": ["strength", "movement_quality", "habit_formation"],
            "safety_constraints": {
                "contraindicated_exercises": [],
                "recovery_requirements": ["adequate_rest_between_sessions", "proper_sleep"],
                "required_modifications": ["bodyweight_progressions", "light_weight_focus"],
                "safety_monitoring": ["form_over_weight", "conservative_progression"],
                "volume_progression_limit": "10%_weekly",
            },
            "specializations": ["beginner_programming", "movement_fundamentals"],
            # a NUMBER and no preferred_time here, unlike generated coaches: json:92-95
            "time_constraints": {"session_duration": 45, "weekly_frequency": "3_days"},
            "training_frequency": 3,
        },
        "metadata": {
            "coach_creator_session_summary": "Beginner Strength Builder template...",
            "created_date": TEMPLATE_SEEDED,
            "methodology_profile": {
                "experience": ["beginner", "new_to_weightlifting"],
                "focus": ["strength", "movement_quality", "habit_formation"],
                "preferences": ["conservative_progression", "form_focus"],
                "primary": "STARTING_STRENGTH",
            },
            # camelCase keys inside safety_profile as seeded: json:111-143
            "safety_profile": {
                "contraindications": [],
                "environmentalFactors": ["gym_intimidation"],
                "equipment": ["barbell", "dumbbells", "rack", "bench"],
                "experienceLevel": "BEGINNER",
                "injuries": [],
                "riskFactors": ["inexperience"],
                "timeConstraints": {"session_duration": 45},
            },
            "total_conversations": 0,
            "user_satisfaction": None,
            "version": "1.0",
        },
        "modification_capabilities": {
            "enabled_modifications": ["progression_speed_adjustments", "exercise_modifications"],
            "personality_flexibility": "high",
            "programming_adaptability": "high",
            "creative_programming": "high",
            "workout_variety_emphasis": "high",
            "safety_override_level": "maximum",
        },
    }


def _coaches(a: _Athlete) -> list[Item]:
    # Active coach after a conversation-count update: create-coach-conversation/handler.ts:116-128
    # passes getCoachConfig()'s object back, which carries camelCase createdAt/updatedAt copied
    # from the item root (coach-config.ts:62-66) -> they land INSIDE attributes. The inner
    # updatedAt is the root value as loaded, i.e. the previous save's.
    active = _generated_coach_config(a.coach_a, _OLY_COACH, COACH_A_CREATED, "active", 3)
    active["createdAt"] = COACH_A_CREATED
    active["updatedAt"] = COACH_A_COUNT_1
    # Archived: updateCoachConfig deepMerge `{status: "archived"}` + Put (coach-config.ts:72-110),
    # called from delete-coach-config/handler.ts:46-48; never had a conversation.
    archived = _generated_coach_config(a.coach_b, _ENGINE_COACH, COACH_B_CREATED, "archived", 0)
    # From a template: {...base_config, coach_id, metadata: {...}} with NO status and no
    # generation_method: dynamodb/coach-template.ts:144-156.
    base = _template_base_config()
    from_template = {
        **base,
        "coach_id": a.coach_c,
        "metadata": {
            **base["metadata"],
            "created_date": COACH_C_CREATED,
            "total_conversations": 0,
            "user_satisfaction": None,
        },
    }
    # createdAt = if_not_exists(createdAt, :now); creationTimestamp = created_date for the agent
    # path (libs/agents/coach-creator/tools.ts:1186-1199), plain now for templates.
    return [
        _item(
            "coachConfig",
            a.pk,
            f"coach#{a.coach_a}",
            active,
            COACH_A_CREATED,
            COACH_A_COUNT_2,
        ),
        _item(
            "coachConfig",
            a.pk,
            f"coach#{a.coach_b}",
            archived,
            COACH_B_CREATED,
            COACH_B_ARCHIVED,
        ),
        _item(
            "coachConfig",
            a.pk,
            f"coach#{a.coach_c}",
            from_template,
            COACH_C_SAVED,
            COACH_C_SAVED,
        ),
    ]


# ---------------------------------------------------------------------------------------------
# 3. coachConversation: dynamodb/coach-conversation.ts:54-66, libs/coach-conversation/types.ts
# ---------------------------------------------------------------------------------------------
def _user_message(
    at: str, content: str, images: list[str] | None = None, documents: list[str] | None = None
) -> Item:
    """`buildUserMessage` (libs/coach-conversation/message-utils.ts:84-107): messageType is
    omitted without attachments, text_with_images for images only, text_with_attachments as
    soon as a document is attached."""
    message: Item = {"id": f"msg_{_ms(at)}_user", "role": "user", "content": content}
    message["timestamp"] = at
    if images:
        message["imageS3Keys"] = images
    if documents:
        message["documentS3Keys"] = documents
    if images or documents:
        message["messageType"] = "text_with_attachments" if documents else "text_with_images"
    return message


def _tool_call(a: _Athlete, at: str, index: int, name: str, duration: int) -> Item:
    """ToolCallRecord: libs/agents/core/v2/tools/tool-types.ts:171-188, built agent.ts:461-477
    (toolInput/errorMessage/errorCode undefined -> dropped)."""
    started = _ms(at) - 6000 + index * 900
    return {
        "toolUseId": f"tooluse_{a.token(f'{at}-{index}', _BASE62, 22)}",
        "toolName": name,
        "status": "complete",
        "iteration": index + 1,
        "contentOffset": index * 120,
        "startedAtMs": started,
        "durationMs": duration,
        "resultSummary": f"{name} ok",
    }


def _assistant_message(
    a: _Athlete,
    at: str,
    content: str,
    mode: str,
    tools: tuple[tuple[str, int], ...],
    model: str = HAIKU_DISPLAY,
    with_tokens: bool = True,
) -> Item:
    """Streaming assistant turn: stream-coach-conversation/handler.ts:905-945 (model display
    name, mode, tokens, then the untyped `metadata.agent` block). The program designer's turns
    have no `tokens`: stream-program-designer-session/handler.ts:442-462."""
    input_tokens, output_tokens = 4800 + 350 * len(tools), 260 + 40 * len(tools)
    metadata: Item = {"model": model, "mode": mode}
    if with_tokens:
        metadata["tokens"] = input_tokens + output_tokens
    metadata["agent"] = {
        "toolsUsed": [name for name, _ in tools],
        "toolCalls": [_tool_call(a, at, i, n, d) for i, (n, d) in enumerate(tools)],
        "totalInputTokens": input_tokens,
        "totalOutputTokens": output_tokens,
        "iterationCount": len(tools) + 1,
    }
    message: Item = {"id": f"msg_{_ms(at)}_assistant", "role": "assistant", "content": content}
    return {**message, "timestamp": at, "metadata": metadata}


def _conversation_item(
    a: _Athlete,
    conversation_id: str,
    coach_id: str,
    attributes: Item,
    created: str,
    updated: str,
) -> Item:
    return _item(
        "coachConversation",
        a.pk,
        f"coachConversation#{coach_id}#{conversation_id}",  # coach-conversation.ts:60
        {"conversationId": conversation_id, "coachId": coach_id, "userId": a.user_id, **attributes},
        created,
        updated,
    )


def _chat_conversation(a: _Athlete) -> Item:
    messages = [
        _user_message(CHAT_U1, "Easy 5k shakeout this morning, 28:40, felt smooth."),
        _assistant_message(
            a,
            CHAT_A1,
            "Logged your easy 5k - nice controlled pace.",
            "chat",
            (("log_workout", 3120),),
        ),
        _user_message(
            CHAT_U2,
            "Fran today: 65 lb thrusters and banded pull-ups. Whiteboard attached.",
            images=[a.img_whiteboard],
        ),
        _assistant_message(
            a,
            CHAT_A2,
            "Fran logged at 8:12 scaled - your thruster sets stayed unbroken.",
            "chat",
            (("log_workout", 4410), ("get_recent_workouts", 380)),
        ),
        _user_message(
            CHAT_U3,
            "Here's my training log export from my old app.",
            documents=[a.doc_training_log],
        ),
        _assistant_message(
            a,
            CHAT_A3,
            "Read it - your squat volume doubled last autumn. I saved that for later.",
            "chat",
            (("save_memory", 250), ("retrieve_memories", 300)),
            model=SONNET_DISPLAY,
        ),
        _user_message(CHAT_U4, "Hyrox sim this morning: 4 x 1k runs plus stations, 65 minutes."),
        _assistant_message(
            a, CHAT_A4, "Logged the Hyrox sim - runs were even.", "chat", (("log_workout", 3900),)
        ),
    ]
    attributes: Item = {
        "title": "Weekly check-ins",  # set by build-conversation-title/handler.ts:270
        "mode": "chat",
        "messages": messages,
        "metadata": {
            "startedAt": CHAT_STARTED,  # startedAt, not createdAt: types.ts:120-127
            # last nested update: tags from the summary (build-conversation-summary:257-264 ->
            # coach-conversation.ts:447-482 sets lastActivity and root updatedAt)
            "lastActivity": CHAT_TAGGED,
            "totalMessages": len(messages),
            "isActive": True,
            "tags": ["olympic_lifting", "conditioning", "program_adherence"],
            # written by coach-conversation.ts:335-337 though absent from the TS type
            "sessionProgramContext": {"programId": a.program, "programName": _PROGRAM_NAME},
        },
    }
    return _conversation_item(a, a.conv_chat, a.coach_a, attributes, CHAT_CREATED, CHAT_TAGGED)


def _edit_conversation(a: _Athlete) -> Item:
    messages = [
        _user_message(EDIT_U1, "My Fran time was actually 7:48, not 8:12 - can you fix it?"),
        _assistant_message(
            a,
            EDIT_A1,
            "Updated Fran to 7:48. That's a new best!",
            "workout_edit",
            (("load_workout_details", 210), ("apply_workout_edits", 640)),
        ),
    ]
    attributes: Item = {
        "title": "Fix Fran time",
        "mode": "workout_edit",
        "messages": messages,
        "metadata": {
            "startedAt": EDIT_STARTED,
            "lastActivity": EDIT_TITLED,
            "totalMessages": len(messages),
            "isActive": True,
            "tags": ["workout_edit"],  # default tags: create-coach-conversation/handler.ts:46-51
            # server-validated edit binding: types.ts:76-79, coach-conversation.ts:334
            "editContext": {"entityType": "workout", "entityId": a.w_fran},
        },
    }
    return _conversation_item(a, a.conv_edit, a.coach_a, attributes, EDIT_CREATED, EDIT_TITLED)


def _legacy_workout_log_conversation(a: _Athlete) -> Item:
    """Multi-turn workout logging, full re-save path: workout-creator/handler-helpers.ts:118-159
    (identical at @34782ed1^:99-142, when it was still called). The conversation loaded through
    getCoachConversation (coach-conversation.ts:83-87) is Put back, so attributes carry
    createdAt/updatedAt and the root createdAt is reset to the save time."""
    history: list[Item] = [
        # libs/workout-creator/conversation-handler.ts:126-136 (role "user", ISO string stamp)
        {
            "role": "user",
            "content": "Logging yesterday's session - photo of my notebook.",
            "timestamp": LEGACY_CONV_USER,
            "imageS3Keys": [a.img_notebook],
            "messageType": "text_with_images",
        },
        # conversation-handler.ts:320-324 (role "ai")
        {
            "role": "ai",
            "content": "Got it! What weights did you use for the back squats?",
            "timestamp": LEGACY_CONV_AI,
        },
    ]
    todo = _todo_list(
        WORKOUT_CREATOR_KEYS,
        {
            # imageRefs on image-derived fields only: workout-creator/todo-extraction.ts:231-241
            "exercises": _todo(
                "Back squat 5x5, walking lunges 3x12",
                extractedFrom="message_0",
                imageRefs=[a.img_notebook],
            ),
            "setsOrRounds": _todo(5, extractedFrom="message_0", imageRefs=[a.img_notebook]),
            "repsOrTime": _todo("5 reps", confidence="medium", extractedFrom="message_0"),
            "workoutDate": _todo("2025-11-23", extractedFrom="message_0"),
            "discipline": _todo("functional_bodybuilding", confidence="medium"),
        },
    )
    # Stored simplified form, not the full WorkoutCreatorSession type: handler-helpers.ts:118-125
    session = {
        "todoList": todo,
        "conversationHistory": history,
        "startedAt": LEGACY_CONV_USER,
        "lastActivity": LEGACY_CONV_AI,
        "imageS3Keys": [a.img_notebook],
        "turnCount": 1,
    }
    messages = [
        _user_message(LEGACY_CONV_USER, history[0]["content"], images=[a.img_notebook]),
        {
            "id": f"msg_{_ms(LEGACY_CONV_AI)}_assistant",
            "role": "assistant",
            "content": history[1]["content"],
            "timestamp": LEGACY_CONV_AI,
            # only model + mode on this path: handler-helpers.ts:143-146
            "metadata": {"model": HAIKU_DISPLAY, "mode": "workout_log"},
        },
    ]
    attributes: Item = {
        "title": "New Conversation",
        "mode": "workout_log",  # handler-helpers.ts:128-129
        "messages": messages,
        "metadata": {
            "startedAt": LEGACY_CONV_CREATED,
            "lastActivity": LEGACY_CONV_AI,
            "totalMessages": len(messages),
            "isActive": True,
            "tags": [],
        },
        "workoutCreatorSession": session,
        "createdAt": LEGACY_CONV_CREATED,
        "updatedAt": LEGACY_CONV_CREATED,
    }
    return _conversation_item(
        a, a.conv_legacy, a.coach_a, attributes, LEGACY_CONV_RESAVED, LEGACY_CONV_RESAVED
    )


# ---------------------------------------------------------------------------------------------
# 4. conversationSummary: dynamodb/coach-conversation.ts:571-592 (sk has no coach id)
# ---------------------------------------------------------------------------------------------
def _summary_item(a: _Athlete, conversation_id: str, body: Item, saved: str) -> Item:
    attributes = {
        # `conversation_summary_${conversationId}`: libs/coach-conversation/summary.ts:292
        "summaryId": f"conversation_summary_{conversation_id}",
        "userId": a.user_id,
        "coachId": a.coach_a,
        "conversationId": conversation_id,
        **body,
    }
    sk = f"conversation#{conversation_id}#summary"  # coach-conversation.ts:577
    return _item("conversationSummary", a.pk, sk, attributes, saved, saved)


def _summaries(a: _Athlete) -> list[Item]:
    first = a.persona.first_name
    # v2: narrative + flat structuredData, built at libs/coach-conversation/summary.ts:291-308
    current = {
        "narrative": f"{first} is building toward a bodyweight snatch while keeping conditioning.",
        "structuredData": {
            "current_goals": ["Bodyweight snatch by October", "Sub-70 Hyrox"],
            "recent_progress": ["Fran 7:48 scaled", "Even 1k splits in Hyrox sim"],
            "training_preferences": ["Morning sessions", "Block periodization"],
            "schedule_constraints": ["Rotating shifts"],
            "key_insights": ["Early arm bend in the snatch"],
            "important_context": ["Left shoulder rehab"],
            "conversation_tags": ["olympic_lifting", "conditioning", "program_adherence"],
        },
        "metadata": {
            "createdAt": SUMMARY_META,
            "messageRange": {
                "startMessageId": f"msg_{_ms(CHAT_U1)}_user",
                "endMessageId": f"msg_{_ms(CHAT_A4)}_assistant",
                "totalMessages": 8,
            },
            "triggerReason": "complexity",
            "complexityIndicators": ["multiple_workouts"],  # only when non-empty: summary:302-305
            "confidence": 0.82,
        },
    }
    # Oldest records: v1 nested structuredData (types.ts@2275ee09^:171-192, still declared as
    # legacy at HEAD types.ts:196-211) with the even older flat `summary` string that readers
    # accept (memory/process-memory-lifecycle/handler.ts:176-177, build-living-profile:54-57).
    legacy = {
        "summary": f"{first} logged a lower-body session from a notebook photo.",
        "structuredData": {
            "current_goals": ["Get stronger legs"],
            "recent_progress": ["Back squat 5x5"],
            "preferences": {
                "communication_style": "brief",
                "training_preferences": ["barbell work"],
                "schedule_constraints": ["night shifts"],
            },
            "methodology_preferences": {
                "mentioned_methodologies": ["5x5"],
                "preferred_approaches": ["linear progression"],
                "methodology_questions": [],
            },
            "emotional_state": {  # a MAP in v1
                "current_mood": "tired but motivated",
                "motivation_level": "high",
                "confidence_level": "medium",
            },
            "key_insights": ["Logs from paper notes"],
            "important_context": ["Shift worker"],
            "conversation_tags": ["workout_logging"],
        },
        "metadata": {
            "createdAt": LEGACY_SUMMARY,
            "messageRange": {
                "startMessageId": f"msg_{_ms(LEGACY_CONV_USER)}_user",
                "endMessageId": f"msg_{_ms(LEGACY_CONV_AI)}_assistant",
                "totalMessages": 2,
            },
            "triggerReason": "message_count",
            "confidence": 0.64,
        },
    }
    return [
        _summary_item(a, a.conv_chat, current, SUMMARY_SAVED),
        _summary_item(a, a.conv_legacy, legacy, LEGACY_SUMMARY),
    ]


# ---------------------------------------------------------------------------------------------
# 5. workout: dynamodb/workout.ts:25-56, libs/workout/types.ts:56-985
# ---------------------------------------------------------------------------------------------
def _workout_data(
    a: _Athlete,
    workout_id: str,
    completed: str,
    discipline: str,
    name: str,
    kind: str,
    duration: int,
    specific: Item,
    logged_via: str = "conversation",
    generated: str | None = None,
) -> Item:
    """UniversalWorkoutSchema (types.ts:109-128) with WorkoutMetadata (types.ts:971-985)."""
    return {
        "workout_id": workout_id,
        "user_id": a.user_id,
        "date": completed[:10],
        "discipline": discipline,
        "workout_name": name,
        "workout_type": kind,  # schema enum: libs/schemas/workout-schema.ts:89-101
        "duration": duration,
        "discipline_specific": {discipline: specific},
        "pr_achievements": [],
        "metadata": {
            "logged_via": logged_via,
            "data_confidence": 0.9,
            "ai_extracted": True,
            "user_verified": False,
            "version": "1.0",  # a string: types.ts:977
            "schema_version": "2.0",
            "extraction_method": "tool",
            "generation_method": "tool",  # workout-logger/tools.ts:466-467
            "generation_timestamp": generated or _iso(_ms(completed) + 60_000),
        },
    }


def _insights(generated: str, comparison: str, scaling: str | None) -> Item:
    """WorkoutInsights (types.ts:39-54), added by build-workout-analysis/handler.ts:146-160."""
    return {
        "performanceComparison": comparison,
        "achievements": None,
        "scalingAnalysis": scaling,
        "recoveryImpact": "Moderate",
        "coachNote": "Good session - keep the positions crisp.",
        "generatedAt": generated,
        "modelId": HAIKU_MODEL,
    }


def _workout_item(
    a: _Athlete,
    data: Item,
    conversation_id: str,
    completed: str,
    saved: str,
    updated: str,
    summary: str,
    extra: Item | None = None,
    **gsi: str,
) -> Item:
    """Logger's workout object: libs/agents/workout-logger/tools.ts:1281-1305. `reviewedAt` is
    set at save and again by every updateWorkout (workout.ts:528-530)."""
    attributes: Item = {
        "workoutId": data["workout_id"],
        "userId": a.user_id,
        "coachIds": [a.coach_a],
        "coachNames": [_OLY_COACH.name],
        "conversationId": conversation_id,
        "completedAt": completed,  # ISO string; filtered BETWEEN as strings (workout.ts:205-223)
        "workoutData": data,
        "summary": summary,
        "extractionMetadata": {
            "confidence": 0.9,
            "extractedAt": _iso(_ms(saved) - 600),
            "reviewedBy": "system",
            "reviewedAt": updated,
            "normalizationSummary": "No normalization performed",
        },
    }
    attributes.update(extra or {})
    return _item(
        "workout", a.pk, f"workout#{data['workout_id']}", attributes, saved, updated, **gsi
    )


def _olympic_workout(a: _Athlete) -> Item:
    lifts = [
        {
            "lift_name": "Snatch",
            "lift_category": "competition_lift",
            "variation": "hang",
            "sets": [  # OlympicLiftSet: types.ts:723-733
                {"set_number": 1, "weight": 45, "weight_unit": "kg", "reps": 2, "success": True},
                {"set_number": 2, "weight": 50, "weight_unit": "kg", "reps": 2, "success": True},
            ],
        }
    ]
    specific = {"session_type": "technique", "competition_prep": False, "lifts": lifts}
    data = _workout_data(
        a,
        a.w_oly,
        OLY_DONE,
        "olympic_weightlifting",
        "Snatch Complex Day",
        "strength",
        55,
        specific,
        logged_via="training_program",  # libs/program/logging-utils.ts:117
        generated=OLY_GENERATED,
    )
    extra: Item = {
        "templateId": a.template_day9,  # tools.ts:1290-1293 (from templateContext)
        "groupId": a.group_day9,
        "imageS3Keys": [a.img_oly],  # tools.ts:1294
        "insights": _insights(OLY_INSIGHTS, "Volume up 10% vs last week", "Followed prescription"),
    }
    item = _workout_item(
        a,
        data,
        # program built by the designer has creationConversationId "", so template logging
        # falls back to the literal "program_designer": log-workout-template/handler.ts:254
        "program_designer",
        OLY_DONE,
        OLY_SAVED,
        OLY_UPDATED,
        "Hang snatch technique session up to 50kg for doubles.",
        extra,
        # both GSIs because groupId/templateId are set: workout.ts:35-44
        gsi1pk=f"group#{a.group_day9}",
        gsi1sk=f"workout#{a.w_oly}",
        gsi2pk=f"template#{a.template_day9}",
        gsi2sk=f"workout#{a.w_oly}",
    )
    meta = item["attributes"]["extractionMetadata"]
    meta["extractedAt"] = OLY_EXTRACTED
    meta["reviewedAt"] = OLY_REVIEWED  # updateWorkout stamps the Date a moment before the root
    # scalingAnalysis from log-workout-template becomes templateComparison: tools.ts:1301-1303
    meta["templateComparison"] = {
        "wasScaled": False,
        "modifications": [],
        "adherenceScore": 0.95,
        "analysisConfidence": 0.8,
    }
    return item


def _hyrox_workout(a: _Athlete) -> Item:
    # HyroxWorkout: types.ts:672-698 (nullable fields stored as null)
    specific = {
        "race_or_training": "training",
        "division": None,
        "total_time": 3900,
        "stations": [
            {"station_number": 1, "station_name": "SkiErg", "distance": 1000, "time": 245},
            {"station_number": 2, "station_name": "Sled Push", "distance": 50, "time": 180},
        ],
        "runs": [
            {"run_number": 1, "distance": 1000, "time": 290, "pace": "4:50"},
            {"run_number": 2, "distance": 1000, "time": 295, "pace": "4:55"},
        ],
        "performance_notes": None,
    }
    data = _workout_data(
        a, a.w_hyrox, HYROX_DONE, "hyrox", "Hyrox Simulation", "competition", 65, specific
    )
    # no insights yet (analysis is async and optional): types.ts:91
    return _workout_item(
        a,
        data,
        a.conv_chat,
        HYROX_DONE,
        HYROX_SAVED,
        HYROX_SAVED,
        "Hyrox simulation with even 1k splits.",
    )


def _crossfit_workout(a: _Athlete) -> Item:
    # CrossFitWorkout with rounds: types.ts:177-240
    def exercise(name: str, movement: str, reps: int, weight: Item | None = None) -> Item:
        entry: Item = {"exercise_name": name, "movement_type": movement}
        if weight is not None:
            entry["weight"] = weight
        entry["reps"] = {"prescribed": reps, "completed": reps}
        return entry

    thruster = {"value": 65, "unit": "lbs", "rx_weight": 95, "scaled_weight": 65}
    rounds = [
        {
            "round_number": number,
            "rep_scheme": str(reps),
            "exercises": [
                exercise("Thruster", "barbell", reps, thruster),
                {**exercise("Pull-up", "gymnastics", reps), "assistance": "band"},
            ],
        }
        for number, reps in enumerate((21, 15, 9), start=1)
    ]
    specific = {
        "workout_format": "for_time",
        "time_cap": 900,
        "rx_status": "scaled",
        "rounds": rounds,
        "performance_data": {
            "total_time": 468,
            "rounds_completed": 3,
            "total_reps": 90,
            "score": {"value": "7:48", "type": "time"},
        },
    }
    data = _workout_data(a, a.w_fran, FRAN_DONE, "crossfit", "Fran", "hybrid", 8, specific)
    extra: Item = {
        # root workoutName appears only after updateWorkout (workout.ts:520-525)
        "workoutName": "Fran",
        "insights": _insights(FRAN_INSIGHTS, "Fastest Fran logged", "Scaled load and pull-ups"),
    }
    return _workout_item(
        a,
        data,
        a.conv_chat,
        FRAN_DONE,
        FRAN_SAVED,
        FRAN_EDITED,  # edited through the workout_edit conversation
        "Fran scaled (65 lb, banded) in 7:48.",
        extra,
    )


def _running_workout(a: _Athlete) -> Item:
    # RunningWorkout: types.ts:249-302, RunningSegment: 304-323
    specific = {
        "run_type": "easy",
        "total_distance": 5,
        "distance_unit": "km",
        "total_time": 1720,
        "average_pace": "5:44",
        "surface": "road",
        "segments": [
            {
                "segment_number": 1,
                "segment_type": "main",
                "distance": 5,
                "time": 1720,
                "pace": "5:44",
                "effort_level": "easy",
                "terrain": "flat",
            }
        ],
    }
    data = _workout_data(a, a.w_run, RUN_DONE, "running", "Easy 5k", "cardio", 29, specific)
    extra = {"insights": _insights(RUN_INSIGHTS, "Easy pace held", None)}
    return _workout_item(
        a, data, a.conv_chat, RUN_DONE, RUN_SAVED, RUN_INSIGHTS, "Easy 5k in 28:40.", extra
    )


# ---------------------------------------------------------------------------------------------
# 6. coachCreatorSession: dynamodb/coach-creator.ts:26-44 (createdAt = startedAt, updatedAt =
#    lastActivity, no ttl), shape libs/coach-creator/types.ts:98-133
# ---------------------------------------------------------------------------------------------
def _creator_user(a: _Athlete, at: str, content: str) -> Item:
    # libs/coach-creator/conversation-handler.ts:40-46
    message = {"id": f"msg_{_ms(at)}_{a.user_id}_user", "role": "user", "content": content}
    return {**message, "timestamp": at, "messageType": "text"}


def _creator_ai(a: _Athlete, at: str, content: str, done: int | None) -> Item:
    """First turn: create-coach-creator-session/handler.ts:53-73; later turns:
    libs/coach-creator/conversation-handler.ts:113-127."""
    metadata: Item = {"mode": "coach_creator", "isQuestion": done is None or done < 22}
    if done is not None:
        metadata["progress"] = {"completed": done, "total": 22, "percentage": round(done / 0.22)}
    return {
        "id": f"msg_{_ms(at)}_{a.user_id}_assistant",
        "role": "assistant",
        "content": content,
        "timestamp": at,
        "metadata": metadata,
    }


_CREATOR_ANSWERS: dict[str, Any] = {
    "coachGenderPreference": "female",
    "primaryGoals": "Bodyweight snatch and better conditioning",
    "goalTimeline": "12 months",
    "age": 34,
    "lifeStageContext": "Full-time nurse on rotating shifts",
    "experienceLevel": "intermediate",
    "trainingHistory": "3 years CrossFit, 1 year weightlifting",
    "trainingFrequency": 4,
    "sessionDuration": "60 minutes",
    "timeOfDayPreference": "morning",
    "injuryConsiderations": "Left shoulder impingement (rehabbed)",
    "movementLimitations": "Limited overhead mobility on the left",
    "equipmentAccess": ["barbell", "bumper plates", "squat rack", "jerk blocks"],
    "trainingEnvironment": "CrossFit box with a lifting platform",
    "movementPreferences": ["snatch", "front squat"],
    "movementDislikes": ["long steady cardio"],
    "coachingStylePreference": "Direct and technical",
    "motivationStyle": "PRs and visible progress",
    "successMetrics": ["snatch 1RM", "clean & jerk 1RM"],
    "progressTrackingPreferences": "Weekly check-ins with video review",
    "competitionGoals": "Local weightlifting meet",
    "competitionTimeline": "June 2026",
}


def _completed_creator_session(a: _Athlete) -> Item:
    source = f"msg_{_ms(CC_DONE_USER_1)}_{a.user_id}_user"
    todo = {
        key: _todo(value, confidence="high" if i % 3 else "medium", extractedFrom=source)
        for i, (key, value) in enumerate(_CREATOR_ANSWERS.items())
    }
    history = [
        _creator_ai(a, CC_DONE_START, "Hey! Ready to create your AI coach?", None),
        _creator_user(a, CC_DONE_USER_1, "I want a female coach for oly lifting."),
        _creator_ai(a, CC_DONE_AI_1, "Great - what are your main goals?", 2),
        _creator_user(a, CC_DONE_USER_2, "That's everything - let's build it."),
        _creator_ai(a, CC_DONE_AI_2, "Building your coach now!", 22),
    ]
    attributes: Item = {
        "userId": a.user_id,
        "sessionId": a.cc_done,
        "title": "Olympic lifting coach",
        "todoList": _todo_list(COACH_CREATOR_KEYS, todo),
        "conversationHistory": history,
        "sophisticationLevel": "INTERMEDIATE",  # types.ts:4-8
        "isComplete": True,
        # soft delete after the build: libs/agents/coach-creator/tools.ts:1229-1240
        "isDeleted": True,
        "startedAt": CC_DONE_START,
        "lastActivity": COACH_A_CREATED,
        "completedAt": CC_DONE_COMPLETE,
        "progressDetails": {
            "questionsCompleted": 22,
            "totalQuestions": 22,
            "percentage": 100,
            "sophisticationLevel": "INTERMEDIATE",
            "currentQuestion": 23,
        },
        "configGeneration": {
            "status": "COMPLETE",
            "startedAt": CC_DONE_GEN_START,
            "completedAt": COACH_A_CREATED,
            "coachConfigId": a.coach_a,
        },
    }
    sk = f"coachCreatorSession#{a.cc_done}"  # coach-creator.ts:35
    return _item("coachCreatorSession", a.pk, sk, attributes, CC_DONE_START, COACH_A_CREATED)


def _open_creator_session(a: _Athlete) -> Item:
    answered = list(_CREATOR_ANSWERS.items())[:6]
    todo = {key: _todo(value) for key, value in answered}
    todo["primaryGoals"] = _todo("Sub-70 Hyrox in the autumn")
    todo["trainingHistory"] = _todo(
        "Some running", status="in_progress", confidence="low", notes="Ask about run volume"
    )
    history = [
        _creator_ai(a, CC_OPEN_START, "Hey! Ready to create your AI coach?", None),
        _creator_user(a, CC_OPEN_USER, "I want a Hyrox coach this time."),
        _creator_ai(a, CC_OPEN_AI, "Love it - how long have you been running?", 6),
    ]
    attributes: Item = {
        "userId": a.user_id,
        "sessionId": a.cc_open,
        # title + lastActivity via the nested UpdateCommand: coach-creator.ts:69-126
        "title": "Hyrox race coach",
        "todoList": _todo_list(COACH_CREATOR_KEYS, todo),
        "conversationHistory": history,
        "sophisticationLevel": "INTERMEDIATE",
        "isComplete": False,
        "startedAt": CC_OPEN_START,
        "lastActivity": CC_OPEN_TITLED,
        "progressDetails": {
            "questionsCompleted": 6,
            "totalQuestions": 22,
            "percentage": 27,
            "sophisticationLevel": "INTERMEDIATE",
            "currentQuestion": 7,
        },
    }
    sk = f"coachCreatorSession#{a.cc_open}"
    return _item("coachCreatorSession", a.pk, sk, attributes, CC_OPEN_START, CC_OPEN_TITLED)


# ---------------------------------------------------------------------------------------------
# 7. userMemory: dynamodb/memory.ts:30-54, libs/memory/types.ts:26-102
# ---------------------------------------------------------------------------------------------
def _lifecycle(importance: str, at: str, **changes: Any) -> Item:
    """`initializeLifecycle` (libs/memory/lifecycle.ts:138-147; stability 30/15/7: lines 35-39)."""
    stability = {"high": 30, "medium": 15, "low": 7}[importance]
    state: Item = {"state": "active", "stability": stability, "reinforcementCount": 0}
    state["lastReinforcedAt"] = at
    state.update(changes)
    return state


def _memory(
    a: _Athlete,
    memory_id: str,
    coach_id: str | None,
    content: str,
    memory_type: str,
    created: str,
    source: str,
    importance: str,
    tags: list[str],
    updated: str | None = None,
    last_used: str | None = None,
    usage: int = 0,
    **metadata: Item,
) -> Item:
    meta: Item = {"createdAt": created}
    if last_used is not None:
        meta["lastUsed"] = last_used
    meta.update({"usageCount": usage, "source": source, "importance": importance, "tags": tags})
    meta.update(metadata)  # prospective / lifecycle when the creation site adds them
    attributes: Item = {
        "memoryId": memory_id,
        "userId": a.user_id,
        "coachId": coach_id,  # undefined -> null before save: memory.ts:34-37
        "content": content,
        "memoryType": memory_type,  # types.ts:16-24
        "metadata": meta,
    }
    sk = f"userMemory#{memory_id}"  # memory.ts:42
    return _item("userMemory", a.pk, sk, attributes, created, updated or created)


def _memories(a: _Athlete) -> list[Item]:
    prospective = {
        "targetDate": "2026-06-14",
        "targetDateType": "specific",
        "followUpType": "event_outcome",
        "followUpPrompt": "Ask how the meet went",
        "status": "pending",
        "originalContext": "I signed up for the June 14 meet",
        "triggerWindow": {"startDaysBefore": 3, "endDaysAfter": 5},
    }
    return [
        # libs/memory/prospective.ts:210-242 (+ incrementMemoryUsage, memory.ts:209-247)
        _memory(
            a,
            a.memory_id(PROSPECTIVE_CREATED, "memory-prospective"),
            a.coach_a,
            "Local weightlifting meet on June 14",
            "prospective",
            PROSPECTIVE_CREATED,
            "system_extraction",
            "high",
            ["prospective", "event_outcome", "has_target_date", "recently_accessed"],
            updated=PROSPECTIVE_USED,
            last_used=PROSPECTIVE_USED,
            usage=1,
            prospective=prospective,
            lifecycle=_lifecycle("high", PROSPECTIVE_CREATED),
        ),
        # episodic, always global: libs/memory/episodic.ts:156-170, lifecycle added at
        # build-conversation-summary/handler.ts:326-328
        _memory(
            a,
            a.memory_id(EPISODIC_CREATED, "memory-episodic"),
            None,
            "Hit a sub-8 Fran for the first time and was thrilled",
            "episodic",
            EPISODIC_CREATED,
            "system_extraction",
            "high",
            ["episodic", "positive", "pr"],
            last_used=EPISODIC_CREATED,
            lifecycle=_lifecycle("high", EPISODIC_CREATED),
        ),
        # behavioral: libs/memory/behavioral.ts:254-269, lifecycle at
        # memory/process-memory-lifecycle/handler.ts:225-227
        _memory(
            a,
            a.memory_id(BEHAVIORAL_CREATED, "memory-behavioral"),
            None,
            "Tends to skip Monday sessions after weekend shifts",
            "behavioral",
            BEHAVIORAL_CREATED,
            "system_extraction",
            "medium",
            ["behavioral", "adherence", "observed_pattern"],
            last_used=BEHAVIORAL_CREATED,
            lifecycle=_lifecycle("medium", BEHAVIORAL_CREATED),
        ),
        # API create-memory/handler.ts:75-94: explicit_request, ["global"], lastUsed, NO lifecycle
        _memory(
            a,
            a.memory_id(API_MEMORY_CREATED, "memory-api"),
            None,
            "I prefer kilograms for barbell lifts",
            "preference",
            API_MEMORY_CREATED,
            "explicit_request",
            "medium",
            ["global"],
            last_used=API_MEMORY_CREATED,
        ),
        # agent save_memory: libs/agents/shared/tools.ts:389-406 (`memory_` prefix, tags [],
        # no lastUsed, no lifecycle)
        _memory(
            a,
            a.agent_memory,
            a.coach_a,
            "Back squat volume doubled in autumn 2025 per the old training log",
            "context",
            AGENT_MEMORY_CREATED,
            "conversation",
            "medium",
            [],
        ),
        # conversation extraction (libs/coach-conversation/memory-processing.ts:406-426), later
        # compressed (process-memory-lifecycle/handler.ts:35-58)
        _memory(
            a,
            a.memory_id(COMPRESSED_MEMORY_CREATED, "memory-compressed"),
            a.coach_a,
            "Prefers short cues during heavy singles.",
            "preference",
            COMPRESSED_MEMORY_CREATED,
            "conversation",
            "low",
            ["coaching_cues"],
            updated=COMPRESSED_AT,
            last_used=COMPRESSED_MEMORY_CREATED,
            lifecycle=_lifecycle(
                "low",
                COMPRESSED_MEMORY_CREATED,
                state="compressed",
                originalContent="During heavy singles I like one short cue, not a paragraph.",
                compressedAt=COMPRESSED_AT,
            ),
        ),
        # archived, hidden from queries (memory.ts:111-113): handler.ts:104-117
        _memory(
            a,
            a.memory_id(ARCHIVED_MEMORY_CREATED, "memory-archived"),
            None,
            "Was considering a marathon in spring 2026",
            "goal",
            ARCHIVED_MEMORY_CREATED,
            "conversation",
            "low",
            ["running", "goal"],
            updated=ARCHIVED_AT,
            last_used=ARCHIVED_MEMORY_CREATED,
            lifecycle=_lifecycle(
                "low", ARCHIVED_MEMORY_CREATED, state="archived", archivedAt=ARCHIVED_AT
            ),
        ),
    ]


# ---------------------------------------------------------------------------------------------
# 8. program, programInsights, programDesignerSession, exercise, analytics, emotional*, subscription
# ---------------------------------------------------------------------------------------------
_PROGRAM_NAME = "8-Week Snatch Builder"


def _phases(total_days: int) -> list[Item]:
    """ProgramPhase (libs/program/types.ts:88-96); `phase_${index + 1}`: create-program:59."""
    half = total_days // 2
    spans = [
        ("Phase 1: Positions", 1, half, "technique"),
        ("Phase 2: Load", half + 1, total_days, "strength"),
    ]
    return [
        {
            "phaseId": f"phase_{index + 1}",
            "name": name,
            "description": f"{focus.capitalize()} emphasis",
            "startDay": start,
            "endDay": end,
            "durationDays": end - start + 1,
            "focusAreas": [focus],
        }
        for index, (name, start, end, focus) in enumerate(spans)
    ]


def _program(a: _Athlete) -> Item:
    days = {
        str(day): {"primaryComplete": True, "optionalCompleted": 0, "totalOptional": 0}
        for day in (1, 2, 4, 6, 9)
    }
    completed, total = len(days), 32
    attributes: Item = {
        "programId": a.program,
        "userId": a.user_id,
        "coachIds": [a.coach_a],
        "coachNames": [_OLY_COACH.name],
        "creationConversationId": "",  # designer-session programs: create-program/handler.ts:109
        "name": _PROGRAM_NAME,
        "description": "Bodyweight snatch",
        "status": "active",
        "startDate": _day(PROGRAM_START),
        "endDate": _day(PROGRAM_START, PROGRAM_DAYS - 1),
        "totalDays": PROGRAM_DAYS,
        "currentDay": 10,
        "pausedAt": None,
        "pausedDuration": 0,
        "phases": _phases(PROGRAM_DAYS),
        "equipmentConstraints": ["barbell", "bumper plates", "squat rack"],
        "trainingGoals": ["Bodyweight snatch"],
        "trainingFrequency": 4,
        "totalWorkouts": total,
        "completedWorkouts": completed,
        "skippedWorkouts": 1,
        "completedRestDays": 0,
        "adherenceRate": completed / total * 100,  # 0-100 percentage: program.ts:423-432
        "lastActivityAt": PROGRAM_UPDATED,
        "s3DetailKey": a.program_key,
        "adaptationLog": [],
        "dayCompletionStatus": days,  # string map keys ("1", "2", ...)
    }
    sk = f"program#{a.program}"
    # gsi1 user#/program#: dynamodb/program.ts:44-48
    return _item(
        "program",
        a.pk,
        sk,
        attributes,
        PROGRAM_CREATED,
        PROGRAM_UPDATED,
        gsi1pk=a.pk,
        gsi1sk=sk,
    )


def _legacy_program(a: _Athlete) -> Item:
    """Before the PK fix (Dec 2025): pk `user#<id>#coach#<primaryCoachId>`, entityType
    "program", gsi1 user#/program# (dynamodb/operations.ts@34782ed1^:2962-2985); still read by
    queryProgramsByCoach (dynamodb/program.ts:134-156). Program type of that time
    (libs/program/types.ts@34782ed1^:13-66): no completedRestDays/metadata, adherenceRate is a
    ratio."""
    attributes: Item = {
        "programId": a.legacy_program,
        "userId": a.user_id,
        "coachIds": [a.coach_a],
        "coachNames": [_OLY_COACH.name],
        "creationConversationId": a.conv_legacy,
        "name": "6-Week Leg Strength Base",
        "description": "Build squat strength before the lifting block",
        "status": "completed",
        "startDate": _day(LEGACY_PROGRAM_START),
        "endDate": _day(LEGACY_PROGRAM_START, LEGACY_PROGRAM_DAYS - 1),
        "totalDays": LEGACY_PROGRAM_DAYS,
        "currentDay": LEGACY_PROGRAM_DAYS,
        "pausedAt": None,
        "pausedDuration": 0,
        "phases": _phases(LEGACY_PROGRAM_DAYS),
        "equipmentConstraints": ["barbell", "squat rack"],
        "trainingGoals": ["Stronger squat"],
        "trainingFrequency": 3,
        "totalWorkouts": 18,
        "completedWorkouts": 16,
        "skippedWorkouts": 2,
        "adherenceRate": 16 / 18,
        "lastActivityAt": LEGACY_PROGRAM_UPDATED,
        "s3DetailKey": a.legacy_program_key,
        "adaptationLog": [],
        "dayCompletionStatus": {
            "1": {"primaryComplete": True, "optionalCompleted": 0, "totalOptional": 0}
        },
    }
    sk = f"program#{a.legacy_program}"
    return _item(
        "program",
        f"user#{a.user_id}#coach#{a.coach_a}",
        sk,
        attributes,
        LEGACY_PROGRAM_CREATED,
        LEGACY_PROGRAM_UPDATED,
        gsi1pk=a.pk,
        gsi1sk=sk,
    )


def _program_insights(a: _Athlete) -> Item:
    """ProgramInsights (libs/program/types.ts:420-489); build-program-insights/handler:187-210."""
    attributes: Item = {
        "programId": a.program,
        "userId": a.user_id,
        "coachId": a.coach_a,
        "adherenceTrend": "5 of 6 scheduled sessions done; one Monday missed.",
        "goalProgress": [
            {"goal": "Bodyweight snatch", "status": "on_track", "evidence": "50kg hang doubles"}
        ],
        "exercisePrTrends": None,
        "memorySignals": "Upcoming meet on June 14.",
        "livingProfileShifts": None,
        "phaseProgress": {"currentPhase": "Phase 1: Positions", "onPace": True, "notes": ""},
        "riskFlags": [{"type": "adherence_drop", "note": "Mondays after weekend shifts"}],
        "coachRecommendation": "Move Monday's session to Tuesday morning.",
        "coachNote": "Solid start - positions are improving.",
        "inputs": {
            "programLinkedWorkoutCount": 1,
            "adHocWorkoutCount": 3,
            "weeklyAnalyticsCount": 1,
            "memoryCount": 5,
            "hasLivingProfile": True,
        },
        "generatedAt": INSIGHTS_CREATED,
        "modelId": HAIKU_MODEL,
        "source": "workout",
    }
    sk = f"programInsights#{a.program}"  # program-insights.ts:25; gsi1: 32-36
    return _item(
        "programInsights",
        a.pk,
        sk,
        attributes,
        INSIGHTS_CREATED,
        INSIGHTS_CREATED,
        gsi1pk=a.pk,
        gsi1sk=sk,
    )


_DESIGNER_ANSWERS: dict[str, Any] = {
    "trainingGoals": "Bodyweight snatch",
    "programDuration": "8 weeks",
    "trainingFrequency": 4,
    "sessionDuration": "60 minutes",
    "startDate": _day(PROGRAM_START),
    "restDaysPreference": "Wednesday and weekends flexible",
    "equipmentAccess": ["barbell", "bumper plates", "squat rack"],
    "trainingEnvironment": "CrossFit box",
    "experienceLevel": "intermediate",
    "currentFitnessBaseline": "Snatch 55kg, clean & jerk 72kg",
    "injuryConsiderations": "Left shoulder rehab",
    "movementPreferences": ["snatch", "front squat"],
    "movementDislikes": ["high-rep overhead"],
    "trainingMethodology": "olympic_weightlifting",
    "programFocus": "technique then strength",
    "intensityPreference": "moderate",
    "volumeTolerance": "moderate",
    "deloadPreference": "as needed",
    "progressionStyle": "coach decides",
}


def _designer_ai(a: _Athlete, at: str, content: str, tool: str) -> Item:
    """Designer agent tools: libs/agents/program-designer-session (update_design_fields, ...)."""
    return _assistant_message(a, at, content, "program_design", ((tool, 180),), with_tokens=False)


def _program_designer_session(a: _Athlete) -> Item:
    """libs/program-designer/types.ts:41-84, built create-program-designer-session:95-112."""
    todo = {
        key: _todo(value, confidence="high", extractedFrom="message_0")
        for key, value in _DESIGNER_ANSWERS.items()
    }
    # imageRefs for image-friendly fields: libs/program-designer/todo-extraction.ts:331-339
    todo["equipmentAccess"]["imageRefs"] = [a.img_gym]
    # stream-program-designer-session/handler.ts:426-462 (user turn built like buildUserMessage)
    history = [
        _user_message(PD_USER_1, "8 weeks toward a snatch. Here's my gym.", images=[a.img_gym]),
        _designer_ai(a, PD_AI_1, "Great setup! How many days a week?", "update_design_fields"),
        _user_message(PD_USER_2, "4 days, about an hour. Keep Mondays light."),
        _designer_ai(a, PD_AI_2, "Building your program now.", "complete_design"),
    ]
    completed_items = len(_DESIGNER_ANSWERS)
    attributes: Item = {
        "userId": a.user_id,
        "coachId": a.coach_a,
        "coachName": _OLY_COACH.name,
        "sessionId": a.pd_session,
        "title": "Snatch block",
        "todoList": _todo_list(PROGRAM_DESIGNER_KEYS, todo),  # targetEvent stays pending
        "conversationHistory": history,
        "isComplete": True,
        "isDeleted": True,  # soft delete after generation succeeds (types.ts:36-39)
        "startedAt": PD_START,
        "lastActivity": PD_SOFT_DELETED,
        "completedAt": PD_COMPLETE,
        "turnCount": 2,
        "imageS3Keys": [a.img_gym],
        "progressDetails": {
            "itemsCompleted": completed_items,
            "totalItems": len(PROGRAM_DESIGNER_KEYS),
            "percentage": round(completed_items / len(PROGRAM_DESIGNER_KEYS) * 100),
        },
        "programGeneration": {
            "status": "COMPLETE",
            "startedAt": PD_GEN_START,
            "completedAt": PROGRAM_CREATED,
            "programId": a.program,
        },
        "additionalConsiderations": "Keep Mondays light",
    }
    sk = f"programDesignerSession#{a.pd_session}"  # program-designer.ts:39; no ttl (30-32)
    return _item("programDesignerSession", a.pk, sk, attributes, PD_START, PD_SOFT_DELETED)


def _exercise(
    a: _Athlete,
    workout_id: str,
    name: str,
    original: str,
    discipline: str,
    completed: str,
    saved: str,
    metrics: Item,
    logged_via: str = "conversation",
    template_id: str | None = None,
    **source: Any,
) -> Item:
    """Exercise (libs/exercise/types.ts:182-210), build-exercise/handler.ts:137-175; keys
    dynamodb/exercise.ts:37-41 / 98-100 (BatchWrite)."""
    day = completed[:10]
    attributes: Item = {
        "exerciseId": a.scoped_id("exercise", saved, f"exercise-{name}"),  # id-utils.ts:122-126
        "userId": a.user_id,
        "coachId": a.coach_a,
        "workoutId": workout_id,
        "exerciseName": name,  # snake_case canonical
        "originalName": original,
        "discipline": discipline,
        "completedAt": completed,
        "sequence": 1,
        "metrics": metrics,  # ExerciseMetrics: types.ts:81-161
        "metadata": {
            "extractedAt": _iso(_ms(saved) - 1000),
            "normalizationConfidence": 0.95,
            **source,
        },
    }
    if template_id is not None:
        attributes["templateId"] = template_id
    attributes["loggedVia"] = logged_via  # from workoutData.metadata.logged_via: tools.ts:1428-1429
    return _item(
        "exercise",
        a.pk,
        f"exercise#{name}#{day}#{workout_id}#1",
        attributes,
        saved,
        saved,
        gsi1pk=f"user#{a.user_id}#exercise#{name}",
        gsi1sk=day,
    )


def _exercises(a: _Athlete) -> list[Item]:
    return [
        _exercise(
            a,
            a.w_oly,
            "snatch",
            "Hang Snatch",
            "olympic_weightlifting",
            OLY_DONE,
            OLY_EXERCISES,
            {
                "weight": 50,
                "weightUnit": "kg",
                "sets": 2,
                "reps": 2,
                "totalReps": 4,
                "repsPerSet": [2, 2],
                "weightsPerSet": [45, 50],
                "maxWeight": 50,
                "variation": "hang",
            },
            logged_via="training_program",
            template_id=a.template_day9,
            sourceSet=2,
        ),
        _exercise(
            a,
            a.w_fran,
            "thruster",
            "Thruster",
            "crossfit",
            FRAN_DONE,
            _iso(_ms(FRAN_EDITED) + 9000),  # re-extracted after the edit: exercise.ts:168-254
            {
                "weight": 65,
                "weightUnit": "lbs",
                "reps": 15,
                "totalReps": 45,
                "sets": 3,
                "repsPerSet": [21, 15, 9],
                "rxStatus": "scaled",
                "movementType": "barbell",
            },
            sourceRound=1,
        ),
        _exercise(
            a,
            a.w_run,
            "easy_run",
            "Easy 5k",
            "running",
            RUN_DONE,
            _iso(_ms(RUN_SAVED) + 8000),
            {"distance": 5, "distanceUnit": "km", "time": 1720, "pace": "5:44", "surface": "road"},
            sourceSegment=1,
        ),
        _exercise(
            a,
            a.w_hyrox,
            "ski_erg",
            "SkiErg",
            "hyrox",
            HYROX_DONE,
            HYROX_EXERCISES,
            {"distance": 1000, "distanceUnit": "m", "time": 245, "stationNumber": 1},
        ),
    ]


def _analytics(a: _Athlete, period: str) -> Item:
    """Weekly (dynamodb/analytics.ts:21-41, batch-processing.ts:187-217) and monthly
    (analytics.ts:184-204, batch-processing.ts:479-511) share entityType "analytics"."""
    weekly = period == "weekly"
    summary = "Strong, consistent week." if weekly else "April built a steady base."
    data = {
        "structured_analytics": {
            "metadata": {
                "analysis_confidence": "high",
                "data_completeness": 0.9,
                "normalization_applied": False,
            },
            "volume_breakdown": {"sessions": 3 if weekly else 11},
        },
        "human_summary": summary,
    }
    # s3Location is a full s3:// URL in the LOGS bucket (api-helpers.ts:2974-3016); weekly under
    # analytics/weekly-analytics, monthly falls into the default "debug" folder (2989-2995)
    if weekly:
        folder, stamp, kind, created = (
            "analytics/weekly-analytics",
            WEEKLY_S3,
            "weekly-analytics",
            WEEKLY_CREATED,
        )
        start = PROGRAM_START
        iso_year, iso_week, _ = start.isocalendar()  # YYYY-W##: batch-processing.ts:42-74
        period_keys = {
            "weekId": f"{iso_year}-W{iso_week:02d}",
            "weekStart": _day(start),
            "weekEnd": _day(start, 6),
        }
        sk = f"weeklyAnalytics#{period_keys['weekId']}"
    else:
        folder, stamp, kind, created = "debug", MONTHLY_S3, "monthly-analytics", MONTHLY_CREATED
        period_keys = {"monthId": "2026-04", "monthStart": "2026-04-01", "monthEnd": "2026-04-30"}
        sk = f"monthlyAnalytics#{period_keys['monthId']}"
    key = f"main/{folder}/{_dashed(stamp)}_{a.user_id}_{kind}.txt"
    attributes: Item = {
        "userId": a.user_id,
        **period_keys,
        "analyticsData": data,
        "s3Location": f"s3://{LOGS_BUCKET}/{key}",
        # libs/analytics/types.ts:140-152
        "metadata": {
            "workoutCount": 3 if weekly else 11,
            "conversationCount": 2 if weekly else 4,
            "memoryCount": 5,
            "historicalSummaryCount": 4,
            "analyticsLength": len(json.dumps(data, separators=(",", ":"))),
            "hasAthleteProfile": False,  # athleteProfile.summary is still "" (signup placeholder)
            "hasDualOutput": True,
            "humanSummaryLength": len(summary),
            "normalizationApplied": False,
            "analysisConfidence": "high",
            "dataCompleteness": 0.9,
        },
    }
    return _item("analytics", a.pk, sk, attributes, created, created)


def _emotional_snapshot(
    a: _Athlete, at: str, conversation_id: str, motivation: int, emotion: str
) -> Item:
    """libs/memory/emotional-types.ts:13-35, built at libs/memory/emotional.ts:93-110."""
    moment = _EPOCH + timedelta(milliseconds=_ms(at))
    saved = _iso(_ms(at) + 100)
    snapshot_id = a.snapshot_id(at, f"snapshot-{conversation_id}")
    hour = moment.hour
    attributes: Item = {
        "snapshotId": snapshot_id,
        "userId": a.user_id,
        "coachId": a.coach_a,
        "conversationId": conversation_id,
        "timestamp": at,
        "motivation": motivation,
        "energy": 6,
        "confidence": 7,
        "stress": 4,
        "coachSatisfaction": 8,
        "dominantEmotion": emotion,
        "emotionalNarrative": f"Feeling {emotion} about training",
        "triggers": ["pr_attempt"],
        "conversationTopics": ["training"],
        "dayOfWeek": moment.strftime("%A"),
        "timeOfDay": "morning" if hour < 12 else "afternoon" if hour < 17 else "evening",
    }
    sk = f"emotionalSnapshot#{snapshot_id}"  # dynamodb/memory.ts:390
    return _item("emotionalSnapshot", a.pk, sk, attributes, saved, saved)


def _emotional_trend(a: _Athlete) -> Item:
    """libs/memory/emotional-types.ts:41-65; periodStart = first snapshot's full ISO stamp
    (libs/memory/emotional.ts:183); period "weekly" only (process-memory-lifecycle:257)."""
    attributes: Item = {
        "userId": a.user_id,
        "period": "weekly",
        "periodStart": SNAPSHOT_1,
        "periodEnd": SNAPSHOT_2,
        "averages": {"motivation": 7.5, "energy": 6, "confidence": 7, "stress": 4},
        "trend": {
            "motivation": "rising",
            "energy": "stable",
            "confidence": "stable",
            "stress": "stable",
        },
        "patterns": [],  # written empty: emotional.ts:192-193
        "insights": [],
    }
    sk = f"emotionalTrend#weekly#{SNAPSHOT_1}"  # dynamodb/memory.ts:450
    return _item("emotionalTrend", a.pk, sk, attributes, TREND_CREATED, TREND_CREATED)


def _subscription(a: _Athlete) -> Item:
    """Hand-built literal, not createDynamoDBItem: dynamodb/subscription.ts:21-51; entityType also
    inside attributes (line 34); shape libs/subscription/types.ts:1-30, built by
    process-stripe-webhook/helpers.ts:27-51 (canceledAt undefined -> absent)."""
    attributes: Item = {
        "userId": a.user_id,
        "stripeSubscriptionId": f"sub_{a.token('stripe-sub', _BASE62, 24)}",
        "stripeCustomerId": f"cus_{a.token('stripe-cus', _BASE62, 14)}",
        "stripePriceId": "price_1PfoundingElectricMonthly",
        "tier": "electric",
        "status": "active",
        "currentPeriodStart": _ms(SUB_PERIOD_START) // 1000,  # unix seconds
        "currentPeriodEnd": _ms(SUB_PERIOD_END) // 1000,
        "cancelAtPeriodEnd": False,
        "metadata": {"foundingMember": True, "priceLocked": True},
        "entityType": "subscription",
    }
    # renewal webhook -> updateSubscription: attributes replaced, root createdAt kept (:59-102)
    return _item(
        "subscription", a.pk, "subscription", attributes, SUBSCRIPTION_CREATED, SUB_PERIOD_START
    )


# ---------------------------------------------------------------------------------------------
# 9. items keyed to the athlete outside `user#<id>`
# ---------------------------------------------------------------------------------------------
def _program_snapshot(a: _Athlete) -> Item:
    """SharedProgramSnapshot: libs/shared-program/types.ts:18-27, create-shared-program:98-107."""
    return {
        "name": _PROGRAM_NAME,
        "description": "Bodyweight snatch",
        "totalDays": PROGRAM_DAYS,
        "trainingFrequency": 4,
        "phases": _phases(PROGRAM_DAYS),
        "trainingGoals": ["Bodyweight snatch"],
        "equipmentConstraints": ["barbell", "bumper plates", "squat rack"],
        "coachNames": [_OLY_COACH.name],
    }


def _shared_program(a: _Athlete) -> Item:
    """dynamodb/shared-program.ts:25-55, built create-shared-program/handler.ts:121-133."""
    attributes: Item = {
        "sharedProgramId": a.shared_program,
        "originalProgramId": a.program,
        "originalCoachId": a.coach_a,
        "creatorUserId": a.user_id,
        "creatorUsername": a.persona.username,
        "programSnapshot": _program_snapshot(a),
        "s3DetailKey": a.shared_key,
        "isActive": True,  # only inside attributes; the top-level filter at :113-123 never matches
        "viewCount": 12,  # nested counters: shared-program.ts:352-397
        "copyCount": 1,
    }
    return _item(
        "sharedProgram",
        f"sharedProgram#{a.shared_program}",
        "metadata",
        attributes,
        SHARED_CREATED,
        SHARED_VIEWED,
        gsi1pk=a.pk,
        gsi1sk=f"sharedProgram#{a.shared_program}",
        gsi2pk=a.pk,
        gsi2sk=f"originalProgram#{a.program}",
    )


# ---------------------------------------------------------------------------------------------
# Global items
# ---------------------------------------------------------------------------------------------
def _coach_template() -> Item:
    """Seeded by scripts/seed-coach-templates.js:48-63 from the template JSON (pk/sk at json:2-3);
    popularity bumped by coach-template.ts:87-108 when each athlete copied it."""
    attributes: Item = {
        "template_id": TEMPLATE_ID,
        "template_name": "Beginner Strength Builder (v1.0)",
        "persona_category": "persona_1",
        "description": "Perfect for newcomers to weightlifting and CrossFit...",
        "target_audience": ["beginners", "new_to_weightlifting", "safety_focused"],
        "base_config": _template_base_config(),
        "metadata": {
            "created_date": TEMPLATE_SEEDED,
            "version": "1.0",
            "popularity_score": 2,
            "is_active": True,
        },
    }
    return _item(
        "coachTemplate",
        "template#global",
        f"coachTemplate#{TEMPLATE_ID}",
        attributes,
        TEMPLATE_SEEDED,
        TEMPLATE_POPULARITY,
    )


def _contact_form() -> Item:
    """dynamodb/core.ts:482-509; email trimmed and lower-cased (contact-form/validate.ts:41)."""
    email = _PERSONAS[ATHLETE].email.strip().lower()
    attributes: Item = {
        "firstName": "Dana",
        "lastName": "Demo",
        "email": email,
        "subject": "Team accounts?",
        "message": "Could my lifting club sign up together?",
        "contactType": "collaborate",  # 'waitlist' | 'collaborate' | 'general': validate.ts:12,83
    }
    return _item(
        "contactForm",
        f"contactForm#{email}",
        f"timestamp#{CONTACT_SENT}",
        attributes,
        CONTACT_SENT,
        CONTACT_SENT,
    )


# ---------------------------------------------------------------------------------------------
# S3 objects named by the items (content bucket only)
# ---------------------------------------------------------------------------------------------
def _workout_template(
    template_id: str, group_id: str, day: int, name: str, linked: str | None, completed: str | None
) -> Item:
    """WorkoutTemplate: libs/program/types.ts:106-151 (lives only in the S3 details JSON)."""
    return {
        "templateId": template_id,
        "groupId": group_id,
        "dayNumber": day,
        "phaseId": "phase_1",
        "name": name,
        "type": "olympic",
        "description": "Hang snatch: build to a heavy double, then 3 x 2 at 90%.",
        "prescribedExercises": ["Hang Snatch"],
        "scoringType": "load",
        "estimatedDuration": 55,
        "restAfter": 0,
        "equipment": ["Barbell"],
        "metadata": {"difficulty": "intermediate", "focusAreas": ["Technique"]},
        "status": "completed" if linked else "pending",
        "completedAt": completed,
        "linkedWorkoutId": linked,
        "userFeedback": None,
        "scheduledDate": _day(PROGRAM_START, day - 1),
    }


def _program_templates(a: _Athlete) -> list[Item]:
    return [
        _workout_template(
            a.template_day9, a.group_day9, 9, "Snatch Complex Day", a.w_oly, OLY_DONE
        ),
        _workout_template(a.template_day10, a.group_day10, 10, "Pull Strength", None, None),
    ]


def _program_details(a: _Athlete, program_id: str, model: str, created: str) -> Item:
    """ProgramDetails JSON (libs/program/types.ts:295-321) written by storeProgramDetailsInS3
    (libs/program/s3-utils.ts:34-47); saveProgramDetailsToS3 rewrites the same key (:120-127)."""
    legacy = program_id == a.legacy_program
    templates = (
        [_workout_template(a.legacy_template, a.legacy_group, 1, "Squat Day", None, None)]
        if legacy
        else _program_templates(a)
    )
    return {
        "programId": program_id,
        "programContext": {
            "goals": ["Bodyweight snatch"],
            "purpose": "Bodyweight snatch",
            "successMetrics": [],
            "equipmentConstraints": ["barbell", "bumper plates", "squat rack"],
        },
        "workoutTemplates": templates,
        # generationPrompt undefined -> dropped by JSON.stringify
        "generationMetadata": {
            "generatedAt": created,
            "generatedBy": a.coach_a,
            "aiModel": model,
            "confidence": 0.9,
        },
    }


def _shared_details(a: _Athlete) -> Item:
    """SharedProgramDetails: libs/shared-program/types.ts:80-93, s3-utils.ts:36-52."""
    return {
        "sharedProgramId": a.shared_program,
        "programSnapshot": _program_snapshot(a),
        "workoutTemplates": _program_templates(a),
        "generationMetadata": {
            "sharedAt": SHARED_S3,
            "originalProgramId": a.program,
            "originalGeneratedBy": a.coach_a,
            "originalAiModel": SONNET_MODEL,
            "originalConfidence": 0.9,
        },
    }


def _fake_upload(key: str) -> bytes:
    """Tiny stand-ins with the right magic bytes for each upload type."""
    seed = hashlib.sha256(key.encode()).hexdigest().encode()
    ext = key.rsplit(".", 1)[-1]
    if ext == "csv":
        return b"date,exercise,sets,reps,weight\n2025-10-01,back_squat,5,5,185\n"
    heads = {
        "jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
        "png": b"\x89PNG\r\n\x1a\n",
        "heic": b"\x00\x00\x00\x18ftypheic",
    }
    tails = {"jpg": b"\xff\xd9", "png": b"IEND\xaeB`\x82", "heic": b""}
    return heads[ext] + seed + tails[ext]


def _json_body(document: Item) -> bytes:
    return json.dumps(document, indent=2).encode()  # putObjectAsJson(..., {pretty: true})


# ---------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------
def items_for(user_id: str) -> list[dict[str, Any]]:
    """Every item the app would have written for this athlete: their `user#<id>` partition, the
    legacy `user#<id>#coach#<coachId>` program and their sharedProgram."""
    a = _Athlete(user_id)
    items = [
        _profile(a),
        *_coaches(a),
        _chat_conversation(a),
        _edit_conversation(a),
        _legacy_workout_log_conversation(a),
        *_summaries(a),
        _olympic_workout(a),
        _hyrox_workout(a),
        _crossfit_workout(a),
        _running_workout(a),
        _completed_creator_session(a),
        _open_creator_session(a),
        *_memories(a),
        _program(a),
        _program_insights(a),
        _program_designer_session(a),
        *_exercises(a),
        _analytics(a, "weekly"),
        _analytics(a, "monthly"),
        _emotional_snapshot(a, SNAPSHOT_1, a.conv_edit, 7, "relieved"),
        _emotional_snapshot(a, SNAPSHOT_2, a.conv_chat, 8, "excited"),
        _emotional_trend(a),
        _subscription(a),
        _shared_program(a),
        _legacy_program(a),
    ]
    return copy.deepcopy(items)  # no shared sub-objects between items or calls


def all_items() -> list[dict[str, Any]]:
    """Both athletes plus the global items (coach template, contact form)."""
    return [*items_for(ATHLETE), *items_for(OTHER), _coach_template(), _contact_form()]


def s3_objects(user_id: str) -> dict[str, bytes]:
    """Key -> body for every content-bucket object this athlete's items name (imageS3Keys,
    documentS3Keys, imageRefs, s3DetailKey). The analytics `s3Location`s point into another
    bucket (midgard-sandbox-logs) and are not included."""
    a = _Athlete(user_id)
    uploads = (a.img_whiteboard, a.doc_training_log, a.img_oly, a.img_notebook, a.img_gym)
    objects = {key: _fake_upload(key) for key in uploads}
    objects[a.program_key] = _json_body(_program_details(a, a.program, SONNET_MODEL, PROGRAM_S3))
    objects[a.legacy_program_key] = _json_body(
        _program_details(a, a.legacy_program, LEGACY_SONNET_MODEL, LEGACY_PROGRAM_S3)
    )
    objects[a.shared_key] = _json_body(_shared_details(a))
    return objects

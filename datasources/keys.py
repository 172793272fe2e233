"""Every key string of the single table and the bucket is built here and nowhere else.

Base-table keys follow `docs/database-schema.md` (and what NeonPanda's app writes).
`listsk` is this project's addition: the sort key of the `lists` accelerator index, which
orders each listable entity inside the athlete's partition (workouts by completion time,
conversations by last activity, memories by importance/usage/age, ...), so lists and date
ranges read only what they return. The same order key sorts lists read without the index.
"""

from __future__ import annotations

import re
from datetime import datetime

# Identifiers this project puts into keys and S3 prefixes itself: user ids (a token's
# `sub`) and ids clients choose. No `#` (the key separator), no `/` (S3's), no spaces,
# nothing a path could read as `..`: a letter or digit first, then letters, digits and
# `_ . : -`, at most 128 characters, and never two dots in a row (pydantic's regex engine
# has no look-ahead: `..` is checked apart). Cognito's subs (UUIDs) and the app's ids fit.
SAFE_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$"
_SAFE_ID = re.compile(SAFE_ID_PATTERN)


def is_safe_id(value: str) -> bool:
    return _SAFE_ID.fullmatch(value) is not None and ".." not in value


class UnsafeId(ValueError):
    """A key part that is not a safe identifier (a bug: inputs are checked before)."""


USER_PREFIX = "user#"
PROFILE_SK = "profile"
CONTACT_PREFIX = "contactForm#"

# Entity type names as stored in `entityType` (GSI3 partition key).
USER = "user"
CONTACT_FORM = "contactForm"
COACH = "coachConfig"
CONVERSATION = "coachConversation"
SUMMARY = "conversationSummary"
WORKOUT = "workout"
SESSION = "coachCreatorSession"
MEMORY = "userMemory"
# This project's own marker items.
IDEMPOTENCY = "idempotency"
UNIQUE = "uniqueConstraint"
CONTACT_DEDUPE = "contactFormDedupe"
MIGRATION = "migrationStep"
# The app's training programs (its amplify/dynamodb/program.ts, program-insights.ts,
# program-designer.ts).
PROGRAM = "program"
# The app's coach templates, in one global partition (amplify/dynamodb/coach-template.ts).
COACH_TEMPLATE = "coachTemplate"
TEMPLATE_PK = "template#global"
COACH_TEMPLATE_SK = "coachTemplate#"
# The app's billing item (one per athlete): read, never written, by this API.
SUBSCRIPTION = "subscription"
SUBSCRIPTION_SK = "subscription"
# The app's per-exercise rows of a workout, which deleting the workout deletes.
EXERCISE = "exercise"
# This project's record of a workout deletion whose exercise rows are not all gone yet.
WORKOUT_DELETION = "workoutDeletion"
# The app's weekly and monthly reports (amplify/dynamodb/analytics.ts:21-32, :184-195): one
# entity type for both, told apart by the sort key.
ANALYTICS = "analytics"
WEEKLY_REPORT_SK = "weeklyAnalytics#"
MONTHLY_REPORT_SK = "monthlyAnalytics#"
PROGRAM_INSIGHTS = "programInsights"
DESIGNER_SESSION = "programDesignerSession"
# The app's shared programs (amplify/dynamodb/shared-program.ts:25-45): one partition per
# share, `sharedProgram#<id>` / `metadata`; GSI1 `user#<creator>` / `sharedProgram#<id>`
# lists a creator's shares, GSI2 `user#<creator>` / `originalProgram#<programId>` finds the
# share of one program.
SHARED_PROGRAM = "sharedProgram"
SHARED_PROGRAM_PK = "sharedProgram#"
SHARED_PROGRAM_SK = "metadata"
ORIGINAL_PROGRAM_SK = "originalProgram#"

# Base sort-key prefixes.
COACH_SK = "coach#"
CONVERSATION_SK = "coachConversation#"
WORKOUT_SK = "workout#"
SESSION_SK = "coachCreatorSession#"
MEMORY_SK = "userMemory#"
SUMMARY_SK = "conversation#"
# The app's training programs (amplify/dynamodb/program.ts:26-62): `user#<id>` /
# `program#<programId>`, listed by the app through GSI1 (gsi1pk `user#<id>`, gsi1sk
# `program#<programId>`), which also finds those of its older layout, whose partition was
# `user#<id>#coach#<primaryCoachId>` (program.ts:134-156).
PROGRAM_SK = "program#"
PROGRAM_INSIGHTS_SK = "programInsights#"
DESIGNER_SESSION_SK = "programDesignerSession#"
IDEMPOTENCY_SK = "idempotency#"
EXERCISE_SK = "exercise#"
WORKOUT_DELETION_SK = "deletion#workout#"
# The partition's list counters (datasources/counts.py); an item with no entityType.
COUNTS_SK = "counts"

# List-key prefixes, one per listable entity (see module docstring).
LIST_PREFIX = {
    COACH: "coach#",
    CONVERSATION: "conversation#",
    SUMMARY: "summary#",
    WORKOUT: "workout#",
    SESSION: "session#",
    MEMORY: "memory#",
}

IMPORTANCE_RANK = {"high": 0, "medium": 1, "low": 2}
_MAX_USAGE = 10**10 - 1
_MAX_EPOCH_MS = 10**13 - 1


def user_pk(user_id: str) -> str:
    if not is_safe_id(user_id):
        raise UnsafeId(f"not a safe user id: {user_id!r}")
    return f"{USER_PREFIX}{user_id}"


def user_id_from_pk(pk: str) -> str:
    if not pk.startswith(USER_PREFIX):
        raise ValueError(f"not a user partition: {pk!r}")
    return pk[len(USER_PREFIX) :]


def email_gsi1pk(email: str) -> str:
    """As typed, like NeonPanda's app writes it (lookups are case-insensitive anyway)."""
    return f"email#{email}"


def username_gsi2pk(username: str) -> str:
    """As typed, like NeonPanda's app writes it (lookups are case-insensitive anyway)."""
    return f"username#{username}"


def profile_sk() -> str:
    return PROFILE_SK


def subscription_sk() -> str:
    return SUBSCRIPTION_SK


def coach_sk(coach_id: str) -> str:
    return f"{COACH_SK}{coach_id}"


def programs_gsi1pk(user_id: str) -> str:
    """The athlete's programs in GSI1, whichever partition holds them."""
    return user_pk(user_id)


def conversation_sk(coach_id: str, conversation_id: str) -> str:
    return f"{CONVERSATION_SK}{coach_id}#{conversation_id}"


def summary_sk(conversation_id: str) -> str:
    return f"{SUMMARY_SK}{conversation_id}#summary"


def workout_sk(workout_id: str) -> str:
    return f"{WORKOUT_SK}{workout_id}"


def exercise_sk(exercise_name: str, day: str, workout_id: str, sequence: int) -> str:
    """The app's row of one exercise of a workout: `exercise#<name>#<YYYY-MM-DD>#<workoutId>
    #<seq>` (amplify/dynamodb/exercise.ts:37, :98). The app finds a workout's rows by
    `attributes.workoutId` under the `exercise#` prefix (exercise.ts:181-192), as we do."""
    return f"{EXERCISE_SK}{exercise_name}#{day}#{workout_id}#{sequence}"


def exercise_gsi1pk(user_id: str, exercise_name: str) -> str:
    """The app's index of one exercise's history (exercise.ts:40; gsi1sk is the day)."""
    return f"{user_pk(user_id)}#exercise#{exercise_name}"


def weekly_report_sk(week_id: str) -> str:
    """The app's weekly report: `weeklyAnalytics#<YYYY-Www>` (analytics.ts:27)."""
    return f"{WEEKLY_REPORT_SK}{week_id}"


def monthly_report_sk(month_id: str) -> str:
    """The app's monthly report: `monthlyAnalytics#<YYYY-MM>` (analytics.ts:190)."""
    return f"{MONTHLY_REPORT_SK}{month_id}"


def workout_deletion_sk(workout_id: str) -> str:
    return f"{WORKOUT_DELETION_SK}{workout_id}"


def session_sk(session_id: str) -> str:
    return f"{SESSION_SK}{session_id}"


def memory_sk(memory_id: str) -> str:
    return f"{MEMORY_SK}{memory_id}"


def program_sk(program_id: str) -> str:
    """Also the program's GSI1 sort key (`gsi1pk` is the user's partition key): the app lists
    programs through GSI1 only, which finds the legacy partitions too (program.ts:35-48)."""
    return f"{PROGRAM_SK}{program_id}"


def legacy_program_pk_prefix(user_id: str) -> str:
    """The app's programs before Dec 2025: pk `user#<id>#coach#<coachId>` (program.ts:125-133)."""
    return f"{user_pk(user_id)}#coach#"


def program_insights_sk(program_id: str) -> str:
    return f"{PROGRAM_INSIGHTS_SK}{program_id}"


def designer_session_sk(session_id: str) -> str:
    return f"{DESIGNER_SESSION_SK}{session_id}"


def workout_group_gsi1pk(group_id: str) -> str:
    """A workout logged from a program template: GSI1 by its day's group (workout.ts:35-38)."""
    return f"group#{group_id}"


def workout_template_gsi2pk(template_id: str) -> str:
    """... and GSI2 by its template (workout.ts:40-44); both sort keys are `workout_sk`."""
    return f"template#{template_id}"


def contact_pk(email: str) -> str:
    return f"{CONTACT_PREFIX}{email.lower()}"


def contact_sk(timestamp: str) -> str:
    return f"timestamp#{timestamp}"


def contact_dedupe_sk(*, digest: str | None = None, idempotency_key: str | None = None) -> str:
    """A recent submission's marker: by its content's digest, or by the client's key."""
    return f"dedupe#key#{idempotency_key}" if idempotency_key else f"dedupe#{digest}"


def idempotency_sk(key: str) -> str:
    return f"{IDEMPOTENCY_SK}{key}"


UNIQUE_SK = "unique"


def unique_pk(kind: str, value: str) -> str:
    """A claimed username or email (`kind`), case-insensitive: one item per value."""
    return f"unique#{kind}#{value.lower()}"


def iso_z(ts: datetime) -> str:
    """Sortable UTC timestamp text used inside list keys (fixed width, milliseconds)."""
    return f"{ts.year:04d}-" + ts.strftime("%m-%dT%H:%M:%S.") + f"{ts.microsecond // 1000:03d}Z"


def _epoch_ms(ts: datetime) -> int:
    return int(ts.timestamp() * 1000)


def coach_list_key(created_at: datetime, coach_id: str) -> str:
    return f"{LIST_PREFIX[COACH]}{iso_z(created_at)}#{coach_id}"


def conversation_list_key(last_activity: datetime, conversation_id: str) -> str:
    return f"{LIST_PREFIX[CONVERSATION]}{iso_z(last_activity)}#{conversation_id}"


def summary_list_key(created_at: datetime, conversation_id: str) -> str:
    return f"{LIST_PREFIX[SUMMARY]}{iso_z(created_at)}#{conversation_id}"


def workout_list_key(completed_at: datetime, workout_id: str) -> str:
    return f"{LIST_PREFIX[WORKOUT]}{iso_z(completed_at)}#{workout_id}"


def workout_list_bound(ts: datetime | None, upper: bool) -> str:
    """Inclusive bound of workouts completed at `ts` (None: open-ended) for `BETWEEN`."""
    if ts is None:
        return LIST_PREFIX[WORKOUT] + ("\uffff" if upper else "")
    return f"{LIST_PREFIX[WORKOUT]}{iso_z(ts)}#" + ("\uffff" if upper else "")


def session_list_key(started_at: datetime, session_id: str) -> str:
    return f"{LIST_PREFIX[SESSION]}{iso_z(started_at)}#{session_id}"


def memory_list_key(importance: str, usage_count: int, created_at: datetime, memory_id: str) -> str:
    """Ascending order = importance high>medium>low, then usageCount desc, createdAt desc."""
    rank = IMPORTANCE_RANK.get(importance.lower(), len(IMPORTANCE_RANK))
    usage = _MAX_USAGE - max(0, min(usage_count, _MAX_USAGE))
    age = _MAX_EPOCH_MS - _epoch_ms(created_at)
    return f"{LIST_PREFIX[MEMORY]}{rank}#{usage:010d}#{age:013d}#{memory_id}"


# This project's bookkeeping items (migration progress), in a partition of their own.
META_PK = "meta#neonpanda"


def coach_template_sk(template_id: str) -> str:
    return f"{COACH_TEMPLATE_SK}{template_id}"


def template_coach_id(user_id: str, at: datetime) -> str:
    """The app's id for a coach made from a template: `user_<userId>_coach_<ms>`
    (amplify/dynamodb/coach-template.ts:140)."""
    return f"user_{user_id}_coach_{int(at.timestamp() * 1000)}"


def shared_program_pk(shared_program_id: str) -> str:
    return f"{SHARED_PROGRAM_PK}{shared_program_id}"


def shared_program_gsi1sk(shared_program_id: str) -> str:
    return f"{SHARED_PROGRAM_PK}{shared_program_id}"


def original_program_gsi2sk(program_id: str) -> str:
    return f"{ORIGINAL_PROGRAM_SK}{program_id}"


def stream_checkpoint_sk(shard_id: str) -> str:
    """Where the indexer keeps how far it has read a stream shard (in META_PK)."""
    return f"stream#{shard_id}"


def migration_sk(step: str) -> str:
    return f"migration#{step}"


# --- S3 object keys (seed layout: athletes/<userId>/...) -----------------------------


def athlete_prefix(user_id: str) -> str:
    if not is_safe_id(user_id):
        raise UnsafeId(f"not a safe user id: {user_id!r}")
    return f"athletes/{user_id}/"


# Objects that items point at are content-addressed: the key ends in the first 16 hex
# digits of the content's SHA-256 (`digest`). A retry writes the same bytes to the same
# key; changed content goes to a new key, so no write can ever replace the bytes behind a
# pointer (two writers racing on one version can not corrupt each other's object).
_DIGEST = 16


def transcript_key(user_id: str, conversation_id: str, digest: str) -> str:
    return f"{athlete_prefix(user_id)}conversations/{conversation_id}.{digest[:_DIGEST]}.json"


def message_archive_key(user_id: str, conversation_id: str, chunk: int, digest: str) -> str:
    """Older messages moved out of a conversation item, in fixed-order chunks."""
    base = f"{athlete_prefix(user_id)}conversations/{conversation_id}/archive/"
    return f"{base}{chunk:06d}.{digest[:_DIGEST]}.json"


def workout_log_key(user_id: str, workout_date: str, workout_id: str, digest: str) -> str:
    return f"{athlete_prefix(user_id)}workouts/{workout_date}/{workout_id}.{digest[:_DIGEST]}.json"


def session_history_key(user_id: str, session_id: str, digest: str) -> str:
    """The seed names one file per session; each version of the history is its own
    (content-addressed) object in the session's folder, the item naming the current one."""
    return f"{athlete_prefix(user_id)}coach_creator_sessions/{session_id}/{digest[:_DIGEST]}.json"


def program_details_key(user_id: str, program_id: str, digest: str) -> str:
    """A program's day templates as this API rewrites them (the app's own first copy is
    `programs/<userId>/<programId>_<timestamp>.json`; the item's `s3DetailKey` names the
    current one either way, and the app reads whatever it names)."""
    return f"{athlete_prefix(user_id)}programs/{program_id}/{digest[:_DIGEST]}.json"


def shared_program_details_key(user_id: str, shared_program_id: str, digest: str) -> str:
    """A share's frozen templates as this API writes them (the app's are
    `sharedPrograms/<creatorUserId>/<sharedProgramId>_<timestamp>.json`: the item's
    `s3DetailKey` names either, and the app reads whatever it names)."""
    return f"{athlete_prefix(user_id)}sharedPrograms/{shared_program_id}/{digest[:_DIGEST]}.json"


# The app's uploads: `user-uploads/<userId>/<nanoid>.<ext>` (generate-upload-urls/
# handler.ts:90). An athlete attaches only keys under their own prefix.
UPLOADS_PREFIX = "user-uploads/"


def upload_prefix(user_id: str) -> str:
    if not is_safe_id(user_id):
        raise UnsafeId(f"not a safe user id: {user_id!r}")
    return f"{UPLOADS_PREFIX}{user_id}/"


def upload_key(user_id: str, token: str, extension: str) -> str:
    return f"{upload_prefix(user_id)}{token}.{extension}"


def exports_prefix(user_id: str) -> str:
    return f"{athlete_prefix(user_id)}exports/"


def export_key(user_id: str, export_date: str) -> str:
    return f"{exports_prefix(user_id)}{export_date}_full_history.json"

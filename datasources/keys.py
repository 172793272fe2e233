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
# An entity type the app writes that this API does not model but must find (deleteAccount).
PROGRAM = "program"

# Base sort-key prefixes.
COACH_SK = "coach#"
CONVERSATION_SK = "coachConversation#"
WORKOUT_SK = "workout#"
SESSION_SK = "coachCreatorSession#"
MEMORY_SK = "userMemory#"
SUMMARY_SK = "conversation#"
IDEMPOTENCY_SK = "idempotency#"
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


def coach_sk(coach_id: str) -> str:
    return f"{COACH_SK}{coach_id}"


def conversation_sk(coach_id: str, conversation_id: str) -> str:
    return f"{CONVERSATION_SK}{coach_id}#{conversation_id}"


def summary_sk(conversation_id: str) -> str:
    return f"{SUMMARY_SK}{conversation_id}#summary"


def workout_sk(workout_id: str) -> str:
    return f"{WORKOUT_SK}{workout_id}"


def session_sk(session_id: str) -> str:
    return f"{SESSION_SK}{session_id}"


def memory_sk(memory_id: str) -> str:
    return f"{MEMORY_SK}{memory_id}"


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


def exports_prefix(user_id: str) -> str:
    return f"{athlete_prefix(user_id)}exports/"


def export_key(user_id: str, export_date: str) -> str:
    return f"{exports_prefix(user_id)}{export_date}_full_history.json"

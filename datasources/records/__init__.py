"""Pydantic records that read and write exactly the seed document's item shapes."""

from collections.abc import Mapping
from typing import Any

from datasources import keys
from datasources.records.analytics import ReportRecord
from datasources.records.base import ItemRecord, utcnow
from datasources.records.coach import CoachAttributes, CoachRecord
from datasources.records.coach_template import CoachTemplateRecord
from datasources.records.contact import ContactFormAttributes, ContactFormRecord
from datasources.records.conversation import (
    ConversationAttributes,
    ConversationRecord,
    Message,
)
from datasources.records.designer import DesignerSessionAttributes, DesignerSessionRecord
from datasources.records.exercise import ExerciseRecord
from datasources.records.memory import MemoryAttributes, MemoryRecord
from datasources.records.program import (
    ProgramAttributes,
    ProgramInsightsRecord,
    ProgramRecord,
)
from datasources.records.session import SessionAttributes, SessionRecord
from datasources.records.shared_program import SharedProgramRecord
from datasources.records.subscription import SubscriptionRecord
from datasources.records.summary import SummaryAttributes, SummaryRecord
from datasources.records.user import UserAttributes, UserRecord
from datasources.records.workout import WorkoutAttributes, WorkoutData, WorkoutRecord

# Every entity of the table this API reads, one record type each, in a stable order (new
# ones last): the admin view's `EntityType` enum is derived from it (schema/admin.py).
ALL_RECORDS: tuple[type[ItemRecord], ...] = (
    UserRecord,
    ContactFormRecord,
    CoachRecord,
    ConversationRecord,
    SummaryRecord,
    WorkoutRecord,
    SessionRecord,
    MemoryRecord,
    SubscriptionRecord,
    ProgramRecord,
    ProgramInsightsRecord,
    DesignerSessionRecord,
    SharedProgramRecord,
    ReportRecord,
    ExerciseRecord,
    CoachTemplateRecord,
)
ADMIN_LISTED: tuple[str, ...] = tuple(r.ENTITY_TYPE for r in ALL_RECORDS if r.ADMIN_LISTED)

# Every entity's record by its stored `entityType`.
RECORD_TYPES: dict[str, type[ItemRecord]] = {r.ENTITY_TYPE: r for r in ALL_RECORDS}


def _accelerated(record: type[ItemRecord]) -> bool:
    return record is UserRecord or record.list_key is not ItemRecord.list_key


# What the migration's backfill and the stream indexer keep accelerators for, derived:
# every record with a list key (its place in the `lists` index) and the profile (its
# username and email claims).
ACCELERATED: dict[str, type[ItemRecord]] = {
    t: r for t, r in RECORD_TYPES.items() if _accelerated(r)
}


def accelerated_record(item: Mapping[str, Any] | None) -> ItemRecord | None:
    """An athlete's item as its record, when accelerators are kept for its entity
    (`ACCELERATED`); None for any other item, or one this API cannot read (nothing to
    index). The migration's backfill and the stream indexer read items through this."""
    if not item or not str(item.get("pk", "")).startswith(keys.USER_PREFIX):
        return None
    record_type = ACCELERATED.get(str(item.get("entityType")))
    if record_type is None:
        return None
    try:
        return record_type.from_item(dict(item))
    except ValueError:  # a ValidationError
        return None


def record_from_item(item: dict[str, object]) -> ItemRecord:
    """Parse any item of the table into its record type."""
    return RECORD_TYPES[str(item["entityType"])].from_item(item)


__all__ = [
    "ACCELERATED",
    "ADMIN_LISTED",
    "ALL_RECORDS",
    "RECORD_TYPES",
    "CoachAttributes",
    "CoachRecord",
    "CoachTemplateRecord",
    "ContactFormAttributes",
    "ContactFormRecord",
    "ConversationAttributes",
    "ConversationRecord",
    "DesignerSessionAttributes",
    "DesignerSessionRecord",
    "ExerciseRecord",
    "ItemRecord",
    "MemoryAttributes",
    "MemoryRecord",
    "Message",
    "ProgramAttributes",
    "ProgramInsightsRecord",
    "ProgramRecord",
    "ReportRecord",
    "SessionAttributes",
    "SessionRecord",
    "SharedProgramRecord",
    "SubscriptionRecord",
    "SummaryAttributes",
    "SummaryRecord",
    "UserAttributes",
    "UserRecord",
    "WorkoutAttributes",
    "WorkoutData",
    "WorkoutRecord",
    "accelerated_record",
    "record_from_item",
    "utcnow",
]

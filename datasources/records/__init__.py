"""Pydantic records that read and write exactly the seed document's item shapes."""

from datasources.records.base import ItemRecord, utcnow
from datasources.records.coach import CoachAttributes, CoachRecord
from datasources.records.contact import ContactFormAttributes, ContactFormRecord
from datasources.records.conversation import (
    ConversationAttributes,
    ConversationRecord,
    Message,
)
from datasources.records.designer import DesignerSessionAttributes, DesignerSessionRecord
from datasources.records.memory import MemoryAttributes, MemoryRecord
from datasources.records.program import (
    ProgramAttributes,
    ProgramInsightsRecord,
    ProgramRecord,
)
from datasources.records.session import SessionAttributes, SessionRecord
from datasources.records.subscription import SubscriptionRecord
from datasources.records.summary import SummaryAttributes, SummaryRecord
from datasources.records.user import UserAttributes, UserRecord
from datasources.records.workout import WorkoutAttributes, WorkoutData, WorkoutRecord

RECORD_TYPES: dict[str, type[ItemRecord]] = {
    cls.ENTITY_TYPE: cls
    for cls in (
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
    )
}


def record_from_item(item: dict[str, object]) -> ItemRecord:
    """Parse any item of the table into its record type."""
    return RECORD_TYPES[str(item["entityType"])].from_item(item)


__all__ = [
    "RECORD_TYPES",
    "CoachAttributes",
    "CoachRecord",
    "ContactFormAttributes",
    "ContactFormRecord",
    "ConversationAttributes",
    "ConversationRecord",
    "DesignerSessionAttributes",
    "DesignerSessionRecord",
    "ItemRecord",
    "MemoryAttributes",
    "MemoryRecord",
    "Message",
    "ProgramAttributes",
    "ProgramInsightsRecord",
    "ProgramRecord",
    "SessionAttributes",
    "SessionRecord",
    "SubscriptionRecord",
    "SummaryAttributes",
    "SummaryRecord",
    "UserAttributes",
    "UserRecord",
    "WorkoutAttributes",
    "WorkoutData",
    "WorkoutRecord",
    "record_from_item",
    "utcnow",
]

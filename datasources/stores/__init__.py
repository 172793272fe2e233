"""One store per entity, named for its access patterns; they speak records, not items."""

from __future__ import annotations

from dataclasses import dataclass

from datasources.content import ContentStore
from datasources.counts import Recount
from datasources.quota import CostQuota, Window
from datasources.stores.account import AccountStore
from datasources.stores.admin import AdminStore
from datasources.stores.coach import CoachStore
from datasources.stores.coach_template import CoachTemplateStore
from datasources.stores.contact import PER_ADDRESS, PER_EMAIL, ContactStore
from datasources.stores.conversation import ConversationStore
from datasources.stores.designer import DesignerSessionStore
from datasources.stores.exercise import ExerciseStore
from datasources.stores.memory import MemoryStore
from datasources.stores.program import ProgramStore
from datasources.stores.report import ReportStore
from datasources.stores.session import SessionStore
from datasources.stores.shared_program import SharedProgramStore
from datasources.stores.summary import SummaryStore
from datasources.stores.user import UserStore
from datasources.stores.workout import WorkoutStore
from datasources.table import Table
from datasources.uploads import Uploads
from settings import Settings

# Default of NEONPANDA_RATE_LIMIT_COST_PER_WINDOW / _WINDOW_SECONDS.
COST_WINDOW = Window(limit=120_000, seconds=60)


@dataclass
class Stores:
    table: Table
    content: ContentStore
    users: UserStore
    coaches: CoachStore
    conversations: ConversationStore
    summaries: SummaryStore
    workouts: WorkoutStore
    sessions: SessionStore
    memories: MemoryStore
    programs: ProgramStore
    designer_sessions: DesignerSessionStore
    shared_programs: SharedProgramStore
    reports: ReportStore
    exercises: ExerciseStore
    accounts: AccountStore
    contacts: ContactStore
    admin: AdminStore
    coach_templates: CoachTemplateStore
    uploads: Uploads

    quota: CostQuota
    recount: Recount  # the partition's list counters, counted again

    @classmethod
    def build(
        cls,
        table: Table,
        content: ContentStore,
        *,
        cost_window: Window = COST_WINDOW,
        contact_windows: tuple[Window, Window] = (PER_ADDRESS, PER_EMAIL),
    ) -> Stores:
        return cls(
            table=table,
            content=content,
            users=UserStore(table, content),
            coaches=CoachStore(table, content),
            conversations=ConversationStore(table, content),
            summaries=SummaryStore(table, content),
            workouts=WorkoutStore(table, content),
            sessions=SessionStore(table, content),
            memories=MemoryStore(table, content),
            programs=ProgramStore(table, content),
            designer_sessions=DesignerSessionStore(table, content),
            shared_programs=SharedProgramStore(table, content),
            reports=ReportStore(table, content),
            exercises=ExerciseStore(table, content),
            accounts=AccountStore(table, content),
            contacts=ContactStore(table, *contact_windows),
            admin=AdminStore(table),
            coach_templates=CoachTemplateStore(table),
            uploads=Uploads(content),
            quota=CostQuota(table, cost_window),
            recount=Recount(table),
        )

    @classmethod
    def from_settings(cls, table: Table, content: ContentStore, settings: Settings) -> Stores:
        stores = cls.build(
            table,
            content,
            cost_window=Window(
                settings.rate_limit_cost_per_window, settings.rate_limit_window_seconds
            ),
            contact_windows=(
                Window(settings.contact_max_per_address, settings.contact_window_seconds),
                Window(settings.contact_max_per_email, settings.contact_window_seconds),
            ),
        )
        stores.conversations.archive_messages = settings.message_archive_enabled
        return stores


__all__ = ["Stores"]

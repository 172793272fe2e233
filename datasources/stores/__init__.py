"""One store per entity, named for its access patterns; they speak records, not items."""

from __future__ import annotations

from dataclasses import dataclass

from datasources.content import ContentStore
from datasources.stores.account import AccountStore
from datasources.stores.admin import AdminStore
from datasources.stores.coach import CoachStore
from datasources.stores.contact import ContactStore
from datasources.stores.conversation import ConversationStore
from datasources.stores.memory import MemoryStore
from datasources.stores.session import SessionStore
from datasources.stores.summary import SummaryStore
from datasources.stores.user import UserStore
from datasources.stores.workout import WorkoutStore
from datasources.table import Table


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
    accounts: AccountStore
    contacts: ContactStore
    admin: AdminStore

    @classmethod
    def build(cls, table: Table, content: ContentStore) -> Stores:
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
            accounts=AccountStore(table, content),
            contacts=ContactStore(table),
            admin=AdminStore(table),
        )


__all__ = ["Stores"]

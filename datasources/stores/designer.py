"""Program-designer sessions, as NeonPanda's app keeps them
(amplify/dynamodb/program-designer.ts): listed by reading the athlete's sessions whole,
most recent activity first, soft-deleted ones hidden (:199-304); renamed (title and
lastActivity, :107-164) and soft-deleted (`isDeleted`, `completedAt`:
delete-program-designer-session/handler.ts:87-110), each write conditioned on the
session as read."""

from __future__ import annotations

from dataclasses import dataclass

from boto3.dynamodb.conditions import Key

from datasources import keys
from datasources.errors import Cancelled
from datasources.idempotency import Intent
from datasources.inputs.designer import DeleteDesignerSession, RenameDesignerSession
from datasources.records import DesignerSessionRecord, utcnow
from datasources.stores.base import EntityStore, PageRequest, RecordPage, idempotent, page_in_memory
from datasources.transaction import Transaction


@dataclass(frozen=True)
class DesignerSessionQuery:
    is_complete: bool | None = None
    include_deleted: bool = False

    def shows(self, record: DesignerSessionRecord) -> bool:
        if record.deleted and not self.include_deleted:
            return False
        complete = record.attributes.is_complete
        return self.is_complete is None or bool(complete) is self.is_complete


class DesignerSessionStore(EntityStore[DesignerSessionRecord, DesignerSessionQuery]):
    record_type = DesignerSessionRecord
    entity_name = "Program designer session"
    sk_prefix = keys.DESIGNER_SESSION_SK

    async def _all(self, user_id: str) -> list[DesignerSessionRecord]:
        pk = keys.user_pk(user_id)
        async with self._listing(user_id) as cache:
            page = await self.table.query(
                Key("pk").eq(pk) & Key("sk").begins_with(self.sk_prefix),
                filter=self._is_entity(),
            )
            pairs = self._parsed(page.items)
            if cache is not None:
                cache.items.remember([i for _, i in pairs], [r for r, _ in pairs])
        return sorted((r for r, _ in pairs), key=DesignerSessionRecord.activity)

    async def listing(
        self, user_id: str, query: DesignerSessionQuery
    ) -> list[DesignerSessionRecord]:
        """Every match, in the list's order (`DesignerSessionRecord.activity`)."""
        return [r for r in await self._all(user_id) if query.shows(r)]

    async def list_for_user(
        self, user_id: str, request: PageRequest, query: DesignerSessionQuery
    ) -> RecordPage[DesignerSessionRecord]:
        matching = await self.listing(user_id, query)
        return page_in_memory(matching, request, DesignerSessionRecord.activity)

    async def count_for_user(self, user_id: str, query: DesignerSessionQuery) -> int:
        return len(await self.listing(user_id, query))

    async def get(self, user_id: str, session_id: str) -> DesignerSessionRecord | None:
        return await self.get_by_key(keys.user_pk(user_id), keys.designer_session_sk(session_id))

    @idempotent
    async def rename(
        self, user_id: str, data: RenameDesignerSession, intent: Intent
    ) -> DesignerSessionRecord:
        key = (keys.user_pk(user_id), keys.designer_session_sk(data.session_id))
        record = await self._current(key, data.expected_version)
        record.attributes.title = data.title
        record.attributes.last_activity = utcnow()
        return await self._save(record, intent)

    @idempotent
    async def delete(
        self, user_id: str, data: DeleteDesignerSession, intent: Intent
    ) -> DesignerSessionRecord:
        key = (keys.user_pk(user_id), keys.designer_session_sk(data.session_id))
        record = await self._current(key, data.expected_version)
        record.attributes.is_deleted = True
        record.attributes.completed_at = utcnow()
        return await self._save(record, intent)

    async def _save(self, record: DesignerSessionRecord, intent: Intent) -> DesignerSessionRecord:
        try:
            await self._commit(Transaction().save("session", record), intent, record.key)
        except Cancelled as err:
            self._version_conflict(err, "session")
            raise
        self._wrote(record)
        return record

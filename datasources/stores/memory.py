"""User memories, listed in importance / usage / age order (through the `lists` index, or
the base table before it exists)."""

from __future__ import annotations

import contextlib
import uuid
from dataclasses import dataclass

from boto3.dynamodb.conditions import Attr, ConditionBase

from datasources import keys
from datasources.enums import Importance, MemoryType, read
from datasources.errors import AlreadyExists, Cancelled, ConditionFailed, NotFound
from datasources.idempotency import Intent
from datasources.inputs.memory import CreateMemory, DeleteMemory, RecordMemoryUse, UpdateMemory
from datasources.records import MemoryAttributes, MemoryRecord, utcnow
from datasources.records.memory import MemoryMetadata
from datasources.stores.base import EntityStore, all_of, field, idempotent, null_or_absent, reads_as
from datasources.stores.coach import require_coaches
from datasources.transaction import Transaction, Update, at_version, exists


@dataclass(frozen=True)
class MemoryQuery:
    coach_id: str | None = None
    memory_type: str | None = None
    importance: str | None = None
    include_archived: bool = False  # memories the app's lifecycle archived


class MemoryStore(EntityStore[MemoryRecord, MemoryQuery]):
    """Listed by importance (high first), then usage count, then newest: the index's order."""

    record_type = MemoryRecord
    entity_name = "Memory"
    sk_prefix = keys.MEMORY_SK
    counter = "memories"
    default_query = MemoryQuery()

    @classmethod
    def where(cls, query: MemoryQuery) -> ConditionBase | None:
        coach = field(MemoryRecord, "attributes", "coach_id")
        importance = field(MemoryRecord, "attributes", "metadata", "importance")
        state = Attr(".".join((*MemoryRecord.path("attributes", "metadata", "lifecycle"), "state")))
        return all_of(
            # A coach's memories include the global ones (no coach).
            coach.eq(query.coach_id) | null_or_absent(coach) if query.coach_id else None,
            reads_as(
                field(MemoryRecord, "attributes", "memory_type"),
                read(MemoryType, query.memory_type),
            )
            if query.memory_type
            else None,
            reads_as(importance, read(Importance, query.importance), absent=Importance.MEDIUM)
            if query.importance
            else None,
            None if query.include_archived else null_or_absent(state) | state.ne("archived"),
        )

    async def get(self, user_id: str, memory_id: str) -> MemoryRecord | None:
        return await self.get_by_key(keys.user_pk(user_id), keys.memory_sk(memory_id))

    @idempotent
    async def create(self, user_id: str, data: CreateMemory, intent: Intent) -> MemoryRecord:
        now = utcnow()
        record = MemoryRecord.new(
            MemoryAttributes(
                memory_id=data.memory_id or f"memory_{uuid.uuid4().hex}",
                user_id=user_id,
                coach_id=data.coach_id,
                content=data.content,
                memory_type=data.memory_type.value,
                metadata=MemoryMetadata(
                    created_at=now,
                    usage_count=0,
                    source=data.source or "api",
                    importance=data.importance.value,
                    tags=list(data.tags or []),
                ),
            ),
            now,
        )
        tx = Transaction().create("memory", record)
        require_coaches(tx, user_id, [data.coach_id] if data.coach_id else [])
        try:
            await self._commit(tx, intent, record.key)
        except Cancelled as err:
            if err.failed_any("coach"):
                raise NotFound("Coach") from err
            raise AlreadyExists(
                f"memoryId {record.attributes.memory_id} is already taken", "memoryId"
            ) from err
        self._wrote(record)
        return record

    @idempotent
    async def update(self, user_id: str, data: UpdateMemory, intent: Intent) -> MemoryRecord:
        key = (keys.user_pk(user_id), keys.memory_sk(data.memory_id))
        record = await self._current(key, data.expected_version)
        attrs = record.attributes
        if data.content is not None:
            attrs.content = data.content
        if data.memory_type is not None:
            attrs.memory_type = data.memory_type.value
        if data.importance is not None:
            attrs.metadata.importance = data.importance.value
        if data.tags is not None:
            attrs.metadata.tags = list(data.tags)
        try:
            await self._commit(Transaction().save("memory", record), intent, record.key)
        except Cancelled as err:
            self._version_conflict(err, "memory")
            raise
        self._wrote(record)
        return record

    async def delete(self, user_id: str, data: DeleteMemory) -> str:
        intent = Intent.of(user_id, data)

        async def replay(_: object) -> str:
            return data.memory_id

        return await self._once(intent, lambda: self._delete(user_id, data, intent), replay)

    async def _delete(self, user_id: str, data: DeleteMemory, intent: Intent) -> str:
        key = (keys.user_pk(user_id), keys.memory_sk(data.memory_id))
        record = await self._current(key, data.expected_version)  # what the counter loses
        tx = Transaction().delete(
            "memory", key, condition=at_version(data.expected_version), was=record
        )
        try:
            await self._commit(tx, intent, None)
        except Cancelled as err:
            self._version_conflict(err, "memory")
            raise
        self._gone(key)
        return data.memory_id

    @idempotent
    async def record_use(self, user_id: str, data: RecordMemoryUse, intent: Intent) -> MemoryRecord:
        """usageCount + 1 and lastUsed, atomically (ADD: concurrent uses never collide).

        The list order key depends on the count, so it is brought up to date after, with a
        write conditioned on the count it was computed from: if another use lands in
        between, that use's own follow-up sets the key for the newer count.
        """
        key = (keys.user_pk(user_id), keys.memory_sk(data.memory_id))
        record = await self._current(key)
        record.attributes.metadata.last_used = utcnow()
        record.attributes.metadata.usage_count += 1
        tx = Transaction().save("memory", record, condition=exists(), add={_USAGE: 1})
        try:
            await self._commit(tx, intent, key)
        except Cancelled as err:
            raise NotFound(self.entity_name) from err
        # Read back what the counters are now (other uses may have landed too).
        record = await self._current(key)
        order_key = record.list_key()
        if record.listsk != order_key:
            with contextlib.suppress(ConditionFailed):
                await self.table.update(
                    key,
                    Update(set={MemoryRecord.path("listsk"): order_key}),
                    condition=Attr(".".join(_USAGE)).eq(record.attributes.metadata.usage_count),
                )
            record.listsk = order_key
        self._wrote(record)
        return record


_USAGE = MemoryRecord.path("attributes", "metadata", "usage_count")

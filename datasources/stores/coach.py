"""Coach configs of a user.

Deleting a coach also deletes its coach-specific memories (they only make sense for that
coach) in the same transaction; conversations, summaries and workouts are history and
stay, their `coach` resolving to null.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from boto3.dynamodb.conditions import Attr, ConditionBase, Key

from datasources import keys
from datasources.errors import AlreadyExists, Busy, Cancelled, NotFound
from datasources.idempotency import Intent
from datasources.inputs.coach import CreateCoach, DeleteCoach, UpdateCoach
from datasources.records import CoachAttributes, CoachRecord, utcnow
from datasources.records.coach import (
    CoachMetadata,
    SelectedMethodology,
    SelectedPersonality,
    TechnicalConfig,
)
from datasources.stores.base import EntityStore, field, null_or_absent
from datasources.table import Table
from datasources.transaction import Transaction, at_version, exists

# One transaction: marker + coach + memories + the counts update (DynamoDB allows 100).
MAX_CASCADE = 97


@dataclass(frozen=True)
class CoachQuery:
    include_archived: bool = False  # the app archives coaches instead of deleting them


class CoachStore(EntityStore[CoachRecord, CoachQuery]):
    """Listed oldest first; archived coaches only when asked for."""

    record_type = CoachRecord
    what = "Coach"
    sk_prefix = keys.COACH_SK
    counter = "coaches"
    default_query = CoachQuery()

    @classmethod
    def where(cls, query: CoachQuery) -> ConditionBase | None:
        if query.include_archived:
            return None
        status = field(CoachRecord, "attributes", "status")
        return null_or_absent(status) | status.ne("archived")

    async def get(self, user_id: str, coach_id: str) -> CoachRecord | None:
        return await self.get_by_key(keys.user_pk(user_id), keys.coach_sk(coach_id))

    async def create(self, user_id: str, data: CreateCoach) -> CoachRecord:
        intent = Intent.of(user_id, data)
        return await self._once(intent, lambda: self._create(user_id, data, intent), self._reload)

    async def _create(self, user_id: str, data: CreateCoach, intent: Intent) -> CoachRecord:
        now = utcnow()
        attrs = CoachAttributes(
            coach_id=data.coach_id or f"coach_{uuid.uuid4().hex[:16]}",
            coach_name=data.name,
            metadata=CoachMetadata(created_date=now, total_conversations=0),
        )
        _configure(attrs, data)
        record = CoachRecord.new(user_id, attrs, now)
        try:
            await self._commit(Transaction().create("coach", record), intent, record.key)
        except Cancelled as err:
            raise AlreadyExists(
                f"A coach with id {attrs.coach_id} already exists", "coachId"
            ) from err
        self._wrote(record)
        return record

    async def update(self, user_id: str, data: UpdateCoach) -> CoachRecord:
        intent = Intent.of(user_id, data)
        return await self._once(intent, lambda: self._update(user_id, data, intent), self._reload)

    async def _update(self, user_id: str, data: UpdateCoach, intent: Intent) -> CoachRecord:
        key = (keys.user_pk(user_id), keys.coach_sk(data.coach_id))
        record = await self._current(key, data.expected_version)
        if data.name is not None:
            record.attributes.coach_name = data.name
        _configure(record.attributes, data)
        try:
            await self._commit(Transaction().save("coach", record), intent, record.key)
        except Cancelled as err:
            self._version_conflict(err, "coach")
            raise
        self._wrote(record)
        return record

    async def delete(self, user_id: str, data: DeleteCoach) -> tuple[str, int]:
        """(coachId, coach-specific memories deleted with it); a replay reports 0."""
        intent = Intent.of(user_id, data)

        async def replay(_: object) -> tuple[str, int]:
            return data.coach_id, 0

        return await self._once(intent, lambda: self._delete(user_id, data, intent), replay)

    async def _delete(self, user_id: str, data: DeleteCoach, intent: Intent) -> tuple[str, int]:
        key = (keys.user_pk(user_id), keys.coach_sk(data.coach_id))
        memories = await self.table.query(
            Key("pk").eq(keys.user_pk(user_id)) & Key("sk").begins_with(keys.MEMORY_SK),
            filter=Attr("attributes.coachId").eq(data.coach_id),
            consistent=True,
        )
        if len(memories.items) > MAX_CASCADE:
            raise Busy(f"Coach has over {MAX_CASCADE} memories; delete some first")
        record = await self._current(key, data.expected_version)  # what the counter loses
        tx = Transaction().delete(
            "coach", key, condition=at_version(data.expected_version), was=record
        )
        for memory in memories.items:
            tx.delete(
                f"memory:{memory['sk']}",
                (memory["pk"], memory["sk"]),
                # As read: the counter's change is computed from this copy.
                condition=at_version(int(memory.get("version", 1))),
                was=memory,
            )
        try:
            await self._commit(tx, intent, None)
        except Cancelled as err:
            self._version_conflict(err, "coach")
            raise Busy("The coach's memories changed meanwhile; retry") from err
        self._gone(key, *((m["pk"], m["sk"]) for m in memories.items))
        return data.coach_id, len(memories.items)


def _configure(attrs: CoachAttributes, data: CreateCoach | UpdateCoach) -> None:
    if data.personality is not None:
        attrs.selected_personality = SelectedPersonality.model_validate(
            data.personality.model_dump()
        )
    if data.methodology is not None:
        attrs.selected_methodology = SelectedMethodology.model_validate(
            data.methodology.model_dump()
        )
    if data.technical_config is not None:
        attrs.technical_config = TechnicalConfig.model_validate(data.technical_config.model_dump())


def require_coaches(tx: Transaction, user_id: str, coach_ids: list[str]) -> None:
    """Checks, in `tx`, that each coach still exists when the transaction commits."""
    for coach_id in coach_ids:
        tx.check(f"coach:{coach_id}", (keys.user_pk(user_id), keys.coach_sk(coach_id)), exists())


async def current_coaches(table: Table, user_id: str, coach_ids: list[str]) -> list[CoachRecord]:
    """The coaches as stored now (a consistent read, not the request's cache): what a write
    copies from them (a workout's coach names) must be current."""
    items = await table.batch_get(
        [(keys.user_pk(user_id), keys.coach_sk(c)) for c in coach_ids], consistent=True
    )
    found = [CoachRecord.from_item(i) if i else None for i in items]
    missing = [c for c, r in zip(coach_ids, found, strict=True) if r is None]
    if missing:
        raise NotFound(f"Coach {missing[0]}")
    return [r for r in found if r is not None]

"""Coach configs of a user."""

from __future__ import annotations

from boto3.dynamodb.conditions import Attr

from datasources import keys
from datasources.records import CoachRecord
from datasources.stores.base import EntityStore
from datasources.table import TransactAction


class CoachStore(EntityStore[CoachRecord]):
    record_type = CoachRecord

    async def get(self, user_id: str, coach_id: str) -> CoachRecord | None:
        return await self.get_by_key(keys.user_pk(user_id), keys.coach_sk(coach_id))

    @staticmethod
    def exists_check(user_id: str, coach_id: str) -> TransactAction:
        """A transaction action that fails unless the coach exists."""
        return TransactAction(
            "ConditionCheck",
            keys.user_pk(user_id),
            keys.coach_sk(coach_id),
            condition=Attr("pk").exists(),
        )

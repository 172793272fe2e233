"""Workouts, ordered by completion time through the LSI (date ranges are key ranges)."""

from __future__ import annotations

from typing import Any

from datasources import keys
from datasources.records import WorkoutRecord
from datasources.stores.base import EntityStore


class WorkoutStore(EntityStore[WorkoutRecord]):
    record_type = WorkoutRecord

    async def get(self, user_id: str, workout_id: str) -> WorkoutRecord | None:
        return await self.get_by_key(keys.user_pk(user_id), keys.workout_sk(workout_id))

    async def create(
        self, record: WorkoutRecord, detailed_log: dict[str, Any] | None = None
    ) -> None:
        """Detailed log to S3 first, then the item pointing at it (with its checksum)."""
        attrs = record.attributes
        if detailed_log is not None:
            day = attrs.completed_at.strftime("%Y-%m-%d")
            stored = await self.content.put_json(
                keys.workout_log_key(attrs.user_id, day, attrs.workout_id), detailed_log
            )
            attrs.detailed_log = stored.to_pointer()
        await self.put_new(record)

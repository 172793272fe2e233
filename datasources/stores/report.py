"""The app's weekly and monthly reports, read as the app reads them
(amplify/dynamodb/analytics.ts:43-150, :252-316): every report of the period kind in one
query of the athlete's partition, filtered by date range and sorted in memory (by period
start or by workout count, the app's secondary order the period id). Read-only: the app's
scheduled Lambdas write them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from boto3.dynamodb.conditions import Key

from datasources import keys
from datasources.loaders import request_cache
from datasources.records.analytics import ReportRecord
from datasources.stores.base import EntityStore


class ReportOrder(Enum):
    PERIOD_START = "periodStart"  # the app's default (weekStart / monthStart)
    WORKOUT_COUNT = "workoutCount"


@dataclass(frozen=True)
class ReportQuery:
    weekly: bool
    start_from: str | None = None  # YYYY-MM-DD: period start on or after (analytics.ts:69)
    end_to: str | None = None  # YYYY-MM-DD: period end on or before (analytics.ts:74)
    order: str = ReportOrder.PERIOD_START.value
    descending: bool = True  # the app's default order (analytics.ts:79)

    def shows(self, record: ReportRecord) -> bool:
        if self.start_from is not None and record.period_start[:10] < self.start_from:
            return False
        return not (self.end_to is not None and record.period_end[:10] > self.end_to)

    def position(self, record: ReportRecord) -> tuple[object, ...]:
        """Ascending and unique: the page's position of a record in this order."""
        if self.order == ReportOrder.WORKOUT_COUNT.value:
            primary = record.workout_count
        else:
            primary = _day_number(record.period_start)
        return (-primary if self.descending else primary, record.period_id)


def _day_number(day: str) -> int:
    """`YYYY-MM-DD...` as the number YYYYMMDD (0 when unreadable): sortable both ways."""
    digits = day[:10].replace("-", "")
    return int(digits) if len(digits) == 8 and digits.isdigit() else 0


class ReportStore(EntityStore[ReportRecord, ReportQuery]):
    record_type = ReportRecord
    entity_name = "Report"
    sk_prefix = keys.WEEKLY_REPORT_SK  # per query: see `_prefix`

    @staticmethod
    def _prefix(weekly: bool) -> str:
        return keys.WEEKLY_REPORT_SK if weekly else keys.MONTHLY_REPORT_SK

    async def listing(self, user_id: str, query: ReportQuery) -> list[ReportRecord]:
        """Every report of the kind in the range, in the query's order (one Query)."""
        pk = keys.user_pk(user_id)
        prefix = self._prefix(query.weekly)
        page = await self.table.query(
            Key("pk").eq(pk) & Key("sk").begins_with(prefix), filter=self._is_entity()
        )
        pairs = self._parsed(page.items)
        cache = request_cache.get()
        if cache is not None:
            cache.items.remember([i for _, i in pairs], [r for r, _ in pairs])
        return sorted((r for r, _ in pairs if query.shows(r)), key=query.position)

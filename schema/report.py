"""The app's weekly and monthly reports (`TrainingReport`), read-only: its scheduled
Lambdas write them (amplify/dynamodb/analytics.ts). Typed where the app types them (the
period, `metadata`'s counts and flags: libs/analytics/types.ts:130-185), JSON where it
leaves them open (`analyticsData`, typed `any`). `s3Location` is a pointer into the app's
own logs bucket: shown as data, never fetched."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from enum import Enum
from typing import Annotated, cast

import strawberry
from strawberry.scalars import JSON

from datasources.records.analytics import ReportRecord
from datasources.stores.base import page_in_memory
from datasources.stores.report import ReportOrder, ReportQuery
from resolvers import user_lists
from resolvers.context import Info
from resolvers.dates import day_range
from resolvers.errors import bad_input
from schema.connection import Connection
from schema.node import Node, encode_global_id

WEEK_ID = re.compile(r"^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$")
MONTH_ID = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


@strawberry.enum(description="Which reports: the app builds one a week and one a month.")
class ReportPeriod(Enum):
    WEEKLY = "weekly"
    MONTHLY = "monthly"


@strawberry.enum(description="The app's sort keys for reports (analytics.ts:77-89).")
class ReportSortField(Enum):
    PERIOD_START = ReportOrder.PERIOD_START.value
    WORKOUT_COUNT = ReportOrder.WORKOUT_COUNT.value


@strawberry.type(description="The report's counts and flags (libs/analytics/types.ts:140-152).")
class ReportMetadata:
    workout_count: int | None
    conversation_count: int | None
    memory_count: int | None
    historical_summary_count: int | None
    analytics_length: int | None
    has_athlete_profile: bool | None
    has_dual_output: bool | None
    human_summary_length: int | None
    normalization_applied: bool | None
    analysis_confidence: str | None = strawberry.field(description='"high" | "medium" | "low"')
    data_completeness: float | None = strawberry.field(description="0.0 - 1.0")


@strawberry.type(
    description="A weekly or monthly report the app built: `user#<id>` / "
    "`weeklyAnalytics#<YYYY-Www>` or `monthlyAnalytics#<YYYY-MM>`."
)
class TrainingReport(Node):
    period: ReportPeriod
    period_id: str = strawberry.field(description="YYYY-Www (ISO week) or YYYY-MM.")
    period_start: str | None = strawberry.field(description="YYYY-MM-DD, as the app stores it.")
    period_end: str | None
    workout_count: int = strawberry.field(description="`metadata.workoutCount` (0 when absent).")
    human_summary: str | None = strawberry.field(
        description="`analyticsData.human_summary`: the report's prose."
    )
    metadata: ReportMetadata
    analytics_data: JSON | None = strawberry.field(
        description="The whole report as the app stores it (structured_analytics, "
        "human_summary, ...): open JSON in the app (`any`)."
    )
    s3_location: str | None = strawberry.field(
        description="Where the app keeps the report's source text: an s3:// URL in the app's "
        "own logs bucket, which this API does not read."
    )
    created_at: datetime
    updated_at: datetime

    @strawberry.field
    def id(self) -> strawberry.ID:
        return encode_global_id("TrainingReport", self.period.value, self.period_id)

    @staticmethod
    def from_record(record: ReportRecord) -> TrainingReport:
        a = record.attributes
        m = a.metadata
        data = a.analytics_data
        summary = data.get("human_summary") if isinstance(data, dict) else None
        return TrainingReport(
            period=ReportPeriod.WEEKLY if record.weekly else ReportPeriod.MONTHLY,
            period_id=record.period_id,
            period_start=record.period_start or None,
            period_end=record.period_end or None,
            workout_count=record.workout_count,
            human_summary=summary if isinstance(summary, str) else None,
            metadata=ReportMetadata(
                workout_count=m.workout_count,
                conversation_count=m.conversation_count,
                memory_count=m.memory_count,
                historical_summary_count=m.historical_summary_count,
                analytics_length=m.analytics_length,
                has_athlete_profile=m.has_athlete_profile,
                has_dual_output=m.has_dual_output,
                human_summary_length=m.human_summary_length,
                normalization_applied=m.normalization_applied,
                analysis_confidence=m.analysis_confidence,
                data_completeness=m.data_completeness,
            ),
            analytics_data=cast(JSON, data),
            s3_location=a.s3_location,
            created_at=record.created_at,
            updated_at=record.updated_at,
        )


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


async def list_reports(
    info: Info,
    weekly: bool,
    start_from: str | None,
    end_to: str | None,
    sort: ReportSortField,
    descending: bool,
    first: int | None,
    after: str | None,
) -> Connection[TrainingReport]:
    low, high = day_range(start_from, end_to)
    user_id = info.context.require_user().user_id
    query = ReportQuery(
        weekly=weekly,
        start_from=_day(low),
        end_to=_day(high),
        order=sort.value,
        descending=descending,
    )
    store = info.context.stores.reports
    page, _ = await user_lists.list_whole(
        info,
        "weeklyReports" if weekly else "monthlyReports",
        query,
        first,
        after,
        lambda: store.listing(user_id, query),
        lambda whole, request: page_in_memory(whole, request, query.position),
        len,
    )
    return Connection.build(
        [TrainingReport.from_record(r) for r in page.records],
        page.cursors,
        has_next=page.has_next,
        has_previous=page.has_previous,
        count=page.count,
    )


async def find_report(info: Info, weekly: bool, period_id: str) -> ReportRecord | None:
    """One report by its period id; a malformed id is BAD_USER_INPUT (never a read)."""
    pattern, argument = (WEEK_ID, "week") if weekly else (MONTH_ID, "month")
    if not pattern.fullmatch(period_id):
        shape = "YYYY-Www (e.g. 2026-W05)" if weekly else "YYYY-MM (e.g. 2026-04)"
        raise bad_input(f"{argument}: expected {shape}, got {period_id!r}", [argument])
    user_id = info.context.require_user().user_id
    view = info.context.loaders.of(ReportRecord, ReportRecord.sk_of(weekly))
    return await view.load((user_id, period_id))


# --- the viewer's fields (User, through schema/entities.py) ---------------------------

# The report lists' arguments (weeklyReports and monthlyReports take the same).
ReportsFrom = Annotated[
    str | None,
    strawberry.argument(
        name="from", description="YYYY-MM-DD: periods starting on or after this day."
    ),
]
ReportsTo = Annotated[
    str | None,
    strawberry.argument(description="YYYY-MM-DD: periods ending on or before this day."),
]
ReportsSort = Annotated[
    ReportSortField,
    strawberry.argument(description="The app's sort keys; the period id breaks ties."),
]


def _reports(weekly: bool) -> Callable[..., Awaitable[Connection[TrainingReport] | None]]:
    """`weeklyReports` or `monthlyReports`: the same arguments, the other period."""

    async def reports(
        info: Info,
        from_: ReportsFrom = None,
        to: ReportsTo = None,
        sort_by: ReportsSort = ReportSortField.PERIOD_START,
        descending: bool = True,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[TrainingReport] | None:
        return await list_reports(info, weekly, from_, to, sort_by, descending, first, after)

    return reports


async def _weekly_report(info: Info, week: str) -> TrainingReport | None:
    record = await find_report(info, True, week)
    return TrainingReport.from_record(record) if record else None


async def _monthly_report(info: Info, month: str) -> TrainingReport | None:
    record = await find_report(info, False, month)
    return TrainingReport.from_record(record) if record else None


VIEWER_FIELDS = {
    "weekly_reports": strawberry.field(
        resolver=_reports(weekly=True),
        description="The app's weekly reports (read-only), newest week first by default "
        "(analytics.ts:43-105): one query reads the page and `totalCount`.",
    ),
    "monthly_reports": strawberry.field(
        resolver=_reports(weekly=False),
        description="The app's monthly reports (read-only); as `weeklyReports`.",
    ),
    "weekly_report": strawberry.field(
        resolver=_weekly_report, description="One weekly report by its ISO week (YYYY-Www)."
    ),
    "monthly_report": strawberry.field(
        resolver=_monthly_report, description="One monthly report by its month (YYYY-MM)."
    ),
}

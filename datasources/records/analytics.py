"""The app's weekly and monthly reports (its "analytics"): `user#<userId>` /
`weeklyAnalytics#<YYYY-Www>` and `monthlyAnalytics#<YYYY-MM>`, both `entityType: analytics`
(amplify/dynamodb/analytics.ts:21-32, :184-195; the shapes are
amplify/functions/libs/analytics/types.ts:130-185). Written by the app's scheduled Lambdas
(build-weekly-analytics, build-monthly-analytics) only: this API reads them, never writes
them. `analyticsData` is the app's open JSON (structured_analytics + human_summary);
`s3Location` points into the app's logs bucket, not ours: it is data, never fetched."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from pydantic import Field

from datasources import keys
from datasources.records.base import CamelModel, ItemRecord


class ReportMetadata(CamelModel):
    """types.ts:140-152 (the same for both periods)."""

    workout_count: int | None = None
    conversation_count: int | None = None
    memory_count: int | None = None
    historical_summary_count: int | None = None
    analytics_length: int | None = None
    has_athlete_profile: bool | None = None
    has_dual_output: bool | None = None
    human_summary_length: int | None = None
    normalization_applied: bool | None = None
    analysis_confidence: str | None = None
    data_completeness: float | None = None


class ReportAttributes(CamelModel):
    user_id: str | None = None
    week_id: str | None = None  # YYYY-Www (ISO week)
    week_start: str | None = None  # YYYY-MM-DD
    week_end: str | None = None
    month_id: str | None = None  # YYYY-MM
    month_start: str | None = None
    month_end: str | None = None
    analytics_data: dict[str, Any] | None = None
    s3_location: str | None = None
    metadata: ReportMetadata = Field(default_factory=ReportMetadata)


class ReportRecord(ItemRecord):
    ENTITY_TYPE: ClassVar[str] = keys.ANALYTICS
    attributes: ReportAttributes

    @staticmethod
    def sk_of(weekly: bool) -> Callable[[str], str]:
        """The sort key of a weekly (or monthly) report by its period id: the key of its
        batched view (`Loaders.of(ReportRecord, ReportRecord.sk_of(weekly))`)."""
        return keys.weekly_report_sk if weekly else keys.monthly_report_sk

    @property
    def weekly(self) -> bool:
        return self.sk.startswith(keys.WEEKLY_REPORT_SK)

    @property
    def period_id(self) -> str:
        a = self.attributes
        stored = a.week_id if self.weekly else a.month_id
        return stored or self.sk.split("#", 1)[1]

    @property
    def period_start(self) -> str:
        a = self.attributes
        return (a.week_start if self.weekly else a.month_start) or ""

    @property
    def period_end(self) -> str:
        a = self.attributes
        return (a.week_end if self.weekly else a.month_end) or ""

    @property
    def workout_count(self) -> int:
        return self.attributes.metadata.workout_count or 0

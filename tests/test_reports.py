"""The app's weekly and monthly reports (amplify/dynamodb/analytics.ts), read through the
API: the app's own items (tests/app_items.py) plus more written as the app writes them;
ranges, the app's sort orders, single gets, nodes, errors and round trips."""

from __future__ import annotations

import base64
import copy
from typing import Any

from tests import app_items
from tests.conftest import Api, cost

DANA, SAM = app_items.ATHLETE, app_items.OTHER

LIST = """query($from: String, $to: String, $sort: ReportSortField, $desc: Boolean,
  $first: Int, $after: String) { viewer {
  weeklyReports(from: $from, to: $to, sortBy: $sort, descending: $desc, first: $first,
    after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id period periodId periodStart periodEnd workoutCount humanSummary
      s3Location metadata { workoutCount conversationCount analysisConfidence
        dataCompleteness hasDualOutput } analyticsData } } } } }"""

MONTHS = """{ viewer { monthlyReports { totalCount edges { node { periodId periodStart
  periodEnd workoutCount humanSummary } } } } }"""


def _weekly_item(user_id: str, week_id: str, start: str, end: str, workouts: int) -> dict[str, Any]:
    """A weekly report as the app saves it (analytics.ts:21-32; types.ts:130-152)."""
    base = next(i for i in app_items.items_for(user_id) if i["sk"].startswith("weeklyAnalytics#"))
    item = copy.deepcopy(base)
    item["sk"] = f"weeklyAnalytics#{week_id}"
    a = item["attributes"]
    a.update(weekId=week_id, weekStart=start, weekEnd=end)
    a["metadata"]["workoutCount"] = workouts
    a["analyticsData"]["human_summary"] = f"Week {week_id}."
    return item


async def _more_weeks(api: Api) -> None:
    table = api.runtime.stores.table
    for item in (
        _weekly_item(DANA, "2026-W17", "2026-04-20", "2026-04-26", 5),
        _weekly_item(DANA, "2026-W18", "2026-04-27", "2026-05-03", 1),
    ):
        await table.put(item)


def _periods(body: dict[str, Any]) -> list[str]:
    assert "errors" not in body, body["errors"]
    return [e["node"]["periodId"] for e in body["data"]["viewer"]["weeklyReports"]["edges"]]


async def test_the_apps_weekly_report_typed_with_its_data_and_pointer(app_api: Api) -> None:
    body = await app_api.gql(LIST, user=DANA)
    assert "errors" not in body, body["errors"]
    connection = body["data"]["viewer"]["weeklyReports"]
    assert connection["totalCount"] == 1
    node = connection["edges"][0]["node"]
    assert node["period"] == "WEEKLY"
    assert node["periodId"] == "2026-W19"
    assert (node["periodStart"], node["periodEnd"]) == ("2026-05-04", "2026-05-10")
    assert node["workoutCount"] == 3
    assert node["humanSummary"] == "Strong, consistent week."
    assert node["metadata"]["conversationCount"] == 2
    assert node["metadata"]["analysisConfidence"] == "high"
    assert node["metadata"]["dataCompleteness"] == 0.9
    assert node["analyticsData"]["structured_analytics"]["volume_breakdown"] == {"sessions": 3}
    # A pointer into the app's logs bucket: shown, never fetched.
    assert node["s3Location"].startswith("s3://") and "weekly-analytics" in node["s3Location"]
    # The page and totalCount: one query; no S3 call.
    assert cost(body)["dynamodb"]["byOperation"] == {"Query": 1}
    assert cost(body)["s3"]["calls"] == 0

    months = await app_api.gql(MONTHS, user=DANA)
    month = months["data"]["viewer"]["monthlyReports"]["edges"][0]["node"]
    assert month["periodId"] == "2026-04" and month["periodStart"] == "2026-04-01"
    assert month["workoutCount"] == 11 and month["humanSummary"] == "April built a steady base."


async def test_sorted_as_the_app_sorts_ranged_and_paged(app_api: Api) -> None:
    await _more_weeks(app_api)
    assert _periods(await app_api.gql(LIST, user=DANA)) == ["2026-W19", "2026-W18", "2026-W17"]
    ascending = await app_api.gql(LIST, {"desc": False}, user=DANA)
    assert _periods(ascending) == ["2026-W17", "2026-W18", "2026-W19"]
    by_count = await app_api.gql(LIST, {"sort": "WORKOUT_COUNT"}, user=DANA)
    assert _periods(by_count) == ["2026-W17", "2026-W19", "2026-W18"]  # 5, 3, 1
    # The app's range: weekStart >= from, weekEnd <= to (analytics.ts:67-76).
    ranged = await app_api.gql(LIST, {"from": "2026-04-27", "to": "2026-05-09"}, user=DANA)
    assert _periods(ranged) == ["2026-W18"]
    assert ranged["data"]["viewer"]["weeklyReports"]["totalCount"] == 1

    first = await app_api.gql(LIST, {"first": 2, "sort": "WORKOUT_COUNT"}, user=DANA)
    page = first["data"]["viewer"]["weeklyReports"]
    assert _periods(first) == ["2026-W17", "2026-W19"] and page["pageInfo"]["hasNextPage"]
    assert page["totalCount"] == 3
    rest = await app_api.gql(
        LIST,
        {"first": 2, "sort": "WORKOUT_COUNT", "after": page["pageInfo"]["endCursor"]},
        user=DANA,
    )
    assert _periods(rest) == ["2026-W18"]
    # Another athlete's reports are theirs alone.
    assert "2026-W17" not in _periods(await app_api.gql(LIST, user=SAM))


async def test_single_reports_and_nodes(app_api: Api) -> None:
    query = """query($w: String!, $m: String!) { viewer {
      weeklyReport(week: $w) { id periodId workoutCount }
      monthlyReport(month: $m) { id periodId workoutCount }
      missing: weeklyReport(week: "2020-W01") { id } } }"""
    body = await app_api.gql(query, {"w": "2026-W19", "m": "2026-04"}, user=DANA)
    assert "errors" not in body, body["errors"]
    viewer = body["data"]["viewer"]
    assert viewer["weeklyReport"]["workoutCount"] == 3
    assert viewer["monthlyReport"]["workoutCount"] == 11
    assert viewer["missing"] is None
    # The three gets: one BatchGetItem.
    assert cost(body)["dynamodb"]["byOperation"] == {"BatchGetItem": 1}

    node_query = """query($id: ID!) { node(id: $id) { __typename
      ... on TrainingReport { periodId period } } }"""
    node_id = viewer["weeklyReport"]["id"]
    node = await app_api.gql(node_query, {"id": node_id}, user=DANA)
    assert node["data"]["node"] == {
        "__typename": "TrainingReport",
        "periodId": "2026-W19",
        "period": "WEEKLY",
    }
    # A global id names a period inside the caller's partition (no user id in it): a week
    # with no report, or a malformed period, is NOT_FOUND.
    for missing in ("TrainingReport:weekly:2020-W01", "TrainingReport:weekly:bad"):
        raw = base64.urlsafe_b64encode(missing.encode()).decode().rstrip("=")
        other = await app_api.gql(node_query, {"id": raw}, user=DANA)
        assert other["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_bad_weeks_months_and_ranges_are_bad_user_input(app_api: Api) -> None:
    cases = [
        ('{ viewer { weeklyReport(week: "2026-19") { id } } }', ["viewer", "weeklyReport"]),
        ('{ viewer { weeklyReport(week: "2026-W54") { id } } }', ["viewer", "weeklyReport"]),
        ('{ viewer { monthlyReport(month: "2026-13") { id } } }', ["viewer", "monthlyReport"]),
        (
            '{ viewer { weeklyReports(from: "2026-05-10", to: "2026-05-01") { totalCount } } }',
            ["viewer", "weeklyReports"],
        ),
        (
            '{ viewer { monthlyReports(from: "May 1st") { totalCount } } }',
            ["viewer", "monthlyReports"],
        ),
    ]
    for query, path in cases:
        body = await app_api.gql(query, user=DANA)
        error = body["errors"][0]
        assert error["extensions"]["code"] == "BAD_USER_INPUT", (query, error)
        assert error["path"] == path


async def test_export_and_delete_account_cover_reports_and_exercise_rows(app_api: Api) -> None:
    """Both enumerate the athlete's whole partition (datasources/stores/account.py), so the
    app's reports and exercise rows are exported and deleted with the rest."""
    from boto3.dynamodb.conditions import Key

    export = await app_api.gql(
        "mutation { requestDataExport { itemCount export { content } } }", user=DANA
    )
    assert "errors" not in export, export["errors"]
    sks = {i["sk"] for i in export["data"]["requestDataExport"]["export"]["content"]["items"]}
    assert {"weeklyAnalytics#2026-W19", "monthlyAnalytics#2026-04"} <= sks
    assert sum(sk.startswith("exercise#") for sk in sks) == 4

    deleted = await app_api.gql(
        'mutation { deleteAccount(input: {confirm: "DELETE"}) { deletedItemCount } }', user=DANA
    )
    assert "errors" not in deleted, deleted["errors"]
    page = await app_api.runtime.stores.table.query(Key("pk").eq(f"user#{DANA}"))
    assert [i["sk"] for i in page.items] == []
    body = await app_api.gql(LIST, user=SAM)  # the other athlete's stay
    assert _periods(body) == ["2026-W19"]

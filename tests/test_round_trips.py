"""Backend round trips per query, counted (deterministic): the budgets in docs/benchmarks.md."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from datasources.records import ConversationRecord
from datasources.stores import Stores
from datasources.transaction import Transaction
from devserver.builders import athlete, bulk_put, coach, conversation, daily_workouts, workout
from devserver.queries import DASHBOARD
from tests.conftest import Api, cost
from tests.faults import after_call


async def test_dashboard_costs_six_requests_in_two_waves_and_no_s3(demo_api: Api) -> None:
    body = await demo_api.gql(DASHBOARD)
    assert "errors" not in body
    viewer = body["data"]["viewer"]
    assert len(viewer["workouts"]["edges"]) == 20
    assert len(viewer["conversations"]["edges"]) == 4
    assert all(e["node"]["coach"] for e in viewer["conversations"]["edges"])

    ddb = cost(body)["dynamodb"]
    # Wave 1: profile (batched) + 4 list queries. Wave 2: the summaries, one BatchGetItem.
    assert ddb["byOperation"] == {"BatchGetItem": 2, "Query": 4}
    assert ddb["calls"] == 6
    assert ddb["waves"] == 2
    # Coaches come from the coaches list; they are never fetched again. Items read:
    # 2 coaches + 4 conversations + 21 workouts (one past the page, for hasNextPage)
    # + 5 memories + 1 profile + 3 summaries.
    assert ddb["itemsRead"] == 36
    assert cost(body)["s3"]["calls"] == 0


# The dashboard with the athlete's running programs: one more query, in the first wave.
DASHBOARD_WITH_PROGRAMS = DASHBOARD.rstrip().removesuffix("} }") + (
    "programs(filter: {status: [ACTIVE, PAUSED]}, first: 5) { totalCount "
    "countsByStatus { active paused } edges { node { programId name status currentDay "
    "totalDays adherenceRate coaches { name } } } } } }"
)


async def test_running_programs_join_the_dashboards_first_wave(demo_api: Api) -> None:
    body = await demo_api.gql(DASHBOARD_WITH_PROGRAMS)
    assert "errors" not in body, body["errors"]
    programs = body["data"]["viewer"]["programs"]
    assert programs["totalCount"] == 1 and programs["countsByStatus"]["active"] == 1
    (program,) = [e["node"] for e in programs["edges"]]
    assert program["status"] == "ACTIVE" and program["coaches"] == [{"name": "Marcus"}]
    ddb = cost(body)["dynamodb"]
    # Wave 1: the profile (batched) + 4 list queries + the programs' GSI1 query (page,
    # totals and per-status totals at once). Wave 2: the summaries. The programs' coaches
    # come from the coaches list.
    assert ddb["byOperation"] == {"BatchGetItem": 2, "Query": 5}
    assert ddb["calls"] == 7
    assert ddb["waves"] == 2
    assert cost(body)["s3"]["calls"] == 0


# The dashboard with the training stats, the latest weekly report and the exercise names:
# three more queries, all in the first wave.
DASHBOARD_WITH_STATS = DASHBOARD.rstrip().removesuffix("} }") + (
    "trainingStats { currentStreak longestStreak workoutsThisWeek workoutsThisMonth "
    "calendar { day count } disciplineMix { discipline count } recentRecords { day } } "
    "weeklyReports(first: 1) { totalCount edges { node { periodId workoutCount } } } "
    "exerciseNames(first: 5) { totalCount exercises { exerciseName count lastDay } } } }"
)


async def test_dashboard_with_training_stats_stays_at_a_fixed_budget(demo_api: Api) -> None:
    body = await demo_api.gql(DASHBOARD_WITH_STATS)
    assert "errors" not in body, body["errors"]
    viewer = body["data"]["viewer"]
    assert viewer["weeklyReports"]["totalCount"] == 2
    assert viewer["exerciseNames"]["totalCount"] >= 1
    stats = viewer["trainingStats"]
    assert sum(d["count"] for d in stats["calendar"]) == 32
    ddb = cost(body)["dynamodb"]
    # Wave 1: the profile (batched, shared with trainingStats' time zone) + the 4 lists +
    # the workouts' projected read + the reports' query + the exercise rows' query.
    # Wave 2: the summaries.
    assert ddb["byOperation"] == {"BatchGetItem": 2, "Query": 7}
    assert ddb["waves"] == 2
    assert cost(body)["s3"]["calls"] == 0


async def test_training_stats_cost_one_query_whatever_the_history(api: Api) -> None:
    """Five years of daily workouts: still the profile and one projected query (the
    engine returns it in one page)."""
    await athlete(api.runtime.stores, "veteran")
    last = datetime.now(UTC)
    await bulk_put(api.runtime.stores, daily_workouts("veteran", 5 * 365 + 2, last))
    body = await api.gql(
        "{ viewer { trainingStats { totalWorkouts currentStreak longestStreak } } }",
        user="veteran",
    )
    assert "errors" not in body, body["errors"]
    stats = body["data"]["viewer"]["trainingStats"]
    assert stats["totalWorkouts"] == 5 * 365 + 2
    assert stats["longestStreak"] == 5 * 365 + 2
    assert cost(body)["dynamodb"]["byOperation"] == {"BatchGetItem": 1, "Query": 1}


async def test_relations_to_k_distinct_items_cost_ceil_k_over_100_batches(
    api: Api, stores: Stores
) -> None:
    now = datetime.now(UTC)
    await athlete(stores, "demo")
    coaches = [coach("demo", f"c{i:03d}", now).to_item() for i in range(200)]
    workouts = [
        workout(
            "demo",
            f"w{i:03d}",
            now - timedelta(hours=i),
            coach_ids=[f"c{2 * i:03d}", f"c{2 * i + 1:03d}"],
        ).to_item()
        for i in range(100)
    ]
    await bulk_put(stores, coaches + workouts)

    body = await api.gql(
        "{ viewer { workouts(first: 100) { edges { node { coaches { coachId } } } } } }"
    )
    edges = body["data"]["viewer"]["workouts"]["edges"]
    assert sum(len(e["node"]["coaches"]) for e in edges) == 200
    ddb = cost(body)["dynamodb"]
    # 200 relations to 200 distinct coaches: 2 BatchGetItem (100 keys each), one wave.
    assert ddb["byOperation"] == {"BatchGetItem": 2, "Query": 1}
    assert ddb["waves"] == 2

    body = await api.gql(
        "{ viewer { workouts(first: 100) { edges { node { c1: coaches { name } "
        "c2: coaches { coachId } } } } } }"
    )
    # The same relations asked twice in one request are fetched once.
    assert cost(body)["dynamodb"]["byOperation"] == {"BatchGetItem": 2, "Query": 1}


async def _range_cost(api: Api, start: datetime, end: datetime) -> tuple[int, int]:
    body = await api.gql(
        "query($f: WorkoutFilter) { viewer { workouts(filter: $f, first: 50) "
        "{ edges { node { workoutId } } } } }",
        {"f": {"completedFrom": start.isoformat(), "completedTo": end.isoformat()}},
    )
    return len(body["data"]["viewer"]["workouts"]["edges"]), cost(body)["dynamodb"]["itemsRead"]


async def test_date_range_reads_in_proportion_to_matches(api: Api, stores: Stores) -> None:
    now = datetime(2026, 6, 1, 12, tzinfo=UTC)
    window = (now - timedelta(days=4, hours=1), now)  # five daily workouts

    await bulk_put(stores, daily_workouts("demo", 10, now))
    small = await _range_cost(api, *window)

    await bulk_put(stores, daily_workouts("demo", 5000, now))
    large = await _range_cost(api, *window)

    assert small == (5, 5)
    assert large == (5, 5)  # 500x the history, the same items read


async def test_content_of_twenty_workouts_is_twenty_gets_in_one_wave(demo_api: Api) -> None:
    body = await demo_api.gql(
        "{ viewer { workouts(first: 20) { edges { node { detailedLog { sha256 content } } } } } }"
    )
    assert "errors" not in body
    logs = [e["node"]["detailedLog"] for e in body["data"]["viewer"]["workouts"]["edges"]]
    assert all(log["content"]["workoutId"] for log in logs)
    s3 = cost(body)["s3"]
    assert s3["gets"] == 20
    assert s3["waves"] == 1


async def test_storage_pointers_without_content_make_no_s3_request(demo_api: Api) -> None:
    body = await demo_api.gql(
        "{ viewer { workouts(first: 20) { edges { node { detailedLog { key sizeBytes sha256 "
        "contentType downloadUrl(expiresInSeconds: 60) } } } } "
        "coachCreatorSessions { edges { node { history { file { key downloadUrl } } } } } "
        "conversations { edges { node { transcript { key downloadUrl } } } } } }"
    )
    assert "errors" not in body
    log = body["data"]["viewer"]["workouts"]["edges"][0]["node"]["detailedLog"]
    assert log["key"].startswith("athletes/demo/workouts/")
    assert "X-Amz-Signature" in log["downloadUrl"]
    assert cost(body)["s3"]["calls"] == 0


LIST_ONLY = "{ viewer { conversations(first: 10) { edges { node { conversationId title } } } } }"
LIST_WITH_MESSAGES = """{ viewer { conversations(first: 10) { edges { node {
    id conversationId totalMessages messages(last: 2) { totalCount edges { node { content } } }
} } } } }"""


async def test_conversation_lists_leave_the_messages_out(api: Api, stores: Stores) -> None:
    """A list reads the conversations without their messages (up to ~300 KB each); a list
    that shows messages or their count loads the whole items, one BatchGetItem for the
    page, and answers exactly what the conversation's own read answers."""
    now = datetime.now(UTC)
    await athlete(stores, "demo")
    long = [conversation("demo", "c1", n, 150 + n, now).to_item() for n in range(3)]
    await bulk_put(stores, [coach("demo", "c1", now).to_item(), *long])

    answered: list[dict[str, Any]] = []
    with after_call(api.runtime.stores.table.client, "Query", answered.append):
        body = await api.gql(LIST_ONLY)
    assert "errors" not in body, body["errors"]
    titles = [e["node"]["title"] for e in body["data"]["viewer"]["conversations"]["edges"]]
    assert titles == ["Conversation 0", "Conversation 1", "Conversation 2"]
    assert cost(body)["dynamodb"]["byOperation"] == {"Query": 1}
    # What came over the wire: the three conversations, and not one message.
    (response,) = answered
    items = response["Items"]
    assert len(items) == 3
    assert all("messages" not in item["attributes"]["M"] for item in items)
    assert all("title" in item["attributes"]["M"] for item in items)

    body = await api.gql(LIST_WITH_MESSAGES)
    assert "errors" not in body, body["errors"]
    nodes = [e["node"] for e in body["data"]["viewer"]["conversations"]["edges"]]
    assert [n["totalMessages"] for n in nodes] == [150, 151, 152]
    ddb = cost(body)["dynamodb"]
    assert ddb["byOperation"] == {"BatchGetItem": 1, "Query": 1}
    assert ddb["waves"] == 2
    for node in nodes:
        alone = await api.gql(
            "query($id: ID!) { node(id: $id) { ... on CoachConversation { totalMessages "
            "messages(last: 2) { totalCount edges { node { content } } } } } }",
            {"id": node["id"]},
        )
        assert alone["data"]["node"]["totalMessages"] == node["totalMessages"]
        assert alone["data"]["node"]["messages"] == node["messages"]


def test_a_record_read_through_a_projection_is_never_written_back() -> None:
    now = datetime.now(UTC)
    item = conversation("demo", "c1", 0, 3, now).to_item()
    del item["attributes"]["messages"]
    partial = ConversationRecord.from_projection(item)
    partial.attributes.title = "renamed"
    with pytest.raises(ValueError, match="projection"):
        Transaction().save("conversation", partial)
    with pytest.raises(ValueError, match="projection"):
        Transaction().replace("conversation", partial)


README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


async def test_the_readmes_progress_example_is_five_calls_in_one_wave(demo_api: Api) -> None:
    found = re.search(r"```graphql\n(query Progress.*?)```", README, re.S)
    assert found is not None
    body = await demo_api.gql(found.group(1))
    assert "errors" not in body, body["errors"]
    ddb = cost(body)["dynamodb"]
    assert ddb["byOperation"] == {"BatchGetItem": 1, "Query": 4} and ddb["waves"] == 1

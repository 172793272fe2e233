"""`totalCount` from the partition's counters: exact after every kind of write, read in
the page's wave, and never trusted before a count (or after a write that bypassed them)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from datasources import counts, keys
from datasources.stores import Stores
from datasources.stores.coach import CoachQuery
from datasources.stores.conversation import ConversationQuery
from datasources.stores.memory import MemoryQuery
from datasources.stores.session import SessionQuery
from datasources.stores.workout import WorkoutQuery
from datasources.table import Table
from devserver.builders import athlete, bulk_put, coach, workout
from devserver.queries import DASHBOARD
from tests.conftest import Api, cost

TOTALS = """{ viewer {
    coaches(first: 1) { totalCount }
    conversations(first: 1) { totalCount }
    workouts(first: 1) { totalCount }
    memories(first: 1) { totalCount }
    coachCreatorSessions(first: 1) { totalCount }
} }"""
LISTS = ("coaches", "conversations", "workouts", "memories", "coachCreatorSessions")


async def _truth(stores: Stores, user_id: str) -> dict[str, int]:
    """What count queries over the table say (the path the counters replace)."""
    return {
        "coaches": await stores.coaches.count_for_user(user_id, CoachQuery()),
        "conversations": await stores.conversations.count_for_user(user_id, ConversationQuery()),
        "workouts": await stores.workouts.count_for_user(user_id, WorkoutQuery()),
        "memories": await stores.memories.count_for_user(user_id, MemoryQuery()),
        "coachCreatorSessions": await stores.sessions.count_for_user(user_id, SessionQuery()),
    }


async def _totals(api: Api, user: str = "demo") -> tuple[dict[str, int], dict[str, Any]]:
    body = await api.gql(TOTALS, user=user)
    assert "errors" not in body, body["errors"]
    viewer = body["data"]["viewer"]
    return {name: viewer[name]["totalCount"] for name in LISTS}, cost(body)["dynamodb"]


async def _counts_item(table: Table, user_id: str) -> dict[str, Any] | None:
    return await table.get(*counts.key_of(keys.user_pk(user_id)), consistent=True)


async def test_dashboard_with_every_total_is_six_calls_in_two_waves(demo_api: Api) -> None:
    with_totals = DASHBOARD.replace("edges {", "totalCount edges {")
    assert with_totals.count("totalCount") == 4
    body = await demo_api.gql(with_totals)
    assert "errors" not in body, body["errors"]
    ddb = cost(body)["dynamodb"]
    # Wave 1: profile + counters (one BatchGetItem) + 4 list queries; wave 2: summaries.
    assert ddb["byOperation"] == {"BatchGetItem": 2, "Query": 4}
    assert (ddb["calls"], ddb["waves"]) == (6, 2)
    viewer = body["data"]["viewer"]
    truth = await _truth(demo_api.runtime.stores, "demo")
    for name in ("coaches", "conversations", "workouts", "memories"):
        assert viewer[name]["totalCount"] == truth[name], name
    assert truth["workouts"] > 20  # the workouts' total did not come from its page


async def test_counters_stay_exact_through_every_write_of_the_api(
    api: Api, stores: Stores, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A seeded random run of creates and deletes (a coach's delete archives it: it leaves
    the coach list, its memories stay); after each step the counters equal what count
    queries find, and totals are answered without a count query."""
    await athlete(stores, "demo")
    # Count queries the server makes (none: the totals come from pages and counters).
    count_queries: list[Any] = []
    served = api.runtime.stores.table
    real_count = served.count

    async def counting(*args: Any, **kwargs: Any) -> int:
        count_queries.append(args)
        return await real_count(*args, **kwargs)

    monkeypatch.setattr(served, "count", counting)
    rng = random.Random(1126)
    live: dict[str, list[tuple[str, int]]] = {k: [] for k in ("coach", "workout", "memory")}
    conversations: list[tuple[str, str, int]] = []
    sessions = 0
    start = datetime(2026, 1, 1, tzinfo=UTC)
    most = dict.fromkeys(LISTS, 0)
    for step in range(80):
        kind = rng.choice(["coach", "workout", "memory", "conversation", "session"])
        delete = rng.random() < 0.35
        if kind == "coach" and delete and live["coach"]:
            coach_id, version = live["coach"].pop(rng.randrange(len(live["coach"])))
            body = await api.gql(
                "mutation($i: DeleteCoachInput!) { deleteCoach(input: $i) { deletedCoachId } }",
                {"i": {"coachId": coach_id, "expectedVersion": version}},
            )
            # Archived (as the app deletes coaches): its memories and conversations stay
            # and still count; its conversations are left alone from here on (as before,
            # when a coach's delete took its memories with it), and none are started.
            conversations = [c for c in conversations if c[0] != coach_id]
        elif kind == "coach":
            body = await api.gql(
                "mutation($i: CreateCoachInput!) { createCoach(input: $i) "
                "{ coach { coachId version } } }",
                {"i": {"name": f"Coach {step}", "coachId": f"c{step}"}},
            )
            made = body["data"]["createCoach"]["coach"]
            live["coach"].append((made["coachId"], made["version"]))
        elif kind == "workout" and delete and live["workout"]:
            workout_id, version = live["workout"].pop(rng.randrange(len(live["workout"])))
            body = await api.gql(
                "mutation($i: DeleteWorkoutInput!) { deleteWorkout(input: $i) "
                "{ deletedWorkoutId } }",
                {"i": {"workoutId": workout_id, "expectedVersion": version}},
            )
        elif kind == "workout":
            body = await api.gql(
                "mutation($i: LogWorkoutInput!) { logWorkout(input: $i) "
                "{ workout { workoutId version } } }",
                {
                    "i": {
                        "workoutName": f"W{step}",
                        "discipline": "RUNNING",
                        "completedAt": (start + timedelta(hours=step)).isoformat(),
                    }
                },
            )
            made = body["data"]["logWorkout"]["workout"]
            live["workout"].append((made["workoutId"], made["version"]))
        elif kind == "memory" and delete and live["memory"]:
            memory_id, version = live["memory"].pop(rng.randrange(len(live["memory"])))
            body = await api.gql(
                "mutation($i: DeleteMemoryInput!) { deleteMemory(input: $i) { deletedMemoryId } }",
                {"i": {"memoryId": memory_id, "expectedVersion": version}},
            )
        elif kind == "memory":
            owner = rng.choice(live["coach"])[0] if live["coach"] and rng.random() < 0.6 else None
            memory_id = f"{owner or 'global'}-m{step}"
            body = await api.gql(
                "mutation($i: CreateMemoryInput!) { createMemory(input: $i) "
                "{ memory { memoryId version } } }",
                {
                    "i": {
                        "content": f"memory {step}",
                        "memoryType": "PREFERENCE",
                        "coachId": owner,
                        "memoryId": memory_id,
                    }
                },
            )
            made = body["data"]["createMemory"]["memory"]
            live["memory"].append((made["memoryId"], made["version"]))
        elif kind == "conversation" and delete and conversations:
            coach_id, conversation_id, version = conversations.pop(
                rng.randrange(len(conversations))
            )
            body = await api.gql(
                "mutation($i: DeleteConversationInput!) { deleteConversation(input: $i) "
                "{ deletedConversationId } }",
                {
                    "i": {
                        "coachId": coach_id,
                        "conversationId": conversation_id,
                        "expectedVersion": version,
                    }
                },
            )
        elif kind == "conversation" and live["coach"]:
            coach_id = rng.choice(live["coach"])[0]
            body = await api.gql(
                "mutation($i: StartConversationInput!) { startConversation(input: $i) "
                "{ conversation { conversationId version } } }",
                {"i": {"coachId": coach_id, "title": f"T{step}"}},
            )
            made = body["data"]["startConversation"]["conversation"]
            conversations.append((coach_id, made["conversationId"], made["version"]))
        else:
            body = await api.gql(
                "mutation { startCoachCreatorSession(input: {}) { session { sessionId } } }"
            )
            sessions += 1
        assert "errors" not in body, (step, kind, body["errors"])

        totals, ddb = await _totals(api)
        assert totals == await _truth(stores, "demo"), step
        assert totals["coachCreatorSessions"] == sessions
        # Lists of one item: pages say their totals. Longer lists: the counters did. (A
        # page may take more than one Query: archived coaches stay in the partition and
        # the coach list reads past them.)
        assert count_queries == [], (step, count_queries)
        assert ddb["byOperation"].get("Query", 0) >= 5, ddb
        most = {name: max(most[name], totals[name]) for name in LISTS}

    item = await _counts_item(stores.table, "demo")
    assert item is not None and item.get(counts.COUNTED_AT)
    # The run built lists long enough that their totals came from the counters.
    assert all(most[name] >= 3 for name in LISTS), most


async def test_totals_never_trust_counters_that_were_not_counted(api: Api, stores: Stores) -> None:
    await athlete(stores, "demo")
    now = datetime(2026, 3, 1, tzinfo=UTC)
    # Written around the stores (as the app does); no indexer runs in this test.
    await bulk_put(
        stores,
        [workout("demo", f"w{i}", now - timedelta(days=i)).to_item() for i in range(7)],
        recount=False,
    )
    # Counters that were never counted (here: none at all) are never trusted.
    await stores.table.delete(*counts.key_of(keys.user_pk("demo")))
    body = await api.gql("{ viewer { workouts(first: 2) { totalCount } } }")
    assert body["data"]["viewer"]["workouts"]["totalCount"] == 7
    # Page query, counters load, then the count query that replaced them.
    assert cost(body)["dynamodb"]["byOperation"] == {"Query": 2, "BatchGetItem": 1}

    # A write through a store now creates the item by ADD, without countedAt: still
    # not trusted, and the answer is still the count query's.
    await api.gql(
        "mutation($i: LogWorkoutInput!) { logWorkout(input: $i) { workout { workoutId } } }",
        {"i": {"workoutName": "x", "discipline": "RUNNING", "completedAt": now.isoformat()}},
    )
    item = await _counts_item(stores.table, "demo")
    assert item is not None and item["workouts"] == 1 and counts.COUNTED_AT not in item
    body = await api.gql("{ viewer { workouts(first: 2) { totalCount } } }")
    assert body["data"]["viewer"]["workouts"]["totalCount"] == 8

    counted = await stores.recount("demo")
    assert counted.values["workouts"] == 8 and counted.valid
    body = await api.gql("{ viewer { workouts(first: 2) { totalCount } } }")
    assert body["data"]["viewer"]["workouts"]["totalCount"] == 8
    assert cost(body)["dynamodb"]["byOperation"] == {"Query": 1, "BatchGetItem": 1}


async def test_a_recount_that_races_a_write_counts_again(stores: Stores) -> None:
    """The recount reads the partition, then a counted write commits (creating the counts
    item by its ADD), then the recount tries to store what it read: its check fails and it
    counts again."""
    await athlete(stores, "demo")
    now = datetime(2026, 3, 1, tzinfo=UTC)
    table = stores.table
    await table.delete(*counts.key_of(keys.user_pk("demo")))  # never counted
    original = table.query
    calls = {"n": 0}

    async def query_then_write(*args: Any, **kwargs: Any) -> Any:
        page = await original(*args, **kwargs)
        calls["n"] += 1
        if calls["n"] == 1:  # a store's write lands between the read and the put
            from datasources.inputs.workout import LogWorkout

            await stores.workouts.log(
                "demo",
                LogWorkout.model_validate(
                    {"workout_name": "racer", "discipline": "running", "completed_at": now}
                ),
            )
        return page

    table.query = query_then_write  # type: ignore[method-assign]
    try:
        counted = await stores.recount("demo")
    finally:
        table.query = original  # type: ignore[method-assign]
    assert calls["n"] == 2  # counted twice
    assert counted.values["workouts"] == 1
    item = await _counts_item(table, "demo")
    assert item is not None and item["workouts"] == 1 and item.get(counts.COUNTED_AT)


async def test_a_filtered_total_is_counted_beside_its_page(api: Api, stores: Stores) -> None:
    await athlete(stores, "demo")
    now = datetime(2026, 3, 1, tzinfo=UTC)
    await bulk_put(
        stores,
        [coach("demo", "c1", now).to_item()]
        + [
            workout("demo", f"w{i}", now - timedelta(days=i), discipline=d).to_item()
            for i, d in enumerate(["running", "crossfit"] * 6)
        ],
    )
    query = (
        "{ viewer { workouts(first: 2, filter: {discipline: CROSSFIT}) "
        "{ %s edges { node { workoutId } } } } }"
    )
    without = cost(await api.gql(query % ""))["dynamodb"]
    # One count query more than the page alone, sent beside the page's first read: the
    # same waves (waves follow what the code waited for, not the clock: one request
    # tells).
    body = await api.gql(query % "totalCount")
    assert body["data"]["viewer"]["workouts"]["totalCount"] == 6
    ddb = cost(body)["dynamodb"]
    assert ddb["byOperation"] == {"Query": without["byOperation"]["Query"] + 1}
    assert ddb["waves"] == without["waves"], (ddb, without)

    # The unfiltered list's total comes from the counters (bulk_put counted them), loaded
    # beside the page's query: one wave.
    body = await api.gql("{ viewer { workouts(first: 2) { totalCount } } }")
    assert body["data"]["viewer"]["workouts"]["totalCount"] == 12
    assert cost(body)["dynamodb"]["byOperation"] == {"Query": 1, "BatchGetItem": 1}
    assert cost(body)["dynamodb"]["waves"] == 1


async def test_a_recount_reads_the_partition_in_short_pages(
    stores: Stores, monkeypatch: pytest.MonkeyPatch
) -> None:
    """However big the partition, no recount request evaluates more than `RECOUNT_PAGE`
    items (a 1 MB page of long conversations outlasted the read timeout): N items are
    counted in about N / RECOUNT_PAGE requests, with the same result."""
    await athlete(stores, "demo")
    now = datetime(2026, 3, 1, tzinfo=UTC)
    await bulk_put(
        stores, [workout("demo", f"w{i}", now - timedelta(hours=i)).to_item() for i in range(57)]
    )
    monkeypatch.setattr(counts, "RECOUNT_PAGE", 10)
    table = stores.table
    original = table.query
    pages: list[Any] = []

    async def recorded(*args: Any, **kwargs: Any) -> Any:
        page = await original(*args, **kwargs)
        pages.append(page)
        return page

    table.query = recorded  # type: ignore[method-assign]
    try:
        counted = await stores.recount("demo")
    finally:
        table.query = original  # type: ignore[method-assign]
    assert counted.values["workouts"] == 57 and counted.valid
    [page] = pages
    in_partition = len(page.items)
    assert in_partition >= 58  # the workouts and the profile at least
    assert page.scanned == in_partition
    # Full pages of 10, then the rest (one more, empty, request when it ends on a page
    # boundary: DynamoDB cannot know it was the last).
    assert page.requests in {-(-in_partition // 10), in_partition // 10 + 1}, page.requests

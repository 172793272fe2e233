"""Pagination that does not lie: full pages, exact hasNextPage and totalCount, safe cursors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from datasources.stores import Stores
from devserver.builders import athlete, bulk_put, workout
from tests.conftest import Api

PAGE = """
query($first: Int, $after: String, $f: WorkoutFilter, $o: WorkoutOrder) {
  viewer { workouts(first: $first, after: $after, filter: $f, orderBy: $o) {
    totalCount
    edges { cursor node { workoutId workoutName discipline } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }
"""


def _flat(pages: list[list[str]]) -> list[str]:
    return [item for page in pages for item in page]


async def _walk(api: Api, first: int, **variables: Any) -> tuple[list[list[str]], int]:
    pages: list[list[str]] = []
    after = None
    total = -1
    while True:
        body = await api.gql(PAGE, {"first": first, "after": after, **variables})
        assert "errors" not in body, body["errors"]
        conn = body["data"]["viewer"]["workouts"]
        total = conn["totalCount"]
        pages.append([e["node"]["workoutId"] for e in conn["edges"]])
        if not conn["pageInfo"]["hasNextPage"]:
            return pages, total
        assert conn["pageInfo"]["endCursor"] == conn["edges"][-1]["cursor"]
        after = conn["pageInfo"]["endCursor"]


async def _mixed(stores: Stores, n: int) -> datetime:
    now = datetime(2026, 6, 1, 12, tzinfo=UTC)
    await athlete(stores, "demo")
    # Every 7th workout is crossfit: a thin filter over a long partition.
    items = [
        workout(
            "demo",
            f"w{i:03d}",
            now - timedelta(days=i),
            discipline="crossfit" if i % 7 == 0 else "running",
            name=f"name {(i * 37) % 101:03d}",
            confidence=round((i % 10) / 10, 1),
        ).to_item()
        for i in range(n)
    ]
    await bulk_put(stores, items)
    return now


async def test_filtered_pages_are_full_and_has_next_page_is_exact(api: Api, stores: Stores) -> None:
    await _mixed(stores, 100)
    crossfit = [f"w{i:03d}" for i in range(100) if i % 7 == 0]  # 15, newest first
    pages, total = await _walk(api, 4, f={"discipline": "CROSSFIT"})
    assert [len(p) for p in pages] == [4, 4, 4, 3]
    assert _flat(pages) == crossfit
    assert total == 15

    # Exactly a multiple of the page size: the last full page says there is no next one.
    pages, _ = await _walk(api, 5, f={"discipline": "CROSSFIT"})
    assert [len(p) for p in pages] == [5, 5, 5]


async def test_unfiltered_walk_sees_everything_once(api: Api, stores: Stores) -> None:
    await _mixed(stores, 45)
    pages, total = await _walk(api, 20)
    assert [len(p) for p in pages] == [20, 20, 5]
    assert _flat(pages) == [f"w{i:03d}" for i in range(45)]
    assert total == 45


async def test_ascending_and_non_key_orders_paginate(api: Api, stores: Stores) -> None:
    await _mixed(stores, 30)
    pages, _ = await _walk(api, 7, o={"field": "COMPLETED_AT", "direction": "ASC"})
    assert _flat(pages) == [f"w{i:03d}" for i in reversed(range(30))]

    by_name, total = await _walk(api, 7, o={"field": "WORKOUT_NAME", "direction": "ASC"})
    expected = sorted(range(30), key=lambda i: f"name {(i * 37) % 101:03d}")
    assert _flat(by_name) == [f"w{i:03d}" for i in expected]
    assert total == 30

    desc, _ = await _walk(api, 7, o={"field": "WORKOUT_NAME", "direction": "DESC"})
    assert _flat(desc) == [f"w{i:03d}" for i in reversed(expected)]

    by_confidence, _ = await _walk(api, 6, o={"field": "CONFIDENCE", "direction": "DESC"})
    flat = _flat(by_confidence)
    confidences = [(int(w[1:]) % 10) / 10 for w in flat]
    assert confidences == sorted(confidences, reverse=True)
    assert len(set(flat)) == 30


async def test_first_is_capped(api: Api, stores: Stores) -> None:
    await _mixed(stores, 3)
    body = await api.gql(PAGE, {"first": 101})
    error = body["errors"][0]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": ["first"]}
    body = await api.gql(PAGE, {"first": 0})
    conn = body["data"]["viewer"]["workouts"]
    assert conn["edges"] == [] and conn["pageInfo"]["hasNextPage"] is True


async def test_cursors_are_tamper_checked_and_bound_to_user_and_filter(
    api: Api, stores: Stores
) -> None:
    await _mixed(stores, 30)
    body = await api.gql(PAGE, {"first": 2, "f": {"discipline": "RUNNING"}})
    cursor = body["data"]["viewer"]["workouts"]["pageInfo"]["endCursor"]

    tampered = cursor[:-3] + ("AAA" if not cursor.endswith("AAA") else "BBB")
    for variables, user in [
        ({"after": tampered, "f": {"discipline": "RUNNING"}}, "demo"),
        ({"after": cursor, "f": {"discipline": "CROSSFIT"}}, "demo"),
        ({"after": cursor}, "demo"),
        ({"after": cursor, "f": {"discipline": "RUNNING"}}, "demo2"),
        ({"after": "not a cursor"}, "demo"),
    ]:
        body = await api.gql(PAGE, {"first": 2, **variables}, user=user)
        assert body["data"]["viewer"]["workouts"] is None  # only the list fails
        assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": ["after"]}


async def test_total_count_excludes_expired_items(api: Api, stores: Stores) -> None:
    await _mixed(stores, 5)
    gone = workout("demo", "expired", datetime(2026, 6, 2, tzinfo=UTC)).to_item()
    gone["ttl"] = 1000
    await bulk_put(stores, [gone])
    pages, total = await _walk(api, 10)
    assert total == 5
    assert "expired" not in _flat(pages)

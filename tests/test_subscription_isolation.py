"""Live updates never cross athletes, property-based: hypothesis draws sequences of writes
by `demo` (workouts, memories and coaches through the API, memories put straight into the
table as the app's Lambdas write them); `demo2`'s `viewerEvents` subscriber receives none
of them, while a control subscriber as `demo` on the same server receives every one (and
demo2's receives demo2's own write, so its silence is not that of a dead subscription)."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import create_app
from auth import mint_dev_token
from datasources.aws import AwsClients
from devserver.asgi import listening
from devserver.engine import EmbeddedEngine
from devserver.live_client import LiveClient, live
from settings import Settings
from tests.conftest import DEV_SECRET
from tests.test_subscription_limits import _memory_item

WAIT = 20.0
VIEWER = "subscription { viewerEvents { action entityType entityId } }"
KINDS = ("workout", "memory", "coach", "app-memory")
WRITES = st.lists(
    st.tuples(st.sampled_from(KINDS), st.text("abc xyz", min_size=1, max_size=12)),
    min_size=1,
    max_size=4,
)
ids = itertools.count()
LOG = "mutation($i: LogWorkoutInput!) { logWorkout(input: $i) { workout { workoutId } } }"
MEMORY = "mutation($i: CreateMemoryInput!) { createMemory(input: $i) { memory { memoryId } } }"
COACH = "mutation($i: CreateCoachInput!) { createCoach(input: $i) { coach { coachId } } }"


@dataclass
class Pair:
    http: httpx.AsyncClient
    aws: AwsClients
    table: str
    demo: LiveClient
    demo2: LiveClient

    async def gql(self, query: str, variables: dict[str, Any], user: str) -> dict[str, Any]:
        token = mint_dev_token(DEV_SECRET, user)
        response = await self.http.post(
            "/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {token}"},
        )
        body: dict[str, Any] = response.json()
        assert "errors" not in body, body
        data: dict[str, Any] = body["data"]
        return data

    async def write(self, kind: str, text: str, user: str = "demo") -> str:
        """One write to `user`'s partition; the id its event carries."""
        entity_id = f"{kind}-{next(ids)}"
        if kind == "workout":
            workout = {
                "workoutId": entity_id,
                "workoutName": text,
                "discipline": "RUNNING",
                "completedAt": "2026-11-01T10:00:00Z",
            }
            await self.gql(LOG, {"i": workout}, user)
        elif kind == "memory":
            memory = {"memoryId": entity_id, "content": text, "memoryType": "PREFERENCE"}
            await self.gql(MEMORY, {"i": memory}, user)
        elif kind == "coach":
            await self.gql(COACH, {"i": {"coachId": entity_id, "name": text}}, user)
        else:
            item = _memory_item(user, 0, text)
            item["sk"] = {"S": f"userMemory#{entity_id}"}
            item["attributes"]["M"]["memoryId"] = {"S": entity_id}
            await self.aws.dynamodb.put_item(TableName=self.table, Item=item)
        return entity_id


@pytest.fixture
async def pair(engine: EmbeddedEngine, aws: AwsClients, settings: Settings) -> AsyncIterator[Pair]:
    app = create_app(settings, engine=engine)
    async with listening(app) as url, httpx.AsyncClient(base_url=url, timeout=30) as http:
        for user in ("demo", "demo2"):
            response = await http.post(
                "/graphql",
                json={
                    "query": "mutation($i: CreateProfileInput!) { createProfile(input: $i) "
                    "{ user { userId } } }",
                    "variables": {"i": {"username": user, "email": f"{user}@x.io"}},
                },
                headers={"Authorization": f"Bearer {mint_dev_token(DEV_SECRET, user)}"},
            )
            assert "errors" not in response.json()
        async with (
            live(url, mint_dev_token(DEV_SECRET, "demo")) as demo,
            live(url, mint_dev_token(DEV_SECRET, "demo2")) as demo2,
        ):
            await demo.subscribe(VIEWER)
            await demo2.subscribe(VIEWER)
            await asyncio.sleep(0.5)  # both registered, the hub at its stream positions
            yield Pair(http, aws, settings.table_name, demo, demo2)


@settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(writes=WRITES)
async def test_demo2_receives_nothing_of_demos_writes_while_demo_receives_them(
    pair: Pair, writes: list[tuple[str, str]]
) -> None:
    expected = [await pair.write(kind, text) for kind, text in writes]
    received: list[str] = []
    while not set(expected) <= set(received):
        message = await asyncio.wait_for(pair.demo.message(), WAIT)
        assert message["type"] == "next", message
        received.append(message["payload"]["data"]["viewerEvents"]["entityId"])
    assert sorted(received) == sorted(expected)  # each write once, nothing else
    # demo's changes have been fanned out; nothing of them reached demo2.
    with contextlib.suppress(TimeoutError):
        leaked = await asyncio.wait_for(pair.demo2.message(), 0.3)
        raise AssertionError(f"demo2 received {leaked}")
    # demo2's subscription is alive: its own write reaches it (and, checked by the next
    # example's equality, not demo's subscriber).
    own = await pair.write("memory", "demo2's", user="demo2")
    message = await asyncio.wait_for(pair.demo2.message(), WAIT)
    assert message["payload"]["data"]["viewerEvents"]["entityId"] == own

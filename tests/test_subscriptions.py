"""Subscriptions over graphql-transport-ws, from the table's stream, through a real client
(node's graphql-ws, as Apollo's GraphQLWsLink and urql use it) against the server under
uvicorn: the token in connection_init, only the caller's partition, a conversation's
messages replayed after a cursor and then live with no gap and no duplicate, writes made
around the API (as the app's Lambdas make them) included."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

import lifeline
from app import create_app
from auth import mint_dev_token
from datasources.stores import Stores
from devserver.asgi import listening
from devserver.builders import bulk_put, coach
from devserver.demo_data import report_items, seed_program
from devserver.engine import EmbeddedEngine
from devserver.live_client import live
from settings import Settings
from tests.conftest import DEV_SECRET, ensure_node_clients, make_settings

WAIT = 20.0  # seconds an expected event may take (the stream is polled every 0.1 s)


@dataclass
class Client:
    process: asyncio.subprocess.Process
    lines: list[dict[str, Any]] = field(default_factory=list)

    async def line(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        raw = await asyncio.wait_for(self.process.stdout.readline(), WAIT)
        assert raw, "the client ended"
        parsed: dict[str, Any] = json.loads(raw)
        self.lines.append(parsed)
        return parsed

    async def event(self) -> dict[str, Any]:
        """The next `next` payload's data (errors fail the test)."""
        line = await self.line()
        assert "next" in line, line
        assert "errors" not in line["next"], line["next"]["errors"]
        data: dict[str, Any] = line["next"]["data"]
        return data

    async def quiet(self, seconds: float) -> None:
        """Nothing arrives for `seconds` (what a subscriber of another partition sees)."""
        assert self.process.stdout is not None
        try:
            raw = await asyncio.wait_for(self.process.stdout.readline(), seconds)
        except TimeoutError:
            return
        raise AssertionError(f"unexpected: {raw!r}")


@asynccontextmanager
async def subscribed(
    url: str, token: str, query: str, variables: dict[str, Any] | None = None
) -> AsyncIterator[Client]:
    node = await ensure_node_clients()
    process = await asyncio.create_subprocess_exec(
        "node",
        str(node / "subscribe.mjs"),
        url.replace("http://", "ws://") + "/graphql",
        token,
        query,
        json.dumps(variables or {}),
        stdout=asyncio.subprocess.PIPE,
        preexec_fn=lifeline.parent_death_signal,
    )
    client = Client(process)
    try:
        yield client
    finally:
        if process.returncode is None:
            process.kill()
        await process.wait()


class Http:
    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def gql(self, user: str, query: str, variables: dict[str, Any] | None = None) -> Any:
        token = mint_dev_token(DEV_SECRET, user)
        response = await self.http.post(
            "/graphql",
            json={"query": query, "variables": variables or {}},
            headers={"Authorization": f"Bearer {token}"},
        )
        body = response.json()
        assert "errors" not in body, body["errors"]
        return body["data"]


@asynccontextmanager
async def server(engine: EmbeddedEngine, settings: Settings) -> AsyncIterator[tuple[str, Http]]:
    app = create_app(settings, engine=engine)
    async with listening(app) as url, httpx.AsyncClient(base_url=url, timeout=30) as http:
        yield url, Http(http)


async def _profile(api: Http, user: str) -> None:
    await api.gql(
        user,
        "mutation($i: CreateProfileInput!) { createProfile(input: $i) { user { userId } } }",
        {"i": {"email": f"{user}@example.com", "username": user}},
    )


LOG = """mutation($i: LogWorkoutInput!) { logWorkout(input: $i) { workout { workoutId } } }"""
VIEWER = """subscription { viewerEvents { action entityType entityId
    workout { workoutName } coach { name } } }"""


def _workout(name: str) -> dict[str, Any]:
    return {
        "i": {"workoutName": name, "discipline": "RUNNING", "completedAt": "2026-11-01T10:00:00Z"}
    }


async def test_viewer_events_reach_only_their_athlete(
    engine: EmbeddedEngine, settings: Settings, aws: object
) -> None:
    async with server(engine, settings) as (url, api):
        for user in ("ann", "bob"):
            await _profile(api, user)
        token = mint_dev_token(DEV_SECRET, "ann")
        async with subscribed(url, token, VIEWER) as ann:
            assert await ann.line() == {"connected": True}
            await asyncio.sleep(0.5)  # the subscription is registered once its start is read
            # Both athletes write at once; ann's subscriber sees ann's workout only.
            await asyncio.gather(
                api.gql("ann", LOG, _workout("ann's run")),
                api.gql("bob", LOG, _workout("bob's run")),
            )
            event = (await ann.event())["viewerEvents"]
            assert event["action"] == "ADDED" and event["entityType"] == "workout"
            assert event["workout"] == {"workoutName": "ann's run"}
            # A write around the API (as the app's Lambdas make it) arrives too.
            runtime_table = aws.dynamodb  # type: ignore[attr-defined]
            await runtime_table.put_item(
                TableName=settings.table_name,
                Item={
                    "pk": {"S": "user#ann"},
                    "sk": {"S": "coach#lambda_coach"},
                    "entityType": {"S": "coachConfig"},
                    "createdAt": {"S": "2026-11-26T10:00:00.000Z"},
                    "updatedAt": {"S": "2026-11-26T10:00:00.000Z"},
                    "attributes": {
                        "M": {
                            "coach_id": {"S": "lambda_coach"},
                            "coach_name": {"S": "From the app"},
                        }
                    },
                },
            )
            event = (await ann.event())["viewerEvents"]
            assert event["entityType"] == "coachConfig" and event["entityId"] == "lambda_coach"
            assert event["coach"] == {"name": "From the app"}
            await ann.quiet(1.5)  # and nothing of bob's, ever


PROGRAM_EVENTS = """subscription { viewerEvents { action entityType entityId
    program { name status currentDay } } }"""


async def test_program_changes_reach_viewer_events(
    engine: EmbeddedEngine, settings: Settings, aws: object, stores: Stores
) -> None:
    async with server(engine, settings) as (url, api):
        await _profile(api, "ann")
        await bulk_put(stores, [coach("ann", "ann_coach", datetime.now(UTC)).to_item()])
        await seed_program(stores, "ann", "ann_coach")
        async with subscribed(url, mint_dev_token(DEV_SECRET, "ann"), PROGRAM_EVENTS) as ann:
            assert await ann.line() == {"connected": True}
            await asyncio.sleep(0.5)
            await api.gql(
                "ann",
                "mutation($i: UpdateProgramInput!) { updateProgram(input: $i) { "
                "program { version } } }",
                {"i": {"programId": "ann_program_1", "expectedVersion": 2, "action": "PAUSE"}},
            )
            event = (await ann.event())["viewerEvents"]
            assert event["action"] == "UPDATED" and event["entityType"] == "program"
            assert event["entityId"] == "ann_program_1"
            assert event["program"] == {
                "name": "4-Week Snatch Builder",
                "status": "PAUSED",
                "currentDay": 1,
            }


REPORT_EVENTS = """subscription { viewerEvents { action entityType kind entityId
    report { period periodId workoutCount humanSummary } } }"""


async def test_a_report_the_app_lands_reaches_viewer_events(
    engine: EmbeddedEngine, settings: Settings, aws: object, stores: Stores
) -> None:
    """The app's build-weekly-analytics Lambda saves a report (analytics.ts:21-32): the
    stream brings it to the athlete's `viewerEvents` as a TrainingReport."""
    async with server(engine, settings) as (url, api):
        await _profile(api, "ann")
        async with subscribed(url, mint_dev_token(DEV_SECRET, "ann"), REPORT_EVENTS) as ann:
            assert await ann.line() == {"connected": True}
            await asyncio.sleep(0.5)
            (weekly, *_) = report_items("ann", datetime.now(UTC).date())
            await stores.table.put(weekly)
            event = (await ann.event())["viewerEvents"]
            assert event["action"] == "ADDED" and event["kind"] == "ANALYTICS"
            week = weekly["attributes"]["weekId"]
            assert event["entityId"] == week
            assert event["report"] == {
                "period": "WEEKLY",
                "periodId": week,
                "workoutCount": 4,
                "humanSummary": f"Week {week}: 4 sessions, steady progress.",
            }


async def test_a_connection_without_a_valid_token_is_refused_and_http_is_not_a_way_in(
    engine: EmbeddedEngine, settings: Settings, aws: object
) -> None:
    async with server(engine, settings) as (url, api):
        for token in ("", "not-a-token"):
            async with subscribed(url, token, VIEWER) as client:
                line = await client.line()
                assert line.get("closed") == 4403, line
        # Over HTTP a subscription is refused before it runs, and says where to go.
        answer = await api.http.post(
            "/graphql",
            json={"query": VIEWER},
            headers={"Authorization": f"Bearer {mint_dev_token(DEV_SECRET, 'ann')}"},
        )
        assert answer.status_code == 400
        assert "WebSocket" in answer.json()["errors"][0]["message"]


async def test_conversation_replays_after_a_cursor_then_goes_live_without_gap_or_duplicate(
    engine: EmbeddedEngine, settings: Settings, aws: object
) -> None:
    async with server(engine, settings) as (url, api):
        await _profile(api, "ann")
        await api.gql(
            "ann",
            'mutation { createCoach(input: {name: "Vesper", coachId: "c1"}) '
            "{ coach { coachId } } }",
        )
        started = await api.gql(
            "ann",
            """mutation($i: StartConversationInput!) { startConversation(input: $i) {
                conversation { conversationId } } }""",
            {
                "i": {
                    "coachId": "c1",
                    "conversationId": "talk",
                    "messages": [{"role": "USER", "content": f"m{n}"} for n in range(1, 4)],
                }
            },
        )
        assert started["startConversation"]["conversation"]["conversationId"] == "talk"
        page = await api.gql(
            "ann",
            """{ viewer { conversation(conversationId: "talk", coachId: "c1") {
                messages(first: 1) { edges { cursor node { content } } } } } }""",
        )
        first = page["viewer"]["conversation"]["messages"]["edges"][0]
        assert first["node"]["content"] == "m1"

        query = """subscription($id: ID!, $after: String) {
            conversationEvents(conversationId: $id, after: $after) {
              kind replayed cursor message { content } conversation { title } } }"""
        token = mint_dev_token(DEV_SECRET, "ann")
        async with subscribed(url, token, query, {"id": "talk", "after": first["cursor"]}) as sub:
            assert await sub.line() == {"connected": True}
            replayed = [(await sub.event())["conversationEvents"] for _ in range(2)]
            assert [(e["message"]["content"], e["replayed"]) for e in replayed] == [
                ("m2", True),
                ("m3", True),
            ]
            send = """mutation($i: SendMessageInput!) { sendMessage(input: $i) {
                conversation { totalMessages } } }"""
            await api.gql(
                "ann",
                send,
                {
                    "i": {
                        "coachId": "c1",
                        "conversationId": "talk",
                        "messages": [
                            {"role": "USER", "content": "m4"},
                            {"role": "ASSISTANT", "content": "m5"},
                        ],
                    }
                },
            )
            live = [(await sub.event())["conversationEvents"] for _ in range(2)]
            assert [(e["message"]["content"], e["replayed"]) for e in live] == [
                ("m4", False),
                ("m5", False),
            ]
            # The live cursors are the messages list's own: m5 resumes the list after it.
            resumed = await api.gql(
                "ann",
                """query($after: String) { viewer { conversation(conversationId: "talk",
                    coachId: "c1") { messages(first: 5, after: $after) { edges { node {
                    content } } } } } }""",
                {"after": live[0]["cursor"]},
            )
            edges = resumed["viewer"]["conversation"]["messages"]["edges"]
            assert [e["node"]["content"] for e in edges] == ["m5"]
            await sub.quiet(1.0)  # no duplicate of anything


async def test_coach_creator_session_events(
    engine: EmbeddedEngine, settings: Settings, aws: object, tmp_path: Path
) -> None:
    async with server(engine, settings) as (url, api):
        await _profile(api, "ann")
        started = await api.gql(
            "ann",
            'mutation { startCoachCreatorSession(input: {sessionId: "s1"}) '
            "{ session { sessionId version } } }",
        )
        version = started["startCoachCreatorSession"]["session"]["version"]
        query = """subscription { coachCreatorSessionEvents(sessionId: "s1") {
            kind session { sessionId } } }"""
        token = mint_dev_token(DEV_SECRET, "ann")
        async with subscribed(url, token, query) as sub:
            assert await sub.line() == {"connected": True}
            await asyncio.sleep(0.5)
            await api.gql(
                "ann",
                "mutation($i: AbandonCoachCreatorSessionInput!) { abandonCoachCreatorSession("
                "input: $i) { session { sessionId } } }",
                {"i": {"sessionId": "s1", "expectedVersion": version}},
            )
            event = (await sub.event())["coachCreatorSessionEvents"]
            assert event == {"kind": "ABANDONED", "session": {"sessionId": "s1"}}


async def test_an_expired_token_ends_the_subscription_and_each_athlete_is_capped(
    engine: EmbeddedEngine, tmp_path: Path, aws: object
) -> None:
    settings = make_settings(tmp_path, max_subscriptions_per_user=1)
    async with server(engine, settings) as (url, api):
        await _profile(api, "ann")
        short = mint_dev_token(DEV_SECRET, "ann", ttl_seconds=2)
        async with subscribed(url, short, VIEWER) as first:
            assert await first.line() == {"connected": True}
            # One subscription per athlete here: a second one is refused, saying why.
            long = mint_dev_token(DEV_SECRET, "ann")
            async with subscribed(url, long, VIEWER) as second:
                assert await second.line() == {"connected": True}
                refused = await second.line()
                error = refused["next"]["errors"][0]
                assert error["extensions"]["code"] == "RATE_LIMITED"
            # The first one ends once its token has expired (checked every few seconds).
            ended = await first.line()
            error = ended["next"]["errors"][0]
            assert error["extensions"]["code"] == "UNAUTHENTICATED"
            assert "expired" in error["message"]


async def test_a_write_through_one_server_reaches_a_subscriber_on_another(
    engine: EmbeddedEngine, settings: Settings, aws: object
) -> None:
    """Two server instances on one engine, sharing nothing but the table (each with its
    own clients, hub and stream reader): a message sent through A reaches B's subscriber
    (Python's side of the protocol here, devserver/live_client.py); demo2's subscriber on
    B sees nothing of it."""
    async with server(engine, settings) as (_, api_a), server(engine, settings) as (url_b, _):
        for user in ("ann", "bob"):
            await _profile(api_a, user)
        await api_a.gql(
            "ann",
            'mutation { createCoach(input: {name: "V", coachId: "c1"}) { coach { coachId } } }',
        )
        await api_a.gql(
            "ann",
            """mutation { startConversation(input: {coachId: "c1", conversationId: "t"}) {
                conversation { conversationId } } }""",
        )
        query = """subscription { conversationEvents(conversationId: "t") {
            kind message { content } } }"""
        async with (
            live(url_b, mint_dev_token(DEV_SECRET, "ann")) as ann,
            live(url_b, mint_dev_token(DEV_SECRET, "bob")) as bob,
        ):
            await ann.subscribe(query)
            await bob.subscribe(query)  # bob has no conversation "t": NOT_FOUND, nothing else
            refused = await asyncio.wait_for(bob.message(), WAIT)
            assert refused["type"] == "next", refused
            assert refused["payload"]["errors"][0]["extensions"]["code"] == "NOT_FOUND"
            done = await asyncio.wait_for(bob.message(), WAIT)
            assert done["type"] == "complete", done
            await asyncio.sleep(0.5)
            await api_a.gql(
                "ann",
                """mutation { sendMessage(input: {coachId: "c1", conversationId: "t",
                    messages: [{role: USER, content: "through A"}]}) {
                    conversation { totalMessages } } }""",
            )
            message = await asyncio.wait_for(ann.message(), WAIT)
            assert message["type"] == "next", message
            event = message["payload"]["data"]["conversationEvents"]
            assert event == {"kind": "MESSAGE_ADDED", "message": {"content": "through A"}}
            with contextlib.suppress(TimeoutError):
                leaked = await asyncio.wait_for(bob.message(), 1.5)
                raise AssertionError(f"bob received {leaked}")

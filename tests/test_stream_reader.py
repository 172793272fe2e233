"""The stream's readers: a restart resumes after the indexer's checkpoint instead of reading
the whole stream again, and failures (a stalled or throttled stream) are retried, logged and
reported, never the end of the reader."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from botocore.exceptions import ReadTimeoutError

from app import create_app
from auth import mint_dev_token
from datasources import keys
from datasources.aws import AwsClients
from datasources.indexer import Indexer
from datasources.live import LiveHub
from datasources.stream import Change, StreamReader
from devserver.asgi import listening
from devserver.engine import EmbeddedEngine
from devserver.live_client import LiveClient, live
from runtime import Runtime, open_runtime
from settings import Settings
from tests.conftest import DEV_SECRET, make_settings

WAIT = 30.0


async def _until(condition: Callable[[], bool], what: str, within: float = WAIT) -> None:
    deadline = time.monotonic() + within
    while not condition():
        assert time.monotonic() < deadline, what
        await asyncio.sleep(0.05)


def _indexer(runtime: Runtime) -> Any:
    assert runtime.background is not None and runtime.background.indexer is not None
    return runtime.background.indexer


async def _put_workouts(runtime: Runtime, start: int, n: int) -> None:
    """Items as NeonPanda's app writes them (no list key): work for the indexer."""
    table = runtime.stores.table
    for i in range(start, start + n):
        await table.put(
            {
                "pk": "user#ann",
                "sk": f"workout#w{i}",
                "entityType": "workout",
                "createdAt": "2026-01-01T00:00:00.000Z",
                "updatedAt": "2026-01-01T00:00:00.000Z",
                "attributes": {
                    "workoutId": f"w{i}",
                    "userId": "ann",
                    "completedAt": "2026-01-01T00:00:00.000Z",
                    "workoutData": {"workout_name": f"w{i}"},
                    "extractionMetadata": {"confidence": 1},
                    "coachIds": [],
                },
            }
        )


async def test_a_restart_resumes_after_the_indexers_checkpoint(
    engine: EmbeddedEngine, aws: AwsClients, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = make_settings(tmp_path, indexer=True)
    apply = Indexer.apply
    applied: list[Change] = []

    async def applying(self: Indexer, changes: list[Change]) -> None:
        await apply(self, changes)
        applied.extend(changes)

    monkeypatch.setattr(Indexer, "apply", applying)
    async with open_runtime(settings, engine=engine) as first:
        assert first.background is not None
        reader = first.background.indexer_reader
        assert reader is not None
        await _put_workouts(first, 0, 5)
        # The indexer applied the last write, and the reader counts it as consumed (seeing
        # a write is not finishing its batch: a stop in between reads it again).
        last = ("INSERT", ("user#ann", "workout#w4"))
        await _until(lambda: last in [(c.event, c.key) for c in applied], "the writes applied")
        (sequence,) = [c.sequence for c in applied if (c.event, c.key) == last]
        await _until(
            lambda: any(int(v) >= int(sequence) for v in reader.progress().values() if v),
            "the last write's batch consumed",
        )
    # A clean stop saved how far it got.
    saved = await aws.dynamodb.query(
        TableName=settings.table_name,
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": keys.META_PK}},
    )
    assert any(i["sk"]["S"].startswith("stream#") for i in saved["Items"]), saved["Items"]

    seen: list[tuple[str, tuple[str, str]]] = []

    async def recording(self: Indexer, changes: list[Change]) -> None:
        seen.extend((c.event, c.key) for c in changes)
        await apply(self, changes)

    monkeypatch.setattr(Indexer, "apply", recording)
    async with open_runtime(settings, engine=engine) as second:
        assert second.background is not None
        again = second.background.indexer_reader
        assert again is not None
        await _until(lambda: again.last_success > 0, "the second reader read the stream")
        await _put_workouts(second, 5, 1)
        await _until(lambda: ("INSERT", ("user#ann", "workout#w5")) in seen, "the new write")
    # The first run's writes were not read again (only what came after its checkpoint:
    # its own last writes, the checkpoint, and the new workout).
    inserted = {key for event, key in seen if event == "INSERT" and key[1].startswith("workout#")}
    assert inserted == {("user#ann", "workout#w5")}, seen


async def test_a_failing_stream_is_retried_and_reported_not_the_readers_end(
    engine: EmbeddedEngine, aws: AwsClients, tmp_path: Path
) -> None:
    settings: Settings = make_settings(tmp_path, indexer=True)
    async with open_runtime(settings, engine=engine) as runtime:
        assert runtime.background is not None
        reader = runtime.background.indexer_reader
        assert reader is not None
        await _until(lambda: reader.last_success > 0, "the reader follows the stream")
        failures = 0

        def time_out(**_: Any) -> None:
            nonlocal failures
            failures += 1
            raise ReadTimeoutError(endpoint_url="injected")

        events = runtime.clients.streams.meta.events
        events.register("before-call.dynamodbstreams.GetRecords", time_out)
        try:
            await _until(lambda: failures >= 3, "three failed reads, retried")
            assert reader.failing_since is not None
            assert reader.health(grace=0) is not None  # /readyz would say so
            task = runtime.background._tasks[-1]
            assert not task.done()  # still running
        finally:
            events.unregister("before-call.dynamodbstreams.GetRecords", time_out)
        await _until(lambda: reader.failing_since is None, "the reader recovered")
        await _put_workouts(runtime, 0, 1)
        await _until(lambda: _indexer(runtime).stats.seen >= 1, "it delivers again")
        assert runtime.background.stream_health() is None


def test_a_quiet_stream_is_polled_less_often_and_a_listener_brings_it_back() -> None:
    """Polls that find nothing double the wait up to `max_idle_sleep` while `may_rest`
    allows it (the live hub: while nobody listens); a listener brings the short wait back."""
    listening = False
    reader = StreamReader(
        client=None,
        stream_arn="arn",
        idle_sleep=0.1,
        max_idle_sleep=2.0,
        may_rest=lambda: not listening,
    )
    assert [reader.next_rest() for _ in range(7)] == [0.1, 0.2, 0.4, 0.8, 1.6, 2.0, 2.0]
    listening = True
    assert [reader.next_rest() for _ in range(3)] == [0.1, 0.1, 0.1]
    listening = False
    assert reader.next_rest() == 0.1  # the doubling starts again from the short wait
    # Without a cap the wait never grows.
    plain = StreamReader(client=None, stream_arn="arn", idle_sleep=0.25)
    assert {plain.next_rest() for _ in range(5)} == {0.25}


async def test_a_first_subscriber_wakes_a_resting_reader() -> None:
    """A rest (here up to ten minutes) ends as soon as the live hub gains a subscriber:
    its first event does not wait out the quiet polling."""
    hub = LiveHub(streams_client=None)
    reader = StreamReader(
        client=None,
        stream_arn="arn",
        idle_sleep=600.0,
        max_idle_sleep=600.0,
        may_rest=lambda: not hub._by_pk,
    )
    hub.reader = reader
    resting = asyncio.create_task(reader._rest())
    await asyncio.sleep(0)  # the rest has begun
    assert not resting.done()
    with hub.subscribe("ann"):
        await asyncio.wait_for(resting, WAIT)  # woken, not timed out
        assert reader.next_rest() == 600.0 and reader._quiet == 0  # listening: no doubling


VIEWER_EVENTS = "subscription { viewerEvents { action entityId } }"


@dataclass
class Listening:
    runtime: Runtime
    hub: LiveHub
    url: str
    ann: LiveClient
    first: str  # the id of ann's viewerEvents subscription, already live


@asynccontextmanager
async def _listening(settings: Settings, engine: EmbeddedEngine) -> AsyncIterator[Listening]:
    """The app on a socket, ann connected over WebSocket and subscribed to viewerEvents
    (the hub holds the subscription when this yields)."""
    runtimes: list[Runtime] = []
    app = create_app(settings, engine=engine, on_ready=runtimes.append)
    async with listening(app) as url, live(url, mint_dev_token(DEV_SECRET, "ann")) as ann:
        [runtime] = runtimes
        assert runtime.background is not None
        hub = runtime.background.hub
        await asyncio.wait_for(hub.ready.wait(), WAIT)
        first = await ann.subscribe(VIEWER_EVENTS)
        await _until(lambda: hub.subscribers() == 1, "subscribed")
        yield Listening(runtime, hub, url, ann, first)


async def _told_and_completed(
    ann: LiveClient, operation: str, within: float = WAIT
) -> dict[str, Any]:
    """The error a subscription ended with (its `next`, within `within` seconds), after
    checking its `complete`."""
    told = await asyncio.wait_for(ann.message(), within)
    assert (told["id"], told["type"]) == (operation, "next"), told
    errors: list[dict[str, Any]] = told["payload"]["errors"]
    [error] = errors
    done = await asyncio.wait_for(ann.message(), WAIT)
    assert (done["id"], done["type"]) == (operation, "complete"), done
    return error


async def _a_new_subscription_gets_the_next_change(at: Listening) -> None:
    again = await at.ann.subscribe(VIEWER_EVENTS)
    await _until(lambda: at.hub.subscribers() == 1, "subscribed again")
    await _put_workouts(at.runtime, 0, 1)
    event = await asyncio.wait_for(at.ann.message(), WAIT)
    assert event["id"] == again, event
    assert event["payload"]["data"]["viewerEvents"] == {"action": "ADDED", "entityId": "w0"}


async def test_a_stream_that_cannot_be_read_ends_live_subscriptions_and_says_so(
    engine: EmbeddedEngine, aws: AwsClients, tmp_path: Path
) -> None:
    """Live updates' reader failing past `live_interrupt_after_seconds`: the subscriber is
    told (SERVICE_UNAVAILABLE with retryAfterSeconds, the subscription completes) instead
    of waiting for events that never come, a new subscription is refused the same way, and
    once the reader reads again a new subscription is accepted and gets the next change."""
    settings = make_settings(tmp_path, live_interrupt_after_seconds=1.0)
    async with _listening(settings, engine) as at:
        runtime = at.runtime
        assert runtime.background is not None

        def time_out(**_: Any) -> None:
            raise ReadTimeoutError(endpoint_url="injected")

        events = runtime.clients.streams.meta.events
        events.register("before-call.dynamodbstreams.GetRecords", time_out)
        try:
            error = await _told_and_completed(at.ann, at.first)
            assert error["extensions"] == {"code": "SERVICE_UNAVAILABLE", "retryAfterSeconds": 5}
            assert "interrupted" in error["message"]
            assert runtime.background.stream_health() is not None  # /readyz agrees
            refused = await _told_and_completed(at.ann, await at.ann.subscribe(VIEWER_EVENTS))
            assert refused["extensions"]["code"] == "SERVICE_UNAVAILABLE"
        finally:
            events.unregister("before-call.dynamodbstreams.GetRecords", time_out)
        await _until(lambda: at.hub.interrupted is None, "subscriptions accepted again")
        await _a_new_subscription_gets_the_next_change(at)


@pytest.mark.parametrize(
    "pause",
    [
        pytest.param(30, marks=pytest.mark.slow(seconds=40), id="30 s"),
        pytest.param(180, marks=pytest.mark.slow(seconds=190), id="3 min"),
    ],
)
async def test_live_updates_survive_the_backend_paused(tmp_path: Path, pause: int) -> None:
    """The engine stopped (SIGSTOP) for 30 s, and for 3 minutes, under a live subscriber:
    the subscriber is told (SERVICE_UNAVAILABLE), /readyz fails, nothing crashes; resumed
    (SIGCONT), the readers read again (within their longest backoff, StreamReader's
    `max_backoff`, plus the usual wait), /readyz answers 200, and a new subscription gets
    the next change."""
    settings = make_settings(tmp_path, live_interrupt_after_seconds=2.0, indexer=True)
    with EmbeddedEngine(log_path=tmp_path / "engine.log") as engine:
        async with (
            _listening(settings, engine) as at,
            httpx.AsyncClient(base_url=at.url, timeout=60) as http,
        ):
            background = at.runtime.background
            assert background is not None and engine.pid is not None
            paused_at = time.monotonic()
            os.kill(engine.pid, signal.SIGSTOP)
            try:
                error = await _told_and_completed(at.ann, at.first, within=30)
                assert error["extensions"]["code"] == "SERVICE_UNAVAILABLE"
                assert (await http.get("/readyz")).status_code == 503
                await asyncio.sleep(max(0.0, pause - (time.monotonic() - paused_at)))
                assert (await http.get("/readyz")).status_code == 503  # still says so
            finally:
                os.kill(engine.pid, signal.SIGCONT)
            recovery = StreamReader.max_backoff + WAIT
            await _until(lambda: at.hub.interrupted is None, "the live reader reads", recovery)
            await _until(lambda: background.stream_health() is None, "both readers read", recovery)
            # /readyz keeps a verdict `readiness_cache_seconds`: the 503 above may still be it
            deadline = time.monotonic() + settings.readiness_cache_seconds + WAIT
            while (await http.get("/readyz")).status_code != 200:
                assert time.monotonic() < deadline, "/readyz is 200 again"
                await asyncio.sleep(0.2)
            await _a_new_subscription_gets_the_next_change(at)

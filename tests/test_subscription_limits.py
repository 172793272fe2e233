"""Live updates' limits, each answered clearly (schema/live_socket.py), against the server
under uvicorn on a real socket, through Python's side of graphql-transport-ws:

- subscriptions per connection: one more gets the protocol's `error` with RATE_LIMITED;
- connections per athlete per process: one more is closed at connection_init with 4429;
- an inbound message over the size limit closes the socket with 1009;
- a slow consumer (a client that subscribes and never reads while its athlete's changes
  pour in) is cut off: its subscriptions end, nothing more is queued for it (memory stays
  bounded) and, once it reads again, the socket closes with 1013.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import socket
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from app import create_app
from auth import mint_dev_token
from datasources.aws import AwsClients
from devserver.asgi import listening
from devserver.engine import EmbeddedEngine
from devserver.live_client import PROTOCOL, live
from runtime import Runtime
from settings import Settings
from tests.conftest import DEV_SECRET

WAIT = 20.0
VIEWER = "subscription { viewerEvents { action entityType entityId } }"
PROFILE = """mutation($i: CreateProfileInput!) { createProfile(input: $i) { user { userId } } }"""
MEMORY = """mutation($i: CreateMemoryInput!) { createMemory(input: $i) { memory { memoryId } } }"""


@dataclass
class Live:
    url: str
    http: httpx.AsyncClient
    runtime: Runtime

    async def gql(self, user: str, query: str, variables: dict[str, Any] | None = None) -> Any:
        response = await self.http.post(
            "/graphql",
            json={"query": query, "variables": variables or {}},
            headers={"Authorization": f"Bearer {mint_dev_token(DEV_SECRET, user)}"},
        )
        body = response.json()
        assert "errors" not in body, body["errors"]
        return body["data"]

    @property
    def hub(self) -> Any:
        assert self.runtime.background is not None
        return self.runtime.background.hub


@asynccontextmanager
async def running(engine: EmbeddedEngine, settings: Settings) -> AsyncIterator[Live]:
    runtimes: list[Runtime] = []
    app = create_app(settings, engine=engine, on_ready=runtimes.append)
    async with listening(app) as url, httpx.AsyncClient(base_url=url, timeout=30) as http:
        served = Live(url, http, runtimes[0])
        for user in ("ann", "bob"):
            await served.gql(user, PROFILE, {"i": {"username": user, "email": f"{user}@x.io"}})
        yield served


async def _closed(
    socket_: ClientConnection, received: list[Any] | None = None
) -> tuple[int | None, str | None]:
    """Read until the server closes (what came before into `received`); its close code
    and reason."""
    with contextlib.suppress(ConnectionClosed):
        while True:
            message = await asyncio.wait_for(socket_.recv(), WAIT)
            if received is not None:
                received.append(json.loads(message))
    assert socket_.close_code is not None
    return socket_.close_code, socket_.close_reason


async def _until(condition: Any, what: str, seconds: float = WAIT) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what
        await asyncio.sleep(0.05)


async def test_one_subscription_over_the_per_connection_cap_is_refused_with_a_code(
    engine: EmbeddedEngine, aws: AwsClients, settings: Settings
) -> None:
    capped = settings.model_copy(update={"max_subscriptions_per_connection": 2})
    async with (
        running(engine, capped) as served,
        live(served.url, mint_dev_token(DEV_SECRET, "ann")) as ann,
    ):
        first = await ann.subscribe(VIEWER)
        await ann.subscribe(VIEWER)
        third = await ann.subscribe(VIEWER)
        refused = await asyncio.wait_for(ann.message(), WAIT)
        assert refused["type"] == "error" and refused["id"] == third, refused
        (error,) = refused["payload"]
        assert error["extensions"] == {
            "code": "RATE_LIMITED",
            "limit": "subscriptionsPerConnection",
            "maximum": 2,
        }
        assert "2 subscriptions per connection" in error["message"]
        # The socket carries on: completing one makes room for another.
        await ann.socket.send(json.dumps({"id": first, "type": "complete"}))
        fourth = await ann.subscribe(VIEWER)
        await _until(lambda: served.hub.subscribers() == 2, "two subscriptions")
        await served.gql("ann", MEMORY, {"i": {"content": "c", "memoryType": "GOAL"}})
        events = [await asyncio.wait_for(ann.message(), WAIT) for _ in range(2)]
        assert {e["id"] for e in events} == {"2", fourth}
        assert all(e["type"] == "next" for e in events), events


async def test_queries_and_mutations_over_the_socket_are_sent_to_http(
    engine: EmbeddedEngine, aws: AwsClients, settings: Settings
) -> None:
    async with (
        running(engine, settings) as served,
        live(served.url, mint_dev_token(DEV_SECRET, "ann")) as ann,
    ):
        mutation = await ann.subscribe(MEMORY, {"i": {"content": "c", "memoryType": "GOAL"}})
        refused = await asyncio.wait_for(ann.message(), WAIT)
        assert (refused["type"], refused["id"]) == ("error", mutation), refused
        (error,) = refused["payload"]
        assert error["extensions"] == {"code": "BAD_USER_INPUT"}
        assert "over HTTP" in error["message"]
        query = await ann.subscribe("query Me { viewer { userId } }")
        refused = await asyncio.wait_for(ann.message(), WAIT)
        assert (refused["type"], refused["id"]) == ("error", query), refused
        # Nothing was written; the socket still carries subscriptions.
        memories = await served.gql("ann", "{ viewer { memories { totalCount } } }")
        assert memories["viewer"]["memories"]["totalCount"] == 0
        events = await ann.subscribe(VIEWER)
        await _until(lambda: served.hub.subscribers() == 1, "one subscription")
        await served.gql("ann", MEMORY, {"i": {"content": "c", "memoryType": "GOAL"}})
        event = await asyncio.wait_for(ann.message(), WAIT)
        assert (event["type"], event["id"]) == ("next", events), event


async def test_the_socket_keeps_the_http_paths_document_rules(
    engine: EmbeddedEngine, aws: AwsClients, settings: Settings, tmp_path: Path
) -> None:
    """Trusted documents hold on the socket as over HTTP: anything unregistered is refused
    before it is parsed (no validation message leaks); a registered id runs."""
    digest = hashlib.sha256(VIEWER.encode()).hexdigest()
    manifest = tmp_path / "persisted-documents.json"
    # The profile and memory mutations the test sends over HTTP are registered too.
    registered = {VIEWER, PROFILE, MEMORY}
    manifest.write_text(
        json.dumps({f"sha256:{hashlib.sha256(d.encode()).hexdigest()}": d for d in registered})
    )
    production_like = settings.model_copy(
        update={
            "documents": "trusted",
            "trusted_documents": manifest,
            "validation_details": False,
            "introspection": False,
        }
    )
    async with (
        running(engine, production_like) as served,
        live(served.url, mint_dev_token(DEV_SECRET, "ann")) as ann,
    ):
        crafted = await ann.subscribe("subscription { viewerEvents { notAField } }")
        refused = await asyncio.wait_for(ann.message(), WAIT)
        assert (refused["type"], refused["id"]) == ("error", crafted), refused
        (error,) = refused["payload"]
        assert error["extensions"]["code"] == "FORBIDDEN"
        assert "notAField" not in json.dumps(refused)
        # The registered document, by id: it runs and delivers.
        operation = "9"
        await ann.socket.send(
            json.dumps({"id": operation, "type": "subscribe", "payload": {"documentId": digest}})
        )
        await _until(lambda: served.hub.subscribers() == 1, "the registered subscription")
        await served.gql("ann", MEMORY, {"i": {"content": "c", "memoryType": "GOAL"}})
        event = await asyncio.wait_for(ann.message(), WAIT)
        assert (event["type"], event["id"]) == ("next", operation), event


async def test_the_socket_masks_validation_details_and_closes_on_a_bad_payload(
    engine: EmbeddedEngine, aws: AwsClients, settings: Settings
) -> None:
    detailed_off = settings.model_copy(update={"validation_details": False})
    async with (
        running(engine, detailed_off) as served,
        live(served.url, mint_dev_token(DEV_SECRET, "ann")) as ann,
    ):
        invalid = await ann.subscribe("subscription { viewerEvents { notAField } }")
        refused = await asyncio.wait_for(ann.message(), WAIT)
        assert (refused["type"], refused["id"]) == ("error", invalid), refused
        (error,) = refused["payload"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT"
        assert error["message"] == "The document is not valid for this API"
        await ann.socket.send(json.dumps({"id": "x", "type": "subscribe", "payload": "x"}))
        code, _reason = await _closed(ann.socket)
        assert code == 4400


async def test_one_connection_over_the_per_athlete_cap_is_closed_at_connection_init(
    engine: EmbeddedEngine, aws: AwsClients, settings: Settings
) -> None:
    capped = settings.model_copy(update={"max_connections_per_user": 2})
    async with running(engine, capped) as served:
        ann = mint_dev_token(DEV_SECRET, "ann")
        async with live(served.url, ann), live(served.url, ann):
            assert served.hub.connections("ann") == 2
            ws_url = served.url.replace("http://", "ws://") + "/graphql"
            async with connect(ws_url, subprotocols=[PROTOCOL]) as third:  # type: ignore[list-item]
                init = {"type": "connection_init", "payload": {"Authorization": f"Bearer {ann}"}}
                await third.send(json.dumps(init))
                before_close: list[Any] = []
                code, reason = await _closed(third, before_close)
            assert before_close == []  # no connection_ack (nor anything else) before it
            assert code == 4429
            assert reason == "At most 2 live connections per athlete per process"
            # Per athlete: bob connects.
            async with live(served.url, mint_dev_token(DEV_SECRET, "bob")):
                assert served.hub.connections("bob") == 1
        # Closed sockets give their places back.
        await _until(lambda: served.hub.connections() == 0, "connections released")
        async with live(served.url, ann), live(served.url, ann):
            pass


async def test_an_inbound_message_over_the_size_limit_closes_the_socket_with_1009(
    engine: EmbeddedEngine, aws: AwsClients, settings: Settings
) -> None:
    capped = settings.model_copy(update={"max_ws_message_bytes": 2048})
    async with running(engine, capped) as served:
        async with live(served.url, mint_dev_token(DEV_SECRET, "ann")) as ann:
            padding = " " * 1500  # within the limit: served
            await ann.subscribe(VIEWER + padding)
            await _until(lambda: served.hub.subscribers() == 1, "subscribed")
            # Multi-byte characters count as their UTF-8 bytes: 1,100 characters, 2,200 bytes.
            query = VIEWER + "#" + "é" * 1000
            message = {"id": "2", "type": "subscribe", "payload": {"query": query}}
            assert len(json.dumps(message, ensure_ascii=False)) < 2048
            await ann.socket.send(json.dumps(message, ensure_ascii=False))
            code, reason = await _closed(ann.socket)
            assert code == 1009
            assert reason == "Message too big: at most 2048 bytes"
        await _until(lambda: served.hub.subscribers() == 0, "its subscription ended")


def _memory_item(user: str, n: int, content: str) -> dict[str, Any]:
    """A memory as the app's Lambdas put it (wire format)."""
    stamp = "2026-11-26T10:00:00.000Z"
    return {
        "pk": {"S": f"user#{user}"},
        "sk": {"S": f"userMemory#flood{n}"},
        "entityType": {"S": "userMemory"},
        "createdAt": {"S": stamp},
        "updatedAt": {"S": stamp},
        "attributes": {
            "M": {
                "memoryId": {"S": f"flood{n}"},
                "userId": {"S": user},
                "content": {"S": content},
                "memoryType": {"S": "preference"},
                "metadata": {"M": {"importance": {"S": "low"}}},
            }
        },
    }


async def _never_reading(url: str, token: str) -> ClientConnection:
    """A graphql-transport-ws client that subscribes and then stops reading: a tiny receive
    buffer and segment size (so the server's side fills after a few events, not megabytes)
    and a client queue of one message (past it, the client stops reading the socket)."""
    host, port = url.removeprefix("http://").split(":")
    raw = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, 536)
    raw.setblocking(False)
    await asyncio.get_running_loop().sock_connect(raw, (host, int(port)))
    client = await connect(
        f"ws://{host}:{port}/graphql",
        sock=raw,
        subprotocols=[PROTOCOL],  # type: ignore[list-item]
        max_queue=1,
        max_size=2**22,
        compression=None,  # 30 KB of one letter would deflate to almost nothing
    )
    init = {"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}
    await client.send(json.dumps(init))
    assert json.loads(await client.recv())["type"] == "connection_ack"
    subscribe = {"id": "1", "type": "subscribe", "payload": {"query": VIEWER_CONTENT}}
    await client.send(json.dumps(subscribe))
    return client


VIEWER_CONTENT = "subscription { viewerEvents { entityId memory { content } } }"


async def test_a_slow_consumer_is_cut_off_with_1013_and_its_memory_stays_bounded(
    engine: EmbeddedEngine, aws: AwsClients, settings: Settings
) -> None:
    small = settings.model_copy(update={"live_queue_size": 8})
    token = mint_dev_token(DEV_SECRET, "ann")
    async with running(engine, small) as served, live(served.url, token) as reader:
        hub = served.hub
        # The control: the same athlete's subscriber that reads everything as it comes.
        await reader.subscribe(VIEWER_CONTENT)
        seen: list[str] = []

        async def read() -> None:
            while True:
                message = await reader.message()
                assert message["type"] == "next", message
                seen.append(message["payload"]["data"]["viewerEvents"]["entityId"])

        reading = asyncio.create_task(read())
        client = await _never_reading(served.url, token)
        try:
            await _until(lambda: hub.subscribers() == 2, "subscribed")
            # Changes arrive one at a time, slower than the stream is polled (a reader
            # keeps up with them), 30 KB each, written as the app's Lambdas write, until
            # the one that never reads has fallen more than 8 behind.
            content = "x" * 30_000
            written = 0
            while hub.overflows == 0:
                assert written < 200, "never fell behind"
                await aws.dynamodb.put_item(
                    TableName=settings.table_name, Item=_memory_item("ann", written, content)
                )
                written += 1
                await asyncio.sleep(0.3)
            # Cut off: its subscription ended, nothing more is queued for it.
            await _until(lambda: hub.subscribers() == 1, "the slow subscription ended")
            delivered = hub.delivered
            for k in range(10):  # at the same pace (a burst of more than 8 would end the
                # reader's subscription too: more than its queue in one poll of the stream)
                await aws.dynamodb.put_item(
                    TableName=settings.table_name, Item=_memory_item("ann", 1000 + k, content)
                )
                await asyncio.sleep(0.3)
            await _until(lambda: len(seen) == written + 10, "the reader has every change")
            assert hub.delivered == delivered + 10  # the reader's, none for the slow one
            assert hub.subscribers() == 1 and hub.overflows == 1
            # Reading again, the slow client gets what its socket held, then the close.
            received = 0
            with contextlib.suppress(ConnectionClosed):
                while True:
                    message = json.loads(await asyncio.wait_for(client.recv(), WAIT))
                    assert message["type"] == "next", message
                    received += 1
            assert client.close_code == 1013
            assert client.close_reason == "Slow consumer: resubscribe from your last cursor"
            assert received < written, (received, written)  # not everything was kept for it
            await _until(lambda: hub.connections("ann") == 1, "its connection released")
            # The reader was never affected; the slow one reconnects and is served again.
            assert not reading.done()
            async with live(served.url, token) as again:
                await again.subscribe(VIEWER)
                await _until(lambda: hub.subscribers() == 2, "subscribed again")
                await served.gql("ann", MEMORY, {"i": {"content": "back", "memoryType": "GOAL"}})
                event = await asyncio.wait_for(again.message(), WAIT)
                assert event["payload"]["data"]["viewerEvents"]["action"] == "ADDED"
        finally:
            reading.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reading
            await client.close()

"""A minimal graphql-transport-ws client (tests and benchmarks; Python's side of the
protocol, beside node's graphql-ws in tests/node)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

PROTOCOL = "graphql-transport-ws"


class LiveClient:
    def __init__(self, socket: ClientConnection) -> None:
        self.socket = socket
        self._next_id = 0

    async def subscribe(self, query: str, variables: dict[str, Any] | None = None) -> str:
        self._next_id += 1
        operation = str(self._next_id)
        payload = {"query": query, "variables": variables or {}}
        await self.socket.send(
            json.dumps({"id": operation, "type": "subscribe", "payload": payload})
        )
        return operation

    async def message(self) -> dict[str, Any]:
        """The next message that is not a ping (pings are answered)."""
        while True:
            message: dict[str, Any] = json.loads(await self.socket.recv())
            if message.get("type") == "ping":
                await self.socket.send(json.dumps({"type": "pong"}))
                continue
            return message


@asynccontextmanager
async def live(url: str, token: str) -> AsyncIterator[LiveClient]:
    """Connected and acknowledged (the token travels in connection_init)."""
    ws_url = url.replace("http://", "ws://").rstrip("/") + "/graphql"
    async with connect(ws_url, subprotocols=[PROTOCOL], max_size=2**22) as socket:  # type: ignore[list-item]
        await socket.send(
            json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}})
        )
        ack = json.loads(await socket.recv())
        if ack.get("type") != "connection_ack":
            raise ConnectionError(f"not acknowledged: {ack}")
        yield LiveClient(socket)

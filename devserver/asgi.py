"""Serving the app in process (tests, benchmarks) the way a server would."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from starlette.applications import Starlette

from runtime import Runtime


def with_state(app: Starlette, state: dict[str, Any]) -> Any:
    """The app as uvicorn runs it: every request scope carries the lifespan state."""

    async def asgi(scope: Any, receive: Any, send: Any) -> None:
        await app({**scope, "state": dict(state)}, receive, send)

    return asgi


@asynccontextmanager
async def served(
    app: Starlette, base_url: str = "http://test"
) -> AsyncIterator[tuple[httpx.AsyncClient, Runtime]]:
    """Run the app's lifespan and an HTTP client on it (ASGI transport, no socket)."""
    async with app.router.lifespan_context(app) as maybe_state:
        state = dict(maybe_state or {})
        transport = httpx.ASGITransport(app=with_state(app, state))
        async with httpx.AsyncClient(transport=transport, base_url=base_url) as http:
            yield http, state["runtime"]


@asynccontextmanager
async def listening(app: Any, **options: Any) -> AsyncIterator[str]:
    """The app under uvicorn on a real loopback socket (attacks below HTTP, sockets,
    outside clients), with uvicorn's `options`: its base URL."""
    import asyncio

    import uvicorn

    config = uvicorn.Config(
        app, host="127.0.0.1", port=0, log_level="warning", lifespan="on", **options
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:  # uvicorn offers no event to await
        if task.done():
            await task  # its error
            raise RuntimeError("server did not start")
        await asyncio.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task

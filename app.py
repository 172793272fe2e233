"""The ASGI app: `create_app(settings)`, its lifespan, the GraphQL view and middleware.

The runtime (clients, stores, verifier) is opened in the lifespan and handed to every
request through Starlette's lifespan state (`request.state.runtime`).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from graphql import GraphQLError
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.types import ExecutionResult

from auth import authenticate_header
from datasources.loaders import Loaders
from resolvers.context import Context
from runtime import Runtime, open_runtime
from schema.build import build_schema
from schema.extensions import format_errors
from settings import Settings

if TYPE_CHECKING:
    from devserver.engine import EmbeddedEngine

log = logging.getLogger("neonpanda")


class NeonPandaGraphQL(GraphQL[Context, None]):
    def __init__(self, deadline_seconds: float, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.deadline_seconds = deadline_seconds

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        runtime: Runtime = request.state.runtime
        principal, auth_error = await authenticate_header(
            runtime.verifier, request.headers.get("authorization")
        )
        return Context(
            principal=principal,
            auth_error=auth_error,
            client=request.client.host if request.client else "unknown",
            stores=runtime.stores,
            loaders=Loaders(runtime.stores.table, runtime.stores.content),
            cursors=runtime.cursors,
        )

    async def process_result(self, request: Any, result: ExecutionResult) -> Any:
        if result.errors:
            result.errors = format_errors(result.errors)
        return await super().process_result(request, result)

    async def execute_operation(
        self,
        request: Any,
        request_adapter: Any,
        request_data: Any,
        context: Context,
        root_value: Any,
        sub_response: Any,
    ) -> Any:
        """Every request has a deadline: a slow or throttling backend cannot hold it longer."""
        try:
            async with asyncio.timeout(self.deadline_seconds):
                return await super().execute_operation(
                    request, request_adapter, request_data, context, root_value, sub_response
                )
        except TimeoutError:
            log.warning("request deadline (%.1f s) exceeded", self.deadline_seconds)
            error = GraphQLError(
                f"The request took longer than {self.deadline_seconds:g} s and was stopped",
                extensions={"code": "INTERNAL_SERVER_ERROR", "deadlineExceeded": True},
            )
            return ExecutionResult(
                data=None, errors=[error], extensions={"cost": context.cost.to_dict()}
            )


class MaxBodySize:
    """ASGI middleware: 413 for request bodies over `limit` bytes (declared or streamed)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._refuse(send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise _TooLarge
            return message

        try:
            await self.app(scope, counted, send)
        except _TooLarge:
            await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        error = {"message": "Request body too large", "extensions": {"code": "BAD_USER_INPUT"}}
        body = json.dumps({"errors": [error]}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


class _TooLarge(Exception):
    pass


async def healthz(request: Request) -> Response:
    runtime: Runtime | None = getattr(request.state, "runtime", None)
    if runtime is None or not runtime.ready:
        return JSONResponse({"status": "starting"}, status_code=503)
    return JSONResponse(
        {
            "status": "ok",
            "backend": runtime.settings.backend.value,
            "accelerators": runtime.stores.table.accelerators.describe(),
        }
    )


def create_app(
    settings: Settings,
    *,
    engine: EmbeddedEngine | None = None,
    on_ready: Callable[[Runtime], None] | None = None,
    migrate: bool = True,
) -> Starlette:
    """The ASGI app. With `engine` given, it is used as is (tests share one); `migrate`
    False leaves an embedded table as it is (a test of the seed's table unmigrated)."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[dict[str, Runtime]]:
        async with open_runtime(settings, engine=engine, migrate=migrate) as runtime:
            if on_ready is not None:
                on_ready(runtime)
            yield {"runtime": runtime}

    graphql_app = NeonPandaGraphQL(
        settings.request_deadline_seconds,
        schema=build_schema(settings),
        graphql_ide="graphiql" if settings.graphiql_enabled else None,
        allow_queries_via_get=False,
    )
    return Starlette(
        routes=[
            Route("/graphql", graphql_app, methods=["GET", "POST"]),
            Route("/healthz", healthz, methods=["GET"]),
        ],
        middleware=[Middleware(MaxBodySize, limit=settings.max_body_bytes)],
        lifespan=lifespan,
    )

"""NeonPanda GraphQL API server.

uv run server.py [--host 127.0.0.1] [--port 8000]   run the server
uv run server.py dev-token USER_ID                 mint a local dev token
uv run server.py export-schema [--check]           write (or check) schema/schema.graphql
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import hashlib
import json
import logging
import secrets
import sys
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import uvicorn
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

from auth import Verifier, authenticate_header, build_verifier, dev_secret, mint_dev_token
from datasources.aws import AwsClients, open_clients
from datasources.content import ContentStore
from datasources.definition import bootstrap
from datasources.demo_data import DEMO_USER_ID, seed_demo_data
from datasources.engine import ENGINE_CREDENTIALS, EmbeddedEngine
from datasources.loaders import Loaders
from datasources.snapshot import Snapshotter
from datasources.stores import Stores
from datasources.sweep import sweep_orphans
from datasources.table import Table
from resolvers.context import Context
from resolvers.pagination import CursorCodec
from schema.build import SDL_PATH, build_schema, export_sdl
from schema.extensions import format_errors
from settings import Backend, Settings

log = logging.getLogger("neonpanda")


@dataclass
class Runtime:
    """What the lifespan opens once and every request shares."""

    settings: Settings
    clients: AwsClients
    stores: Stores
    verifier: Verifier
    cursors: CursorCodec
    snapshotter: Snapshotter | None = None
    ready: bool = False


class NeonPandaGraphQL(GraphQL[Context, None]):
    def __init__(
        self, runtime_holder: dict[str, Runtime], deadline_seconds: float, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.runtime_holder = runtime_holder
        self.deadline_seconds = deadline_seconds

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        runtime = self.runtime_holder["runtime"]
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


def _cursor_secret(settings: Settings) -> bytes:
    if settings.cursor_secret:
        return settings.cursor_secret.encode()
    if settings.dev_auth_enabled:
        return hashlib.sha256(b"cursor:" + dev_secret(settings).encode()).digest()
    return secrets.token_bytes(32)


def create_app(settings: Settings, engine: EmbeddedEngine | None = None) -> Starlette:
    """The ASGI app. With `engine` given, it is used as is (tests share one engine)."""
    holder: dict[str, Runtime] = {}

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            runtime = await _start(settings, engine, stack)
            holder["runtime"] = runtime
            app.state.runtime = runtime
            try:
                yield
            finally:
                runtime.ready = False

    graphql_app = NeonPandaGraphQL(
        holder,
        settings.request_deadline_seconds,
        schema=build_schema(settings),
        graphql_ide="graphiql" if settings.graphiql_enabled else None,
        allow_queries_via_get=False,
    )

    async def healthz(_request: Request) -> Response:
        runtime = holder.get("runtime")
        if runtime is None or not runtime.ready:
            return JSONResponse({"status": "starting"}, status_code=503)
        return JSONResponse({"status": "ok", "backend": settings.backend.value})

    return Starlette(
        routes=[
            Route("/graphql", graphql_app, methods=["GET", "POST"]),
            Route("/healthz", healthz, methods=["GET"]),
        ],
        middleware=[Middleware(MaxBodySize, limit=settings.max_body_bytes)],
        lifespan=lifespan,
    )


async def _start(
    settings: Settings, engine: EmbeddedEngine | None, stack: AsyncExitStack
) -> Runtime:
    endpoint = settings.endpoint_url
    credentials: dict[str, str] | None = None
    owns_engine = False
    if settings.backend is Backend.EMBEDDED:
        if engine is None:
            engine = EmbeddedEngine(log_path=settings.data_dir / "engine.log")
            await asyncio.to_thread(engine.start)
            stack.callback(engine.stop)
            owns_engine = True
        endpoint = engine.endpoint_url
        credentials = ENGINE_CREDENTIALS
    clients = await open_clients(stack, settings, endpoint, credentials)
    table = Table(clients.dynamodb, settings.table_name, settings.batch_get_deadline_seconds)
    content = ContentStore(clients.s3, settings.bucket)
    stores = Stores.build(table, content)
    runtime = Runtime(
        settings=settings,
        clients=clients,
        stores=stores,
        verifier=build_verifier(settings),
        cursors=CursorCodec(_cursor_secret(settings)),
    )
    if settings.backend is Backend.EMBEDDED:
        await bootstrap(
            clients.dynamodb, clients.s3, settings.table_name, settings.bucket, settings.region
        )
        if owns_engine:
            snapshotter = Snapshotter(table, content, settings.data_dir / "snapshot")
            restored = await snapshotter.restore()
            log.info("data lives in %s (%d items restored)", snapshotter.directory, restored)
            runtime.snapshotter = snapshotter
        if settings.seed_demo_data and await stores.users.get(DEMO_USER_ID) is None:
            await seed_demo_data(stores)
        if runtime.snapshotter is not None:
            await _run_snapshots(runtime.snapshotter, settings, stack)
    else:
        await clients.dynamodb.describe_table(TableName=settings.table_name)
    runtime.ready = True
    # Start-up objects (schema, clients, modules) never die: keep them out of GC passes.
    gc.collect()
    gc.freeze()
    return runtime


async def _run_snapshots(
    snapshotter: Snapshotter, settings: Settings, stack: AsyncExitStack
) -> None:
    task = asyncio.create_task(snapshotter.run_periodically(settings.snapshot_interval_seconds))

    async def stop() -> None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await snapshotter.save()

    stack.push_async_callback(stop)
    if snapshotter.dirty:
        await snapshotter.save()


def _banner(settings: Settings, host: str, port: int) -> str:
    url = f"http://{host}:{port}/graphql"
    lines = [f"NeonPanda GraphQL API on {url}"]
    if settings.backend is Backend.EMBEDDED:
        lines.append(f"Embedded engine; data persists in {settings.data_dir.resolve()}")
    else:
        lines.append(f"AWS backend: table {settings.table_name}, bucket {settings.bucket}")
    if settings.dev_auth_enabled:
        token = mint_dev_token(dev_secret(settings), DEMO_USER_ID)
        lines += [
            f"GraphiQL: open {url} in a browser, then add this under Headers:",
            f'  {{"Authorization": "Bearer {token}"}}',
            "Another athlete's token: uv run server.py dev-token USER_ID",
        ]
    return "\n".join(lines)


async def _sweep(settings: Settings, grace_minutes: float, dry_run: bool) -> int:
    """Runs against the configured backend (embedded: the persisted data)."""
    app = create_app(settings.model_copy(update={"seed_demo_data": False}))
    async with app.router.lifespan_context(app):
        orphans = await sweep_orphans(
            app.state.runtime.stores, grace=timedelta(minutes=grace_minutes), dry_run=dry_run
        )
    verb = "would delete" if dry_run else "deleted"
    print(f"{verb} {len(orphans)} orphaned object(s)")
    for key in orphans:
        print(f"  {key}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="NeonPanda GraphQL API")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    sub = parser.add_subparsers(dest="command")
    token_cmd = sub.add_parser("dev-token", help="mint a dev token (dev mode only)")
    token_cmd.add_argument("user_id")
    token_cmd.add_argument("--group", action="append", default=[])
    sweep_cmd = sub.add_parser("sweep-orphans", help="delete S3 objects no item points at")
    sweep_cmd.add_argument("--grace-minutes", type=float, default=60.0)
    sweep_cmd.add_argument("--dry-run", action="store_true")
    schema_cmd = sub.add_parser("export-schema", help="write schema/schema.graphql")
    schema_cmd.add_argument("--check", action="store_true", help="fail if it is out of date")
    args = parser.parse_args(argv)
    settings = Settings()

    if args.command == "dev-token":
        if not settings.dev_auth_enabled:
            print("dev tokens are disabled (AWS/Cognito settings present)", file=sys.stderr)
            return 2
        print(mint_dev_token(dev_secret(settings), args.user_id, groups=args.group))
        return 0
    if args.command == "export-schema":
        sdl = export_sdl(build_schema())
        if args.check:
            current = SDL_PATH.read_text() if SDL_PATH.exists() else ""
            if current != sdl:
                print("schema/schema.graphql is out of date", file=sys.stderr)
                return 1
            return 0
        SDL_PATH.write_text(sdl)
        print(f"wrote {SDL_PATH.name}")
        return 0

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    if args.command == "sweep-orphans":
        return asyncio.run(_sweep(settings, args.grace_minutes, args.dry_run))
    app = create_app(settings)
    config = uvicorn.Config(app, host=args.host, port=args.port, log_level="info")
    server = uvicorn.Server(config)
    original_startup = server.startup

    async def startup(sockets: Any = None) -> None:
        await original_startup(sockets)
        if server.started:
            print("\n" + _banner(settings, args.host, args.port) + "\n", flush=True)

    server.startup = startup  # type: ignore[method-assign]
    server.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""NeonPanda GraphQL API: the command line.

uv run server.py [--host 127.0.0.1] [--port 8000]   run the server
uv run server.py --workers N                       ... as N processes (one embedded engine)
uv run server.py dev-token USER_ID                 mint a local dev token
uv run server.py export-schema [--check]           write (or check) schema/schema.graphql
uv run server.py sweep-orphans [--dry-run]         delete S3 objects no item names
uv run server.py migrate [--dry-run]               add this API's accelerators to the table
uv run server.py create-table                      create the table and bucket (any endpoint)

Each command imports only what it needs (a dev token needs no app).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
import threading
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import lifeline
from settings import Backend, ProductionRefused, Settings

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send


def _banner(settings: Settings, host: str, port: int) -> str:
    url = f"http://{host}:{port}/graphql"
    lines = [f"NeonPanda GraphQL API on {url}"]
    if settings.backend is Backend.EMBEDDED:
        lines.append(f"Embedded engine; data persists in {settings.data_dir.resolve()}")
    else:
        lines.append(f"AWS backend: table {settings.table_name}, bucket {settings.bucket}")
    if settings.dev_auth_enabled:
        from auth import dev_secret, mint_dev_token
        from devserver.demo_data import DEMO_USER_ID

        token = mint_dev_token(dev_secret(settings), DEMO_USER_ID)
        lines += [
            f"GraphiQL: open {url} in a browser, then add this under Headers:",
            f'  {{"Authorization": "Bearer {token}"}}',
            "Another athlete's token: uv run server.py dev-token USER_ID",
        ]
    return "\n".join(lines)


def _uvicorn_options(settings: Settings, host: str, port: int) -> dict[str, Any]:
    from http_protocol import GuardedH11Protocol

    return {
        "host": host,
        "port": port,
        # Logging is ours (telemetry.configure_logging: JSON in production); the request
        # line replaces uvicorn's access line.
        "log_config": None,
        "access_log": False,
        # A header deadline, and at the connection cap the longest-waiting idle connection
        # makes room (http_protocol.py; docs/security.md).
        "http": GuardedH11Protocol.configure(
            settings.header_timeout_seconds, settings.max_connections
        ),
        "timeout_keep_alive": settings.keep_alive_seconds,
        # Request line and headers: at most 16 KB (h11's own default is 16 KB too).
        "h11_max_incomplete_event_size": 16 * 1024,
        "timeout_graceful_shutdown": 30,
        # A WebSocket message over the app's limit is refused as it arrives (1009), before
        # it is buffered whole; the app checks again (schema/live_socket.py).
        "ws_max_size": settings.max_ws_message_bytes,
    }


def serve(settings: Settings, host: str, port: int, workers: int = 1) -> int:
    embedded = settings.backend is Backend.EMBEDDED and settings.embedded_engine_port is None
    if embedded:
        from devserver.engine import DataDirInUse, check_data_dir

        try:
            check_data_dir(settings.data_dir / "engine")
        except DataDirInUse as err:
            print(f"error: {err}", file=sys.stderr)
            return 1
    if workers > 1 or not embedded:
        _configure_logging(settings)
        if workers > 1:
            return serve_workers(settings, host, port, workers)
        return _serve_one(settings, host, port, None)

    # The engine (its own process, mostly importing moto) starts first, while this process
    # imports the app: the two take about as long, and the machine has two cores. The
    # app's lifespan stops it, after the server's last request (before uvicorn re-raises
    # a SIGTERM): every write it acknowledged is durable.
    from devserver.engine import DataDirInUse, EmbeddedEngine

    importing = threading.Thread(target=_import_app, name="import-app", daemon=True)
    importing.start()
    engine = EmbeddedEngine(
        log_path=settings.data_dir / "engine.log", data_dir=settings.data_dir / "engine"
    )
    try:
        engine.start()  # from the main thread: its death signal follows this one
    except DataDirInUse as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    try:
        importing.join()
        _configure_logging(settings)
        return _serve_one(settings, host, port, engine)
    finally:
        engine.stop()  # a no-op once the app stopped it; here for a failed start


def _import_app() -> None:
    import uvicorn  # noqa: F401

    import app  # noqa: F401


def _serve_one(settings: Settings, host: str, port: int, engine: Any) -> int:
    """One process; `engine` is the embedded engine it started (its death stops the server)."""
    import uvicorn

    from app import create_app

    server: Any = None

    def ready(runtime: Any) -> None:
        print("\n" + _banner(settings, host, port) + "\n", flush=True)
        if engine is not None:
            lifeline.watch_engine(
                lambda: not engine.died, stop=lambda: setattr(server, "should_exit", True)
            )

    app = create_app(settings, engine=engine, engine_owned=engine is not None, on_ready=ready)
    server = uvicorn.Server(uvicorn.Config(app, **_uvicorn_options(settings, host, port)))
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C: a graceful stop (as uvicorn.run)
        server.run()
    return lifeline.ENGINE_DIED if lifeline.died else 0


def serve_workers(settings: Settings, host: str, port: int, workers: int) -> int:
    """uvicorn's worker processes on one socket, each building the app from the
    environment (`worker_app`). What they must share comes from here: in embedded mode
    ONE engine, started (and stopped, after the last worker) by this process, its table
    prepared once, its port handed down as NEONPANDA_EMBEDDED_ENGINE_PORT; the dev secret
    (its file in the data directory, written before any worker starts) and so the cursor
    secret derived from it; outside dev mode without NEONPANDA_CURSOR_SECRET, one random
    cursor secret for all of them. Everything else they share lives in the table
    (idempotency markers, versions, claims, rate limits)."""
    import secrets

    import uvicorn

    from app import check_settings
    from auth import dev_secret

    # Settings a worker would refuse (production checks, documents) fail here, once,
    # rather than in every worker as uvicorn restarts them.
    check_settings(settings)
    engine = None
    try:
        if settings.backend is Backend.EMBEDDED:
            from devserver.engine import DataDirInUse, EmbeddedEngine

            if settings.embedded_engine_port is None:
                engine = EmbeddedEngine(
                    log_path=settings.data_dir / "engine.log",
                    data_dir=settings.data_dir / "engine",
                )
                try:
                    engine.start()  # from the main thread: its death signal follows this one
                except DataDirInUse as err:
                    print(f"error: {err}", file=sys.stderr)
                    return 1
                os.environ["NEONPANDA_EMBEDDED_ENGINE_PORT"] = str(engine.port)
                settings = settings.model_copy(update={"embedded_engine_port": engine.port})
            asyncio.run(_prepare_embedded(settings))
        elif not settings.cursor_secret and not settings.cursor_secret_arn:
            os.environ["NEONPANDA_CURSOR_SECRET"] = secrets.token_urlsafe(32)
        if settings.dev_auth_enabled:
            dev_secret(settings)  # the file exists before the workers read it
        print("\n" + _banner(settings, host, port) + f"\n{workers} workers\n", flush=True)
        options = _uvicorn_options(settings, host, port)
        if engine is not None:
            lifeline.watch_engine(lambda: not engine.died)
        uvicorn.run("server:worker_app", factory=True, workers=workers, **options)
    finally:
        if engine is not None:
            engine.stop()  # after the workers: every write they acknowledged is durable
    return lifeline.ENGINE_DIED if lifeline.died else 0


async def _prepare_embedded(settings: Settings) -> None:
    """The table created, migrated and seeded once, before any worker opens it."""
    from runtime import open_runtime

    async with open_runtime(settings):
        pass


class _ServedBy:
    """Dev mode, in workers: every HTTP answer names the process that gave it
    (`X-Served-By: <pid>`), to see how requests spread (and test guarantees across them)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        served_by = (b"x-served-by", str(os.getpid()).encode())

        async def send_named(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), served_by]}
            await send(message)

        await self.app(scope, receive, send_named)


def worker_app() -> ASGIApp:
    """The app of one worker process, from the environment (Settings()): uvicorn's
    (`server.py --workers N`) and gunicorn's (`gunicorn 'server:worker_app()' -k
    uvicorn_worker.UvicornWorker`, docs/configuration.md: Several processes)."""
    from app import create_app
    from http_protocol import GuardedH11Protocol
    from telemetry import configure_logging

    settings = Settings()
    configure_logging(settings)
    # A worker ends with the parent that runs it, however the parent ends (kill -9 too).
    lifeline.follow_parent()
    # uvicorn's workers get the protocol class by name: its settings are set here.
    GuardedH11Protocol.configure(settings.header_timeout_seconds, settings.max_connections)
    app = create_app(settings)
    return _ServedBy(app) if settings.dev_auth_enabled else app


def dev_token(settings: Settings, user_id: str, groups: list[str]) -> int:
    from auth import dev_secret, mint_dev_token

    if not settings.dev_auth_enabled:
        print("dev tokens are disabled (AWS/Cognito settings present)", file=sys.stderr)
        return 2
    kept = settings.data_dir / "dev-secret"
    if not settings.dev_secret and not kept.exists():
        # Never a new secret here: the server would not know it, and its token would be
        # refused without a word. The server writes the secret on its first start.
        print(
            f"error: no dev secret in {settings.data_dir} (NEONPANDA_DATA_DIR): start the "
            "server once with the same NEONPANDA_DATA_DIR, or set NEONPANDA_DEV_SECRET to "
            "the server's",
            file=sys.stderr,
        )
        return 2
    print(mint_dev_token(dev_secret(settings), user_id, groups=groups))
    where = "NEONPANDA_DEV_SECRET" if settings.dev_secret else str(kept)
    print(f"(signed with the secret of {where})", file=sys.stderr)
    return 0


def export_schema(check: bool) -> int:
    from schema.build import SDL_PATH, build_schema, export_sdl

    sdl = export_sdl(build_schema())
    if check:
        current = SDL_PATH.read_text() if SDL_PATH.exists() else ""
        if current != sdl:
            print("schema/schema.graphql is out of date", file=sys.stderr)
            return 1
        return 0
    SDL_PATH.write_text(sdl)
    print(f"wrote {SDL_PATH.name}")
    return 0


def _operator(settings: Settings) -> Settings:
    """An operator's command signs no cursor: it never reads the cursor secret (the
    operations role is not allowed to), even with the service's settings copied."""
    return settings.model_copy(update={"cursor_secret_arn": None})


async def sweep(settings: Settings, grace_minutes: float, dry_run: bool) -> int:
    """Runs against the configured backend (embedded: the persisted data)."""
    from datasources.sweep import sweep_orphans
    from runtime import open_runtime

    async with open_runtime(_operator(settings), seed=False) as runtime:
        orphans = await sweep_orphans(
            runtime.stores, grace=timedelta(minutes=grace_minutes), dry_run=dry_run
        )
    verb = "would delete" if dry_run else "deleted"
    print(f"{verb} {len(orphans)} orphaned object(s)")
    for key in orphans:
        print(f"  {key}")
    return 0


async def migrate(settings: Settings, dry_run: bool) -> int:
    """Against the configured backend (embedded: the persisted data)."""
    from datasources.migrate import migrate as run_migration
    from runtime import open_runtime

    async with open_runtime(_operator(settings), seed=False, migrate=False) as runtime:
        report = await run_migration(runtime.stores.table, dry_run=dry_run, out=sys.stdout)
    print(report.summary())
    return 0


async def repair_counts(settings: Settings, user_ids: list[str]) -> int:
    """Count the lists again (the counters `totalCount` reads): the given athletes, or
    every athlete with a profile. For data written by others while no indexer ran."""
    from datasources.counts import Recount
    from datasources.migrate import recount_all
    from runtime import open_runtime

    async def once(call: Any) -> Any:
        return await call()

    async with open_runtime(_operator(settings), seed=False, migrate=False) as runtime:
        table = runtime.stores.table
        if user_ids:
            for user_id in user_ids:
                counted = await Recount(table)(user_id)
                print(f"{user_id}: {counted.values}")
            return 0
        done = await recount_all(table, once)
    print(f"counted the lists of {done} athlete(s)")
    return 0


async def create_table(settings: Settings) -> int:
    """The seed's table and the bucket, from the one definition, on the configured endpoint
    (real AWS: prefer the CloudFormation template in infra/, which adds the accelerators)."""
    from contextlib import AsyncExitStack

    from datasources.aws import Endpoints, open_clients
    from datasources.definition import create_bucket, create_table

    async with AsyncExitStack() as stack:
        endpoints = Endpoints(settings.dynamodb_endpoint, settings.s3_endpoint)
        clients = await open_clients(stack, settings, endpoints)
        made_table = await create_table(clients.dynamodb, settings.table_name)
        made_bucket = await create_bucket(clients.s3, settings.bucket, settings.region)
    print(f"table {settings.table_name}: {'created' if made_table else 'already there'}")
    print(f"bucket {settings.bucket}: {'created' if made_bucket else 'already there'}")
    print("next: uv run server.py migrate (adds the accelerators)")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="NeonPanda GraphQL API")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument(
        "--workers", type=int, default=1, help="server processes on the one port (default 1)"
    )
    sub = parser.add_subparsers(dest="command")
    token_cmd = sub.add_parser("dev-token", help="mint a dev token (dev mode only)")
    token_cmd.add_argument("user_id")
    token_cmd.add_argument("--group", action="append", default=[])
    sweep_cmd = sub.add_parser("sweep-orphans", help="delete S3 objects no item points at")
    sweep_cmd.add_argument("--grace-minutes", type=float, default=60.0)
    sweep_cmd.add_argument("--dry-run", action="store_true")
    migrate_cmd = sub.add_parser("migrate", help="add accelerators to the table and backfill")
    migrate_cmd.add_argument("--dry-run", action="store_true", help="report, change nothing")
    repair_cmd = sub.add_parser("repair-counts", help="count the lists' totals again")
    repair_cmd.add_argument("user_ids", nargs="*", help="these athletes only (default: all)")
    sub.add_parser("create-table", help="create the seed's table and the bucket")
    schema_cmd = sub.add_parser("export-schema", help="write schema/schema.graphql")
    schema_cmd.add_argument("--check", action="store_true", help="fail if it is out of date")
    args = parser.parse_args(argv)
    settings = Settings()

    if args.command == "dev-token":
        return dev_token(settings, args.user_id, args.group)
    if args.command == "export-schema":
        return export_schema(args.check)
    try:
        if args.command is None:
            # Logging is configured inside: the engine starts before the heavy imports.
            return serve(settings, args.host, args.port, args.workers)
        _configure_logging(settings)
        if args.command == "sweep-orphans":
            return asyncio.run(sweep(settings, args.grace_minutes, args.dry_run))
        if args.command == "migrate":
            return asyncio.run(migrate(settings, args.dry_run))
        if args.command == "create-table":
            return asyncio.run(create_table(settings))
        if args.command == "repair-counts":
            return asyncio.run(repair_counts(settings, args.user_ids))
        raise AssertionError(args.command)
    except Exception as err:
        return _explained(err, settings)


def _configure_logging(settings: Settings) -> None:
    from telemetry import configure_logging  # imports strawberry: ~0.6 s

    configure_logging(settings)


def _explained(err: Exception, settings: Settings) -> int:
    """The table missing or not the seed's, production refusing a setting: one line
    (and exit code 1) instead of a traceback; anything else is raised again."""
    from datasources.migrate import SeedMismatch, TableMissing, how_to_create

    if isinstance(err, TableMissing):
        print(how_to_create(settings.table_name, settings.use_aws), file=sys.stderr)
        return 1
    if isinstance(err, (SeedMismatch, ProductionRefused)):
        print(f"error: {err}", file=sys.stderr)
        return 1
    raise err


if __name__ == "__main__":
    sys.exit(main())

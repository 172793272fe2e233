"""What a process opens once and every request shares: clients, stores, verifier, cursors.

`open_runtime` is the one way to get it, for the web app's lifespan, the CLI commands,
the tests and the benchmarks alike. Everything it opens it closes, in reverse order.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import hashlib
import logging
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from auth import Verifier, build_verifier, dev_secret
from datasources.accelerators import read_accelerators
from datasources.aws import AwsClients, Endpoints, open_clients, read_secret
from datasources.content import ContentStore
from datasources.indexer import Indexer, TableCheckpoints
from datasources.live import LiveHub
from datasources.migrate import check_seed
from datasources.stores import Stores
from datasources.stream import StreamReader
from datasources.table import Table
from resolvers.pagination import CursorCodec
from settings import Backend, Settings

if TYPE_CHECKING:
    from devserver.engine import EmbeddedEngine

log = logging.getLogger("neonpanda")
# How long a stop waits for a one-off background job (the demo data) before cutting it.
JOB_STOP_SECONDS = 30.0
# When the start-up objects are moved out of the garbage collector's way (after a start).
GC_FREEZE_AFTER_SECONDS = 2.0


@dataclass
class Runtime:
    settings: Settings
    clients: AwsClients
    stores: Stores
    verifier: Verifier
    cursors: CursorCodec
    ready: bool = False
    background: Background | None = None
    # Embedded mode: the engine this runtime talks to (started by this process or not).
    engine: EmbeddedEngine | None = None


async def cursor_secret(settings: Settings, clients: AwsClients, endpoint: str | None) -> bytes:
    if settings.cursor_secret:
        return settings.cursor_secret.encode()
    if settings.cursor_secret_arn:
        return (await read_secret(clients, settings.cursor_secret_arn, endpoint)).encode()
    if settings.dev_auth_enabled:
        return hashlib.sha256(b"cursor:" + dev_secret(settings).encode()).digest()
    return secrets.token_bytes(32)


class Background:
    """The process's background work: re-reading the accelerators (a migration run while
    the server serves is picked up without a restart) and, once the table has a stream,
    the indexer (datasources/indexer.py)."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.indexer: Indexer | None = None
        self.indexer_reader: StreamReader | None = None
        # Live updates (subscriptions): the stream fanned out to this process's subscribers.
        self.hub = LiveHub(
            runtime.clients.streams,
            max_per_partition=runtime.settings.max_subscriptions_per_user,
            max_connections_per_user=runtime.settings.max_connections_per_user,
            queue_size=runtime.settings.live_queue_size,
            interrupt_after=runtime.settings.live_interrupt_after_seconds,
        )
        self._tasks: list[asyncio.Task[None]] = []
        self._jobs: list[asyncio.Task[None]] = []

    def start(self) -> None:
        self._maybe_index()
        self._tasks.append(asyncio.create_task(self._watch()))

    def _maybe_index(self) -> None:
        table = self.runtime.stores.table
        arn = table.accelerators.stream_arn
        if arn is not None and self.runtime.settings.live_updates:
            self.hub.start(arn)
        if arn is None or self.indexer is not None or not self.runtime.settings.indexer:
            return
        self.indexer = Indexer(table)
        self.indexer_reader = StreamReader(
            self.runtime.clients.streams,
            arn,
            start="TRIM_HORIZON",
            checkpoints=TableCheckpoints(table),
            # A quiet table is polled every 2 s at most (an app's write is indexed within
            # about that); a busy one as fast as it yields.
            max_idle_sleep=2.0,
        )
        self._tasks.append(asyncio.create_task(self.indexer.run(self.indexer_reader)))

    def stream_health(self) -> str | None:
        """None while the stream's readers (live updates, indexer) follow it; otherwise
        why not (what /readyz reports)."""
        reader = self.indexer_reader
        return self.hub.health() or (reader.health() if reader is not None else None)

    async def refresh(self) -> None:
        """Re-read the table's accelerators now (and start the indexer if a stream came)."""
        table = self.runtime.stores.table
        found = await read_accelerators(table.client, table.name)
        if found != table.accelerators:
            log.info("accelerators now: %s", found.describe())
            table.accelerators = found
            self._maybe_index()

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(self.runtime.settings.accelerator_refresh_seconds)
            try:
                await self.refresh()
            except Exception:  # the next round may succeed; reads keep what was known
                log.warning("could not re-read the table's accelerators", exc_info=True)

    def run_once(self, name: str, job: Callable[[], Awaitable[None]]) -> None:
        """A one-off job beside the requests (the demo data after start): logged when done
        or failed; a stop waits for it (up to `JOB_STOP_SECONDS`) rather than cutting it."""

        async def run() -> None:
            started = time.perf_counter()
            try:
                await job()
            except Exception:
                log.exception("%s failed", name)
            else:
                log.info("%s done in %.1f s", name, time.perf_counter() - started)

        self._jobs.append(asyncio.create_task(run(), name=name))

    async def stop(self) -> None:
        if self._jobs:
            _, late = await asyncio.wait(self._jobs, timeout=JOB_STOP_SECONDS)
            for task in late:
                task.cancel()
            await asyncio.gather(*self._jobs, return_exceptions=True)
        await self.hub.stop()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task


def _freeze() -> None:
    gc.collect()
    gc.freeze()


@asynccontextmanager
async def open_runtime(
    settings: Settings,
    *,
    engine: EmbeddedEngine | None = None,
    engine_owned: bool = False,
    seed: bool | None = None,
    migrate: bool = True,
    seed_later: bool = False,
    freeze_later: bool = False,
) -> AsyncIterator[Runtime]:
    """Open everything. Embedded mode starts (or, given `engine`, uses) the engine, creates
    the seed's table and migrates it (unless `migrate` is False: the migrate command runs
    its own), and seeds the demo athletes when `seed` (default: the setting) says so. A
    given engine is stopped on exit when `engine_owned` (server.py starts its own early)."""
    async with AsyncExitStack() as stack:
        endpoints = Endpoints(settings.dynamodb_endpoint, settings.s3_endpoint)
        credentials = None
        embedded = None
        if settings.backend is Backend.EMBEDDED:
            # Imported here: a production install has no moto and never reaches this.
            from devserver.embedded import Embedded

            embedded = await stack.enter_async_context(
                Embedded.open(settings, engine, owned=engine_owned)
            )
            endpoints = Endpoints(embedded.endpoint_url, embedded.endpoint_url)
            credentials = embedded.credentials
        clients = await open_clients(stack, settings, endpoints, credentials)
        table = Table(clients.dynamodb, settings.table_name, settings.batch_get_deadline_seconds)
        stores = Stores.from_settings(table, ContentStore(clients.s3, settings.bucket), settings)
        verifier = build_verifier(settings)
        stack.push_async_callback(verifier.aclose)
        # Secrets Manager: AWS's own, or the engine (which serves every service it has).
        secrets_endpoint = embedded.endpoint_url if embedded is not None else settings.endpoint_url
        cursors = CursorCodec(await cursor_secret(settings, clients, secrets_endpoint))
        runtime = Runtime(settings, clients, stores, verifier, cursors)
        runtime.engine = embedded.engine if embedded is not None else None
        later = None
        if embedded is not None:
            later = await embedded.prepare(
                stores,
                settings.seed_demo_data if seed is None else seed,
                migrate=migrate,
                seed_later=seed_later,
            )
        else:
            await check_seed(clients.dynamodb, settings.table_name)
            table.accelerators = await read_accelerators(clients.dynamodb, settings.table_name)
        log.info("table %s; accelerators: %s", settings.table_name, table.accelerators.describe())
        background = Background(runtime)
        background.start()
        stack.push_async_callback(background.stop)
        runtime.background = background
        if later is not None:
            background.run_once("demo data", later)
        runtime.ready = True
        # Start-up objects (schema, clients, modules) never die: keep them out of GC passes.
        # The full collection takes ~0.15 s: for server.py's own start (`freeze_later`) it
        # runs shortly after the first answers, not before them.
        if freeze_later:
            freezing = asyncio.get_running_loop().call_later(GC_FREEZE_AFTER_SECONDS, _freeze)
            stack.callback(freezing.cancel)
        else:
            _freeze()
        try:
            yield runtime
        finally:
            runtime.ready = False

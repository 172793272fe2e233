"""Embedded mode for one server process: the engine, its table and bucket, its data."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from datasources.accelerators import read_accelerators
from datasources.definition import create_bucket, create_table
from datasources.migrate import migrate as run_migration
from datasources.stores import Stores
from devserver.demo_data import DEMO_USER_ID, SECOND_USER_ID, seed_demo_data
from devserver.engine import ENGINE_CREDENTIALS, EmbeddedEngine
from devserver.snapshot import Snapshotter
from settings import Settings

log = logging.getLogger("neonpanda")
# In the data directory while the demo athletes are being seeded: found at a start, the
# seeding was cut (the process killed) and the athletes are partial: deleted, seeded again.
SEEDING_MARKER = "demo-seeding"


@dataclass
class Embedded:
    settings: Settings
    engine: EmbeddedEngine
    # The engine holds this data directory (started here, or by `server.py --workers`'s
    # parent for it), not one a test shares: only then is `<data dir>/snapshot` imported.
    owns_data: bool

    @property
    def endpoint_url(self) -> str:
        return self.engine.endpoint_url

    @property
    def credentials(self) -> dict[str, str]:
        return ENGINE_CREDENTIALS

    @classmethod
    @asynccontextmanager
    async def open(
        cls, settings: Settings, engine: EmbeddedEngine | None, *, owned: bool = False
    ) -> AsyncIterator[Embedded]:
        """The given engine (tests share one; `owned`: started for this server on its data
        directory, by server.py while it imported the app), the one already running at
        `embedded_engine_port` (the workers of `server.py --workers N` use their parent's),
        or a new one on the data directory. One this server owns is stopped on exit (after
        its last request: every write it acknowledged is durable)."""
        if engine is not None and not owned:
            yield cls(settings, engine, owns_data=False)
            return
        if engine is not None:
            try:
                yield cls(settings, engine, owns_data=True)
            finally:
                await asyncio.to_thread(engine.stop)
            return
        if settings.embedded_engine_port is not None:
            running = EmbeddedEngine.running_at(settings.embedded_engine_port)
            yield cls(settings, running, owns_data=True)
            return
        engine = EmbeddedEngine(
            log_path=settings.data_dir / "engine.log", data_dir=settings.data_dir / "engine"
        )
        # Started from this (the main) thread: the engine's death signal follows it.
        engine.start()
        log.info("embedded engine on %s, data in %s", engine.endpoint_url, engine.data_dir)
        try:
            yield cls(settings, engine, owns_data=True)
        finally:
            await asyncio.to_thread(engine.stop)

    async def prepare(
        self, stores: Stores, seed: bool, *, migrate: bool = True, seed_later: bool = False
    ) -> Callable[[], Awaitable[None]] | None:
        """The seed's table and the bucket from the definition, migrated by the same code
        as `uv run server.py migrate`; data saved by an older version; the demo athletes
        (with `seed_later`, returned as the job that seeds them, for the caller to run
        beside its first requests)."""
        s = self.settings
        created = await create_table(stores.table.client, s.table_name)
        await create_bucket(stores.content.client, s.bucket, s.region)
        legacy = s.data_dir / "snapshot"
        if created and self.owns_data and (legacy / "table.json").exists():
            # Data of a version that snapshotted through the API: imported once (by the
            # process that created the table: `server.py --workers`'s parent, before any
            # worker starts).
            restored = await Snapshotter(stores.table, stores.content, legacy).restore()
            legacy.rename(legacy.with_name("snapshot.imported"))
            log.info("imported %d items from %s", restored, legacy)
        found = await read_accelerators(stores.table.client, s.table_name)
        if migrate and not (found.lists and found.claims and found.stream_arn):
            # Once, on a new data directory; the server's own writes keep it true after.
            await run_migration(stores.table)
            found = await read_accelerators(stores.table.client, s.table_name)
        stores.table.accelerators = found
        if not seed:
            return None
        marker = s.data_dir / SEEDING_MARKER
        if marker.exists():
            for user_id in (DEMO_USER_ID, SECOND_USER_ID):
                items, objects = await stores.accounts.delete(user_id)
                log.warning(
                    "the demo athletes' seeding was cut short: %s deleted (%d items, %d "
                    "objects) to seed again",
                    user_id,
                    items,
                    objects,
                )
        elif await stores.users.get(DEMO_USER_ID) is not None:
            return None
        job = partial(self._seed, stores, marker)
        if seed_later:
            return job
        await job()
        return None

    @staticmethod
    async def _seed(stores: Stores, marker: Path) -> None:
        """The demo athletes, between the marker's creation and its removal."""
        await asyncio.to_thread(_write_marker, marker)
        await seed_demo_data(stores)
        await asyncio.to_thread(marker.unlink)


def _write_marker(marker: Path) -> None:
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text("the demo athletes are being seeded\n")

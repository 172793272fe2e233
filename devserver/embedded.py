"""Embedded mode for one server process: the engine, its table and bucket, its data."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass

from datasources.definition import bootstrap
from datasources.stores import Stores
from devserver.demo_data import DEMO_USER_ID, seed_demo_data
from devserver.engine import ENGINE_CREDENTIALS, EmbeddedEngine
from devserver.snapshot import Snapshotter
from settings import Settings

log = logging.getLogger("neonpanda")


@dataclass
class Embedded:
    settings: Settings
    engine: EmbeddedEngine
    owns_engine: bool

    @property
    def endpoint_url(self) -> str:
        return self.engine.endpoint_url

    @property
    def credentials(self) -> dict[str, str]:
        return ENGINE_CREDENTIALS

    @classmethod
    @asynccontextmanager
    async def open(
        cls, settings: Settings, engine: EmbeddedEngine | None
    ) -> AsyncIterator[Embedded]:
        """The given engine (tests share one), or a new one stopped on exit."""
        if engine is not None:
            yield cls(settings, engine, owns_engine=False)
            return
        engine = EmbeddedEngine(log_path=settings.data_dir / "engine.log")
        await asyncio.to_thread(engine.start)
        try:
            yield cls(settings, engine, owns_engine=True)
        finally:
            await asyncio.to_thread(engine.stop)

    async def prepare(self, stores: Stores, seed: bool, stack: AsyncExitStack) -> None:
        """Table and bucket from the definition, the saved data, the demo athletes."""
        s = self.settings
        await bootstrap(
            stores.table.client, stores.content.client, s.table_name, s.bucket, s.region
        )
        snapshotter = None
        if self.owns_engine:
            snapshotter = Snapshotter(stores.table, stores.content, s.data_dir / "snapshot")
            restored = await snapshotter.restore()
            log.info("data lives in %s (%d items restored)", snapshotter.directory, restored)
        if seed and await stores.users.get(DEMO_USER_ID) is None:
            await seed_demo_data(stores)
        if snapshotter is not None:
            task = asyncio.create_task(snapshotter.run_periodically(s.snapshot_interval_seconds))

            async def stop() -> None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
                await snapshotter.save()

            stack.push_async_callback(stop)
            if snapshotter.dirty:
                await snapshotter.save()

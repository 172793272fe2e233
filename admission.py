"""The process's GraphQL work slots, shared by HTTP requests (app.RequestGuard) and
socket subscribes (schema/live_socket.py), so neither path can run more GraphQL work at
once than `NEONPANDA_MAX_CONCURRENT_REQUESTS` allows."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from settings import Settings


class AtCapacity(Exception):
    """Every slot is taken and the queue is full: answered SERVICE_UNAVAILABLE."""


class Admission:
    """The process's GraphQL work slots, shared by HTTP requests and socket subscribes:
    at most `max_concurrent_requests` at once, up to `max_queued_requests` more waiting;
    beyond that, AtCapacity."""

    def __init__(self, settings: Settings) -> None:
        self.slots = asyncio.Semaphore(settings.max_concurrent_requests)
        self.max_queued = settings.max_queued_requests
        self.queued = 0

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        if self.slots.locked() and self.queued >= self.max_queued:
            raise AtCapacity
        self.queued += 1
        try:
            await self.slots.acquire()
        finally:
            self.queued -= 1
        try:
            yield
        finally:
            self.slots.release()

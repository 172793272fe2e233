"""Live updates: the table's stream, fanned out to this process's subscribers.

One `LiveHub` per server process reads every shard of the stream from LATEST (its own
`StreamReader`, apart from the indexer's) and hands each change to the subscribers of the
change's partition (`user#<id>`): a subscriber only ever sees its own athlete's writes,
whoever made them (this process, another one, the app's Lambdas).

Each subscriber has a bounded queue; one that falls that far behind is ended with an
error rather than let memory grow (the client resubscribes with its last cursor).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from datasources.stream import Change, StreamReader

log = logging.getLogger("neonpanda.live")
QUEUE_SIZE = 1_000


class TooMany(Exception):
    """The athlete already has the most subscriptions a process keeps for one."""


class Overflow(Exception):
    """The subscriber fell more than QUEUE_SIZE changes behind."""


@dataclass(eq=False)
class Subscriber:
    pk: str
    queue: asyncio.Queue[Change | None] = field(default_factory=lambda: asyncio.Queue(QUEUE_SIZE))
    overflowed: bool = False

    async def next(self) -> Change:
        change = await self.queue.get()
        if change is None:
            raise Overflow("too many updates behind; subscribe again from your last cursor")
        return change


class LiveHub:
    def __init__(
        self, streams_client: Any, idle_sleep: float = 0.1, max_per_partition: int = 20
    ) -> None:
        self.client = streams_client
        self.max_per_partition = max_per_partition
        self.idle_sleep = idle_sleep
        self._by_pk: dict[str, set[Subscriber]] = {}
        self._task: asyncio.Task[None] | None = None
        self.ready = asyncio.Event()  # the reader holds its LATEST positions
        self.delivered = 0

    @property
    def running(self) -> bool:
        return self._task is not None

    def start(self, stream_arn: str) -> None:
        if self._task is None:
            reader = StreamReader(
                self.client, stream_arn, start="LATEST", idle_sleep=self.idle_sleep
            )
            self._task = asyncio.create_task(self._run(reader))

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self, reader: StreamReader) -> None:
        reader.positioned = self.ready
        async for batch in reader.changes():
            self._fan_out(batch)

    def _fan_out(self, batch: list[Change]) -> None:
        for change in batch:
            for subscriber in list(self._by_pk.get(change.key[0], ())):
                if subscriber.overflowed:
                    continue
                if subscriber.queue.qsize() >= QUEUE_SIZE - 1:
                    subscriber.overflowed = True
                    subscriber.queue.put_nowait(None)
                    continue
                subscriber.queue.put_nowait(change)
                self.delivered += 1

    @contextlib.contextmanager
    def subscribe(self, pk: str) -> Iterator[Subscriber]:
        subscriber = Subscriber(pk)
        if len(self._by_pk.get(pk, ())) >= self.max_per_partition:
            raise TooMany(f"at most {self.max_per_partition} live subscriptions per athlete")
        self._by_pk.setdefault(pk, set()).add(subscriber)
        try:
            yield subscriber
        finally:
            subscribers = self._by_pk.get(pk)
            if subscribers is not None:
                subscribers.discard(subscriber)
                if not subscribers:
                    del self._by_pk[pk]

    def subscribers(self) -> int:
        return sum(len(s) for s in self._by_pk.values())

"""Live updates: the table's stream, fanned out to this process's subscribers.

One `LiveHub` per server process reads every shard of the stream from LATEST (its own
`StreamReader`, apart from the indexer's) and hands each change to the subscribers of the
change's partition (`user#<id>`): a subscriber only ever sees its own athlete's writes,
whoever made them (this process, another one, the app's Lambdas).

Each socket is a `LiveConnection`, counted against its athlete (at most
`max_connections_per_user` per process). Each subscriber has a bounded queue
(`queue_size` changes); one that falls further behind than that is a slow consumer: it is
sent nothing more, and its connection is told (`on_slow`), which closes the socket
(schema/live_socket.py); the client reconnects and resubscribes with its last cursor.
Memory per subscriber is bounded by its queue whatever the client does.

When the reader cannot follow the stream for `interrupt_after` seconds (its reads failing
and retried), every subscription is ended with `Interrupted` and new ones are refused with
it until the reader reads again: a subscriber is told rather than left waiting for events
that do not come. The client subscribes again (conversations from their last message
cursor: nothing is lost) once the reader recovers; `/readyz` reports the same condition.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from datasources import keys
from datasources.stream import FAILING_AFTER_SECONDS, Change, StreamReader

log = logging.getLogger("neonpanda.live")
QUEUE_SIZE = 1_000
# How often the reader polls the stream while no subscriber listens (~0.1 s otherwise).
QUIET_POLL_SECONDS = 2.0


class TooMany(Exception):
    """The athlete already has the most subscriptions a process keeps for one."""


class TooManyConnections(Exception):
    """The athlete already has the most live connections a process keeps for one."""


class Overflow(Exception):
    """The subscriber fell more than its queue's size of changes behind."""


class Interrupted(Exception):
    """The stream's reader cannot follow the stream: no change would reach the subscriber."""


@dataclass(eq=False)
class Subscriber:
    pk: str
    queue_size: int = QUEUE_SIZE
    on_overflow: Callable[[], None] | None = None
    overflowed: bool = False
    ended: bool = False
    # One slot more than `queue_size`: the end marker always fits.
    queue: asyncio.Queue[Change | Exception | None] = field(init=False)

    def __post_init__(self) -> None:
        self.queue = asyncio.Queue(self.queue_size + 1)

    async def next(self) -> Change:
        change = await self.queue.get()
        if change is None:
            raise Overflow("too many updates behind; subscribe again from your last cursor")
        if isinstance(change, Exception):
            raise change
        return change

    def interrupt(self, reason: Interrupted) -> None:
        """End the subscriber with `reason` (once): what is queued is still delivered first."""
        if self.overflowed or self.ended:
            return
        self.ended = True
        self.queue.put_nowait(reason)  # fits: `offer` keeps the last slot for an end marker

    def offer(self, change: Change) -> bool:
        """Queue the change; False once the subscriber is too far behind (then it is ended:
        the end marker is queued and `on_overflow` called, once)."""
        if self.overflowed or self.ended:
            return False
        if self.queue.qsize() >= self.queue_size:
            self.overflowed = True
            self.queue.put_nowait(None)
            if self.on_overflow is not None:
                self.on_overflow()
            return False
        self.queue.put_nowait(change)
        return True


class LiveConnection:
    """One socket's share of the hub: counted against its athlete until `close`; its
    subscribers report a slow consumer to `on_slow` (called once)."""

    def __init__(self, hub: LiveHub, user_id: str, on_slow: Callable[[], None]) -> None:
        self.hub = hub
        self.user_id = user_id
        self.on_slow = on_slow
        self.slow = False
        self.closed = False

    def subscribe(self) -> contextlib.AbstractContextManager[Subscriber]:
        """A subscriber to the socket's own athlete's partition (no other can be asked)."""
        return self.hub.subscribe(self.user_id, on_overflow=self._overflowed)

    def _overflowed(self) -> None:
        if not self.slow:
            self.slow = True
            log.warning("slow consumer: a live connection of %s fell behind", self.user_id)
            self.on_slow()

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self.hub._release(self.user_id)


class LiveHub:
    def __init__(
        self,
        streams_client: Any,
        idle_sleep: float = 0.1,
        max_per_partition: int = 20,
        max_connections_per_user: int = 10,
        queue_size: int = QUEUE_SIZE,
        interrupt_after: float = FAILING_AFTER_SECONDS,
    ) -> None:
        self.client = streams_client
        self.interrupt_after = interrupt_after
        # Why subscriptions are refused now (the reader cannot follow the stream), if so.
        self.interrupted: Interrupted | None = None
        self._watch_task: asyncio.Task[None] | None = None
        self.max_per_partition = max_per_partition
        self.max_connections_per_user = max_connections_per_user
        self.queue_size = queue_size
        self.idle_sleep = idle_sleep
        self._by_pk: dict[str, set[Subscriber]] = {}
        self._connections: dict[str, int] = {}
        self._task: asyncio.Task[None] | None = None
        self.reader: StreamReader | None = None
        self.ready = asyncio.Event()  # the reader holds its LATEST positions
        self.delivered = 0
        self.overflows = 0

    @property
    def running(self) -> bool:
        return self._task is not None

    def start(self, stream_arn: str) -> None:
        if self._task is None:
            self.reader = StreamReader(
                self.client,
                stream_arn,
                start="LATEST",
                idle_sleep=self.idle_sleep,
                # Nobody listening: polls slow down to one every QUIET_POLL_SECONDS (the
                # reader keeps its place: nothing is missed), and a subscriber wakes it.
                max_idle_sleep=QUIET_POLL_SECONDS,
                may_rest=lambda: not self._by_pk,
            )
            self._task = asyncio.create_task(self._run(self.reader))
            self._watch_task = asyncio.create_task(self._watch(self.reader))

    def health(self) -> str | None:
        """None while live updates flow (or were never started); otherwise why not."""
        if self._task is None or self.reader is None:
            return None
        if self._task.done():
            return "the live-updates reader stopped"
        return self.reader.health(grace=self.interrupt_after)  # as subscriptions are ended

    async def stop(self) -> None:
        for task in (self._watch_task, self._task):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    async def _watch(self, reader: StreamReader) -> None:
        """Every second: a reader failing for `interrupt_after` seconds (or stopped) ends
        every subscription and refuses new ones; a reader that reads again accepts them."""
        while True:
            await asyncio.sleep(min(1.0, self.interrupt_after / 2))
            stopped = self._task is not None and self._task.done()
            why = (
                "the live-updates reader stopped"
                if stopped
                else reader.health(grace=self.interrupt_after)
            )
            if why is not None and self.interrupted is None:
                self.interrupted = Interrupted(
                    f"Live updates are interrupted ({why}); subscribe again shortly "
                    "(conversations: after your last message cursor)"
                )
                ended = 0
                for subscribers in self._by_pk.values():
                    for subscriber in subscribers:
                        subscriber.interrupt(self.interrupted)
                        ended += 1
                log.warning("live updates interrupted (%s): %d subscriptions ended", why, ended)
            elif why is None and self.interrupted is not None:
                self.interrupted = None
                log.warning("live updates flow again: subscriptions accepted")

    async def _run(self, reader: StreamReader) -> None:
        reader.positioned = self.ready
        async for batch in reader.changes():
            self._fan_out(batch)

    def _fan_out(self, batch: list[Change]) -> None:
        for change in batch:
            for subscriber in list(self._by_pk.get(change.key[0], ())):
                if subscriber.overflowed or subscriber.ended:
                    continue
                if subscriber.offer(change):
                    self.delivered += 1
                else:
                    self.overflows += 1

    def connect(self, user_id: str, on_slow: Callable[[], None]) -> LiveConnection:
        """A socket of `user_id`'s; TooManyConnections beyond the cap."""
        open_now = self._connections.get(user_id, 0)
        if open_now >= self.max_connections_per_user:
            raise TooManyConnections(
                f"At most {self.max_connections_per_user} live connections per athlete"
            )
        self._connections[user_id] = open_now + 1
        return LiveConnection(self, user_id, on_slow)

    def _release(self, user_id: str) -> None:
        left = self._connections.get(user_id, 0) - 1
        if left > 0:
            self._connections[user_id] = left
        else:
            self._connections.pop(user_id, None)

    def connections(self, user_id: str | None = None) -> int:
        if user_id is not None:
            return self._connections.get(user_id, 0)
        return sum(self._connections.values())

    @contextlib.contextmanager
    def subscribe(
        self, user_id: str, on_overflow: Callable[[], None] | None = None
    ) -> Iterator[Subscriber]:
        """The athlete's partition's changes, from now on."""
        pk = keys.user_pk(user_id)
        if self.interrupted is not None:
            raise self.interrupted
        if len(self._by_pk.get(pk, ())) >= self.max_per_partition:
            raise TooMany(f"at most {self.max_per_partition} live subscriptions per athlete")
        subscriber = Subscriber(pk, self.queue_size, on_overflow)
        self._by_pk.setdefault(pk, set()).add(subscriber)
        if self.reader is not None:
            self.reader.wake.set()  # back to polling every `idle_sleep`
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

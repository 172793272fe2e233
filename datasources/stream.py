"""Reading the table's DynamoDB stream (NEW_AND_OLD_IMAGES): every write, by any writer.

One `StreamReader` follows every shard of the stream (new shards as they appear, a
closed shard until its end), yields batches of `Change`s in shard order, and backs off
when there is nothing new. Consumers: the indexer (keeps the accelerators true for items
other writers add) and the live-update hub (subscriptions).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, TypeVar

from botocore.exceptions import BotoCoreError, ClientError

from datasources import keys
from datasources.records.base import ItemRecord
from datasources.table import deserialize_item

log = logging.getLogger("neonpanda.stream")

Start = Literal["LATEST", "TRIM_HORIZON"]
Side = Literal["image", "new", "old"]
R = TypeVar("R", bound=ItemRecord)
# A reader failing this long makes /readyz answer 503 (shorter failures are retried quietly).
FAILING_AFTER_SECONDS = 15.0


@dataclass(frozen=True)
class Change:
    """One write to the table, as the stream reports it."""

    event: str  # INSERT | MODIFY | REMOVE
    key: tuple[str, str]
    old: dict[str, Any] | None
    new: dict[str, Any] | None
    sequence: str
    at: float  # approximate creation time (epoch seconds)

    @property
    def image(self) -> dict[str, Any]:
        """The item after the write (before it, for a REMOVE)."""
        return self.new if self.new is not None else (self.old or {})

    @property
    def entity_type(self) -> str | None:
        value = self.image.get("entityType")
        return None if value is None else str(value)

    def record(self, record_type: type[R], side: Side = "image") -> R | None:
        """The item as `record_type` (after the write, before it, or `image`: after, or
        before for a REMOVE); None when there is no such image, it is another entity type,
        or an item this API cannot read (no event for it)."""
        image = {"image": self.image, "new": self.new, "old": self.old}[side]
        if not image or image.get("entityType") != record_type.ENTITY_TYPE:
            return None
        try:
            return record_type.from_item(dict(image))
        except ValueError:
            return None

    def is_of(self, record_type: type[ItemRecord], user_id: str, *ids: str) -> bool:
        """Whether the write was to the athlete's item of `record_type` with these ids."""
        return self.key == (keys.user_pk(user_id), record_type.SK_OF(*ids))


def change_from(record: dict[str, Any]) -> Change:
    data = record["dynamodb"]
    keys = deserialize_item(data["Keys"])
    created = data.get("ApproximateCreationDateTime")
    return Change(
        event=str(record["eventName"]),
        key=(str(keys["pk"]), str(keys["sk"])),
        old=deserialize_item(data["OldImage"]) if data.get("OldImage") else None,
        new=deserialize_item(data["NewImage"]) if data.get("NewImage") else None,
        sequence=str(data.get("SequenceNumber", "")),
        at=created.timestamp() if hasattr(created, "timestamp") else float(created or 0),
    )


@dataclass
class _Shard:
    shard_id: str
    iterator: str | None
    done: bool = False
    consumed: str | None = None  # the last sequence number the consumer has finished
    saved: str | None = None  # ... and the last one written to the checkpoint


class Checkpoints(Protocol):
    """Where a reader keeps how far its consumer got, per shard (the indexer's: items in
    the table, datasources/indexer.py)."""

    async def load(self) -> dict[str, str]: ...

    async def save(self, shard_id: str, sequence: str) -> None: ...


@dataclass
class StreamReader:
    client: Any  # an aioboto3 "dynamodbstreams" client
    stream_arn: str
    start: Start = "LATEST"
    idle_sleep: float = 0.25
    # Each poll in a row that finds nothing doubles the wait, up to this (None: always
    # `idle_sleep`), while `may_rest()` allows it (the live hub: while nobody listens).
    # `wake` cuts a wait short (a first subscriber).
    max_idle_sleep: float | None = None
    may_rest: Callable[[], bool] | None = None
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    rediscover_every: float = 10.0
    max_backoff: float = 30.0
    # With checkpoints, a shard with one resumes right after it instead of at `start`
    # (a restart re-reads nothing), and progress is saved every `checkpoint_every` s.
    checkpoints: Checkpoints | None = None
    checkpoint_every: float = 5.0
    # Set once every shard has its starting position (from then on no write is missed).
    positioned: asyncio.Event = field(default_factory=asyncio.Event)
    # When the stream last answered (monotonic), and since when it has been failing (None:
    # it is not): what /readyz and the live hub report.
    last_success: float = 0.0
    failing_since: float | None = None
    _shards: dict[str, _Shard] = field(default_factory=dict)
    _failures: int = 0
    _quiet: int = 0  # polls in a row that found nothing

    async def _discover(self, first: bool) -> None:
        """Track every shard not yet tracked. Shards already there when the reader starts
        begin at `start`; shards that appear later (splits) begin at their start."""
        params: dict[str, Any] = {"StreamArn": self.stream_arn}
        resume = await self.checkpoints.load() if first and self.checkpoints else {}
        while True:
            described = (await self.client.describe_stream(**params))["StreamDescription"]
            for shard in described.get("Shards", []):
                shard_id = shard["ShardId"]
                if shard_id in self._shards:
                    continue
                kind = self.start if first else "TRIM_HORIZON"
                after = resume.get(shard_id)
                iterator = await self._iterator(shard_id, kind, after)
                self._shards[shard_id] = _Shard(shard_id, iterator, consumed=after, saved=after)
            last = described.get("LastEvaluatedShardId")
            if not last:
                return
            params["ExclusiveStartShardId"] = last

    async def changes(self) -> AsyncIterator[list[Change]]:
        """Batches of changes, forever (until cancelled). Every failure (a throttled or
        unreachable stream, a read timeout, an expired iterator) is logged and retried with
        a growing pause; nothing here ends the loop but cancellation."""
        while not self.positioned.is_set():
            try:
                await self._discover(first=True)
            except (ClientError, BotoCoreError) as err:
                await self._failed("listing the stream's shards", err)
                continue
            self._succeeded()
            self.positioned.set()
        discovered = saved = time.monotonic()
        while True:
            got_any = False
            for shard in list(self._shards.values()):
                if shard.done or shard.iterator is None:
                    continue
                try:
                    response = await self.client.get_records(ShardIterator=shard.iterator)
                except (ClientError, BotoCoreError) as err:
                    if _expired(err):
                        # Iterators live 15 minutes; a stale one restarts after what was
                        # consumed (the shard's start when nothing was).
                        try:
                            shard.iterator = await self._iterator(
                                shard.shard_id, "TRIM_HORIZON", shard.consumed
                            )
                        except (ClientError, BotoCoreError) as again:
                            await self._failed("renewing a shard iterator", again)
                        continue
                    await self._failed("reading the stream", err)
                    continue
                self._succeeded()
                shard.iterator = response.get("NextShardIterator")
                if shard.iterator is None:
                    shard.done = True  # a closed shard, read to its end
                records = response.get("Records", [])
                if records:
                    got_any = True
                    yield [change_from(r) for r in records]
                    # The consumer asked for more: it is done with these.
                    shard.consumed = str(records[-1]["dynamodb"]["SequenceNumber"])
            if self.checkpoints is not None and time.monotonic() - saved > self.checkpoint_every:
                await self._save_checkpoints()
                saved = time.monotonic()
            if time.monotonic() - discovered > self.rediscover_every:
                try:
                    await self._discover(first=False)
                except (ClientError, BotoCoreError) as err:
                    await self._failed("listing new shards", err)
                else:
                    discovered = time.monotonic()
            if got_any:
                self._quiet = 0
            else:
                await self._rest()

    def next_rest(self) -> float:
        """How long to wait after a poll that found nothing (and count it)."""
        if self.max_idle_sleep is None or (self.may_rest is not None and not self.may_rest()):
            self._quiet = 0
            return self.idle_sleep
        delay = min(self.max_idle_sleep, self.idle_sleep * 2.0 ** min(self._quiet, 20))
        self._quiet += 1
        return delay

    async def _rest(self) -> None:
        self.wake.clear()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self.next_rest()):
                await self.wake.wait()

    def progress(self) -> dict[str, str | None]:
        """Per shard, the last sequence number its consumer has finished with."""
        return {shard.shard_id: shard.consumed for shard in self._shards.values()}

    def health(self, now: float | None = None, grace: float = FAILING_AFTER_SECONDS) -> str | None:
        """None while the reader follows the stream; otherwise why not (for /readyz)."""
        if self.failing_since is None:
            return None
        failing = (time.monotonic() if now is None else now) - self.failing_since
        if failing < grace:
            return None  # a blip: retried already
        return f"stream reads failing for {failing:.0f} s"

    def _succeeded(self) -> None:
        if self.failing_since is not None:
            log.warning(
                "stream reads recovered after %.1f s", time.monotonic() - self.failing_since
            )
        self.last_success = time.monotonic()
        self.failing_since, self._failures = None, 0

    async def _failed(self, doing: str, err: Exception) -> None:
        """Log, then pause: 0.5 s, doubling with each failure in a row, at most
        `max_backoff`."""
        if self.failing_since is None:
            self.failing_since = time.monotonic()
        self._failures += 1
        pause = min(self.max_backoff, 0.5 * 2 ** (self._failures - 1))
        log.warning("%s failed (%s: %s); retrying in %.1f s", doing, type(err).__name__, err, pause)
        await asyncio.sleep(pause)

    async def _iterator(self, shard_id: str, kind: Start, after: str | None) -> str | None:
        """The shard's iterator: right after a checkpoint when there is one (falling back
        to the shard's start when the checkpoint was trimmed away), else at `kind`."""
        if after is not None:
            try:
                found = await self.client.get_shard_iterator(
                    StreamArn=self.stream_arn,
                    ShardId=shard_id,
                    ShardIteratorType="AFTER_SEQUENCE_NUMBER",
                    SequenceNumber=after,
                )
                return found.get("ShardIterator")  # type: ignore[no-any-return]
            except ClientError as err:
                if not _expired(err) and _code(err) != "ValidationException":
                    raise
                log.warning("checkpoint of shard %s is gone (%s); reading it again", shard_id, err)
                kind = "TRIM_HORIZON"
        found = await self.client.get_shard_iterator(
            StreamArn=self.stream_arn, ShardId=shard_id, ShardIteratorType=kind
        )
        return found.get("ShardIterator")  # type: ignore[no-any-return]

    async def _save_checkpoints(self) -> None:
        """Each shard's progress, where it moved (a failure is retried at the next turn)."""
        assert self.checkpoints is not None
        for shard in list(self._shards.values()):
            if shard.consumed is None or shard.consumed == shard.saved:
                continue
            try:
                await self.checkpoints.save(shard.shard_id, shard.consumed)
            except Exception as err:  # a table error: the next turn saves again
                log.warning("saving the stream checkpoint failed (%s)", err)
                return
            shard.saved = shard.consumed

    async def close(self) -> None:
        """Save the consumer's progress one last time (a clean stop re-reads nothing)."""
        if self.checkpoints is not None:
            await self._save_checkpoints()


def _code(err: Exception) -> str:
    # A read timeout (BotoCoreError) has no response at all.
    response = getattr(err, "response", None) or {}
    return str(response.get("Error", {}).get("Code", ""))


def _expired(err: Exception) -> bool:
    return _code(err) in {"ExpiredIteratorException", "TrimmedDataAccessException"}

"""Reading the table's DynamoDB stream (NEW_AND_OLD_IMAGES): every write, by any writer.

One `StreamReader` follows every shard of the stream (new shards as they appear, a
closed shard until its end), yields batches of `Change`s in shard order, and backs off
when there is nothing new. Consumers: the indexer (keeps the accelerators true for items
other writers add) and the live-update hub (subscriptions).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any, Literal

from botocore.exceptions import BotoCoreError, ClientError

from datasources.table import deserialize_item

log = logging.getLogger("neonpanda.stream")

Start = Literal["LATEST", "TRIM_HORIZON"]


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


@dataclass
class StreamReader:
    client: Any  # an aioboto3 "dynamodbstreams" client
    stream_arn: str
    start: Start = "LATEST"
    idle_sleep: float = 0.25
    rediscover_every: float = 10.0
    # Set once every shard has its starting position (from then on no write is missed).
    positioned: asyncio.Event = field(default_factory=asyncio.Event)
    _shards: dict[str, _Shard] = field(default_factory=dict)

    async def _discover(self, first: bool) -> None:
        """Track every shard not yet tracked. Shards already there when the reader starts
        begin at `start`; shards that appear later (splits) begin at their start."""
        params: dict[str, Any] = {"StreamArn": self.stream_arn}
        while True:
            described = (await self.client.describe_stream(**params))["StreamDescription"]
            for shard in described.get("Shards", []):
                shard_id = shard["ShardId"]
                if shard_id in self._shards:
                    continue
                kind = self.start if first else "TRIM_HORIZON"
                iterator = await self.client.get_shard_iterator(
                    StreamArn=self.stream_arn, ShardId=shard_id, ShardIteratorType=kind
                )
                self._shards[shard_id] = _Shard(shard_id, iterator.get("ShardIterator"))
            last = described.get("LastEvaluatedShardId")
            if not last:
                return
            params["ExclusiveStartShardId"] = last

    async def changes(self) -> AsyncIterator[list[Change]]:
        """Batches of changes, forever (until cancelled). Errors are logged and retried."""
        await self._discover(first=True)
        self.positioned.set()
        discovered = time.monotonic()
        while True:
            got_any = False
            for shard in list(self._shards.values()):
                if shard.done or shard.iterator is None:
                    continue
                try:
                    response = await self.client.get_records(ShardIterator=shard.iterator)
                except (ClientError, BotoCoreError) as err:
                    if _expired(err):
                        # Iterators live 15 minutes; a stale one restarts at the shard's start.
                        shard.iterator = await self._fresh_iterator(shard.shard_id)
                        continue
                    log.warning("stream read failed (%s); retrying", err)
                    await asyncio.sleep(1.0)
                    continue
                shard.iterator = response.get("NextShardIterator")
                if shard.iterator is None:
                    shard.done = True  # a closed shard, read to its end
                records = response.get("Records", [])
                if records:
                    got_any = True
                    yield [change_from(r) for r in records]
            if time.monotonic() - discovered > self.rediscover_every:
                await self._discover(first=False)
                discovered = time.monotonic()
            if not got_any:
                await asyncio.sleep(self.idle_sleep)

    async def _fresh_iterator(self, shard_id: str) -> str | None:
        response = await self.client.get_shard_iterator(
            StreamArn=self.stream_arn, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON"
        )
        return response.get("ShardIterator")  # type: ignore[no-any-return]


def _expired(err: Exception) -> bool:
    code = getattr(err, "response", {}).get("Error", {}).get("Code", "")
    return code in {"ExpiredIteratorException", "TrimmedDataAccessException"}

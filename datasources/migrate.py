"""Bring a live table (the seed's, with the app's items in it) to what this API needs.

`uv run server.py migrate [--dry-run]`:

1. checks the table is the seed's (keys, GSI1-3, projections, TTL) and stops, changing
   nothing, when it is not;
2. adds the accelerators `UpdateTable` can add: the `lists` GSI, the stream;
3. backfills, in one parallel scan: each listable item's `listsk`, and the username/email
   claims of every profile the app wrote;
4. counts every athlete's lists (`datasources/counts.py`: the counters `totalCount` reads);
5. records each step as complete, which is when the server starts relying on it.

Idempotent (a second run writes nothing), resumable (each scan segment checkpoints where
it is; a run killed half way resumes there), throttle-aware (a throttled call backs off
and is retried, never failing the run), and safe while the server serves traffic (each
write is conditioned on the item being as read, so a concurrent writer always wins).
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TextIO, TypeVar

from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import ClientError

from datasources import counts, definition, keys
from datasources.accelerators import CLAIMS_BACKFILL, LISTS_BACKFILL
from datasources.errors import BackendUnavailable, ConditionFailed
from datasources.records import UserRecord, accelerated_record
from datasources.records.base import format_timestamp, utcnow
from datasources.stores.user import claim_item
from datasources.table import Table, deserialize_item, serialize_item, start_key_for
from datasources.transaction import Update

T = TypeVar("T")
SEGMENTS = 4
PAGE = 200
CHECKPOINT_EVERY_PAGES = 1


class SeedMismatch(Exception):
    """The table is not the seed's; the message names what is missing or different."""


class TableMissing(SeedMismatch):
    pass


def how_to_create(table_name: str, aws: bool) -> str:
    if aws:
        return (
            f"Table {table_name!r} does not exist. Create it (with the bucket) from the "
            "CloudFormation template infra/template.json, or point NEONPANDA_TABLE_NAME at "
            "NeonPanda's table."
        )
    return (
        f"Table {table_name!r} does not exist on this endpoint. Create it (and the bucket) "
        "with: uv run server.py create-table"
    )


async def check_seed(client: Any, table_name: str) -> dict[str, Any]:
    """The table's description; SeedMismatch (naming every difference) unless it has the
    seed's keys, indexes and TTL."""
    try:
        table = (await client.describe_table(TableName=table_name))["Table"]
    except ClientError as err:
        if err.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
            raise TableMissing(f"table {table_name!r} does not exist") from err
        raise
    problems = []
    if table.get("KeySchema") != definition.SEED_KEY_SCHEMA:
        problems.append(f"key schema is {table.get('KeySchema')}, the seed's is pk/sk")
    found = {g["IndexName"]: g for g in table.get("GlobalSecondaryIndexes", [])}
    for gsi in definition.SEED_GSIS:
        have = found.get(gsi["IndexName"])
        if have is None:
            problems.append(f"GSI {gsi['IndexName']} is missing")
        elif have.get("KeySchema") != gsi["KeySchema"]:
            problems.append(f"GSI {gsi['IndexName']} has keys {have.get('KeySchema')}")
        elif have.get("Projection", {}).get("ProjectionType") != "ALL":
            problems.append(f"GSI {gsi['IndexName']} does not project ALL")
    ttl = await client.describe_time_to_live(TableName=table_name)
    spec = ttl.get("TimeToLiveDescription", {})
    if spec.get("AttributeName") != definition.TTL_ATTRIBUTE or spec.get(
        "TimeToLiveStatus"
    ) not in {"ENABLED", "ENABLING"}:
        problems.append(f"TTL is not enabled on {definition.TTL_ATTRIBUTE!r}")
    if problems:
        raise SeedMismatch(f"table {table_name!r} is not the seed's table: " + "; ".join(problems))
    return table  # type: ignore[no-any-return]


@dataclass
class Report:
    dry_run: bool
    index_created: bool = False
    stream_enabled: bool = False
    scanned: int = 0
    list_keys_written: int = 0
    claims_written: int = 0
    claim_conflicts: list[str] = field(default_factory=list)
    lost_races: int = 0  # items changed by another writer mid-migration (left to it)
    retries: int = 0
    resumed_segments: int = 0
    partitions_counted: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        verb = "would write" if self.dry_run else "wrote"
        lines = [
            f"{'DRY RUN: ' if self.dry_run else ''}scanned {self.scanned} items in "
            f"{self.seconds:.1f} s ({self.scanned / max(self.seconds, 1e-9):.0f} items/s)",
            f"lists index: {'created' if self.index_created else 'present'}; stream: "
            f"{'enabled' if self.stream_enabled else 'present'}",
            f"{verb} {self.list_keys_written} list keys and {self.claims_written} claims",
            f"{'would count' if self.dry_run else 'counted'} the lists of "
            f"{self.partitions_counted} athlete(s)",
        ]
        if self.resumed_segments:
            lines.append(f"resumed {self.resumed_segments} scan segment(s) from a checkpoint")
        if self.lost_races:
            lines.append(f"{self.lost_races} item(s) changed meanwhile were left to their writer")
        if self.retries:
            lines.append(f"{self.retries} throttled call(s) retried")
        for conflict in self.claim_conflicts:
            lines.append(f"conflict: {conflict}")
        return "\n".join(lines)


class Progress:
    """A progress bar with items/s and ETA on a terminal; plain lines otherwise."""

    def __init__(self, total: int, out: TextIO | None = None, every: float = 2.0) -> None:
        self.total = max(total, 1)
        self.out = out
        self.every = every
        self.started = time.monotonic()
        self.last = 0.0
        self.done = 0
        self.tty = bool(out is not None and out.isatty())

    def advance(self, n: int) -> None:
        before, self.done = self.done, self.done + n
        now = time.monotonic()
        # A terminal redraws often; a log gets a line every few seconds or tenth of the way.
        step = max(1, self.total // 10)
        due = (now - self.last >= self.every) or (before // step != self.done // step)
        if self.out is None or (now - self.last < 0.2 if self.tty else not due):
            return
        self.last = now
        elapsed = now - self.started
        rate = self.done / elapsed if elapsed > 0 else 0.0
        left = max(self.total - self.done, 0)
        eta = f"{left / rate:.0f} s" if rate > 0 else "?"
        if self.tty:
            width = 30
            filled = int(width * min(self.done / self.total, 1.0))
            bar = "#" * filled + "-" * (width - filled)
            self.out.write(
                f"\r[{bar}] {self.done}/~{self.total} items  {rate:.0f} items/s  ETA {eta}   "
            )
        else:
            self.out.write(
                f"migrate: {self.done}/~{self.total} items, {rate:.0f} items/s, ETA {eta}\n"
            )
        self.out.flush()

    def finish(self) -> None:
        if self.out is not None and self.tty:
            self.out.write("\n")
            self.out.flush()


class Migration:
    def __init__(self, table: Table, *, dry_run: bool = False, out: TextIO | None = None) -> None:
        self.table = table
        self.client = table.client
        self.dry_run = dry_run
        self.out = out
        self.report = Report(dry_run=dry_run)

    async def _patient(self, call: Callable[[], Awaitable[T]]) -> T:
        """A call that throttling delays but never fails (full-jitter backoff, capped)."""
        attempt = 0
        while True:
            try:
                return await call()
            except BackendUnavailable:
                attempt += 1
                self.report.retries += 1
                await asyncio.sleep(random.uniform(0, min(5.0, 0.05 * 2**attempt)))

    async def run(self) -> Report:
        started = time.monotonic()
        described = await check_seed(self.client, self.table.name)
        await self._ensure_index(described)
        await self._ensure_stream(described)
        total = int(described.get("ItemCount", 0))
        progress = Progress(total, self.out)
        await asyncio.gather(*(self._segment(s, progress) for s in range(SEGMENTS)))
        progress.finish()
        self.report.partitions_counted = await recount_all(
            self.table, self._patient, dry_run=self.dry_run
        )
        if not self.dry_run:
            for step in (LISTS_BACKFILL, CLAIMS_BACKFILL):
                await self._mark(step, {"status": "complete", "at": format_timestamp(utcnow())})
            await self._clear_checkpoints()
        self.report.seconds = time.monotonic() - started
        return self.report

    async def _ensure_index(self, described: dict[str, Any]) -> None:
        names = {g["IndexName"] for g in described.get("GlobalSecondaryIndexes", [])}
        for gsi in definition.ACCELERATOR_GSIS:
            if gsi["IndexName"] in names:
                continue
            self.report.index_created = True
            if self.dry_run:
                continue
            await self.client.update_table(
                TableName=self.table.name, **definition.accelerator_index_update(gsi)
            )
        if self.report.index_created and not self.dry_run:
            await self._until_active()

    async def _until_active(self) -> None:
        """Wait for the new index (on AWS it builds in the background, minutes to hours)."""
        while True:
            table = (await self.client.describe_table(TableName=self.table.name))["Table"]
            statuses = [
                g.get("IndexStatus", "ACTIVE")
                for g in table.get("GlobalSecondaryIndexes", [])
                if g["IndexName"] == definition.GSI_LISTS
            ]
            if statuses and all(s == "ACTIVE" for s in statuses):
                return
            await asyncio.sleep(5)

    async def _ensure_stream(self, described: dict[str, Any]) -> None:
        stream = described.get("StreamSpecification") or {}
        if stream.get("StreamEnabled") and stream.get("StreamViewType") == definition.STREAM_VIEW:
            return
        self.report.stream_enabled = True
        if self.dry_run:
            return
        if stream.get("StreamEnabled"):
            # Another view type: a stream's view cannot change in place.
            raise SeedMismatch(
                f"the table's stream is {stream.get('StreamViewType')}; this API needs "
                f"{definition.STREAM_VIEW} (disable the stream, then migrate again)"
            )
        await self.client.update_table(
            TableName=self.table.name,
            StreamSpecification={"StreamEnabled": True, "StreamViewType": definition.STREAM_VIEW},
        )

    # --- the backfill scan --------------------------------------------------------------

    async def _segment(self, segment: int, progress: Progress) -> None:
        checkpoint = await self._checkpoint(segment)
        if checkpoint is not None and checkpoint.get("finished"):
            self.report.resumed_segments += 1
            return
        start = checkpoint.get("lastKey") if checkpoint else None
        if checkpoint is not None:
            self.report.resumed_segments += 1
        while True:
            params: dict[str, Any] = {
                "TableName": self.table.name,
                "Segment": segment,
                "TotalSegments": SEGMENTS,
                "Limit": PAGE,
                "ConsistentRead": True,
            }
            if start:
                params["ExclusiveStartKey"] = serialize_item(start)
            response = await self._patient(partial(self.table.scan_page, params))
            items = [deserialize_item(raw) for raw in response.get("Items", [])]
            for item in items:
                await self._backfill(item)
            self.report.scanned += len(items)
            progress.advance(len(items))
            last = response.get("LastEvaluatedKey")
            start = deserialize_item(last) if last else None
            if not self.dry_run:
                await self._mark(f"scan#{segment}", {"lastKey": start, "finished": start is None})
            if start is None:
                return

    async def _backfill(self, item: dict[str, Any]) -> None:
        record = accelerated_record(item)
        if record is None:
            return
        if isinstance(record, UserRecord):
            await self._claims(record)
        wanted = record.list_key()
        if wanted is None or item.get(definition.LIST_KEY) == wanted:
            return
        self.report.list_keys_written += 1
        if self.dry_run:
            return
        await self._write_list_key(item, wanted)

    async def _write_list_key(self, item: dict[str, Any], wanted: str) -> None:
        # Only over the item as read: a writer that changed it meanwhile wins (our own
        # writes set listsk themselves; the stream indexer handles the app's).
        updated = item.get("updatedAt")
        condition = Attr("updatedAt").eq(updated) if updated is not None else Attr("pk").exists()
        try:
            await self._patient(
                lambda: self.table.update(
                    (item["pk"], item["sk"]),
                    Update(set={(definition.LIST_KEY,): wanted}),
                    condition=condition,
                )
            )
        except ConditionFailed:
            self.report.list_keys_written -= 1
            self.report.lost_races += 1

    async def _claims(self, record: UserRecord) -> None:
        attrs = record.attributes
        for kind, value in (("username", attrs.username), ("email", attrs.email)):
            if not value:
                continue
            pk = keys.unique_pk(kind, value)
            existing = await self._patient(
                partial(self.table.get, pk, keys.UNIQUE_SK, consistent=True)
            )
            if existing is not None:
                owner = existing.get("attributes", {}).get("userId")
                if owner != attrs.user_id:
                    self.report.claim_conflicts.append(
                        f"{kind} {value!r} of user {attrs.user_id} is also claimed by {owner}"
                    )
                continue
            self.report.claims_written += 1
            if self.dry_run:
                continue
            claim = claim_item(kind, value, attrs.user_id)
            try:
                await self._patient(
                    partial(self.table.put, claim, condition=Attr("pk").not_exists())
                )
            except ConditionFailed:
                self.report.claims_written -= 1  # claimed meanwhile (a sign-up): theirs

    # --- bookkeeping (META_PK partition) -----------------------------------------------

    async def _checkpoint(self, segment: int) -> dict[str, Any] | None:
        item = await self.table.get(
            keys.META_PK, keys.migration_sk(f"scan#{segment}"), consistent=True
        )
        return item.get("attributes") if item else None

    async def _mark(self, step: str, attributes: dict[str, Any]) -> None:
        item = {
            "pk": keys.META_PK,
            "sk": keys.migration_sk(step),
            "entityType": keys.MIGRATION,
            "attributes": attributes,
        }
        if "status" in attributes:
            item["status"] = attributes["status"]
        await self._patient(lambda: self.table.put(item))

    async def _clear_checkpoints(self) -> None:
        for segment in range(SEGMENTS):
            await self._patient(
                partial(self.table.delete, keys.META_PK, keys.migration_sk(f"scan#{segment}"))
            )


async def recount_all(
    table: Table,
    patient: Callable[[Callable[[], Awaitable[Any]]], Awaitable[Any]],
    *,
    dry_run: bool = False,
    concurrency: int = 8,
) -> int:
    """Count the lists of every athlete with a profile (GSI3, entityType `user`), a few at
    a time; throttled calls wait. Returns how many partitions were (or would be) counted."""
    recount = counts.Recount(table)
    done = 0
    start: dict[str, Any] | None = None
    limit = asyncio.Semaphore(concurrency)

    async def one(user_id: str) -> None:
        async with limit:
            await patient(partial(recount, user_id))

    while True:
        page = await patient(
            partial(
                table.query,
                Key("entityType").eq(keys.USER),
                index=definition.GSI_ENTITY_TYPE,
                start_key=start,
                want=200,
            )
        )
        users = [
            keys.user_id_from_pk(str(i["pk"]))
            for i in page.items
            if str(i.get("pk", "")).startswith(keys.USER_PREFIX)
            and keys.is_safe_id(keys.user_id_from_pk(str(i["pk"])))
        ]
        if not dry_run:
            await asyncio.gather(*(one(u) for u in users))
        done += len(users)
        if not page.has_more:
            return done
        start = start_key_for(page.items[-1], definition.GSI_ENTITY_TYPE)


async def migrate(table: Table, *, dry_run: bool = False, out: TextIO | None = None) -> Report:
    return await Migration(table, dry_run=dry_run, out=out).run()

"""A table and bucket saved and restored through the API (not the engine's persistence).

A snapshot is the table's items (wire format, exactly as stored) and the bucket's objects
(bytes plus headers) in a directory. The engine's own durability is its journal
(devserver/journal.py); this format remains for two uses: importing `<data dir>/snapshot/`
once from versions that persisted this way, and the test suite's seeded demo data (saved
once per session, restored per test). Files are replaced atomically (write then rename).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
from pathlib import Path
from typing import Any

from datasources.content import ContentStore
from datasources.table import Table

log = logging.getLogger(__name__)


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


class Snapshotter:
    def __init__(self, table: Table, content: ContentStore, directory: Path) -> None:
        self.table = table
        self.content = content
        self.directory = directory
        self.objects_dir = directory / "objects"
        self._saved_generation = (-1, -1)
        self._lock = asyncio.Lock()

    @property
    def _generation(self) -> tuple[int, int]:
        return (self.table.write_generation, self.content.write_generation)

    @property
    def dirty(self) -> bool:
        return self._generation != self._saved_generation

    async def save(self) -> None:
        async with self._lock:
            generation = self._generation
            self.directory.mkdir(parents=True, exist_ok=True)
            self.objects_dir.mkdir(exist_ok=True)
            items = await self._scan()
            manifest = await self._save_objects()
            _atomic_write(
                self.directory / "table.json",
                json.dumps({"table": self.table.name, "items": items}).encode(),
            )
            _atomic_write(self.directory / "objects.json", json.dumps(manifest, indent=1).encode())
            self._saved_generation = generation

    async def _scan(self) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        params: dict[str, Any] = {"TableName": self.table.name}
        while True:
            response = await self.table.client.scan(**params)
            items.extend(response.get("Items", []))
            last = response.get("LastEvaluatedKey")
            if not last:
                return items
            params["ExclusiveStartKey"] = last

    def _old_manifest(self) -> dict[str, Any]:
        path = self.directory / "objects.json"
        if not path.exists():
            return {}
        loaded: dict[str, Any] = json.loads(path.read_text())
        return loaded

    async def _save_objects(self) -> dict[str, Any]:
        old = self._old_manifest()
        manifest: dict[str, Any] = {}
        client, bucket = self.content.client, self.content.bucket
        token: str | None = None
        while True:
            params: dict[str, Any] = {"Bucket": bucket}
            if token:
                params["ContinuationToken"] = token
            listing = await client.list_objects_v2(**params)
            for obj in listing.get("Contents", []):
                key, etag = obj["Key"], obj["ETag"]
                if key in old and old[key]["etag"] == etag:
                    manifest[key] = old[key]
                    continue
                response = await client.get_object(Bucket=bucket, Key=key)
                async with response["Body"] as stream:
                    body = await stream.read()
                blob = hashlib.sha256(key.encode()).hexdigest()
                _atomic_write(self.objects_dir / blob, body)
                manifest[key] = {
                    "etag": etag,
                    "blob": blob,
                    "contentType": response.get("ContentType"),
                    "contentEncoding": response.get("ContentEncoding"),
                    "metadata": response.get("Metadata", {}),
                }
            token = listing.get("NextContinuationToken")
            if not token:
                break
        for key, entry in old.items():
            if key not in manifest:
                (self.objects_dir / entry["blob"]).unlink(missing_ok=True)
        return manifest

    async def restore(self) -> int:
        """Load a saved snapshot into an empty engine; returns the number of items."""
        table_file = self.directory / "table.json"
        if not table_file.exists():
            return 0
        items = json.loads(table_file.read_text())["items"]
        for start in range(0, len(items), 25):
            request = {
                self.table.name: [{"PutRequest": {"Item": i}} for i in items[start : start + 25]]
            }
            while request:
                response = await self.table.client.batch_write_item(RequestItems=request)
                request = response.get("UnprocessedItems") or {}
        limit = asyncio.Semaphore(16)

        async def put(key: str, entry: dict[str, Any]) -> None:
            params: dict[str, Any] = {
                "Bucket": self.content.bucket,
                "Key": key,
                "Body": (self.objects_dir / entry["blob"]).read_bytes(),
                "Metadata": entry.get("metadata") or {},
                "ServerSideEncryption": "AES256",
            }
            if entry.get("contentType"):
                params["ContentType"] = entry["contentType"]
            if entry.get("contentEncoding"):
                params["ContentEncoding"] = entry["contentEncoding"]
            async with limit:
                await self.content.client.put_object(**params)

        await asyncio.gather(*(put(k, e) for k, e in self._old_manifest().items()))
        self._saved_generation = self._generation
        return len(items)

    async def run_periodically(self, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            if self.dirty:
                try:
                    await self.save()
                except Exception:  # keep snapshotting; the next round may succeed
                    log.exception("snapshot failed")

"""The embedded engine's durability: a write-ahead journal plus snapshots of moto's state.

Every mutating request is executed, appended to the journal and `fdatasync`ed before its
response is sent: a write the engine acknowledged is on disk. At start the newest
snapshot (a pickle of moto's DynamoDB and S3 backends) is loaded and the journal records
after it are replayed through moto again. Replay reproduces the same state because each
record pins what moto would otherwise draw fresh: the random seed (request ids, stream
event ids, version ids, multipart upload ids) and the clock (creation times, S3
LastModified, stream record times).

Files (in the engine's data directory):

- `journal.<n>`: records `[u32 length][u32 crc32][pickle]`, appended with `O_APPEND`; a
  torn or corrupt tail (a crash mid-append, never acknowledged) is cut off at recovery.
- `snapshot.pkl`: `{"moto": version, "seq": last record in it, "state": backends}`,
  written by a forked child to a temporary file, fsynced, renamed, directory fsynced;
  journal segments it covers are deleted only after that.
"""

from __future__ import annotations

import base64
import copyreg
import datetime
import gc
import io
import logging
import os
import pickle
import struct
import sys
import zlib
from pathlib import Path
from typing import Any

import moto
import moto.core.utils as moto_utils
from moto.backends import get_backend
from moto.dynamodb.models.dynamo_type import LimitedSizeDict
from moto.s3.utils import _VersionedKeyStore

log = logging.getLogger("neonpanda.engine")

_real_utcnow = moto_utils.utcnow
_pinned: list[datetime.datetime | None] = [None]
# Compact (snapshot, then drop covered segments) when the journal passes either bound.
COMPACT_RECORDS = 10_000
COMPACT_BYTES = 64 * 1024 * 1024

# DynamoDB (and Streams) operations that never change state; everything else is journaled.
DYNAMODB_READS = {
    "GetItem",
    "BatchGetItem",
    "Query",
    "Scan",
    "TransactGetItems",
    "DescribeTable",
    "ListTables",
    "DescribeTimeToLive",
    "DescribeContinuousBackups",
    "ListTagsOfResource",
    "DescribeEndpoints",
    "DescribeLimits",
    "ListBackups",
    "DescribeBackup",
    "DescribeExport",
    "ListExports",
    "DescribeImport",
    "GetResourcePolicy",
    "DescribeKinesisStreamingDestination",
    "DescribeStream",
    "GetRecords",
    "GetShardIterator",
    "ListStreams",
}
_HOP_BY_HOP = {"HTTP_TRANSFER_ENCODING", "HTTP_EXPECT", "HTTP_CONNECTION"}
_KEEP = (
    "REQUEST_METHOD",
    "PATH_INFO",
    "QUERY_STRING",
    "CONTENT_TYPE",
    "SERVER_NAME",
    "SERVER_PORT",
    "SERVER_PROTOCOL",
    "wsgi.url_scheme",
    "SCRIPT_NAME",
    "REQUEST_URI",
    "RAW_URI",
)


def _utcnow() -> datetime.datetime:
    return _pinned[0] or _real_utcnow()


def pin_time() -> None:
    """moto reads the clock through `moto.core.utils.utcnow` (bound by name in its
    modules) and draws multipart upload ids from `os.urandom`: route both through what a
    journal record pins."""
    moto_utils.utcnow = _utcnow
    for name, module in list(sys.modules.items()):
        if name.startswith("moto.") and getattr(module, "utcnow", None) is _real_utcnow:
            module.utcnow = _utcnow  # type: ignore[attr-defined]
    from moto.moto_api._internal import mock_random
    from moto.s3 import models as s3_models

    original = s3_models.FakeMultipart.__init__

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        size = s3_models.UPLOAD_ID_BYTES
        raw = mock_random.getrandbits(8 * size).to_bytes(size, "big")
        self.id = base64.b64encode(raw).decode().replace("=", "").replace("+", "")
        self.id = self.id.replace("/", "")

    s3_models.FakeMultipart.__init__ = init  # type: ignore[method-assign]


def _lsd(contents: dict[str, Any]) -> LimitedSizeDict:
    # moto re-sums an item's size on every key set: unpickling would be O(attributes^2).
    obj = LimitedSizeDict.__new__(LimitedSizeDict)
    dict.update(obj, contents)
    return obj


copyreg.pickle(LimitedSizeDict, lambda d: (_lsd, (dict(d),)))


def _vks(versions: list[tuple[str, list[Any]]]) -> _VersionedKeyStore:
    store = _VersionedKeyStore()
    for key, keys in versions:
        dict.__setitem__(store, key, keys)
    return store


# A bucket's keys: pickle's default for a dict subclass goes through its `items()`, which
# here yields only each key's latest version (older versions would be lost).
copyreg.pickle(_VersionedKeyStore, lambda d: (_vks, (list(dict.items(d)),)))


def is_mutating(environ: dict[str, Any]) -> bool:
    if environ["REQUEST_METHOD"] in ("GET", "HEAD", "OPTIONS"):
        return False
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target:
        return str(target).split(".", 1)[-1] not in DYNAMODB_READS
    return True  # S3 PUT/POST/DELETE (POST ?delete is DeleteObjects), ...


def portable(environ: dict[str, Any]) -> dict[str, Any]:
    """What a replay needs of a request's environ (plain data, no streams)."""
    out = {k: environ[k] for k in _KEEP if k in environ}
    for key, value in environ.items():
        if key.startswith("HTTP_") and key not in _HOP_BY_HOP:
            out[key] = value
    out["moto.preserved_header_names"] = dict(environ.get("moto.preserved_header_names") or {})
    return out


def execute(
    app: Any, environ: dict[str, Any], body: bytes, seed: int, now: datetime.datetime
) -> tuple[str, list[tuple[str, str]], bytes]:
    """Run one request through moto's WSGI app with the seed and clock pinned."""
    from moto.moto_api._internal import mock_random

    environ = dict(environ)
    environ.update(
        {
            "wsgi.input": io.BytesIO(body),
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.errors": sys.stderr,
            "wsgi.version": (1, 0),
            "wsgi.multithread": False,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
    )
    captured: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        captured["status"], captured["headers"] = status, headers
        return lambda data: captured.setdefault("written", []).append(data)

    mock_random.seed(seed)
    _pinned[0] = now
    try:
        result = app(environ, start_response)
        try:
            payload = b"".join(captured.get("written", [])) + b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
    finally:
        _pinned[0] = None
    return captured["status"], captured["headers"], payload


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _frames(data: bytes) -> tuple[list[dict[str, Any]], int]:
    """Whole records, and where the valid prefix ends."""
    records: list[dict[str, Any]] = []
    pos = 0
    while pos + 8 <= len(data):
        size, crc = struct.unpack_from("<II", data, pos)
        payload = data[pos + 8 : pos + 8 + size]
        if len(payload) < size or zlib.crc32(payload) != crc:
            break
        records.append(pickle.loads(payload))
        pos += 8 + size
    return records, pos


def _state() -> dict[str, dict[tuple[str, str], Any]]:
    """moto's DynamoDB and S3 backends, per account and region."""
    return {
        name: {
            (account, region): backend
            for account, regions in get_backend(name).items()
            for region, backend in regions.items()
        }
        for name in ("dynamodb", "s3")
    }


def _install(state: dict[str, dict[tuple[str, str], Any]]) -> None:
    for name, backends in state.items():
        registry = get_backend(name)  # type: ignore[call-overload]
        for (account, region), backend in backends.items():
            registry[account][region] = backend


class Durability:
    """The journal and snapshots of one engine data directory (see the module docstring)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.directory.mkdir(parents=True, exist_ok=True)
        self.seq = 0
        self.segment = 0
        self.fd: int | None = None
        self.records_since_snapshot = 0
        self.bytes_since_snapshot = 0
        self._child: tuple[int, list[Path]] | None = None

    # --- recovery -----------------------------------------------------------------------

    def _segments(self) -> list[tuple[int, Path]]:
        found = []
        for path in self.directory.glob("journal.*"):
            suffix = path.name.split(".", 1)[1]
            if suffix.isdigit():
                found.append((int(suffix), path))
        return sorted(found)

    def recover(self, app: Any) -> tuple[int, int]:
        """Load the snapshot and replay the journal after it; (snapshot seq, replayed)."""
        snapshot_seq = 0
        path = self.directory / "snapshot.pkl"
        if path.exists():
            gc.disable()
            try:
                with open(path, "rb") as f:
                    saved = pickle.load(f)
            finally:
                gc.enable()
            if saved.get("moto") != moto.__version__:
                raise RuntimeError(
                    f"the engine's snapshot was written by moto {saved.get('moto')}, this is "
                    f"{moto.__version__}: restore it with that version, or start afresh"
                )
            _install(saved["state"])
            snapshot_seq = self.seq = int(saved["seq"])
        replayed = 0
        segments = self._segments()
        for number, segment in segments:
            data = segment.read_bytes()
            records, valid = _frames(data)
            if valid != len(data):
                # A torn tail: a crash mid-append, never acknowledged. Only the last segment
                # can have one; cut it off so new records follow the valid prefix.
                with open(segment, "r+b") as f:
                    f.truncate(valid)
                    f.flush()
                    os.fsync(f.fileno())
            for record in records:
                if record["seq"] <= snapshot_seq:
                    continue
                status, _, _ = execute(
                    app, record["environ"], record["body"], record["seed"], record["now"]
                )
                if int(status.split()[0]) != record["status"]:
                    log.warning(
                        "replay of record %d answered %s (it answered %d)",
                        record["seq"],
                        status,
                        record["status"],
                    )
                self.seq = max(self.seq, int(record["seq"]))
                replayed += 1
                self.records_since_snapshot += 1
                self.bytes_since_snapshot += len(record["body"])
            self.segment = number
        self._open(self.segment if segments else 1)
        return snapshot_seq, replayed

    def _open(self, segment: int) -> None:
        if self.fd is not None:
            os.close(self.fd)
        self.segment = segment
        path = self.directory / f"journal.{segment}"
        self.fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        _fsync_dir(self.directory)

    # --- writing ------------------------------------------------------------------------

    def record(
        self,
        environ: dict[str, Any],
        body: bytes,
        seed: int,
        now: datetime.datetime,
        status: int,
    ) -> None:
        """Append one executed request and make it durable (before its response goes)."""
        assert self.fd is not None
        self.seq += 1
        payload = pickle.dumps(
            {
                "seq": self.seq,
                "seed": seed,
                "now": now,
                "environ": environ,
                "body": body,
                "status": status,
            },
            protocol=5,
        )
        frame = memoryview(struct.pack("<II", len(payload), zlib.crc32(payload)) + payload)
        while frame:
            written = os.write(self.fd, frame)
            frame = frame[written:]
        os.fdatasync(self.fd)
        self.records_since_snapshot += 1
        self.bytes_since_snapshot += len(payload)
        if (
            self.records_since_snapshot >= COMPACT_RECORDS
            or self.bytes_since_snapshot >= COMPACT_BYTES
        ):
            self.compact(wait=False)
        self.reap()

    def reset(self) -> None:
        """Everything was dropped (`/moto-api/reset`): no snapshot, an empty journal."""
        self.reap(wait=True)
        (self.directory / "snapshot.pkl").unlink(missing_ok=True)
        for _, segment in self._segments():
            segment.unlink()
        self.seq = self.records_since_snapshot = self.bytes_since_snapshot = 0
        self._open(1)

    # --- compaction ---------------------------------------------------------------------

    def compact(self, *, wait: bool) -> None:
        """Snapshot the state (in a forked child: the engine keeps serving), then drop the
        journal segments the snapshot covers."""
        if self._child is not None:
            return  # one compaction at a time
        covered = [path for _, path in self._segments()]
        self._open(self.segment + 1)  # records from now on are not in the snapshot
        seq = self.seq
        pid = os.fork()
        if pid == 0:  # the child: write the snapshot, nothing else
            code = 1
            try:
                gc.disable()
                tmp = self.directory / "snapshot.tmp"
                with open(tmp, "wb") as f:
                    pickle.dump(
                        {"moto": moto.__version__, "seq": seq, "state": _state()}, f, protocol=5
                    )
                    f.flush()
                    os.fsync(f.fileno())
                os.replace(tmp, self.directory / "snapshot.pkl")
                _fsync_dir(self.directory)
                code = 0
            finally:
                os._exit(code)
        self._child = (pid, covered)
        self.records_since_snapshot = self.bytes_since_snapshot = 0
        if wait:
            self.reap(wait=True)

    def reap(self, wait: bool = False) -> None:
        """Collect a finished compaction: on success, drop the segments it covers."""
        if self._child is None:
            return
        pid, covered = self._child
        done, status = os.waitpid(pid, 0 if wait else os.WNOHANG)
        if done == 0:
            return
        self._child = None
        if os.waitstatus_to_exitcode(status) != 0:
            log.error("snapshot failed; the journal is kept")
            return
        for path in covered:
            path.unlink(missing_ok=True)
        _fsync_dir(self.directory)

    def close(self) -> None:
        """A clean stop: a final snapshot (so the next start replays nothing)."""
        self.reap(wait=True)
        self.compact(wait=True)
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

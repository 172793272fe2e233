"""The embedded engine's process: moto, made durable and flat-cost, serving one request at
a time over HTTP/1.1 keep-alive.

- **Serving**: uvicorn runs moto's WSGI app inline on its event loop (`MotoASGI`), so
  requests are executed strictly one at a time (DynamoDB's operations are atomic; moto's
  are only when nothing runs beside them) while clients keep their connections open.
  werkzeug, moto's own server, closes every connection after one response.
- **Cost**: `devserver/moto_patches.py` replaces moto's whole-table paths (queries sort the
  whole table, transactions copy it per action, scans re-sort it per page).
- **Durability** (`devserver/journal.py`): with a data directory, every mutating request is
  journaled and fsynced before its response; state is recovered from the last snapshot plus
  the journal.
- **Lifecycle**: the engine holds an exclusive lock on its data directory (a second server
  on the same directory is refused, exit code 75), lives in its own session (Ctrl-C to the
  server's terminal does not reach it), and stops when its server is gone however it died:
  the server's end of a pipe closing (`--parent-fd`), or PR_SET_PDEATHSIG on Linux.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import fcntl
import gc
import io
import logging
import os
import sys
from pathlib import Path
from typing import Any

# Objects up to this size stay in memory (not in temp files a fork would share).
os.environ.setdefault("MOTO_S3_DEFAULT_KEY_BUFFER_SIZE", str(256 * 1024 * 1024))
os.environ.setdefault("MOTO_CALL_RESET_API", "true")

import uvicorn
from moto.core.request import (
    PRESERVED_HEADER_NAMES_ENVIRON_KEY,
    environ_key_for_header,
    should_preserve_original_header_name,
)
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    create_backend_app,
)

import lifeline
from devserver import journal, moto_patches

log = logging.getLogger("neonpanda.engine")
DATA_DIR_IN_USE = 75  # EX_TEMPFAIL


class MotoASGI:
    """moto's WSGI app, run inline on the event loop: one request at a time."""

    def __init__(self, app: Any, durability: journal.Durability | None) -> None:
        self.app = app
        self.durability = durability

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        chunks = []
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        environ = _environ(scope)
        status, headers, payload = self._handle(environ, body)
        out = [
            (k.lower().encode("latin-1"), str(v).encode("latin-1"))
            for k, v in headers
            if k.lower() not in ("connection", "transfer-encoding")
        ]
        await send({"type": "http.response.start", "status": status, "headers": out})
        await send(
            {"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else payload}
        )

    def _handle(
        self, environ: dict[str, Any], body: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        durable = self.durability
        if durable is None or not journal.is_mutating(environ):
            seed = int.from_bytes(os.urandom(8), "big")
            status, headers, payload = journal.execute(
                self.app, environ, body, seed, journal._real_utcnow()
            )
            return int(status.split()[0]), headers, payload
        if environ.get("PATH_INFO", "").startswith("/moto-api/reset"):
            status, headers, payload = journal.execute(
                self.app, environ, body, 0, journal._real_utcnow()
            )
            durable.reset()
            return int(status.split()[0]), headers, payload
        saved = journal.portable(environ)
        seed = int.from_bytes(os.urandom(8), "big")
        now = journal._real_utcnow()
        status, headers, payload = journal.execute(self.app, saved, body, seed, now)
        code = int(status.split()[0])
        durable.record(saved, body, seed, now, code)  # on disk before the answer goes out
        return code, headers, payload


def _environ(scope: dict[str, Any]) -> dict[str, Any]:
    """The WSGI environ werkzeug's MotoRequestHandler would build (the body comes apart)."""
    server = scope.get("server") or ("127.0.0.1", 0)
    raw_path = scope.get("raw_path", b"").decode("latin-1")
    environ: dict[str, Any] = {
        "REQUEST_METHOD": scope["method"],
        "SCRIPT_NAME": "",
        "PATH_INFO": scope["path"].encode("utf-8").decode("latin-1"),
        "QUERY_STRING": scope["query_string"].decode("latin-1"),
        "RAW_URI": raw_path,
        "REQUEST_URI": raw_path,
        "SERVER_NAME": server[0],
        "SERVER_PORT": str(server[1]),
        "SERVER_PROTOCOL": f"HTTP/{scope['http_version']}",
        "REMOTE_ADDR": (scope.get("client") or ("127.0.0.1", 0))[0],
        "wsgi.url_scheme": scope.get("scheme", "http"),
        "wsgi.input": io.BytesIO(b""),
    }
    names: dict[str, str] = {}
    for raw_name, raw_value in scope["headers"]:
        name = raw_name.decode("latin-1")
        value = raw_value.decode("latin-1")
        if name.lower() in ("content-length", "transfer-encoding"):
            continue  # the body is whole and de-chunked here
        if "_" in name and not should_preserve_original_header_name(name):
            continue  # as werkzeug: X_Foo must not stand in for X-Foo
        key = environ_key_for_header(name)
        if "_" in name:
            names.setdefault(key, name)
        if key in environ and key.startswith("HTTP_"):
            environ[key] = f"{environ[key]},{value}"
        else:
            environ[key] = value
    environ[PRESERVED_HEADER_NAMES_ENVIRON_KEY] = names
    return environ


def _lock(directory: Path) -> int:
    """An exclusive lock on the data directory, held for the process's life (and its
    snapshot child's); exits with DATA_DIR_IN_USE when another engine holds it."""
    directory.mkdir(parents=True, exist_ok=True)
    fd = os.open(directory / "lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
        print(
            f"the data directory {directory} is in use by another NeonPanda engine (pid {holder})",
            file=sys.stderr,
            flush=True,
        )
        sys.exit(DATA_DIR_IN_USE)
    os.ftruncate(fd, 0)
    os.pwrite(fd, str(os.getpid()).encode(), 0)
    return fd


def _die_with_parent(parent_pid: int) -> None:
    """Linux: SIGTERM when the server's thread that started us is gone."""
    lifeline.parent_death_signal()
    if os.getppid() != parent_pid:  # it died before the prctl took effect
        sys.exit(0)


async def _serve(server: uvicorn.Server, parent_fd: int | None) -> None:
    if parent_fd is not None:
        loop = asyncio.get_running_loop()

        def parent_gone() -> None:
            with contextlib.suppress(OSError):
                if os.read(parent_fd, 1):
                    return  # the server never writes; anything but EOF is ignored
            loop.remove_reader(parent_fd)
            log.info("the server is gone: stopping")
            server.should_exit = True

        loop.add_reader(parent_fd, parent_gone)
    await server.serve()


# The services the server calls, and a read of each: moto builds a service's app, imports
# its code and loads its botocore model on the first request to it (~0.25 s for DynamoDB,
# ~0.1 s for S3). Done here, before the port opens, that runs while the server imports its
# own code on the other core, instead of in the server's first calls.
_WARM_UP = (
    ("dynamodb", "POST", "DynamoDB_20120810.ListTables"),
    ("dynamodb", "POST", "DynamoDBStreams_20120810.ListStreams"),
    ("s3", "GET", None),
)


def _warm(app: Any) -> None:
    from werkzeug.test import Client

    client = Client(app)
    for service, method, target in _WARM_UP:
        headers = {
            "Authorization": "AWS4-HMAC-SHA256 Credential=warmup/20260101/us-east-1/"
            f"{service}/aws4_request, SignedHeaders=host, Signature=0"
        }
        if target is not None:
            headers |= {"X-Amz-Target": target, "Content-Type": "application/x-amz-json-1.0"}
        response = client.open("/", method=method, headers=headers, data="{}" if target else None)
        if response.status_code != 200:
            log.warning("warming %s up answered %s", target or service, response.status_code)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--data-dir", type=Path, help="durable state; none: in memory only")
    parser.add_argument("--parent-fd", type=int, help="EOF on it means the server is gone")
    parser.add_argument("--parent-pid", type=int)
    parser.add_argument("--unpatched", action="store_true", help="moto as released (benchmarks)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s engine: %(message)s")
    if args.parent_pid:
        _die_with_parent(args.parent_pid)
    lock = _lock(args.data_dir) if args.data_dir else None
    os.environ.setdefault("MOTO_PORT", str(args.port))
    if not args.unpatched:
        moto_patches.apply()
    journal.pin_time()
    app = DomainDispatcherApplication(create_backend_app)
    durability = None
    if args.data_dir:
        durability = journal.Durability(args.data_dir)
        started = datetime.datetime.now()
        snapshot_seq, replayed = durability.recover(app)
        log.info(
            "recovered %s (snapshot up to record %d, %d replayed) in %.2f s",
            args.data_dir,
            snapshot_seq,
            replayed,
            (datetime.datetime.now() - started).total_seconds(),
        )
    _warm(app)
    # What recovery built lives as long as the process: keep it out of collections.
    gc.collect()
    gc.freeze()
    config = uvicorn.Config(
        MotoASGI(app, durability),
        host=args.host,
        port=args.port,
        http="h11",
        loop="asyncio",
        lifespan="off",
        access_log=False,
        log_level="warning",
        # Longer than the client's 12 s keep-alive, so the client always closes first.
        timeout_keep_alive=75,
    )
    server = uvicorn.Server(config)
    try:
        asyncio.run(_serve(server, args.parent_fd))
    finally:
        if durability is not None:
            durability.close()  # a final snapshot: the next start replays nothing
        if lock is not None:
            os.close(lock)
        log.info("stopped")


if __name__ == "__main__":
    main()

"""uvicorn's HTTP/1.1 protocol (h11) with what a public port needs on top:

- **A header deadline.** A connection must deliver a complete request line and headers
  within `NEONPANDA_HEADER_TIMEOUT_SECONDS` of opening (or of its last answer, on a
  kept-alive connection); otherwise it is closed. uvicorn arms no timer until a first
  answer, and any byte resets its keep-alive timer, so a client that connects and says
  nothing, or trickles its headers a byte at a time, held a connection for ever.
- **An idle-connection cap.** At `NEONPANDA_MAX_CONNECTIONS` open connections, a new one
  closes the connection that has waited longest without a request in progress (idle
  keep-alives and stalled headers alike); only when every connection is busy is the new
  one answered 503 `SERVICE_UNAVAILABLE`, as JSON with `retryAfterSeconds`. (uvicorn's
  own `limit_concurrency` answered every newcomer with a plain-text 503 while idle
  connections held every place.)

`server.py` serves with it (`_uvicorn_options`), configured by `configure` in each process
that serves (uvicorn pickles its config for worker processes, so the class must be the
importable one, its settings set where it runs); under gunicorn, the load balancer's limits
apply instead (docs/configuration.md: Several processes).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

log = logging.getLogger("neonpanda.http")

_BUSY = json.dumps(
    {
        "errors": [
            {
                "message": "The server is at capacity; retry shortly",
                "extensions": {"code": "SERVICE_UNAVAILABLE", "retryAfterSeconds": 1},
            }
        ]
    },
    separators=(",", ":"),
).encode()
_BUSY_RESPONSE = (
    b"HTTP/1.1 503 Service Unavailable\r\n"
    b"content-type: application/json\r\n"
    b"retry-after: 1\r\n"
    b"connection: close\r\n"
    b"content-length: " + str(len(_BUSY)).encode() + b"\r\n\r\n" + _BUSY
)


class GuardedH11Protocol(H11Protocol):
    """See the module's docstring. Settings are class attributes (`configure`)."""

    header_timeout: float = 10.0
    max_connections: int = 2048

    @classmethod
    def configure(cls, header_timeout: float, max_connections: int) -> type[GuardedH11Protocol]:
        """This process's settings, on the class uvicorn is given (by name, picklable)."""
        cls.header_timeout, cls.max_connections = header_timeout, max_connections
        return cls

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._header_timer: asyncio.TimerHandle | None = None
        self._waiting_since = 0.0

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._await_headers()
        if len(self.connections) > self.max_connections:
            self._make_room()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_header_timer()
        super().connection_lost(exc)

    def handle_events(self) -> None:
        super().handle_events()
        if self.conn.their_state is not h11.IDLE or self.transport.get_protocol() is not self:
            self._cancel_header_timer()  # a request (or an upgrade) has its headers

    def on_response_complete(self) -> None:
        self._await_headers()  # before: the next pipelined request may start in there
        super().on_response_complete()

    @property
    def waiting(self) -> bool:
        """No request in progress: idle between requests, or still sending headers."""
        return self.conn.their_state is h11.IDLE and (
            self.cycle is None or self.cycle.response_complete
        )

    def _await_headers(self) -> None:
        self._cancel_header_timer()
        self._waiting_since = self.loop.time()
        self._header_timer = self.loop.call_later(self.header_timeout, self._headers_late)

    def _cancel_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_late(self) -> None:
        self._header_timer = None
        if self.waiting and not self.transport.is_closing():
            log.info(
                "%s: no complete request headers within %g s; closed",
                self._peer(),
                self.header_timeout,
            )
            self._close()

    def _make_room(self) -> None:
        waiting = [
            c
            for c in self.connections
            if isinstance(c, GuardedH11Protocol) and c is not self and c.waiting
        ]
        if waiting:
            oldest = min(waiting, key=lambda c: c._waiting_since)
            log.info(
                "%s: closed to make room (%d connections)", oldest._peer(), len(self.connections)
            )
            oldest._close()
            return
        log.warning("every one of %d connections is busy: refused a new one", len(self.connections))
        self._cancel_header_timer()
        self.transport.write(_BUSY_RESPONSE)
        self.transport.close()

    def _close(self) -> None:
        self._cancel_header_timer()
        if self.conn.our_state is not h11.ERROR:
            with contextlib.suppress(h11.LocalProtocolError):
                self.conn.send(h11.ConnectionClosed())
        self.transport.close()

    def _peer(self) -> str:
        return f"{self.client[0]}:{self.client[1]}" if self.client else "client"


def guarded_protocol(header_timeout: float, max_connections: int) -> type[GuardedH11Protocol]:
    """A protocol class with its own settings, for a server in this process only (tests:
    several servers with different settings side by side; not picklable)."""
    return type(
        "GuardedH11Protocol",
        (GuardedH11Protocol,),
        {"header_timeout": header_timeout, "max_connections": max_connections},
    )

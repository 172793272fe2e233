"""AWS Lambda entry points (docs/operations.md).

- `handler`: the GraphQL API, the same Starlette app as `server.py`
  (`create_app(Settings())`), behind API Gateway (HTTP API, payload format 2.0) or a
  Lambda function URL, through Mangum. Queries and mutations only: a Lambda holds no
  WebSocket, so subscriptions are served by `server.py`'s processes.
- `indexer_handler`: the stream indexer (`datasources/indexer.py`) fed by Lambda's event
  source mapping on the table's stream, for deployments with no server process running one.

**Once per execution environment.** Mangum 0.22 with `lifespan="auto"` (its default) or
`"on"` runs the app's lifespan around *every* invocation: startup, the request, shutdown,
i.e. new AWS clients, a new JWKS fetch and a new runtime per request, closed again before
the answer. Here Mangum runs with `lifespan="off"` and the lifespan is entered once, on an
event loop kept for the environment's life; every invocation's request gets its state
(clients, stores, verifier, cursors), as uvicorn's requests do. A start that fails fails
its invocation and is tried again by the next one. Between invocations Lambda freezes the
process, and with it the loop's background work (the accelerators' refresh just runs late).

Not in a Lambda: the live-update hub (no subscribers; it would poll the stream during every
invocation) and the runtime's own stream indexer (`NEONPANDA_INDEXER` is forced off: a
frozen environment cannot follow a stream; `indexer_handler` does it).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from collections.abc import Coroutine
from contextlib import AsyncExitStack
from typing import TYPE_CHECKING, Any, TypeVar

from mangum import Mangum
from mangum.adapter import DEFAULT_TEXT_MIME_TYPES
from mangum.protocols import LifespanCycle
from mangum.types import ASGI
from starlette.applications import Starlette
from starlette.types import Receive, Scope, Send

from app import create_app
from datasources.indexer import Indexer
from datasources.stream import change_from
from runtime import open_runtime
from settings import Settings
from telemetry import configure_logging

if TYPE_CHECKING:
    from devserver.engine import EmbeddedEngine

log = logging.getLogger("neonpanda.lambda")
_STREAM = "aws:dynamodb"
T = TypeVar("T")

# Answers Mangum may return as text (others it base64-encodes): JSON either way.
TEXT_MIME_TYPES = [*DEFAULT_TEXT_MIME_TYPES, "application/graphql-response+json"]


class _Loop:
    """One event loop for an execution environment's life, run by each invocation."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()

    def run(self, work: Coroutine[Any, Any, T]) -> T:
        asyncio.set_event_loop(self.loop)  # Mangum's cycles use the thread's current loop
        return self.loop.run_until_complete(work)


class Environment(_Loop):
    """The API in one execution environment: the app's lifespan, entered once. The app
    is `api_app(settings)`: `create_app` without live updates or the runtime's indexer."""

    def __init__(self, app: ASGI) -> None:
        super().__init__()
        self.app = app
        self.state: dict[str, Any] | None = None
        self.starts = 0  # lifespan startups (1 in a healthy environment)
        self.invocations = 0
        self._lifespan: LifespanCycle | None = None
        self._adapter: Mangum | None = None

    def start(self) -> None:
        if self._lifespan is not None:
            return
        asyncio.set_event_loop(self.loop)
        began = time.perf_counter()
        cycle = LifespanCycle(self.app, "on")
        cycle.__enter__()  # runs startup on self.loop; raises LifespanFailure if it failed
        if "runtime" not in cycle.lifespan_state:
            cycle.__exit__(None, None, None)  # close what it opened before trying again
            raise RuntimeError("the app's lifespan did not start its runtime")
        log.info("environment started in %.0f ms", (time.perf_counter() - began) * 1000)
        self.starts += 1
        self.state = cycle.lifespan_state
        self._adapter = Mangum(self._with_state, lifespan="off", text_mime_types=TEXT_MIME_TYPES)
        self._lifespan = cycle

    async def _with_state(self, scope: Scope, receive: Receive, send: Send) -> None:
        # Each request gets a shallow copy of the lifespan state, as under uvicorn.
        await self.app({**scope, "state": dict(self.state or {})}, receive, send)

    def __call__(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        self.start()
        assert self._adapter is not None
        self.invocations += 1
        asyncio.set_event_loop(self.loop)
        # Any event gets an answer: one that is not an HTTP request Mangum knows (an SQS
        # batch, a test event without requestContext), or whose request cannot be read
        # (a body marked base64 that is not), is answered 400 here, never raised (an
        # event source would retry a raised event for ever).
        try:
            request = self._adapter.infer(event, context)
            request.scope  # noqa: B018 (reads the request: raises if it is malformed)
            request.body  # noqa: B018
        except (RuntimeError, ValueError, KeyError, TypeError, AttributeError) as err:
            log.warning("not an HTTP request this function can read: %s", type(err).__name__)
            return _refusal("The event is not an HTTP request this API can read")
        return self._adapter(event, context)

    def close(self) -> None:
        """Run the lifespan's shutdown (tests and benchmarks; Lambda just stops the process)."""
        if self._lifespan is not None:
            asyncio.set_event_loop(self.loop)
            self._lifespan.__exit__(None, None, None)
            self._lifespan = None
        self.loop.close()


def _refusal(message: str) -> dict[str, Any]:
    body = {"errors": [{"message": message, "extensions": {"code": "BAD_USER_INPUT"}}]}
    return {
        "statusCode": 400,
        "headers": {"content-type": "application/json"},
        "body": json.dumps(body),
        "isBase64Encoded": False,
    }


class IndexerEnvironment(_Loop):
    """The stream indexer in one execution environment: a runtime opened once."""

    def __init__(self, settings: Settings, *, engine: EmbeddedEngine | None = None) -> None:
        super().__init__()
        self.settings = settings
        self.engine = engine  # tests: the shared embedded engine
        self._stack = AsyncExitStack()
        self.indexer: Indexer | None = None

    async def _open(self) -> Indexer:
        if self.indexer is None:
            runtime = await self._stack.enter_async_context(
                open_runtime(_in_lambda(self.settings), engine=self.engine)
            )
            self.indexer = Indexer(runtime.stores.table)
        return self.indexer

    async def _apply(self, records: list[dict[str, Any]]) -> dict[str, Any]:
        indexer = await self._open()
        await indexer.apply([change_from(r) for r in records])
        return {"records": len(records)}

    def __call__(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        records = event.get("Records") if isinstance(event, dict) else None
        if not isinstance(records, list):
            log.warning("an event without Records: nothing to index")
            return {"records": 0, "skipped": 0}
        stream = [r for r in records if isinstance(r, dict) and r.get("eventSource") == _STREAM]
        skipped = len(records) - len(stream)
        if skipped:
            # Another source's records (SQS, S3) mapped to this function by mistake.
            log.warning("skipped %d records that are not DynamoDB stream records", skipped)
        result = self.run(self._apply(stream))
        return {**result, "skipped": skipped}

    def close(self) -> None:
        self.run(self._stack.aclose())
        self.loop.close()


def _in_lambda(settings: Settings) -> Settings:
    """No live updates and no runtime indexer (module docstring)."""
    return settings.model_copy(update={"live_updates": False, "indexer": False})


def api_app(settings: Settings, *, engine: EmbeddedEngine | None = None) -> Starlette:
    return create_app(_in_lambda(settings), engine=engine)


_api: Environment | None = None
_indexer: IndexerEnvironment | None = None


def _api_environment() -> Environment:
    global _api
    if _api is None:
        settings = Settings()
        configure_logging(settings)
        _api = Environment(api_app(settings))
    return _api


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """API Gateway HTTP API (payload 2.0) and function URL events -> the GraphQL app."""
    return _api_environment()(event, context)


def indexer_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """DynamoDB stream records (event source mapping) -> `Indexer.apply`."""
    global _indexer
    if _indexer is None:
        settings = Settings()
        configure_logging(settings)
        _indexer = IndexerEnvironment(settings)
    return _indexer(event, context)


# In the API function, start during Lambda's init phase (which provisioned concurrency
# runs ahead of traffic) rather than in the first invocation. A start that fails here is
# logged and tried again by the first invocation.
if os.environ.get("_HANDLER") == f"{__name__}.handler":
    try:
        _api_environment().start()
    except Exception:
        log.exception("start during init failed; the first invocation tries again")

"""graphql-transport-ws with this API's limits: the socket side of live updates.

Strawberry's protocol handler, with what a public socket needs on top:

- **Connections per athlete** (per process, `NEONPANDA_MAX_CONNECTIONS_PER_USER`): one
  over the cap is closed at `connection_init`, after the token is checked and before the
  ack, with **4429** and a reason naming the cap.
- **Subscriptions per connection** (`NEONPANDA_MAX_SUBSCRIPTIONS_PER_CONNECTION`): one
  more is answered with the protocol's `error` message for its id, the error carrying
  `extensions.code` `RATE_LIMITED` (`limit: "subscriptionsPerConnection"`, `maximum`);
  the socket and its other subscriptions carry on.
- **Inbound message size** (`NEONPANDA_MAX_WS_MESSAGE_BYTES`): a bigger message closes
  the socket with **1009** (message too big). `server.py` also gives uvicorn the same
  limit, so such a message is refused as it arrives, before it is buffered whole.
- **Slow consumers**: a subscriber that falls more than `NEONPANDA_LIVE_QUEUE_SIZE`
  changes behind (datasources/live.py) ends every subscription of its socket and closes
  it with **1013** (try again later): the client reconnects and resubscribes from its
  last cursor. Nothing more is queued for it, so its memory stays bounded.

- **Subscriptions only**: a query or mutation sent over the socket is answered with an
  `error` message (`BAD_USER_INPUT`): they go over HTTP, where the request deadline, the
  concurrency cap and the request line apply.
- **The HTTP path's caps on every subscribe**, before strawberry sees it: a token bucket
  per socket (`NEONPANDA_WS_SUBSCRIBE_BURST`, refilled at
  `NEONPANDA_WS_SUBSCRIBES_PER_SECOND`; beyond: an `error` with `RATE_LIMITED` and
  `retryAfterSeconds`), one of the process's GraphQL work slots (shared with HTTP; none
  free: `SERVICE_UNAVAILABLE`), the document size cap and documents policy, the
  variables' element and depth bounds, the token cap (`NEONPANDA_MAX_TOKENS`), and the
  limits and validation of schema/limits.py (a document with several operations and no
  `operationName`, or an unknown one, is answered `BAD_USER_INPUT`). Strawberry's own run
  then finds the parse and the validation in their caches.

Only graphql-transport-ws is served (the legacy graphql-ws protocol would bypass these).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections.abc import AsyncGenerator
from json import JSONDecodeError
from typing import Any

from graphql import (
    DocumentNode,
    GraphQLError,
    OperationDefinitionNode,
    OperationType,
    get_operation_ast,
)
from starlette.websockets import WebSocketDisconnect, WebSocketState
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http.exceptions import NonJsonMessageReceived, NonTextMessageReceived
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    ConnectionInitMessage,
    ErrorMessage,
    SubscribeMessage,
)
from strawberry.types.unset import UnsetType

from admission import AtCapacity
from datasources.live import LiveConnection, TooManyConnections
from resolvers.context import Context
from schema.build import parse_document
from schema.extensions import format_errors
from schema.limits import check_document
from schema.trusted_documents import DocumentRefused

log = logging.getLogger("neonpanda.live")

PROTOCOLS = (GRAPHQL_TRANSPORT_WS_PROTOCOL,)
# Close codes (docs/guide.md: Live updates; docs/api.md: Subscriptions).
TOO_MANY_CONNECTIONS = 4429
MESSAGE_TOO_BIG = 1009
SLOW_CONSUMER = 1013


def _message_bytes(text: str, limit: int) -> int:
    """The message's UTF-8 size, encoded only when its length alone does not decide."""
    if len(text) > limit or len(text) * 4 <= limit:
        return len(text)
    return len(text.encode())


class LiveSocketAdapter(ASGIWebSocketAdapter):
    """Strawberry's ASGI socket, refusing inbound messages over the size limit."""

    async def iter_json(
        self, *, ignore_parsing_errors: bool = False
    ) -> AsyncGenerator[object, None]:
        limit: int = self.ws.state.runtime.settings.max_ws_message_bytes
        try:
            while self.ws.application_state != WebSocketState.DISCONNECTED:
                try:
                    text = await self.ws.receive_text()
                    if _message_bytes(text, limit) > limit:
                        await self.close(MESSAGE_TOO_BIG, f"Message too big: at most {limit} bytes")
                        return
                    yield self.view.decode_json(text)
                except (JSONDecodeError, DocumentRefused) as err:
                    if not ignore_parsing_errors:
                        raise NonJsonMessageReceived from err
        except KeyError as err:
            raise NonTextMessageReceived from err
        except WebSocketDisconnect:
            pass


class TokenBucket:
    """`burst` tokens, refilled at `rate` per second; `take` answers 0 when one was taken,
    else the whole seconds until one will be."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate, self.burst = rate, burst
        self.tokens = float(burst)
        self.at = time.monotonic()

    def take(self) -> int:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0
        return max(1, math.ceil((1 - self.tokens) / self.rate))


def _operation(document: DocumentNode, name: object) -> OperationDefinitionNode | GraphQLError:
    """The operation a subscribe runs, or why there is none to run."""
    operation = get_operation_ast(document, name if isinstance(name, str) else None)
    if operation is not None:
        return operation
    if isinstance(name, str):
        return GraphQLError(
            f"The document has no operation named {name!r}",
            extensions={"code": "BAD_USER_INPUT"},
        )
    return GraphQLError(
        "The document holds several operations: name the one to run in operationName",
        extensions={"code": "BAD_USER_INPUT"},
    )


class LiveSocket(BaseGraphQLTransportWSHandler[Context, None]):
    """One graphql-transport-ws connection (see the module's docstring for the limits)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.connection: LiveConnection | None = None
        self._closing: asyncio.Task[None] | None = None
        settings = self.view.settings  # type: ignore[attr-defined]
        self.bucket = TokenBucket(settings.ws_subscribes_per_second, settings.ws_subscribe_burst)

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        """Strawberry's steps (payload, one init only, the token through the view's
        `on_ws_connect`), then the per-athlete connection cap, then the ack."""
        if self.connection_timed_out:
            return
        if self.connection_init_timeout_task:
            self.connection_init_timeout_task.cancel()
        payload = message.get("payload", {})
        if not isinstance(payload, dict):
            await self.websocket.close(code=4400, reason="Invalid connection init payload")
            return
        if self.connection_init_received:
            await self.websocket.close(code=4429, reason="Too many initialisation requests")
            return
        self.connection_init_received = True
        self.context.connection_params = payload
        try:
            ack_payload = await self.view.on_ws_connect(self.context)
        except ConnectionRejectionError:
            await self.websocket.close(code=4403, reason="Forbidden")
            return
        hub, principal = self.context.live, self.context.principal
        if hub is not None and principal is not None:
            try:
                self.connection = hub.connect(principal.user_id, on_slow=self._slow_consumer)
            except TooManyConnections as err:
                log.info("refused a live connection of %s: %s", principal.user_id, err)
                await self.websocket.close(code=TOO_MANY_CONNECTIONS, reason=f"{err} per process")
                return
            self.context.connection = self.connection
        if isinstance(ack_payload, UnsetType) or ack_payload is None:
            await self.send_message({"type": "connection_ack"})
        else:
            await self.send_message({"type": "connection_ack", "payload": ack_payload})
        self.connection_acknowledged = True

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        payload = message.get("payload")
        if not isinstance(payload, dict):
            await self.websocket.close(code=4400, reason="Invalid subscribe payload")
            return
        if not self.connection_acknowledged or message["id"] in self.operations:
            await super().handle_subscribe(message)  # strawberry's 4401 / 4409
            return
        view: Any = self.view  # app.NeonPandaGraphQL
        wait = self.bucket.take()
        if wait:
            await self._refuse(
                message["id"],
                GraphQLError(
                    f"Too many subscribe messages on this socket: retry in {wait} s",
                    extensions={
                        "code": "RATE_LIMITED",
                        "limit": "subscribesPerSecond",
                        "retryAfterSeconds": wait,
                    },
                ),
            )
            return
        limit = self.max_subscriptions_per_connection
        if limit is not None and len(self.operations) >= limit:
            # Strawberry's own refusal has no code; ours says which limit, as api.md asks.
            error = GraphQLError(
                f"At most {limit} subscriptions per connection; complete one first",
                extensions={
                    "code": "RATE_LIMITED",
                    "limit": "subscriptionsPerConnection",
                    "maximum": limit,
                },
            )
            await self._refuse(message["id"], error)
            return
        try:
            async with view.admission.slot():
                refusal, query = self._check(view, dict(payload))
        except AtCapacity:
            refusal = GraphQLError(
                "The server is at capacity; retry shortly",
                extensions={"code": "SERVICE_UNAVAILABLE", "retryAfterSeconds": 1},
            )
        if refusal is not None:
            await self._refuse(message["id"], refusal)
            return
        await super().handle_subscribe({**message, "payload": {**payload, "query": query}})

    def _check(self, view: Any, payload: dict[str, Any]) -> tuple[GraphQLError | None, str]:
        """The HTTP path's rules for a subscribe's document, in the same order: documents
        policy and size, variables, tokens, one subscription operation, limits and
        validation. (None, the query) when it may run."""
        try:
            query = view.document_for(payload)
            variables = view.variables_for(payload)
        except DocumentRefused as refused:
            extensions = {"code": refused.code, **refused.extensions}
            return GraphQLError(refused.message, extensions=extensions), ""
        if query is None:
            return GraphQLError(
                "The subscribe message has no GraphQL document",
                extensions={"code": "BAD_USER_INPUT"},
            ), ""
        try:
            document = parse_document(query, max_tokens=view.max_tokens)
        except GraphQLError as err:
            return format_errors([err], details=view.validation_details)[0], ""
        operation = _operation(document, payload.get("operationName"))
        if isinstance(operation, GraphQLError):
            return operation, ""
        if operation.operation is not OperationType.SUBSCRIPTION:
            # Queries and mutations go over HTTP, where the request deadline, the
            # concurrency cap and the request line apply; a socket must not bypass them.
            return GraphQLError(
                "Queries and mutations are served over HTTP (POST /graphql); "
                "this socket carries subscriptions",
                extensions={"code": "BAD_USER_INPUT"},
            ), ""
        errors, _ = check_document(
            view.schema._schema,
            document,
            operation.name.value if operation.name else None,
            variables,
            view.limits,
            signed_in=self.context.principal is not None,
            rules=view.validation_rules,
        )
        if errors:
            return format_errors(errors, details=view.validation_details)[0], ""
        return None, query

    async def _send_result_stream(self, operation: Any, result_source: Any) -> None:
        """Strawberry's, with the HTTP path's error policy (schema/extensions.py) on every
        result: codes on every error, internal errors masked (with a request id), generic
        validation messages where introspection is off."""
        view: Any = self.view
        details: bool = view.validation_details

        async def formatted() -> AsyncGenerator[Any, None]:
            async for result in result_source:
                if getattr(result, "errors", None):
                    result.errors = format_errors(result.errors, details=details)
                yield result

        await super()._send_result_stream(operation, formatted())

    async def _refuse(self, operation_id: str, error: GraphQLError) -> None:
        refusal: ErrorMessage = {"id": operation_id, "type": "error", "payload": [error.formatted]}
        await self.send_message(refusal)

    def _slow_consumer(self) -> None:
        if self._closing is None:
            self._closing = asyncio.create_task(self._close_slow())

    async def _close_slow(self) -> None:
        """Every subscription ends now (nothing more is queued for this socket); the close
        frame follows whatever the socket already holds, once the client reads again."""
        tasks = [op.task for op in self.operations.values() if op.task is not None]
        for operation_id in list(self.operations):
            await self.cleanup_operation(operation_id)
        for task in tasks:  # their cleanup (the subscriber's release) runs before the close
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        with contextlib.suppress(Exception):  # the client may be gone already
            await self.websocket.close(
                code=SLOW_CONSUMER, reason="Slow consumer: resubscribe from your last cursor"
            )

    async def shutdown(self) -> None:
        await super().shutdown()
        if self._closing is not None and not self._closing.done():
            self._closing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._closing
        if self.connection is not None:
            self.connection.close()

"""The ASGI app: `create_app(settings)`, its lifespan, the GraphQL view and middleware.

The runtime (clients, stores, verifier) is opened in the lifespan and handed to every
request through Starlette's lifespan state (`request.state.runtime`).
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from cross_web import HTTPException
from graphql import GraphQLError
from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError, MissingQueryError
from strawberry.http import GraphQLRequestData
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType
from strawberry.types.unset import UNSET, UnsetType

from admission import Admission, AtCapacity
from auth import Principal, authenticate_header
from datasources.loaders import Loaders
from graphiql import asset_routes, page_response
from resolvers.context import Context
from runtime import Runtime, open_runtime
from schema.build import build_schema, limits_for, validation_rules_for
from schema.extensions import format_errors
from schema.limits import VariablesExceeded, bounded_variables
from schema.live_socket import PROTOCOLS, LiveSocket, LiveSocketAdapter
from schema.trusted_documents import DocumentRefused, Documents
from settings import ProductionRefused, Settings
from telemetry import Metrics, RequestTelemetry, Tracing, current_request

if TYPE_CHECKING:
    from opentelemetry.sdk.trace.export import SpanExporter

    from devserver.engine import EmbeddedEngine

log = logging.getLogger("neonpanda")


# Strawberry's refusals of a request, in our words (anything else: the generic one).
_HTTP_REASONS = {
    "No GraphQL query found in the request": "The request has no GraphQL document",
    "Unsupported content type": "Send the request as application/json",
    "Unable to parse request body as JSON": "The request body is not valid JSON",
    "GraphQL only supports GET and POST requests.": "Use POST (or GET for the GraphiQL page)",
    "subscriptions are not allowed when using POST": (
        "Subscriptions are served over WebSocket (graphql-transport-ws) at /graphql"
    ),
}


class NeonPandaGraphQL(GraphQL[Context, None]):
    # graphql-transport-ws with this API's limits (schema/live_socket.py).
    graphql_transport_ws_handler_class = LiveSocket
    websocket_adapter_class = LiveSocketAdapter

    def __init__(
        self, settings: Settings, documents: Documents, admission: Admission, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.settings = settings
        self.deadline_seconds = settings.request_deadline_seconds
        self.documents = documents
        self.admission = admission
        self.validation_details = settings.validation_details_enabled
        self.max_document_bytes = settings.max_document_bytes
        self.max_tokens = settings.max_tokens
        self.limits = limits_for(settings)
        # The rules strawberry validates with (schema/build.py adds the introspection
        # rule when introspection is off): the socket's checks use the same, so their
        # result is the one strawberry's run finds in the validation cache.
        self.validation_rules = validation_rules_for(settings)

    async def render_graphql_ide(self, request: Request) -> Response:
        """Our GraphiQL page (graphiql.py): its files from this server, integrity-checked."""
        return page_response()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A request that is not valid GraphQL over HTTP gets a GraphQL error (JSON, with
        a code and our message), never a plain-text page."""
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        try:
            response: Response = await self.run(Request(scope=scope, receive=receive))
        except DocumentRefused as refused:
            response = error_response(
                refused.status, refused.code, refused.message, **refused.extensions
            )
        except HTTPException as err:
            message = _HTTP_REASONS.get(err.reason, "The request is not a valid GraphQL request")
            response = error_response(err.status_code, "BAD_USER_INPUT", message)
        if wants_graphql_response(Headers(scope=scope).get("accept", "")):
            response = as_graphql_response(response)
        await response(scope, receive, send)

    def decode_json(self, data: str | bytes) -> object:
        try:
            value = json.loads(data)
        except UnicodeDecodeError:
            raise DocumentRefused("BAD_USER_INPUT", "The request body is not valid UTF-8") from None
        except RecursionError:
            raise DocumentRefused("BAD_USER_INPUT", "The request body nests too deeply") from None
        pattern = _SURROGATE_IN_BYTES if isinstance(data, bytes) else _SURROGATE_IN_TEXT
        if pattern.search(data):  # type: ignore[arg-type]
            # `"\ud800"` decodes to a string no UTF-8 encoder takes (the answer, a hash,
            # a key): refused here, once, instead of failing wherever it is encoded.
            try:
                json.dumps(value, ensure_ascii=False).encode()
            except UnicodeEncodeError:
                raise DocumentRefused(
                    "BAD_USER_INPUT", "The request body holds a lone UTF-16 surrogate escape"
                ) from None
        return value

    async def parse_http_body(self, request: Any) -> GraphQLRequestData | list[GraphQLRequestData]:
        """One JSON object per request (no batching); its document decided by the
        documents policy (schema/trusted_documents.py) before anything is parsed."""
        if request.method == "GET":
            return await super().parse_http_body(request)
        content_type = (request.content_type or "").split(";")[0].strip().lower()
        if content_type not in ("application/json", "application/graphql-response+json"):
            raise HTTPException(415, "Unsupported content type")
        data = self.parse_json(await request.get_body())
        if not isinstance(data, dict):
            raise DocumentRefused("BAD_USER_INPUT", "The request body must be a JSON object")
        query = self.document_for(data)
        variables = self.variables_for(data)
        extensions = data.get("extensions")
        if not isinstance(extensions, dict | None):
            raise DocumentRefused("BAD_USER_INPUT", "`extensions` must be an object or null")
        operation_name = data.get("operationName")
        if not isinstance(operation_name, str | None):
            raise DocumentRefused("BAD_USER_INPUT", "`operationName` must be a string or null")
        return GraphQLRequestData(
            query=query,
            variables=variables,
            operation_name=operation_name,
            extensions=extensions,
            protocol="http",
        )

    def variables_for(self, data: dict[str, Any]) -> dict[str, Any] | None:
        """A request's variables, walked once for their element count and depth before
        anything else reads them (schema/limits.py: bounded_variables)."""
        variables = data.get("variables")
        if not isinstance(variables, dict | None):
            raise DocumentRefused("BAD_USER_INPUT", "`variables` must be an object or null")
        try:
            bounded_variables(variables, self.limits)
        except VariablesExceeded as over:
            message = (
                f"Variables hold more than {over.maximum:,} values"
                if over.limit == "variableElements"
                else f"Variable '${over.path[0]}' nests deeper than {over.maximum} levels"
            )
            raise DocumentRefused(
                "BAD_USER_INPUT",
                message,
                status=200,  # as a variable the schema refuses (GraphQL over HTTP)
                limit=over.limit,
                maximum=over.maximum,
                field=over.path,
            ) from None
        return variables

    def document_for(self, data: dict[str, Any]) -> str | None:
        """The document a request (HTTP body or socket subscribe payload) runs, decided
        before anything is parsed: the size cap (before a persisted query registers its
        text), then the documents policy."""
        sent = data.get("query")
        if isinstance(sent, str):
            self._check_size(sent)
        query = self.documents.resolve(data)
        if query is not None and query is not sent:
            self._check_size(query)
        return query

    def _check_size(self, query: str) -> None:
        if len(query) > self.max_document_bytes:
            # Lexing is per character, on the event loop: bounded before it starts.
            raise DocumentRefused(
                "QUERY_TOO_COMPLEX",
                f"The document is {len(query):,} characters; at most {self.max_document_bytes:,} "
                "(send inputs as variables)",
                status=200,
                limit="documentBytes",
                value=len(query),
                maximum=self.max_document_bytes,
            )

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        runtime: Runtime = request.state.runtime
        principal, auth_error = await authenticate_header(
            runtime.verifier, request.headers.get("authorization")
        )
        info = current_request.get()
        if info is not None and principal is not None:
            info.user_id = principal.user_id
        return Context(
            principal=principal,
            auth_error=auth_error,
            client=request.client.host if request.client else "unknown",
            stores=runtime.stores,
            loaders=Loaders(runtime.stores.table, runtime.stores.content),
            cursors=runtime.cursors,
            live=runtime.background.hub if runtime.background else None,
            verifier=runtime.verifier,
        )

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        """graphql-transport-ws: the token travels in connection_init's payload
        (`{"Authorization": "Bearer <token>"}`); without a valid one the socket is closed
        (4403) before any operation runs."""
        params = context.connection_params or {}
        authorization = params.get("Authorization") or params.get("authorization")
        principal: Principal | None = None
        reason: str | None = "connection_init needs an Authorization entry"
        if isinstance(authorization, str) and context.verifier is not None:
            principal, reason = await authenticate_header(context.verifier, authorization)
        if principal is None:
            raise ConnectionRejectionError({"code": "UNAUTHENTICATED", "message": reason})
        context.principal = principal
        ack: UnsetType = UNSET
        return ack

    async def process_result(self, request: Any, result: ExecutionResult) -> Any:
        if result.errors:
            result.errors = format_errors(result.errors, details=self.validation_details)
            info = current_request.get()
            if info is not None:
                info.error_codes = [
                    str((e.extensions or {}).get("code", "UNKNOWN")) for e in result.errors
                ]
        return await super().process_result(request, result)

    async def execute_single(
        self,
        request: Any,
        request_adapter: Any,
        sub_response: Any,
        context: Context,
        root_value: Any,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        """Queries and mutations over HTTP; a subscription is refused (400) before it runs:
        it is served over WebSocket."""
        allowed = OperationType.from_http(request_adapter.method) - {OperationType.SUBSCRIPTION}
        if not self.allow_queries_via_get and request_adapter.method == "GET":
            allowed = allowed - {OperationType.QUERY}
        try:
            return await self.schema.execute(
                request_data.query,
                root_value=root_value,
                variable_values=request_data.variables,
                context_value=context,
                operation_name=request_data.operation_name,
                allowed_operation_types=allowed,
                operation_extensions=request_data.extensions,
            )
        except CannotGetOperationTypeError as err:
            raise HTTPException(400, err.as_http_error_reason()) from err
        except InvalidOperationTypeError as err:
            raise HTTPException(400, err.as_http_error_reason(request_adapter.method)) from err
        except MissingQueryError as err:
            raise HTTPException(400, "No GraphQL query found in the request") from err

    async def execute_operation(
        self,
        request: Any,
        request_adapter: Any,
        request_data: Any,
        context: Context,
        root_value: Any,
        sub_response: Any,
    ) -> Any:
        """Every request has a deadline: a slow or throttling backend cannot hold it longer."""
        try:
            async with asyncio.timeout(self.deadline_seconds):
                return await super().execute_operation(
                    request, request_adapter, request_data, context, root_value, sub_response
                )
        except TimeoutError:
            log.warning("request deadline (%.1f s) exceeded", self.deadline_seconds)
            # Retryable: a write may have been applied before the stop, and the same call
            # with the same idempotency key answers it (or applies it) exactly once.
            error = GraphQLError(
                f"The request took longer than {self.deadline_seconds:g} s and was stopped; "
                "retry (with the same idempotency key for a mutation)",
                extensions={
                    "code": "SERVICE_UNAVAILABLE",
                    "deadlineExceeded": True,
                    "retryAfterSeconds": 1,
                },
            )
            return ExecutionResult(
                data=None, errors=[error], extensions={"cost": context.cost.to_dict()}
            )


# A JSON escape of a UTF-16 surrogate (`\ud800`-`\udfff`): the only way a request body
# can carry a lone surrogate. Pairs decode to one character; only bodies with such an
# escape are checked further.
_SURROGATE_ESCAPE = r"\\u[dD][89a-fA-F]"
_SURROGATE_IN_TEXT = re.compile(_SURROGATE_ESCAPE)
_SURROGATE_IN_BYTES = re.compile(_SURROGATE_ESCAPE.encode())

# What browsers may send cross-origin: the token and content negotiation, the request id,
# Apollo Client's awareness headers, W3C trace context, and an idempotency key header.
CORS_REQUEST_HEADERS = [
    "Authorization",
    "Content-Type",
    "Accept",
    "X-Request-Id",
    "Apollographql-Client-Name",
    "Apollographql-Client-Version",
    "Traceparent",
    "Tracestate",
    "Idempotency-Key",
]

GRAPHQL_RESPONSE = "application/graphql-response+json"
# Request errors (nothing executed) by code: the status GraphQL-over-HTTP gives them when
# the client accepts application/graphql-response+json.
_REQUEST_ERROR_STATUS = {"UNAUTHENTICATED": 401, "RATE_LIMITED": 429, "SERVICE_UNAVAILABLE": 503}
# Protocol answers clients read from a 200 (Apollo's persisted-query link retries on it).
_KEEP_200 = {"PERSISTED_QUERY_NOT_FOUND"}


def _quality(accept: str, media_type: str) -> float:
    best = 0.0
    for part in accept.split(","):
        name, *params = (p.strip() for p in part.split(";"))
        if name.lower() not in (media_type, "*/*", media_type.split("/")[0] + "/*"):
            continue
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        exact = name.lower() == media_type
        best = max(best, q if exact else q * 0.99)  # an exact match wins a tie
    return best


def wants_graphql_response(accept: str) -> bool:
    """The client accepts application/graphql-response+json at least as much as
    application/json (no Accept, or only application/json: the legacy JSON answers)."""
    if GRAPHQL_RESPONSE not in accept.lower():
        return False
    return _quality(accept, GRAPHQL_RESPONSE) >= max(_quality(accept, "application/json"), 1e-9)


def as_graphql_response(response: Response) -> Response:
    """The same answer as application/graphql-response+json: a request error (nothing
    executed: no `data`, no error with a path) gets a 4xx/5xx status and no `data` entry;
    anything that executed keeps 200."""
    media = (response.headers.get("content-type") or "").split(";")[0].strip()
    if media != "application/json":
        return response
    body = json.loads(bytes(response.body))
    status = response.status_code
    errors = body.get("errors") or []
    codes = {str((e.get("extensions") or {}).get("code")) for e in errors}
    if (
        status == 200
        and errors
        and body.get("data") is None
        and not any(e.get("path") for e in errors)
        and not codes & _KEEP_200
    ):
        status = max((_REQUEST_ERROR_STATUS.get(c, 400) for c in codes), default=400)
        body.pop("data", None)
    headers = {
        k: v
        for k, v in response.headers.items()
        if k.lower() not in ("content-length", "content-type")
    }
    return Response(
        json.dumps(body, separators=(",", ":")),
        status_code=status,
        headers=headers,
        media_type=f"{GRAPHQL_RESPONSE}; charset=utf-8",
    )


def at_capacity_response() -> JSONResponse:
    return error_response(
        503,
        "SERVICE_UNAVAILABLE",
        "The server is at capacity; retry shortly",
        headers={"retry-after": "1"},
        retryAfterSeconds=1,
    )


def error_response(
    status: int, code: str, message: str, headers: dict[str, str] | None = None, **extra: Any
) -> JSONResponse:
    """A GraphQL-shaped error outside execution (no `data`: nothing ran)."""
    error = {"message": message, "extensions": {"code": code, **extra}}
    return JSONResponse({"errors": [error]}, status_code=status, headers=headers)


class RequestGuard:
    """ASGI middleware: every request's body arrives whole, in time and within the size cap
    before the app sees it, and GraphQL requests in progress are capped.

    - A body over `max_body_bytes` (declared or streamed): 413.
    - A body not complete within `body_read_timeout_seconds` (a slow or stalled client):
      408 and the connection is closed; it never holds a slot or the event loop.
    - A client that disconnects mid-body: one log line, nothing else.
    - At most `max_concurrent_requests` GraphQL requests (and socket subscribes) run at
      once; up to `max_queued_requests` more wait for a slot (`Admission`); beyond that,
      503 SERVICE_UNAVAILABLE with `retryAfterSeconds`. /healthz is never queued.
    """

    def __init__(self, app: ASGIApp, settings: Settings, admission: Admission) -> None:
        self.app = app
        self.limit = settings.max_body_bytes
        self.timeout = settings.body_read_timeout_seconds
        self.admission = admission

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._too_large(scope, receive, send)
            return
        try:
            async with asyncio.timeout(self.timeout):
                body = await self._read(receive)
        except TimeoutError:
            log.info("%s: request body not complete after %g s; closed", _peer(scope), self.timeout)
            response = error_response(
                408,
                "BAD_USER_INPUT",
                f"The request body did not arrive within {self.timeout:g} s",
                headers={"connection": "close"},
            )
            await response(scope, receive, send)
            return
        except _TooLarge:
            await self._too_large(scope, receive, send)
            return
        except _Disconnected:
            log.info("%s: client disconnected before its request body was complete", _peer(scope))
            return

        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()  # what follows: the disconnect, whenever it comes

        if scope.get("path") != "/graphql":
            await self.app(scope, replay, send)
            return
        try:
            async with self.admission.slot():
                await self.app(scope, replay, send)
        except AtCapacity:
            response = at_capacity_response()
            await response(scope, replay, send)

    async def _read(self, receive: Receive) -> bytes:
        chunks: list[bytes] = []
        seen = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise _Disconnected
            chunk = message.get("body", b"")
            seen += len(chunk)
            if seen > self.limit:
                raise _TooLarge
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = error_response(
            413,
            "BAD_USER_INPUT",
            f"Request body too large (at most {self.limit:,} bytes)",
            headers={"connection": "close"},
        )
        await response(scope, receive, send)


def _peer(scope: Scope) -> str:
    client = scope.get("client")
    return f"{client[0]}:{client[1]}" if client else "client"


class _TooLarge(Exception):
    pass


class _Disconnected(Exception):
    pass


async def healthz(request: Request) -> Response:
    runtime: Runtime | None = getattr(request.state, "runtime", None)
    if runtime is None or not runtime.ready:
        return JSONResponse({"status": "starting"}, status_code=503)
    return JSONResponse(
        {
            "status": "ok",
            "backend": runtime.settings.backend.value,
            "accelerators": runtime.stores.table.accelerators.describe(),
        }
    )


class Readiness:
    """/readyz: can this process serve? The table answers DescribeTable, the bucket a
    one-key listing of athletes/, the token verifier has its keys, and the table's stream
    is followed (live updates and the indexer: a reader failing for 15 s or more makes it
    not ready, so a load balancer moves traffic away). The verdict is kept
    `readiness_cache_seconds`, so a storm of probes is not a storm of backend calls."""

    def __init__(self, settings: Settings) -> None:
        self.ttl = settings.readiness_cache_seconds
        self.checked_at = float("-inf")
        self.verdict: dict[str, str] = {}
        self.lock = asyncio.Lock()

    async def check(self, runtime: Runtime) -> dict[str, str]:
        async with self.lock:
            if time.monotonic() - self.checked_at < self.ttl:
                return self.verdict
            table, bucket, keys = await asyncio.gather(
                _probe(
                    runtime.clients.dynamodb.describe_table(TableName=runtime.settings.table_name)
                ),
                # A listing of one key under athletes/ (not HeadBucket, which IAM would
                # authorise as a listing of the whole bucket: docs/operations.md, Deploying).
                _probe(
                    runtime.clients.s3.list_objects_v2(
                        Bucket=runtime.settings.bucket, Prefix="athletes/", MaxKeys=1
                    )
                ),
                runtime.verifier.ready(),
            )
            stream = runtime.background.stream_health() if runtime.background else None
            self.verdict = {
                "table": table,
                "bucket": bucket,
                "tokens": keys or "ok",
                "stream": stream or "ok",
            }
            self.checked_at = time.monotonic()
            return self.verdict


async def _probe(call: Awaitable[Any]) -> str:
    try:
        async with asyncio.timeout(3):
            await call
    except Exception as err:  # any failure is "not ready"; the reason goes to the probe
        return f"unreachable ({type(err).__name__})"
    return "ok"


async def readyz(request: Request) -> Response:
    runtime: Runtime | None = getattr(request.state, "runtime", None)
    if runtime is None or not runtime.ready:
        return JSONResponse({"status": "starting"}, status_code=503)
    checks = await request.state.readiness.check(runtime)
    ready = all(v == "ok" for v in checks.values())
    return JSONResponse(
        {"status": "ready" if ready else "not ready", "checks": checks},
        status_code=200 if ready else 503,
    )


async def metrics_text(request: Request) -> Response:
    metrics: Metrics = request.state.metrics
    return Response(metrics.render(), media_type="text/plain; version=0.0.4; charset=utf-8")


def check_settings(settings: Settings) -> Documents:
    """What create_app refuses, without building anything: production with development
    settings on (ProductionRefused), an unreadable trusted-documents manifest."""
    if settings.production and (found := settings.development_conveniences()):
        raise ProductionRefused(
            "NEONPANDA_ENVIRONMENT=production refuses development settings: " + "; ".join(found)
        )
    return Documents.from_settings(settings.documents, settings.trusted_documents)


def create_app(
    settings: Settings,
    *,
    engine: EmbeddedEngine | None = None,
    engine_owned: bool = False,
    on_ready: Callable[[Runtime], None] | None = None,
    migrate: bool = True,
    span_exporter: SpanExporter | None = None,
) -> Starlette:
    """The ASGI app. With `engine` given, it is used as is (tests share one) and stopped
    with the app when `engine_owned` (server.py starts it before the app); `migrate`
    False leaves an embedded table as it is (a test of the seed's table unmigrated);
    `span_exporter` receives the traces (tests) instead of OTLP when tracing is on."""
    documents = check_settings(settings)
    tracing = (
        Tracing.from_settings(settings, span_exporter)
        if settings.tracing or span_exporter is not None
        else None
    )
    metrics = Metrics()
    admission = Admission(settings)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[dict[str, Any]]:
        if tracing is not None:
            tracing.start()
        try:
            async with open_runtime(
                settings,
                engine=engine,
                engine_owned=engine_owned,
                migrate=migrate,
                # server.py's own engine: answer first, seed the demo athletes beside.
                seed_later=engine_owned and settings.demo_data_after_start,
                freeze_later=engine_owned,
            ) as runtime:
                if on_ready is not None:
                    on_ready(runtime)
                yield {"runtime": runtime, "metrics": metrics, "readiness": Readiness(settings)}
        finally:
            if tracing is not None:
                tracing.close()

    graphql_app = NeonPandaGraphQL(
        settings,
        documents,
        admission,
        schema=build_schema(
            settings, extensions=[tracing.extension()] if tracing is not None else []
        ),
        graphql_ide="graphiql" if settings.graphiql_enabled else None,
        allow_queries_via_get=False,
        # Live updates: the socket must say who it is promptly; server pings keep idle
        # connections (and the proxies between) alive.
        connection_init_wait_timeout=timedelta(seconds=settings.connection_init_timeout_seconds),
        keep_alive=True,
        keep_alive_interval=15,
        subscription_protocols=PROTOCOLS,
        max_subscriptions_per_connection=settings.max_subscriptions_per_connection,
    )
    return Starlette(
        routes=[
            Route("/graphql", graphql_app, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql_app),
            Route("/healthz", healthz, methods=["GET"]),
            *asset_routes(settings),  # GraphiQL's files (when the page is on)
            Route("/readyz", readyz, methods=["GET"]),
            *(
                [Route("/metrics", metrics_text, methods=["GET"])]
                if settings.metrics_endpoint_enabled
                else []
            ),
        ],
        middleware=[
            # Outermost: preflights are answered here, and every answer (refusals too)
            # carries the CORS headers a browser needs to show it to the page.
            Middleware(
                CORSMiddleware,
                allow_origins=settings.cors_origins or [],
                allow_origin_regex=settings.cors_origin_regex,
                allow_credentials=settings.cors_allow_credentials,
                # GraphQL is POST (GET /graphql is only the GraphiQL page, same-origin).
                allow_methods=["POST"],
                allow_headers=CORS_REQUEST_HEADERS,
                expose_headers=["Retry-After", "X-Request-Id"],
                max_age=600,
            ),
            # The request id and the request line cover every answer, refusals included.
            Middleware(RequestTelemetry, settings=settings, metrics=metrics),
            Middleware(RequestGuard, settings=settings, admission=admission),
            # Innermost of ours: one span per request (when tracing), around the app.
            *([Middleware(_Traced, tracing=tracing)] if tracing is not None else []),
        ],
        lifespan=lifespan,
    )


class _Traced:
    def __init__(self, app: ASGIApp, tracing: Tracing) -> None:
        self.app = tracing.wrap(app)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)

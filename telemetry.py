"""What the server says about itself: request lines, metrics and traces.

- **Request lines.** `RequestTelemetry` (ASGI middleware) gives every HTTP request an id
  (the caller's `X-Request-Id` when it is a safe token, else a new one), answers it in
  the `X-Request-Id` header and logs one line when the response is done: method, path,
  status, duration, operation, user id, error codes and the request's backend cost.
  Every other log line written while the request runs carries the same request and user
  id (`JsonFormatter` reads them from `current_request`).
- **Metrics.** The same figures feed `Metrics` (Prometheus text at `/metrics`) and, with
  `metrics_emf`, ride on the request line as CloudWatch embedded metric format.
- **Traces.** With `tracing` on, `Tracing` sets up OpenTelemetry: the ASGI
  instrumentation's span per request, `ResolverSpans`' span per operation (with the cost
  figures as attributes) and per resolver that awaits I/O, and the botocore
  instrumentation's span per DynamoDB/S3 call (aiobotocore's client included).
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.extensions import SchemaExtension

from settings import Settings

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SpanExporter

log = logging.getLogger("neonpanda.request")


@dataclass
class RequestInfo:
    """One HTTP request, filled in as it goes (auth, execution, cost) and logged at the end."""

    request_id: str
    method: str
    path: str
    user_id: str | None = None
    operation_name: str | None = None
    operation_type: str | None = None
    error_codes: list[str] = field(default_factory=list)
    cost: dict[str, Any] | None = None


current_request: ContextVar[RequestInfo | None] = ContextVar("current_request", default=None)

_SAFE_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
_GRAPHQL_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]{0,99}")


def operation_name_of(name: object) -> str | None:
    """The client's operation name as the request line may carry it: a GraphQL name of at
    most 100 characters, else "(invalid)" (a log line is not the client's to write)."""
    if name is None:
        return None
    if isinstance(name, str) and _GRAPHQL_NAME.fullmatch(name):
        return name
    return "(invalid)"


def _printable(text: str, limit: int = 200) -> str:
    """A path for a text log line: no control characters (no forged lines), bounded."""
    clean = "".join(c if c.isprintable() else "?" for c in text[:limit])
    return clean + ("..." if len(text) > limit else "")


def request_id_from(headers: list[tuple[bytes, bytes]]) -> str:
    for name, value in headers:
        if name == b"x-request-id":
            text = value.decode("latin-1")
            if _SAFE_ID.fullmatch(text):
                return text
            break
    return uuid.uuid4().hex


# Latency buckets (seconds) for /metrics: a GraphQL request is milliseconds to seconds.
_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    """Process-wide request figures, as Prometheus text. Labels are bounded: the
    operation type (query/mutation/none), the status code and the error code."""

    def __init__(self) -> None:
        self.requests: Counter[tuple[str, int]] = Counter()
        self.errors: Counter[str] = Counter()
        self.buckets: Counter[float] = Counter()
        self.latency_sum = 0.0
        self.latency_count = 0
        self.backend_calls: Counter[str] = Counter()

    def observe(self, info: RequestInfo, status: int, seconds: float) -> None:
        self.requests[(info.operation_type or "none", status)] += 1
        for code in info.error_codes:
            self.errors[code] += 1
        for bound in _BUCKETS:
            if seconds <= bound:
                self.buckets[bound] += 1
        self.latency_sum += seconds
        self.latency_count += 1
        for service, calls in _calls(info.cost).items():
            self.backend_calls[service] += calls

    def render(self) -> str:
        lines = [
            "# HELP neonpanda_requests_total HTTP requests by GraphQL operation type and status.",
            "# TYPE neonpanda_requests_total counter",
        ]
        for (kind, status), n in sorted(self.requests.items()):
            lines.append(f'neonpanda_requests_total{{operation="{kind}",status="{status}"}} {n}')
        lines += [
            "# HELP neonpanda_errors_total GraphQL errors by extensions.code.",
            "# TYPE neonpanda_errors_total counter",
        ]
        for code, n in sorted(self.errors.items()):
            lines.append(f'neonpanda_errors_total{{code="{code}"}} {n}')
        lines += [
            "# HELP neonpanda_request_duration_seconds Time to the last byte of the response.",
            "# TYPE neonpanda_request_duration_seconds histogram",
        ]
        for bound in _BUCKETS:
            lines.append(
                f'neonpanda_request_duration_seconds_bucket{{le="{bound:g}"}} {self.buckets[bound]}'
            )
        lines += [
            f'neonpanda_request_duration_seconds_bucket{{le="+Inf"}} {self.latency_count}',
            f"neonpanda_request_duration_seconds_sum {self.latency_sum:.6f}",
            f"neonpanda_request_duration_seconds_count {self.latency_count}",
            "# HELP neonpanda_backend_calls_total DynamoDB and S3 requests made for clients.",
            "# TYPE neonpanda_backend_calls_total counter",
        ]
        for service, n in sorted(self.backend_calls.items()):
            lines.append(f'neonpanda_backend_calls_total{{service="{service}"}} {n}')
        return "\n".join(lines) + "\n"


def _calls(cost: dict[str, Any] | None) -> dict[str, int]:
    """Backend requests by service from a cost report (`extensions.cost`)."""
    if not cost:
        return {}
    found = {}
    for service in ("dynamodb", "s3"):
        entry = cost.get(service)
        if isinstance(entry, dict) and isinstance(entry.get("calls"), int):
            found[service] = entry["calls"]
    return found


class RequestTelemetry:
    """ASGI middleware: the request id, the request line, the metrics (module docstring)."""

    def __init__(self, app: ASGIApp, settings: Settings, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics
        self.emf = settings.metrics_emf
        self.namespace = settings.metrics_namespace

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        info = RequestInfo(
            request_id_from(scope.get("headers") or []), scope["method"], _printable(scope["path"])
        )
        token = current_request.set(info)
        started = time.perf_counter()
        status = 500
        header = (b"x-request-id", info.request_id.encode())

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message = {**message, "headers": [*message.get("headers", []), header]}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - started
            current_request.reset(token)
            if info.path not in ("/healthz", "/readyz", "/metrics"):
                self.metrics.observe(info, status, seconds)
                self._log(info, status, seconds)

    def _log(self, info: RequestInfo, status: int, seconds: float) -> None:
        fields: dict[str, Any] = {
            "requestId": info.request_id,
            "method": info.method,
            "path": info.path,
            "status": status,
            "durationMs": round(seconds * 1000, 2),
        }
        if info.user_id:
            fields["userId"] = info.user_id
        if info.operation_type:
            fields["operationType"] = info.operation_type
        if info.operation_name:
            fields["operationName"] = info.operation_name
        if info.error_codes:
            fields["errorCodes"] = info.error_codes
        if info.cost is not None:
            fields["cost"] = info.cost
        if self.emf:
            fields.update(self._emf(info, status, seconds))
        summary = (
            f"{info.method} {info.path} {status} {seconds * 1000:.1f} ms"
            f" op={info.operation_name or info.operation_type or '-'}"
            f" user={info.user_id or '-'}"
        )
        log.info(summary, extra={"fields": fields})

    def _emf(self, info: RequestInfo, status: int, seconds: float) -> dict[str, Any]:
        calls = _calls(info.cost)
        metrics = {
            "Requests": 1,
            "Errors": 1 if info.error_codes or status >= 400 else 0,
            "ServerErrors": 1
            if status >= 500 or "INTERNAL_SERVER_ERROR" in info.error_codes
            else 0,
            "Latency": round(seconds * 1000, 2),
            "DynamoDBRequests": calls.get("dynamodb", 0),
            "S3Requests": calls.get("s3", 0),
        }
        units = {"Latency": "Milliseconds"}
        return {
            "_aws": {
                "Timestamp": int(time.time() * 1000),
                "CloudWatchMetrics": [
                    {
                        "Namespace": self.namespace,
                        "Dimensions": [["Service"]],
                        "Metrics": [
                            {"Name": name, "Unit": units.get(name, "Count")} for name in metrics
                        ],
                    }
                ],
            },
            "Service": "graphql",
            **metrics,
        }


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ms), level, logger, message, the process id
    (which worker of several), the current request's id and user id, and a record's
    `fields` (the request line's figures)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "pid": record.process,
        }
        info = current_request.get()
        if info is not None:
            entry["requestId"] = info.request_id
            if info.user_id:
                entry["userId"] = info.user_id
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            entry.update(fields)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, separators=(",", ":"))


def configure_logging(settings: Settings) -> None:
    """The root logger's one handler (stdout) in the configured format. Called once by
    the process's entry point (server.py, the Lambda handler), never by the app factory."""
    handler = logging.StreamHandler(sys.stdout)
    if settings.json_logs:
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(settings.log_level.upper())
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True
    # The request line replaces uvicorn's access line.
    logging.getLogger("uvicorn.access").disabled = True


# Traces ---------------------------------------------------------------------------


class Tracing:
    """OpenTelemetry for one app: its provider, the pieces the app wires in (middleware,
    extension) and the AWS client instrumentation, process-wide, which the app's lifespan
    turns on (`start`) and off (`close`): an app built but never served patches nothing."""

    def __init__(self, provider: TracerProvider) -> None:
        from opentelemetry.instrumentation.botocore import AiobotocoreInstrumentor

        self.provider = provider
        self.tracer = provider.get_tracer("neonpanda.graphql")
        self._aws = AiobotocoreInstrumentor()  # type: ignore[no-untyped-call]

    def start(self) -> None:
        self._aws.instrument(tracer_provider=self.provider)

    @classmethod
    def from_settings(cls, settings: Settings, exporter: SpanExporter | None = None) -> Tracing:
        """OTLP/HTTP to the configured endpoint (batched), or `exporter` (tests: in memory,
        exported as each span ends)."""
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor

        provider = TracerProvider(resource=Resource.create({"service.name": settings.service_name}))
        if exporter is not None:
            provider.add_span_processor(SimpleSpanProcessor(exporter))
        else:
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

            endpoint = settings.otlp_endpoint
            otlp = OTLPSpanExporter(
                endpoint=f"{endpoint.rstrip('/')}/v1/traces" if endpoint else None
            )
            provider.add_span_processor(BatchSpanProcessor(otlp))
        return cls(provider)

    def wrap(self, app: ASGIApp) -> ASGIApp:
        from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware

        wrapped: ASGIApp = OpenTelemetryMiddleware(
            app,
            excluded_urls="healthz,readyz,metrics",
            tracer_provider=self.provider,
            exclude_spans=["receive", "send"],
        )
        return wrapped

    def extension(self) -> Callable[[], SchemaExtension]:
        tracer = self.tracer
        return lambda: ResolverSpans(tracer)

    def close(self) -> None:
        self._aws.uninstrument()
        self.provider.shutdown()


def aws_instrumented() -> bool:
    """Whether aiobotocore's clients are traced in this process now."""
    from opentelemetry.instrumentation.botocore import AiobotocoreInstrumentor

    instrumentor = AiobotocoreInstrumentor()  # type: ignore[no-untyped-call]
    return bool(instrumentor.is_instrumented_by_opentelemetry)


class ResolverSpans(SchemaExtension):
    """A span for the operation (named by its type and name, with the cost report's
    figures as attributes) and one for each resolver that awaits (the ones doing I/O);
    the AWS calls they make are its children."""

    def __init__(self, tracer: Any) -> None:
        self.tracer = tracer

    def on_operation(self) -> Any:
        from opentelemetry.trace import SpanKind

        context = self.execution_context
        with self.tracer.start_as_current_span("graphql", kind=SpanKind.INTERNAL) as span:
            yield
            kind = operation_type(context) or "unknown"
            name = operation_name_of(context.operation_name) or ""
            span.update_name(f"graphql.{kind} {name}".strip())
            span.set_attribute("graphql.operation.type", kind)
            if name:
                span.set_attribute("graphql.operation.name", name)
            cost = context.context.cost.to_dict() if context.context is not None else None
            for key, value in _flatten("neonpanda.cost", cost or {}).items():
                span.set_attribute(key, value)

    async def resolve(
        self, _next: Callable[..., Any], root: Any, info: Any, *args: Any, **kwargs: Any
    ) -> Any:
        result = _next(root, info, *args, **kwargs)
        if not isinstance(result, Awaitable):
            return result
        with self.tracer.start_as_current_span(
            f"resolve {info.parent_type.name}.{info.field_name}"
        ) as span:
            span.set_attribute("graphql.field.path", ".".join(str(p) for p in info.path.as_list()))
            return await result


def operation_type(context: Any) -> str | None:
    """query/mutation/subscription of an execution context; None when the document did
    not parse or names no such operation."""
    if context.graphql_document is None:
        return None
    try:
        return str(context.operation_type.value)
    except Exception:  # strawberry raises for a document without the named operation
        return None


def _flatten(prefix: str, value: Any) -> dict[str, Any]:
    """Span attributes from the cost report: scalars only, nested keys dotted."""
    out: dict[str, Any] = {}
    if isinstance(value, dict):
        for key, inner in value.items():
            out.update(_flatten(f"{prefix}.{key}", inner))
    elif isinstance(value, bool | int | float | str):
        out[prefix] = value
    return out

"""Process-wide settings, read from `NEONPANDA_*` environment variables."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Backend(StrEnum):
    EMBEDDED = "embedded"
    AWS = "aws"


class ProductionRefused(Exception):
    """NEONPANDA_ENVIRONMENT=production with a development convenience still on."""


class Settings(BaseSettings):
    """Configuration; no endpoint and no AWS/Cognito settings means the embedded engine."""

    model_config = SettingsConfigDict(env_prefix="NEONPANDA_", extra="ignore")

    table_name: str = "neonpanda"
    bucket: str = "neonpanda-athlete-data"
    region: str = "us-east-1"
    # A DynamoDB/S3-compatible endpoint for both (or real AWS when `use_aws` is set); the
    # per-service settings override it (e.g. moto for DynamoDB, another store for S3).
    endpoint_url: str | None = None
    dynamodb_endpoint_url: str | None = None
    s3_endpoint_url: str | None = None
    use_aws: bool = False
    data_dir: Path = Path(".data")
    seed_demo_data: bool = True
    # `uv run server.py` (one process, its own engine) answers as soon as the table is
    # there and seeds the demo athletes beside its first requests (they land within
    # seconds; the log says when). False: seeded before the first answer, as every other
    # way of starting does (workers, gunicorn, tests).
    demo_data_after_start: bool = True

    # Local development tokens: HS256 signed with this secret (generated when unset).
    dev_auth: bool | None = None
    dev_secret: str | None = None

    cognito_user_pool_id: str | None = None
    cognito_client_id: str | None = None
    cognito_region: str | None = None
    jwks_url: str | None = None  # overrides the URL derived from the pool (tests, proxies)

    # Client behaviour: botocore standard retry mode with a total attempt cap.
    aws_total_max_attempts: int = 3
    aws_connect_timeout: float = 2.0
    aws_read_timeout: float = 5.0
    batch_get_deadline_seconds: float = 5.0
    # Item reads parsed by json.loads instead of botocore's generic parser (datasources/
    # wire.py; exact, and 3-5x less client CPU). Off: botocore's parser, for comparison.
    aws_raw_reads: bool = True
    # How often a running server re-reads which accelerators the table has (a migration
    # run meanwhile is picked up without a restart).
    accelerator_refresh_seconds: float = 60.0
    # Keep list keys and username/email claims true for items other writers add, from the
    # table's stream (docs/storage.md: the indexer). Off where a stream-triggered Lambda does it.
    indexer: bool = True
    # Live updates: follow the stream for this process's subscribers. Off where no socket
    # can subscribe (the Lambda handler: it would poll the stream in every invocation).
    live_updates: bool = True

    # "production" refuses development conveniences at start (dev tokens, GraphiQL,
    # introspection, localhost or wildcard CORS, a per-process cursor secret, the embedded
    # engine): a deployment that forgot a setting fails loudly instead of running open.
    environment: str = "development"

    # Telemetry (docs/operations.md: Observability). Logs: "json" (one object per line, with the
    # request id and user id) or "text"; default: json in production.
    log_format: str | None = None
    log_level: str = "INFO"
    # CloudWatch embedded metric format: each request line also carries its metrics
    # (Lambda and the CloudWatch agent turn them into metrics without an API call).
    metrics_emf: bool = False
    metrics_namespace: str = "NeonPanda/GraphQL"
    # Prometheus text at /metrics (default: on in development, off in production).
    metrics_endpoint: bool | None = None
    # OpenTelemetry traces: a span per request, per resolver that awaits I/O and per AWS
    # call. Exported by OTLP/HTTP to this endpoint (or OTEL_EXPORTER_OTLP_ENDPOINT) when set.
    tracing: bool = False
    otlp_endpoint: str | None = None
    service_name: str = "neonpanda-graphql"
    # /readyz caches its verdict this long (a probe storm is not a backend storm).
    readiness_cache_seconds: float = 5.0

    graphiql: bool | None = None
    # Browser origins allowed to call the API (CORS). Default: in dev mode any
    # http://localhost or http://127.0.0.1 port; otherwise none. A JSON list, e.g.
    # NEONPANDA_CORS_ORIGINS='["https://app.neonpanda.ai"]'.
    cors_origins: list[str] | None = None
    # Let browsers send cookies/HTTP auth with cross-origin calls (the API reads a bearer
    # token, which needs no credentials mode): off unless the frontend needs it.
    cors_allow_credentials: bool = False
    # Live updates (graphql-transport-ws): open subscriptions per athlete in one process,
    # and how long a socket may take to send connection_init.
    max_subscriptions_per_user: int = 20
    connection_init_timeout_seconds: float = 10.0
    # Per socket: open subscriptions (beyond: an `error` with RATE_LIMITED) and the size of
    # one inbound message (beyond: closed with 1009). Sockets per athlete in one process
    # (beyond: closed at connection_init with 4429). Changes a subscriber may fall behind
    # (beyond: a slow consumer, its socket closed with 1013).
    max_subscriptions_per_connection: int = 10
    max_ws_message_bytes: int = 64 * 1024
    max_connections_per_user: int = 10
    # Subscribe messages per socket: a burst, then this many per second (beyond: an
    # `error` with RATE_LIMITED), on top of the cost budget each subscription is charged.
    ws_subscribe_burst: int = 20
    ws_subscribes_per_second: float = 1.0
    live_queue_size: int = 1000
    # A stream reader failing this long ends the live subscriptions (SERVICE_UNAVAILABLE,
    # retryAfterSeconds) and refuses new ones until it reads again; /readyz fails with it.
    live_interrupt_after_seconds: float = 15.0
    # Embedded mode: use the engine already listening on this loopback port instead of
    # starting one (`server.py --workers N` sets it for its workers; tests run several
    # servers on one engine). Whoever started that engine holds the data directory.
    embedded_engine_port: int | None = None
    introspection: bool | None = None  # default: on in dev mode, off otherwise
    # Move a long conversation's oldest messages to S3 (datasources/stores/conversation.py).
    # NeonPanda's app reads only the messages in the item, so where it shares the table
    # (any AWS deployment) this is off by default and a conversation holds every message
    # up to DynamoDB's 400 KB; the embedded engine (no app) has it on.
    message_archive: bool | None = None

    # Abuse limits (docs/security.md).
    max_depth: int = 10
    max_aliases: int = 30
    max_directives: int = 10
    max_tokens: int = 3000
    max_cost: int = 10_000
    # Pairs of same-named fields validation may compare (schema/limits.py).
    max_field_comparisons: int = 2_000
    # Every JSON value in a request's `variables`, and how deep they nest: walked once as
    # the body is read, before anything else looks at them.
    max_variable_elements: int = 10_000
    max_variable_depth: int = 48
    max_body_bytes: int = 2 * 1024 * 1024
    # The GraphQL document itself (inputs travel as variables): checked before parsing.
    max_document_bytes: int = 64 * 1024
    request_deadline_seconds: float = 10.0
    # The whole request body must arrive within this (slow bodies hold no connection).
    body_read_timeout_seconds: float = 10.0
    # GraphQL requests in progress per process; more wait no longer than this queue allows.
    max_concurrent_requests: int = 64
    max_queued_requests: int = 512
    # Open connections per process: beyond, the longest-waiting idle one is closed (every
    # one busy: 503). A connection's request headers must arrive within the timeout.
    max_connections: int = 2048
    header_timeout_seconds: float = 10.0
    # How long an idle HTTP keep-alive connection stays open (uvicorn's timeout_keep_alive).
    # Behind a load balancer, longer than its idle timeout, so the balancer always closes
    # first (else it may reuse a connection the server is closing: a 502).
    keep_alive_seconds: int = 5
    # Which documents run (schema/trusted_documents.py): "apq" (any, plus automatic persisted
    # queries) or "trusted" (only those of the manifest NEONPANDA_TRUSTED_DOCUMENTS).
    documents: str = "apq"
    trusted_documents: Path | None = None
    # Validation messages name types and fields; off: one generic message (default: on
    # wherever introspection is).
    validation_details: bool | None = None
    # Query cost per caller per window, shared by every process (a counter in the table).
    rate_limit_cost_per_window: int = 120_000
    rate_limit_window_seconds: int = 60
    # Contact form submissions per sending address and per email, per window.
    contact_max_per_address: int = 10
    contact_max_per_email: int = 3
    contact_window_seconds: int = 3600
    # Signs pagination cursors. Unset: derived from the dev secret in dev mode, otherwise
    # random per process (set it when several server processes share traffic).
    cursor_secret: str | None = None
    # ...or the ARN (or name) of a Secrets Manager secret holding it, read once when the
    # process starts (what the template sets: the value never sits in the function's or
    # the task's configuration). NEONPANDA_CURSOR_SECRET wins when both are set.
    cursor_secret_arn: str | None = None

    @property
    def dynamodb_endpoint(self) -> str | None:
        return self.dynamodb_endpoint_url or self.endpoint_url

    @property
    def s3_endpoint(self) -> str | None:
        return self.s3_endpoint_url or self.endpoint_url

    @property
    def aws_settings_present(self) -> bool:
        return bool(
            self.use_aws
            or self.dynamodb_endpoint
            or self.s3_endpoint
            or self.cognito_user_pool_id
            or self.cognito_client_id
        )

    @property
    def backend(self) -> Backend:
        return Backend.AWS if self.aws_settings_present else Backend.EMBEDDED

    @property
    def dev_auth_enabled(self) -> bool:
        return bool(self.dev_auth)

    @property
    def message_archive_enabled(self) -> bool:
        if self.message_archive is None:
            return self.backend is Backend.EMBEDDED
        return self.message_archive

    @property
    def introspection_enabled(self) -> bool:
        return self.dev_auth_enabled if self.introspection is None else self.introspection

    @property
    def validation_details_enabled(self) -> bool:
        if self.validation_details is None:
            return self.introspection_enabled
        return self.validation_details

    @property
    def cors_origin_regex(self) -> str | None:
        """Dev mode's default: the local development servers, any port."""
        if self.cors_origins is None and self.dev_auth_enabled:
            return r"http://(localhost|127\.0\.0\.1)(:\d{1,5})?"
        return None

    @property
    def graphiql_enabled(self) -> bool:
        return self.dev_auth_enabled if self.graphiql is None else self.graphiql

    @property
    def production(self) -> bool:
        return self.environment == "production"

    @property
    def json_logs(self) -> bool:
        return self.production if self.log_format is None else self.log_format == "json"

    @property
    def metrics_endpoint_enabled(self) -> bool:
        return not self.production if self.metrics_endpoint is None else self.metrics_endpoint

    def development_conveniences(self) -> list[str]:
        """What production refuses: each entry names a setting and why."""
        found = []
        if self.backend is Backend.EMBEDDED:
            found.append("no AWS settings (the embedded engine is for development)")
        if self.dev_auth_enabled:
            found.append("NEONPANDA_DEV_AUTH (development tokens)")
        if self.graphiql_enabled:
            found.append("NEONPANDA_GRAPHIQL (the in-browser IDE)")
        if self.introspection_enabled:
            found.append("NEONPANDA_INTROSPECTION")
        if self.cors_origin_regex is not None:
            found.append("the development CORS default (any localhost origin)")
        for origin in self.cors_origins or []:
            if origin == "*" or not origin.startswith("https://"):
                found.append(f"NEONPANDA_CORS_ORIGINS entry {origin!r} (https origins only)")
        if not self.cursor_secret and not self.cursor_secret_arn:
            found.append(
                "no NEONPANDA_CURSOR_SECRET or NEONPANDA_CURSOR_SECRET_ARN "
                "(cursors would differ per process)"
            )
        return found

    @model_validator(mode="after")
    def _check_environment(self) -> Settings:
        if self.environment not in ("development", "production"):
            raise ValueError("NEONPANDA_ENVIRONMENT is development or production")
        if self.log_format not in (None, "json", "text"):
            raise ValueError("NEONPANDA_LOG_FORMAT is json or text")
        return self

    @model_validator(mode="after")
    def _resolve_dev_auth(self) -> Settings:
        if self.dev_auth is None:
            self.dev_auth = not self.aws_settings_present
        elif self.dev_auth and self.aws_settings_present:
            raise ValueError(
                "NEONPANDA_DEV_AUTH cannot be enabled while AWS/Cognito settings are present"
            )
        return self

"""Telemetry through the HTTP endpoint against the engine: the request line (JSON, with
request id, user id and cost), EMF metrics on it, /metrics, OpenTelemetry spans (in-memory
exporter), /readyz, and production's refusal of development settings."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from app import create_app
from datasources.aws import AwsClients
from devserver.asgi import served
from devserver.engine import EmbeddedEngine
from settings import ProductionRefused, Settings
from telemetry import JsonFormatter, RequestInfo, aws_instrumented, current_request
from tests.conftest import Api, _serve, cost, make_settings, production_settings

CREATE = """mutation($input: CreateProfileInput!) {
  createProfile(input: $input) { user { userId username } }
}"""
PROFILE = "query Me { viewer { username workouts(first: 5) { edges { node { workoutId } } } } }"


def _profile_input(user: str) -> dict[str, Any]:
    return {"input": {"username": user, "email": f"{user}@example.com", "displayName": user}}


def _request_lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, Any]]:
    formatter = JsonFormatter()
    return [
        json.loads(formatter.format(r)) for r in caplog.records if r.name == "neonpanda.request"
    ]


async def test_request_line_carries_id_user_cost_and_emf(
    engine: EmbeddedEngine, aws: AwsClients, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = make_settings(tmp_path, metrics_emf=True)
    caplog.set_level(logging.INFO, logger="neonpanda.request")
    async for api in _serve(create_app(settings, engine=engine), settings):
        created = await api.gql(CREATE, _profile_input("tele"), user="tele")
        assert "errors" not in created, created
        caplog.clear()
        token = api.token("tele")
        response = await api.http.post(
            "/graphql",
            json={"query": PROFILE, "operationName": "Me"},
            headers={"Authorization": f"Bearer {token}", "X-Request-Id": "trace-me.1"},
        )
        assert response.headers["x-request-id"] == "trace-me.1"
        body = response.json()
        [line] = _request_lines(caplog)
        assert line["requestId"] == "trace-me.1"
        assert line["userId"] == "tele"
        assert line["pid"] == os.getpid()
        assert line["status"] == 200
        assert (line["operationType"], line["operationName"]) == ("query", "Me")
        assert line["cost"]["dynamodb"]["calls"] == cost(body)["dynamodb"]["calls"] >= 1
        assert line["durationMs"] > 0
        # The same line is a CloudWatch EMF record.
        directive = line["_aws"]["CloudWatchMetrics"][0]
        assert directive["Namespace"] == "NeonPanda/GraphQL"
        names = {m["Name"] for m in directive["Metrics"]}
        assert {"Requests", "Errors", "Latency", "DynamoDBRequests"} <= names
        assert all(name in line for name in names)
        assert line["Errors"] == 0 and line["DynamoDBRequests"] == line["cost"]["dynamodb"]["calls"]

        # An id that is not a safe token is replaced; errors are listed by code.
        caplog.clear()
        response = await api.http.post(
            "/graphql",
            json={"query": "{ viewer { workouts(first: 500) { totalCount } } }"},
            headers={"Authorization": f"Bearer {token}", "X-Request-Id": "bad id;1"},
        )
        [line] = _request_lines(caplog)
        assert line["requestId"] == response.headers["x-request-id"] != "bad id;1"
        assert len(line["requestId"]) == 32
        assert line["errorCodes"] == ["BAD_USER_INPUT"]
        assert line["Errors"] == 1


async def test_the_client_cannot_write_the_request_line(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    """An operation name that is no GraphQL name, and a path with a line break, reach the
    log line neutralised: no forged lines, no megabytes."""
    caplog.set_level(logging.INFO, logger="neonpanda.request")
    forged = "Me\nINFO neonpanda.request: POST /graphql 200 op=admin user=root"
    await api.http.post(
        "/graphql",
        json={"query": "query Me { viewer { username } }", "operationName": forged},
    )
    await api.http.post(
        "/graphql", json={"query": "{ viewer { username } }", "operationName": "x" * 5000}
    )
    await api.http.get("/nowhere%0AINFO%20forged")
    records = [r for r in caplog.records if r.name == "neonpanda.request"]
    assert len(records) == 3
    assert all("\n" not in r.getMessage() and len(r.getMessage()) < 400 for r in records)
    lines = _request_lines(caplog)
    assert [line.get("operationName") for line in lines[:2]] == ["(invalid)", "(invalid)"]
    assert lines[2]["path"] == "/nowhere?INFO forged"


def test_every_log_line_in_a_request_names_it() -> None:
    record = logging.LogRecord("neonpanda", logging.WARNING, __file__, 1, "slow %s", ("x",), None)
    token = current_request.set(RequestInfo("r-1", "POST", "/graphql", user_id="demo"))
    try:
        entry = json.loads(JsonFormatter().format(record))
    finally:
        current_request.reset(token)
    assert entry["requestId"] == "r-1" and entry["userId"] == "demo"
    assert entry["message"] == "slow x" and entry["level"] == "WARNING"
    assert entry["time"].endswith("Z")


async def test_metrics_endpoint_counts_requests(api: Api) -> None:
    for _ in range(3):
        await api.gql(PROFILE, user="nobody")
    await api.http.post("/graphql", json={"query": "{"})  # a parse error
    text = (await api.http.get("/metrics")).text
    assert 'neonpanda_requests_total{operation="query",status="200"} 3' in text
    assert 'neonpanda_errors_total{code="BAD_USER_INPUT"} 1' in text
    assert "neonpanda_request_duration_seconds_count 4" in text
    assert 'neonpanda_backend_calls_total{service="dynamodb"}' in text


async def test_traces_span_request_operation_resolvers_and_aws_calls(
    engine: EmbeddedEngine, aws: AwsClients, tmp_path: Path
) -> None:
    exporter = InMemorySpanExporter()
    settings = make_settings(tmp_path)
    app = create_app(settings, engine=engine, span_exporter=exporter)
    async for api in _serve(app, settings):
        await api.gql(CREATE, _profile_input("traced"), user="traced")
        exporter.clear()
        body = await api.gql(PROFILE, user="traced")
    finished = exporter.get_finished_spans()
    request = next(s for s in finished if s.name.startswith("POST /graphql"))
    # The request's trace; anything else is the process's background work (the stream's
    # readers poll on their own schedule, in their own traces), never part of a request.
    spans = [s for s in finished if s.context.trace_id == request.context.trace_id]
    background = [s for s in finished if s.context.trace_id != request.context.trace_id]
    assert all(s.name.startswith("DynamoDB Streams.") for s in background), background
    by_name = {s.name: s for s in spans}
    operation = by_name["graphql.query Me"]
    aws_spans = [s for s in spans if s.name.startswith("DynamoDB.")]
    calls = cost(body)["dynamodb"]["calls"]
    # One span per DynamoDB call the cost report counts, all in the request's trace.
    assert len(aws_spans) == calls >= 1
    assert operation.parent is not None and operation.parent.span_id == request.context.span_id
    assert operation.attributes is not None
    assert operation.attributes["neonpanda.cost.dynamodb.calls"] == calls
    resolvers = [s for s in spans if s.name.startswith("resolve ")]
    assert resolvers, [s.name for s in spans]
    assert all(s.attributes and s.attributes.get("rpc.system") == "aws-api" for s in aws_spans)
    # The app's shutdown undid the process-wide AWS instrumentation; tracing off (the
    # default) instruments nothing.
    assert not aws_instrumented()
    async for api in _serve(create_app(settings, engine=engine), settings):
        await api.gql(PROFILE, user="traced")
        assert not aws_instrumented()


async def test_readyz_checks_table_bucket_and_keys(
    engine: EmbeddedEngine, aws: AwsClients, tmp_path: Path
) -> None:
    settings = make_settings(tmp_path, readiness_cache_seconds=0)
    async with served(create_app(settings, engine=engine)) as (http, _runtime):
        response = await http.get("/readyz")
        assert response.status_code == 200, response.text
        assert response.json()["checks"] == {
            "table": "ok",
            "bucket": "ok",
            "tokens": "ok",
            "stream": "ok",
        }
        await aws.s3.delete_bucket(Bucket=settings.bucket)  # empty: nothing was stored
        response = await http.get("/readyz")
        assert response.status_code == 503
        assert response.json()["checks"]["bucket"].startswith("unreachable")
        assert (await http.get("/healthz")).status_code == 200  # alive, not ready


async def test_readyz_without_signing_keys_is_not_ready(
    engine: EmbeddedEngine, aws: AwsClients, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = production_settings(tmp_path, monkeypatch, engine)  # JWKS URL: nothing there
    async with served(create_app(settings)) as (http, _runtime):
        response = await http.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["tokens"].startswith("no signing keys")


def test_production_refuses_development_settings(
    engine: EmbeddedEngine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ProductionRefused) as refused:
        create_app(make_settings(tmp_path, environment="production"))
    for named in ("embedded engine", "NEONPANDA_DEV_AUTH", "NEONPANDA_GRAPHIQL", "CURSOR_SECRET"):
        assert named in str(refused.value)
    prod = {"environment": "production", "cursor_secret": "s" * 32}
    cases: list[tuple[dict[str, Any], str]] = [
        ({"graphiql": True}, "NEONPANDA_GRAPHIQL"),
        ({"introspection": True}, "NEONPANDA_INTROSPECTION"),
        ({"cors_origins": ["*"]}, "'*'"),
        ({"cors_origins": ["http://localhost:3000"]}, "localhost"),
    ]
    for extra, named in cases:
        settings = production_settings(tmp_path, monkeypatch, engine, **prod, **extra)
        with pytest.raises(ProductionRefused, match=named):
            create_app(settings)
    fine = production_settings(
        tmp_path, monkeypatch, engine, **prod, cors_origins=["https://app.neonpanda.ai"]
    )
    assert fine.json_logs and not fine.metrics_endpoint_enabled
    create_app(fine)
    with pytest.raises(ValueError, match="development or production"):
        Settings(environment="prod")

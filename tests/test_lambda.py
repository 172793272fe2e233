"""The Lambda entry points, invoked in process with recorded event shapes (tests/events/)
against the embedded engine: an API Gateway HTTP API (payload 2.0) event, a function URL
event (base64 body), and a DynamoDB stream event for the indexer.

Lambda calls its handler synchronously in the process's main thread, over and over; here
every invocation of one environment runs on one dedicated thread (the handler runs its own
event loop; the suite's loop waits for it).
"""

from __future__ import annotations

import asyncio
import base64
import copy
import json
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace
from typing import Any, TypeVar

import pytest
from mangum import Mangum

import lambda_handler
import runtime as runtime_module
from app import create_app
from auth import mint_dev_token
from datasources import aws as aws_module
from datasources import aws_calls
from datasources.aws import AwsClients
from datasources.content import ContentStore
from datasources.table import Table, deserialize_item, serialize_item
from devserver.engine import EmbeddedEngine
from devserver.snapshot import Snapshotter
from infra import permissions
from lambda_handler import Environment, IndexerEnvironment, api_app
from settings import Settings
from tests.conftest import DEV_SECRET, make_settings, put_secret

EVENTS = Path(__file__).resolve().parent / "events"
ORIGIN = "https://app.neonpanda.ai"
T = TypeVar("T")
# What Lambda passes as the handler's context (the fields Python handlers get).
CONTEXT: Any = SimpleNamespace(
    function_name="neonpanda-ApiFunction-Xk2m9QpL3nR7",
    function_version="$LATEST",
    invoked_function_arn="arn:aws:lambda:us-east-1:123456789012:function:neonpanda-ApiFunction-Xk2m9QpL3nR7",
    memory_limit_in_mb=1024,
    aws_request_id="5b7e1c2a-8d4f-4e6a-9c3b-2f1e0d9c8b7a",
    log_group_name="/aws/lambda/neonpanda-api",
    log_stream_name="2026/03/13/[$LATEST]0f1e2d3c4b5a69788796a5b4c3d2e1f0",
    get_remaining_time_in_millis=lambda: 15_000,
)


def event(name: str, user: str | None = "demo", **changes: Any) -> dict[str, Any]:
    """A recorded event with a fresh token (`user`) and optionally another body."""
    loaded: dict[str, Any] = json.loads((EVENTS / f"{name}.json").read_text())
    if user is None:
        loaded["headers"].pop("authorization")
    else:
        loaded["headers"]["authorization"] = f"Bearer {mint_dev_token(DEV_SECRET, user)}"
    if "body" in changes:
        body = json.dumps(changes.pop("body")).encode()
        loaded["headers"]["content-length"] = str(len(body))
        loaded["body"] = (
            base64.b64encode(body).decode() if loaded["isBase64Encoded"] else body.decode()
        )
    loaded["headers"].update(changes.pop("headers", {}))
    assert not changes
    return loaded


class Invoker:
    """Lambda's side: one thread calling a handler, one invocation after another."""

    def __init__(self) -> None:
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lambda")

    async def __call__(self, call: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self.pool, call, *args)

    def close(self) -> None:
        self.pool.shutdown()


@pytest.fixture
def lambda_settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path, cors_origins=[ORIGIN])


@pytest.fixture
async def demo_table(aws: AwsClients, lambda_settings: Settings, demo_snapshot: Path) -> None:
    table = Table(aws.dynamodb, lambda_settings.table_name)
    content = ContentStore(aws.s3, lambda_settings.bucket)
    await Snapshotter(table, content, demo_snapshot).restore()


@pytest.fixture
async def invoke(demo_table: None) -> AsyncIterator[Invoker]:
    invoker = Invoker()
    yield invoker
    invoker.close()


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the AWS clients runtimes open (one entry per `open_clients`)."""
    calls: list[int] = []
    real = aws_module.open_clients

    async def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return await real(*args, **kwargs)

    monkeypatch.setattr(runtime_module, "open_clients", counting)
    return calls


def body_of(response: dict[str, Any]) -> dict[str, Any]:
    assert response["isBase64Encoded"] is False  # JSON answers travel as text
    parsed: dict[str, Any] = json.loads(response["body"])
    return parsed


async def test_the_handler_serves_both_event_kinds_from_one_start(
    engine: EmbeddedEngine,
    lambda_settings: Settings,
    invoke: Invoker,
    opened: list[int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The cursor secret as the template gives it: a secret's ARN, read once at the start.
    arn = await put_secret(engine, "neonpanda-lambda-cursor", "lambda-cursor-secret")
    settings = lambda_settings.model_copy(update={"cursor_secret_arn": arn})
    environment = Environment(api_app(settings, engine=engine))
    monkeypatch.setattr(lambda_handler, "_api", environment)
    handler = lambda_handler.handler
    try:
        with aws_calls.capture() as calls:
            # API Gateway HTTP API, payload 2.0: a query.
            first = await invoke(handler, event("http_api_v2"), CONTEXT)
            assert opened == [1] and environment.starts == 1
            runtime = environment.state["runtime"] if environment.state else None
            assert first["statusCode"] == 200, first
            assert first["headers"]["content-type"] == "application/json"
            assert first["headers"]["access-control-allow-origin"] == ORIGIN
            viewer = body_of(first)["data"]["viewer"]
            assert viewer["userId"] == "demo" and viewer["username"] == "demo"
            assert viewer["workouts"]["totalCount"] == 32
            assert len(viewer["workouts"]["edges"]) == 2

            # Function URL: a mutation, base64 body, application/graphql-response+json.
            second = await invoke(handler, event("function_url"), CONTEXT)
            assert second["statusCode"] == 200, second
            assert second["headers"]["content-type"] == (
                "application/graphql-response+json; charset=utf-8"
            )
            memory = body_of(second)["data"]["createMemory"]["memory"]
            assert memory["content"] == "Prefers early morning sessions"
            assert memory["version"] == 1

            # The second invocation opened nothing: same runtime, same clients.
            assert opened == [1] and environment.starts == 1
            assert environment.state is not None and environment.state["runtime"] is runtime
            read_back = await invoke(
                handler,
                event(
                    "http_api_v2",
                    body={
                        "query": "query($id: ID!) { viewer { memory(memoryId: $id) { content } } }",
                        "variables": {"id": memory["memoryId"]},
                    },
                ),
                CONTEXT,
            )
            assert body_of(read_back)["data"]["viewer"]["memory"] == {
                "content": "Prefers early morning sessions"
            }

            # A bad token: UNAUTHENTICATED, as over HTTP.
            forged = event("http_api_v2", user=None, headers={"authorization": "Bearer nope"})
            refused = await invoke(handler, forged, CONTEXT)
            assert refused["statusCode"] == 200
            refused_body = body_of(refused)
            assert refused_body["data"] is None
            assert refused_body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"

            # A document that does not parse: a request error, 400 for a client that
            # accepts application/graphql-response+json.
            broken = await invoke(
                handler, event("function_url", body={"query": "{ viewer { "}), CONTEXT
            )
            assert broken["statusCode"] == 400, broken
            broken_body = body_of(broken)
            assert "data" not in broken_body and broken_body["errors"]

        assert opened == [1] and environment.starts == 1 and environment.invocations == 5
        assert runtime is not None and runtime.cursors.secret == b"lambda-cursor-secret"
        reads = [c.operation for c in calls if c.service == "secrets-manager"]
        assert reads == ["GetSecretValue"]
        # Queries and mutations only: no stream reads in a Lambda, and every call the
        # invocations made is one the API function's role allows.
        service = {c for c in calls if c.origin == "service"}
        assert service and not {c for c in service if c.service == "dynamodb-streams"}
        roles = permissions.ROLES["ApiFunctionRole"]
        assert [c for c in service if not permissions.allowed(permissions.needs(c), roles)] == []
    finally:
        await invoke(environment.close)


async def test_the_handler_answers_every_event_shape(
    engine: EmbeddedEngine,
    lambda_settings: Settings,
    invoke: Invoker,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Events Lambda can deliver that are not HTTP requests Mangum reads (a test event
    without requestContext, an SQS batch, a body marked base64 that is not, a lone
    surrogate in the query) are answered 400 with a GraphQL error, never raised."""
    environment = Environment(api_app(lambda_settings, engine=engine))
    monkeypatch.setattr(lambda_handler, "_api", environment)
    no_context = event("http_api_v2")
    no_context.pop("requestContext")
    sqs = {"Records": [{"eventSource": "aws:sqs", "body": "{}", "messageId": "m1"}]}
    bad_base64 = event("function_url")
    bad_base64["body"] = "not base64 at all!"
    surrogate = event("http_api_v2")
    surrogate["body"] = '{"query": "{ viewer { userId } } \\ud800"}'
    try:
        for shape in (no_context, sqs, {}, bad_base64, surrogate):
            answer = await invoke(lambda_handler.handler, shape, CONTEXT)
            assert answer["statusCode"] == 400, answer
            error = json.loads(answer["body"])["errors"][0]
            assert error["extensions"]["code"] == "BAD_USER_INPUT", answer
        ok = await invoke(lambda_handler.handler, event("http_api_v2"), CONTEXT)
        assert ok["statusCode"] == 200  # the environment still serves
    finally:
        await invoke(environment.close)


async def test_mangum_default_lifespan_would_start_every_invocation(
    engine: EmbeddedEngine, lambda_settings: Settings, invoke: Invoker, opened: list[int]
) -> None:
    """Why the handler runs the lifespan itself: Mangum 0.22's default ("auto") opens and
    closes the whole runtime around each invocation."""
    app = create_app(lambda_settings, engine=engine)

    def twice() -> list[int]:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        try:
            adapter = Mangum(app)  # lifespan="auto"
            statuses = [adapter(event("http_api_v2"), CONTEXT)["statusCode"] for _ in range(2)]
        finally:
            asyncio.set_event_loop(None)
            loop.close()
        return statuses

    assert await invoke(twice) == [200, 200]
    assert len(opened) == 2


async def test_the_indexer_handler_sets_the_list_key_of_an_app_write(
    engine: EmbeddedEngine, lambda_settings: Settings, aws: AwsClients, invoke: Invoker
) -> None:
    recorded = json.loads((EVENTS / "dynamodb_stream.json").read_text())
    image = recorded["Records"][0]["dynamodb"]["NewImage"]
    item = deserialize_item(image)
    assert "listsk" not in item
    # NeonPanda's app wrote the workout (no list key, no version)...
    await aws.dynamodb.put_item(TableName=lambda_settings.table_name, Item=serialize_item(item))

    environment = IndexerEnvironment(lambda_settings, engine=engine)
    try:
        # ...and the stream delivered it twice (Lambda's at-least-once): the same key.
        with aws_calls.capture() as calls:
            for _ in range(2):
                answer = await invoke(environment, copy.deepcopy(recorded), CONTEXT)
                assert answer == {"records": 1, "skipped": 0}
            # Events of other shapes are answered, never raised: no Records, and an SQS
            # batch mapped here by mistake (its records skipped).
            assert await invoke(environment, {"detail": {}}, CONTEXT) == {
                "records": 0,
                "skipped": 0,
            }
            sqs = {"Records": [{"eventSource": "aws:sqs", "body": "{}", "messageId": "m1"}]}
            assert await invoke(environment, sqs, CONTEXT) == {"records": 0, "skipped": 1}
    finally:
        await invoke(environment.close)
    # The function's code reads no stream itself (the event source mapping does), and
    # its role allows every call it made.
    service = {c for c in calls if c.origin == "service"}
    assert service and not {c for c in service if c.service == "dynamodb-streams"}
    roles = permissions.ROLES["IndexerFunctionRole"]
    assert [c for c in service if not permissions.allowed(permissions.needs(c), roles)] == []
    stored = await aws.dynamodb.get_item(
        TableName=lambda_settings.table_name, Key={"pk": image["pk"], "sk": image["sk"]}
    )
    assert stored["Item"]["listsk"]["S"].startswith("workout#2026-03-13T06:30:00.000Z#")
    assert environment.indexer is not None
    assert environment.indexer.stats.seen == 2


def test_the_api_function_starts_in_lambdas_init_phase(
    engine: EmbeddedEngine, aws: AwsClients, settings: Settings
) -> None:
    """With Lambda's `_HANDLER` naming the API handler, importing the module starts the
    environment (the init phase, which provisioned concurrency runs ahead of traffic);
    the indexer function's import starts nothing."""
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    probe = (
        "import lambda_handler as h; "
        "print(h._api.starts if h._api else 0); "
        "h._api and h._api.close()"
    )
    base = {
        **{k: v for k, v in os.environ.items() if not k.startswith("NEONPANDA_")},
        "AWS_ACCESS_KEY_ID": "embedded",
        "AWS_SECRET_ACCESS_KEY": "embedded",
        "NEONPANDA_ENDPOINT_URL": engine.endpoint_url,
        "NEONPANDA_TABLE_NAME": settings.table_name,
        "NEONPANDA_BUCKET": settings.bucket,
        "NEONPANDA_LOG_LEVEL": "WARNING",
    }
    started = {}
    for handler in ("lambda_handler.handler", "lambda_handler.indexer_handler"):
        result = subprocess.run(
            [sys.executable, "-c", probe],
            cwd=root,
            env={**base, "_HANDLER": handler},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr[-2000:]
        started[handler] = result.stdout.strip().splitlines()[-1]
    assert started == {"lambda_handler.handler": "1", "lambda_handler.indexer_handler": "0"}

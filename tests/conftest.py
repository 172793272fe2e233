"""One fixture chain: engine (session) -> fresh table and bucket -> app -> HTTP client."""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from app import create_app
from auth import mint_dev_token
from datasources import aws_calls
from datasources.accelerators import read_accelerators
from datasources.aws import AwsClients, open_clients
from datasources.content import ContentStore
from datasources.cost import CostRecorder, current_cost
from datasources.definition import create_bucket, create_table
from datasources.migrate import migrate
from datasources.stores import Stores
from datasources.table import Table
from devserver.asgi import served
from devserver.builders import bulk_put
from devserver.cognito import LocalUserPool
from devserver.engine import ENGINE_CREDENTIALS, EmbeddedEngine
from devserver.snapshot import Snapshotter
from runtime import Runtime, open_runtime
from settings import Settings
from tests import app_items

# Every AWS call the suite's code makes is recorded: the evidence tests/test_zz_iam_policy.py
# checks the IAM policy against (datasources/aws_calls.py).
aws_calls.enable(harness=("tests", "devserver", "benchmarks"))

DEV_SECRET = "test-only-dev-secret-not-used-anywhere-else-0123456789"


def _expected_seconds(item: pytest.Item) -> float:
    """How long a test is expected to take, for the order only: `slow(seconds=N)`, a
    `slow` test without a figure 10 s, any other 0."""
    marker = item.get_closest_marker("slow")
    if marker is None:
        return 0.0
    return float(marker.kwargs.get("seconds", 10.0))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The longest tests first (a stable sort: otherwise each file's order is kept):
    spread over the processes, they run beside the many short ones instead of after them
    (the 3-minute backend pause started last held the whole suite 3 minutes longer)."""
    items.sort(key=lambda item: -_expected_seconds(item))


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto`: one process more than cores. Several tests mostly wait (a backend paused
    for 3 minutes, kill-and-restart cycles): with one process per core, a waiting test
    left a core idle. PYTEST_XDIST_AUTO_NUM_WORKERS still decides when set."""
    given = os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS")
    if given:
        return int(given)
    return len(os.sched_getaffinity(0)) + 1


@pytest.fixture(autouse=True)
async def app_contract(request: pytest.FixtureRequest) -> AsyncIterator[None]:
    """NeonPanda's app must still read every item this API writes: after each test, every
    item the service's code wrote (in this process) is read back and checked against the
    app's item shapes (tests/app_contract.py). A test that writes what the app could not
    read fails here, naming the item, the key and the app's line that would break."""
    with aws_calls.capture_writes() as written:
        yield
    if not written or "engine" not in request.fixturenames:
        return
    if request.node.get_closest_marker("seed_shapes") is not None:
        return  # the test stores the seed's own example items, as the seed gives them
    engine: EmbeddedEngine = request.getfixturevalue("engine")
    import aioboto3
    from boto3.dynamodb.types import TypeDeserializer

    from tests.app_contract import check_items

    deserializer = TypeDeserializer()
    session = aioboto3.Session(region_name="us-east-1", **ENGINE_CREDENTIALS)
    items = []
    async with session.client("dynamodb", endpoint_url=engine.endpoint_url) as client:
        for table, pk, sk in sorted(written):
            try:
                found = await client.get_item(
                    TableName=table, Key={"pk": {"S": pk}, "sk": {"S": sk}}, ConsistentRead=True
                )
            except client.exceptions.ResourceNotFoundException:
                continue  # the table is gone (a test that deletes it)
            if "Item" in found:
                items.append({k: deserializer.deserialize(v) for k, v in found["Item"].items()})
    violations = check_items(items)
    assert not violations, "written items NeonPanda's app could not read:\n" + "\n".join(violations)


@pytest.fixture(scope="session")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedEngine]:
    log = tmp_path_factory.mktemp("engine") / "engine.log"
    with EmbeddedEngine(log_path=log) as running:
        yield running


def make_settings(tmp_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "data_dir": tmp_path / "data",
        "dev_secret": DEV_SECRET,
        "seed_demo_data": False,
        # The stream indexer writes on its own schedule; tests that count or fault calls
        # must not share the client with it. Tests of the indexer turn it on.
        "indexer": False,
    }
    values.update(overrides)
    return Settings(**values)


def production_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, engine: EmbeddedEngine, **overrides: Any
) -> Settings:
    """Settings as on AWS (Cognito configured: no dev tokens, no introspection), pointed at
    the test engine through an explicit endpoint."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "embedded")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "embedded")
    values: dict[str, Any] = {
        "dev_secret": None,
        "endpoint_url": engine.endpoint_url,
        "cognito_user_pool_id": "us-east-1_TEST",
        "cognito_client_id": "client-1",
        "jwks_url": "http://127.0.0.1:9/jwks.json",
    }
    return make_settings(tmp_path, **{**values, **overrides})


@pytest.fixture(scope="session")
def user_pool() -> Iterator[LocalUserPool]:
    """A local stand-in for the Cognito user pool (its JWKS on loopback, RS256 tokens)."""
    with LocalUserPool("us-east-1_LOCAL", "local-client") as pool:
        yield pool


def production_environment(
    engine: EmbeddedEngine, pool: LocalUserPool, settings: Settings
) -> dict[str, str]:
    """A server process's environment as on AWS (production, Cognito through `pool`),
    pointed at the test engine; the cursor secret by value (tests swap in the ARN)."""
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("NEONPANDA_", "AWS_"))}
    return {
        **keep,
        "AWS_ACCESS_KEY_ID": "embedded",
        "AWS_SECRET_ACCESS_KEY": "embedded",
        "NEONPANDA_ENVIRONMENT": "production",
        "NEONPANDA_ENDPOINT_URL": engine.endpoint_url,
        "NEONPANDA_TABLE_NAME": settings.table_name,
        "NEONPANDA_BUCKET": settings.bucket,
        "NEONPANDA_COGNITO_USER_POOL_ID": pool.pool_id,
        "NEONPANDA_COGNITO_CLIENT_ID": pool.client_id,
        "NEONPANDA_JWKS_URL": pool.jwks_url,
        "NEONPANDA_CURSOR_SECRET": "c" * 43,
        "NEONPANDA_CORS_ORIGINS": '["https://app.neonpanda.ai"]',
    }


async def put_secret(engine: EmbeddedEngine, name: str, value: str) -> str:
    """A Secrets Manager secret in the engine (as the template's CursorSecret); its ARN."""
    import aioboto3

    session = aioboto3.Session(region_name="us-east-1", **ENGINE_CREDENTIALS)
    async with session.client("secretsmanager", endpoint_url=engine.endpoint_url) as client:
        created = await client.create_secret(Name=name, SecretString=value)
    return str(created["ARN"])


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)


@pytest.fixture
async def aws(engine: EmbeddedEngine, settings: Settings) -> AsyncIterator[AwsClients]:
    """Clients on a freshly reset engine with the table and bucket created."""
    engine.reset()
    async with AsyncExitStack() as stack:
        clients = await open_clients(stack, settings, engine.endpoint_url, ENGINE_CREDENTIALS)
        # The seed's table, migrated by the same code as `uv run server.py migrate`.
        await create_table(clients.dynamodb, settings.table_name)
        await create_bucket(clients.s3, settings.bucket, settings.region)
        await migrate(Table(clients.dynamodb, settings.table_name))
        yield clients


@pytest.fixture
async def stores(aws: AwsClients, settings: Settings) -> Stores:
    table = Table(aws.dynamodb, settings.table_name, settings.batch_get_deadline_seconds)
    table.accelerators = await read_accelerators(aws.dynamodb, settings.table_name)
    return Stores.build(table, ContentStore(aws.s3, settings.bucket))


@pytest.fixture
def recorder() -> Iterator[CostRecorder]:
    """Counts the backend calls a test makes directly through the stores."""
    rec = CostRecorder()
    token = current_cost.set(rec)
    yield rec
    current_cost.reset(token)


@dataclass
class Api:
    """An HTTP client on the app, with helpers for GraphQL calls."""

    http: httpx.AsyncClient
    settings: Settings
    runtime: Runtime

    def token(self, user_id: str, **kwargs: Any) -> str:
        return mint_dev_token(DEV_SECRET, user_id, **kwargs)

    async def gql(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        user: str | None = "demo",
        headers: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        all_headers = dict(headers or {})
        if user is not None and "Authorization" not in all_headers:
            all_headers["Authorization"] = f"Bearer {self.token(user)}"
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=all_headers
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


async def _serve(app: Starlette, settings: Settings) -> AsyncIterator[Api]:
    async with served(app) as (http, runtime):
        yield Api(http, settings, runtime)


@pytest.fixture
async def api(engine: EmbeddedEngine, aws: AwsClients, settings: Settings) -> AsyncIterator[Api]:
    """The app over HTTP on an empty table."""
    async for client in _serve(create_app(settings, engine=engine), settings):
        yield client


@pytest.fixture(scope="session")
async def demo_snapshot(engine: EmbeddedEngine, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo athletes, seeded once through the stores, saved as a snapshot."""
    directory = tmp_path_factory.mktemp("demo-snapshot")
    settings = make_settings(directory, seed_demo_data=True)
    engine.reset()
    async with open_runtime(settings, engine=engine) as runtime:
        await Snapshotter(runtime.stores.table, runtime.stores.content, directory).save()
    return directory


@pytest.fixture
async def demo_api(
    engine: EmbeddedEngine, aws: AwsClients, settings: Settings, demo_snapshot: Path
) -> AsyncIterator[Api]:
    """The app over HTTP with the demo athletes (restored from the seeded snapshot)."""
    table = Table(aws.dynamodb, settings.table_name)
    await Snapshotter(table, ContentStore(aws.s3, settings.bucket), demo_snapshot).restore()
    async for client in _serve(create_app(settings, engine=engine), settings):
        yield client


async def serve_app_items(
    engine: EmbeddedEngine, tmp_path: Path, **overrides: Any
) -> AsyncIterator[Api]:
    """The app over HTTP on NeonPanda's app's own items (tests/app_items.py, both athletes,
    with their S3 objects) in a table created exactly as the seed defines it, not migrated."""
    engine.reset()
    settings = make_settings(tmp_path, **overrides)
    async with AsyncExitStack() as stack:
        clients = await open_clients(stack, settings, engine.endpoint_url, ENGINE_CREDENTIALS)
        await create_table(clients.dynamodb, settings.table_name)
        await create_bucket(clients.s3, settings.bucket, settings.region)
        await bulk_put(Table(clients.dynamodb, settings.table_name), app_items.all_items())
        for user in (app_items.ATHLETE, app_items.OTHER):
            for key, body in app_items.s3_objects(user).items():
                await clients.s3.put_object(Bucket=settings.bucket, Key=key, Body=body)
    async for api in _serve(create_app(settings, engine=engine, migrate=False), settings):
        yield api


@pytest.fixture
async def app_api(engine: EmbeddedEngine, tmp_path: Path) -> AsyncIterator[Api]:
    """The app's items, unmigrated, with the stream indexer running."""
    async for api in serve_app_items(engine, tmp_path, indexer=True):
        yield api


def cost(body: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = body["extensions"]["cost"]
    return result


def free_port() -> int:
    """A loopback port free now (for a server process a test starts)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


NODE_DIR = Path(__file__).resolve().parent / "node"


async def ensure_node_clients() -> Path:
    """tests/node's packages (its lockfile pins them): .ci/run installs them first; a
    plain `uv run pytest` installs them here (node and npm, with the npm registry)."""
    import json
    import subprocess

    wanted = json.loads((NODE_DIR / "package.json").read_text())["dependencies"]
    if not all((NODE_DIR / "node_modules" / name).is_dir() for name in wanted):
        await asyncio.to_thread(
            subprocess.run,
            ["npm", "ci", "--no-audit", "--no-fund", "--prefix", str(NODE_DIR)],
            check=True,
            capture_output=True,
            timeout=300,
        )
    return NODE_DIR

"""DynamoDB and S3 on two different endpoints (NEONPANDA_DYNAMODB_ENDPOINT_URL and
NEONPANDA_S3_ENDPOINT_URL), production-style: Cognito tokens checked against a JWKS
served over HTTP, the table made by `server.py create-table`."""

from __future__ import annotations

import gzip
import json
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import pytest

import server
from app import create_app
from datasources.aws import open_clients
from devserver.asgi import served
from devserver.cognito import LocalUserPool
from devserver.engine import ENGINE_CREDENTIALS, EmbeddedEngine
from settings import Settings
from tests.conftest import make_settings


@pytest.fixture
def s3_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedEngine]:
    with EmbeddedEngine(log_path=tmp_path_factory.mktemp("s3") / "engine.log") as running:
        yield running


@pytest.fixture
async def settings_two(
    engine: EmbeddedEngine,
    s3_engine: EmbeddedEngine,
    user_pool: LocalUserPool,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[Settings]:
    engine.reset()
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ENGINE_CREDENTIALS["aws_access_key_id"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", ENGINE_CREDENTIALS["aws_secret_access_key"])
    yield make_settings(
        tmp_path,
        dev_secret=None,
        dynamodb_endpoint_url=engine.endpoint_url,
        s3_endpoint_url=s3_engine.endpoint_url,
        cognito_user_pool_id=user_pool.pool_id,
        cognito_client_id=user_pool.client_id,
        jwks_url=user_pool.jwks_url,
    )


async def test_dynamodb_and_s3_on_two_endpoints(
    engine: EmbeddedEngine,
    s3_engine: EmbeddedEngine,
    settings_two: Settings,
    user_pool: LocalUserPool,
    capsys: pytest.CaptureFixture[str],
) -> None:
    settings = settings_two
    assert settings.backend.value != "embedded" and not settings.dev_auth_enabled
    assert await server.create_table(settings) == 0
    assert "created" in capsys.readouterr().out

    headers = {"Authorization": f"Bearer {user_pool.token('athlete-2e')}"}
    log = {"marker": "two endpoints", "sets": [5, 5, 5]}
    async with served(create_app(settings)) as (http, _):

        async def gql(query: str, variables: dict[str, Any]) -> dict[str, Any]:
            response = await http.post(
                "/graphql", json={"query": query, "variables": variables}, headers=headers
            )
            body: dict[str, Any] = response.json()
            assert response.status_code == 200 and "errors" not in body, body
            return body

        await gql(
            "mutation($i: CreateProfileInput!) { createProfile(input: $i) { user { userId } } }",
            {"i": {"username": "two_endpoints", "email": "two@example.com"}},
        )
        await gql(
            "mutation($i: LogWorkoutInput!) { logWorkout(input: $i) { workout { workoutId } } }",
            {
                "i": {
                    "workoutId": "wo-2e",
                    "completedAt": "2026-11-20T07:00:00.000Z",
                    "workoutName": "Squat day",
                    "discipline": "POWERLIFTING",
                    "detailedLog": log,
                }
            },
        )
        read = await gql(
            """{ viewer { workouts(first: 5) { edges { node { workoutId
                 detailedLog { key content } } } } } }""",
            {},
        )
    node = read["data"]["viewer"]["workouts"]["edges"][0]["node"]
    assert node["detailedLog"]["content"] == log

    # Each service's data is on its own endpoint, and only there.
    async with AsyncExitStack() as stack:
        on_dynamo = await open_clients(stack, settings, engine.endpoint_url, ENGINE_CREDENTIALS)
        on_s3 = await open_clients(stack, settings, s3_engine.endpoint_url, ENGINE_CREDENTIALS)
        assert settings.table_name in (await on_dynamo.dynamodb.list_tables())["TableNames"]
        assert (await on_s3.dynamodb.list_tables())["TableNames"] == []
        assert (await on_dynamo.s3.list_buckets())["Buckets"] == []
        stored = await on_s3.s3.get_object(Bucket=settings.bucket, Key=node["detailedLog"]["key"])
        async with stored["Body"] as body:
            assert json.loads(gzip.decompress(await body.read())) == log

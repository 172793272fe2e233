"""DynamoDB and S3 on two different endpoints (NEONPANDA_DYNAMODB_ENDPOINT_URL and
NEONPANDA_S3_ENDPOINT_URL), production-style: Cognito tokens checked against a JWKS
served over HTTP, the table made by `server.py create-table`."""

from __future__ import annotations

import gzip
import json
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

import server
from app import create_app
from datasources.aws import open_clients
from devserver.asgi import served
from devserver.engine import ENGINE_CREDENTIALS, EmbeddedEngine
from settings import Settings
from tests.conftest import make_settings

KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
POOL = "us-east-1_ENDPOINTS"
CLIENT = "client-endpoints"


@pytest.fixture
def jwks_url() -> Iterator[str]:
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(KEY.public_key()))
    body = json.dumps({"keys": [{**jwk, "kid": "k1", "alg": "RS256", "use": "sig"}]}).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/jwks.json"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def s3_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedEngine]:
    with EmbeddedEngine(log_path=tmp_path_factory.mktemp("s3") / "engine.log") as running:
        yield running


def _token(user: str) -> str:
    now = int(time.time())
    claims = {
        "iss": f"https://cognito-idp.us-east-1.amazonaws.com/{POOL}",
        "sub": user,
        "token_use": "access",
        "client_id": CLIENT,
        "iat": now,
        "exp": now + 600,
    }
    return jwt.encode(claims, KEY, algorithm="RS256", headers={"kid": "k1"})


@pytest.fixture
async def settings_two(
    engine: EmbeddedEngine,
    s3_engine: EmbeddedEngine,
    jwks_url: str,
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
        cognito_user_pool_id=POOL,
        cognito_client_id=CLIENT,
        jwks_url=jwks_url,
    )


async def test_dynamodb_and_s3_on_two_endpoints(
    engine: EmbeddedEngine,
    s3_engine: EmbeddedEngine,
    settings_two: Settings,
    capsys: pytest.CaptureFixture[str],
) -> None:
    settings = settings_two
    assert settings.backend.value != "embedded" and not settings.dev_auth_enabled
    assert await server.create_table(settings) == 0
    assert "created" in capsys.readouterr().out

    headers = {"Authorization": f"Bearer {_token('athlete-2e')}"}
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

"""The production install as README "Deploying" gives it: the locked dependencies without
the development group (no moto, no test tools) in a fresh virtualenv, `server.py` started
with AWS settings (here: the test engine as the endpoint, a local JWKS as Cognito's),
serving Cognito-signed requests, logging JSON lines, and refusing to start with a
development setting left on."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from datasources.aws import AwsClients
from devserver.engine import EmbeddedEngine
from settings import Settings
from tests.conftest import free_port, put_secret

ROOT = Path(__file__).resolve().parent.parent
POOL = "us-east-1_PROD"
CLIENT = "prod-client"
ISSUER = f"https://cognito-idp.us-east-1.amazonaws.com/{POOL}"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def production_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`uv export --no-dev` installed into a new virtualenv: what a deployment installs."""
    where = tmp_path_factory.mktemp("prod")
    requirements = where / "requirements.txt"

    def run(*args: str) -> None:
        subprocess.run(["uv", *args], cwd=ROOT, check=True, capture_output=True, timeout=600)

    run("export", "--frozen", "--no-dev", "--no-hashes", "-o", str(requirements))
    run("venv", "--python", sys.executable, str(where / "venv"))
    python = where / "venv" / "bin" / "python"
    run("pip", "install", "--python", str(python), "-r", str(requirements))
    return python


@pytest.fixture(scope="module")
def jwks_url() -> Iterator[str]:
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(KEY.public_key()))
    body = json.dumps({"keys": [{**jwk, "kid": "prod-1", "alg": "RS256", "use": "sig"}]})

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/.well-known/jwks.json"
    server.shutdown()
    server.server_close()


def _token(sub: str) -> str:
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "sub": sub,
        "token_use": "access",
        "client_id": CLIENT,
        "iat": now,
        "exp": now + 600,
    }
    return jwt.encode(claims, KEY, algorithm="RS256", headers={"kid": "prod-1"})


@pytest.fixture(scope="module")
def image_code(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Exactly the code the container image's COPY lines take (Dockerfile): the server
    must start and serve from that alone (no devserver/, tests/ or static/)."""
    from tests.test_infra import _copied

    where = tmp_path_factory.mktemp("image") / "app"
    where.mkdir()
    for source in _copied():
        if source.name in ("pyproject.toml", "uv.lock"):
            continue
        if source.is_dir():
            shutil.copytree(
                source, where / source.name, ignore=shutil.ignore_patterns("__pycache__")
            )
        else:
            shutil.copy2(source, where / source.name)
    assert not (where / "devserver").exists() and not (where / "tests").exists()
    return where


def _environment(engine: EmbeddedEngine, jwks: str, settings: Settings) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("NEONPANDA_", "AWS_"))}
    return {
        **keep,
        "AWS_ACCESS_KEY_ID": "embedded",
        "AWS_SECRET_ACCESS_KEY": "embedded",
        "NEONPANDA_ENVIRONMENT": "production",
        "NEONPANDA_ENDPOINT_URL": engine.endpoint_url,
        "NEONPANDA_TABLE_NAME": settings.table_name,
        "NEONPANDA_BUCKET": settings.bucket,
        "NEONPANDA_COGNITO_USER_POOL_ID": POOL,
        "NEONPANDA_COGNITO_CLIENT_ID": CLIENT,
        "NEONPANDA_JWKS_URL": jwks,
        "NEONPANDA_CURSOR_SECRET": "c" * 43,
        "NEONPANDA_CORS_ORIGINS": '["https://app.neonpanda.ai"]',
    }


def test_no_development_packages(production_python: Path) -> None:
    for module in ("moto", "pytest", "hypothesis", "playwright"):
        found = subprocess.run(
            [str(production_python), "-c", f"import {module}"], capture_output=True, timeout=60
        )
        assert found.returncode != 0, f"{module} is installed in production"


async def test_serves_with_aws_settings(
    production_python: Path,
    image_code: Path,
    engine: EmbeddedEngine,
    aws: AwsClients,
    settings: Settings,
    jwks_url: str,
) -> None:
    port = free_port()
    env = _environment(engine, jwks_url, settings)
    # The cursor secret as the template gives it: the ARN of a secret, read at start.
    del env["NEONPANDA_CURSOR_SECRET"]
    env["NEONPANDA_CURSOR_SECRET_ARN"] = await put_secret(engine, "neonpanda-cursor", "c" * 43)
    proc = subprocess.Popen(  # noqa: ASYNC220 - one server process for the test
        [str(production_python), "server.py", "--port", str(port)],
        cwd=image_code,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
            deadline = time.monotonic() + 60
            while True:
                assert proc.poll() is None, proc.stdout.read().decode() if proc.stdout else ""
                try:
                    ready = await http.get("/readyz")
                    if ready.status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                assert time.monotonic() < deadline, "not ready in 60 s"
                await asyncio.sleep(0.2)
            assert ready.json()["checks"] == {"table": "ok", "bucket": "ok", "tokens": "ok"}
            answer = await http.post(
                "/graphql",
                json={"query": "{ viewer { userId } }"},
                headers={"Authorization": f"Bearer {_token('prod-athlete')}"},
            )
            assert answer.status_code == 200, answer.text
            assert "errors" not in answer.json(), answer.text
            # Production: no GraphiQL page, no /metrics unless asked, introspection off.
            assert (await http.get("/graphql", headers={"accept": "text/html"})).status_code != 200
            assert (await http.get("/metrics")).status_code == 404
            introspect = await http.post(
                "/graphql",
                json={"query": "{ __schema { types { name } } }"},
                headers={"Authorization": f"Bearer {_token('prod-athlete')}"},
            )
            assert "errors" in introspect.json()
    finally:
        proc.terminate()
        output, _ = proc.communicate(timeout=60)
    lines = [json.loads(line) for line in output.decode().splitlines() if line.startswith("{")]
    requests = [line for line in lines if line.get("path") == "/graphql" and "status" in line]
    assert requests, output.decode()[-2000:]
    assert all(line["time"].endswith("Z") and line["level"] for line in lines)
    assert all(len(line["requestId"]) == 32 for line in requests)
    assert any(line.get("userId") == "prod-athlete" and "cost" in line for line in requests)


@pytest.mark.parametrize(
    ("variable", "value", "named"),
    [
        ("NEONPANDA_GRAPHIQL", "true", "NEONPANDA_GRAPHIQL"),
        ("NEONPANDA_CORS_ORIGINS", '["*"]', "CORS_ORIGINS"),
        ("NEONPANDA_CURSOR_SECRET", "", "CURSOR_SECRET"),
    ],
)
def test_refuses_development_settings(
    production_python: Path,
    engine: EmbeddedEngine,
    settings: Settings,
    jwks_url: str,
    variable: str,
    value: str,
    named: str,
) -> None:
    env = {**_environment(engine, jwks_url, settings), variable: value}
    result = subprocess.run(
        [str(production_python), "server.py", "--port", str(free_port())],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert named in result.stderr.decode()
    assert "refuses development settings" in result.stderr.decode()

"""The production install as docs/operations.md "Deploying" gives it: the locked dependencies
without the development group (no moto, no test tools) in a fresh virtualenv, `server.py`
started with AWS settings (here: the test engine as the endpoint, a local JWKS as
Cognito's), serving Cognito-signed requests, logging JSON lines, and refusing to start with
a development setting left on."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

import lifeline
from datasources.aws import AwsClients
from devserver.cognito import LocalUserPool
from devserver.engine import EmbeddedEngine
from settings import Settings
from tests.conftest import free_port, production_environment, put_secret

ROOT = Path(__file__).resolve().parent.parent

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
    user_pool: LocalUserPool,
) -> None:
    port = free_port()
    env = production_environment(engine, user_pool, settings)
    # The cursor secret as the template gives it: the ARN of a secret, read at start.
    del env["NEONPANDA_CURSOR_SECRET"]
    env["NEONPANDA_CURSOR_SECRET_ARN"] = await put_secret(engine, "neonpanda-cursor", "c" * 43)
    proc = subprocess.Popen(  # noqa: ASYNC220 - one server process for the test
        [str(production_python), "server.py", "--port", str(port)],
        cwd=image_code,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        preexec_fn=lifeline.parent_death_signal,
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
            assert ready.json()["checks"] == {
                "table": "ok",
                "bucket": "ok",
                "tokens": "ok",
                "stream": "ok",
            }
            answer = await http.post(
                "/graphql",
                json={"query": "{ viewer { userId } }"},
                headers={"Authorization": f"Bearer {user_pool.token('prod-athlete')}"},
            )
            assert answer.status_code == 200, answer.text
            assert "errors" not in answer.json(), answer.text
            # Production: no GraphiQL page, no /metrics unless asked, introspection off.
            assert (await http.get("/graphql", headers={"accept": "text/html"})).status_code != 200
            assert (await http.get("/metrics")).status_code == 404
            introspect = await http.post(
                "/graphql",
                json={"query": "{ __schema { types { name } } }"},
                headers={"Authorization": f"Bearer {user_pool.token('prod-athlete')}"},
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
    user_pool: LocalUserPool,
    variable: str,
    value: str,
    named: str,
) -> None:
    env = {**production_environment(engine, user_pool, settings), variable: value}
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

"""docs/configuration.md "Several processes": gunicorn with uvicorn's worker class, as
written there, serving with AWS settings (pointed at the test engine) from two worker processes."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

import lifeline
from datasources.aws import AwsClients
from datasources.content import ContentStore
from datasources.table import Table
from devserver.cognito import LocalUserPool
from devserver.engine import EmbeddedEngine
from devserver.snapshot import Snapshotter
from settings import Settings
from tests.conftest import free_port, production_environment, put_secret

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent

VIEWER = "{ viewer { userId } }"
PAGE = """query($after: String) { viewer { workouts(first: 5, after: $after) {
    edges { node { workoutId } } pageInfo { endCursor hasNextPage } } } }"""


def _served_by(log: Path) -> set[int]:
    """The processes whose request lines (JSON logs) answered /graphql."""
    pids = set()
    for line in log.read_text(errors="replace").splitlines():
        if line.startswith("{"):
            entry = json.loads(line)
            if entry.get("path") == "/graphql" and "status" in entry:
                pids.add(int(entry["pid"]))
    return pids


async def test_gunicorn_serves_the_app_from_two_workers(
    engine: EmbeddedEngine,
    aws: AwsClients,
    settings: Settings,
    demo_snapshot: Path,
    user_pool: LocalUserPool,
    tmp_path: Path,
) -> None:
    table = Table(aws.dynamodb, settings.table_name)
    await Snapshotter(table, ContentStore(aws.s3, settings.bucket), demo_snapshot).restore()
    env = production_environment(engine, user_pool, settings)
    del env["NEONPANDA_CURSOR_SECRET"]  # as the template gives it: the secret's ARN
    env["NEONPANDA_CURSOR_SECRET_ARN"] = await put_secret(engine, "gunicorn-cursor", "g" * 43)
    port = free_port()
    gunicorn = shutil.which("gunicorn") or str(Path(sys.executable).with_name("gunicorn"))
    # docs/configuration.md's command, on a free loopback port.
    command = [
        gunicorn,
        "server:worker_app()",
        "-k",
        "uvicorn_worker.UvicornWorker",
        "-w",
        "2",
        "-b",
        f"127.0.0.1:{port}",
        "--graceful-timeout",
        "30",
        "--keep-alive",
        "5",
    ]
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(  # noqa: ASYNC220 - one server for the test
            command,
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=lifeline.parent_death_signal,
        )
    headers = {"Authorization": f"Bearer {user_pool.token('demo')}"}
    pages: list[list[str]] = []
    try:
        # A new connection per request (no keep-alive): each is accepted by either worker.
        limits = httpx.Limits(max_keepalive_connections=0)
        url = f"http://127.0.0.1:{port}"
        async with httpx.AsyncClient(base_url=url, timeout=30, limits=limits) as http:

            async def post(query: str, variables: dict[str, str | None]) -> Any:
                answer = await http.post(
                    "/graphql", json={"query": query, "variables": variables}, headers=headers
                )
                body = answer.json()
                assert answer.status_code == 200 and "errors" not in body, body
                return body

            deadline = time.monotonic() + 90
            while True:
                assert proc.poll() is None, log.read_text()
                try:
                    if (await http.get("/readyz")).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                assert time.monotonic() < deadline, "not ready in 90 s"
                await asyncio.sleep(0.3)
            # Which worker accepts a connection is the kernel's choice: concurrent requests
            # until both have answered.
            for _ in range(20):
                await asyncio.gather(*(post(VIEWER, {}) for _ in range(6)))
                await asyncio.sleep(0.2)  # the request lines are written
                if len(_served_by(log)) == 2:
                    break
            assert len(_served_by(log)) == 2, log.read_text()[-3000:]

            after: str | None = None
            while True:
                body = await post(PAGE, {"after": after})
                workouts = body["data"]["viewer"]["workouts"]
                pages.append([e["node"]["workoutId"] for e in workouts["edges"]])
                if not workouts["pageInfo"]["hasNextPage"]:
                    break
                after = workouts["pageInfo"]["endCursor"]
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)
    # Each page followed the cursor of the page before, whichever worker signed it (each
    # read the one secret from its ARN): one list, no repeats, nothing missed.
    listed = [w for page in pages for w in page]
    assert len(listed) == len(set(listed)) == 32 and len(pages) == 7
    output = log.read_text()
    assert output.count("Booting worker with pid") == 2, output[-3000:]
    assert proc.returncode == 0, output[-3000:]

"""Embedded mode loses no acknowledged write, however the server or the engine stops.

Each case runs the real server (`server.py`, which starts its engine) as a process on its
own data directory, keeps writers busy through the GraphQL endpoint (memories created and
deleted, workouts with their S3 detailed log), stops things mid-stream in one way, starts
the server again on the same directory, and checks that every write it acknowledged is
there and no acknowledged delete came back.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

import lifeline
from auth import mint_dev_token
from tests.conftest import DEV_SECRET, free_port

ROOT = Path(__file__).resolve().parent.parent
TOKEN = mint_dev_token(DEV_SECRET, "demo")

CREATE = """mutation($input: CreateMemoryInput!) {
  createMemory(input: $input) { memory { memoryId version } } }"""
DELETE = """mutation($input: DeleteMemoryInput!) {
  deleteMemory(input: $input) { deletedMemoryId } }"""
LOG = """mutation($input: LogWorkoutInput!) {
  logWorkout(input: $input) { workout { workoutId } } }"""
MEMORIES = """query($after: String) { viewer { memories(first: 100, after: $after) {
  edges { node { memoryId content } } pageInfo { hasNextPage endCursor } } } }"""
WORKOUTS = """query($after: String) { viewer { workouts(first: 50, after: $after) {
  edges { node { workoutId detailedLog { content } } }
  pageInfo { hasNextPage endCursor } } } }"""


@dataclass
class Server:
    """`server.py` as a process on a data directory, in a process group of its own (the
    terminal's Ctrl-C reaches that group)."""

    data_dir: Path
    port: int = field(default_factory=free_port)
    proc: asyncio.subprocess.Process | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def engine_pid(self) -> int:
        return int((self.data_dir / "engine" / "lock").read_text().strip())

    async def start(self, *, seed: bool = False, expect_ready: bool = True) -> None:
        env = {
            **os.environ,
            "NEONPANDA_DATA_DIR": str(self.data_dir),
            "NEONPANDA_DEV_SECRET": DEV_SECRET,
            "NEONPANDA_SEED_DEMO_DATA": "true" if seed else "false",
            "NEONPANDA_INDEXER": "false",
            "NEONPANDA_DEMO_DATA_AFTER_START": "false",  # seeded when /healthz says 200
        }
        for key in ("NEONPANDA_ENDPOINT_URL", "NEONPANDA_USE_AWS"):
            env.pop(key, None)
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "server.py",
            "--port",
            str(self.port),
            cwd=ROOT,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            preexec_fn=lifeline.parent_death_signal,
            start_new_session=True,
        )
        if not expect_ready:
            return
        deadline = time.monotonic() + 120
        async with httpx.AsyncClient(base_url=self.url) as http:
            while time.monotonic() < deadline:
                if self.proc.returncode is not None:
                    raise AssertionError(f"server exited: {await self.output()}")
                with contextlib.suppress(httpx.HTTPError):
                    if (await http.get("/healthz")).status_code == 200:
                        return
                await asyncio.sleep(0.1)
        raise AssertionError("server did not become ready")

    async def output(self) -> str:
        assert self.proc is not None and self.proc.stdout is not None
        return (await self.proc.stdout.read()).decode(errors="replace")

    async def wait(self) -> int:
        assert self.proc is not None
        await asyncio.wait_for(self.proc.wait(), 60)
        assert self.proc.returncode is not None
        return self.proc.returncode


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (exited, not yet reaped by its parent) counts as gone.
    with contextlib.suppress(OSError):
        if Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] == "Z":
            return False
    return True


async def _gone(pid: int) -> bool:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if not _alive(pid):
            return True
        await asyncio.sleep(0.05)
    return False


@dataclass
class Ledger:
    """What the server acknowledged (a response without errors)."""

    created: set[str] = field(default_factory=set)
    deleting: set[str] = field(default_factory=set)  # sent; gone or not if unanswered
    deleted: set[str] = field(default_factory=set)
    workouts: dict[str, str] = field(default_factory=dict)  # id -> the log's marker


async def _gql(http: httpx.AsyncClient, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    response = await http.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    body: dict[str, Any] = response.json()
    if response.status_code != 200 or body.get("errors"):
        raise RuntimeError(body)
    data: dict[str, Any] = body["data"]
    return data


async def _writer(url: str, worker: int, ledger: Ledger, stop: asyncio.Event) -> None:
    """Creates memories, deletes every third one it created, logs a workout every fifth."""
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        n = 0
        while not stop.is_set():
            n += 1
            memory_id = f"w{worker}-m{n}"
            try:
                data = await _gql(
                    http,
                    CREATE,
                    {
                        "input": {
                            "memoryId": memory_id,
                            "content": f"c {memory_id}",
                            "memoryType": "PREFERENCE",
                        }
                    },
                )
                ledger.created.add(memory_id)
                if n % 3 == 0:
                    version = data["createMemory"]["memory"]["version"]
                    ledger.deleting.add(memory_id)
                    await _gql(
                        http,
                        DELETE,
                        {"input": {"memoryId": memory_id, "expectedVersion": version}},
                    )
                    ledger.deleted.add(memory_id)
                if n % 5 == 0:
                    workout_id = f"w{worker}-wo{n}"
                    await _gql(
                        http,
                        LOG,
                        {
                            "input": {
                                "workoutId": workout_id,
                                "completedAt": "2026-11-20T07:00:00.000Z",
                                "workoutName": "Fran",
                                "discipline": "CROSSFIT",
                                "detailedLog": {"marker": workout_id, "rounds": [21, 15, 9]},
                            }
                        },
                    )
                    ledger.workouts[workout_id] = workout_id
            except (httpx.HTTPError, RuntimeError):
                return  # the server (or its engine) is going away: stop writing


async def _pages(http: httpx.AsyncClient, query: str, field_name: str) -> list[dict[str, Any]]:
    nodes: list[dict[str, Any]] = []
    after = None
    while True:
        data = await _gql(http, query, {"after": after})
        connection = data["viewer"][field_name]
        nodes += [edge["node"] for edge in connection["edges"]]
        if not connection["pageInfo"]["hasNextPage"]:
            return nodes
        after = connection["pageInfo"]["endCursor"]


async def _check(server: Server, ledger: Ledger) -> None:
    """Everything acknowledged is there; nothing acknowledged as deleted is."""
    async with httpx.AsyncClient(base_url=server.url, timeout=60) as http:
        memories = {node["memoryId"] for node in await _pages(http, MEMORIES, "memories")}
        workouts = {
            node["workoutId"]: node["detailedLog"]["content"]
            for node in await _pages(http, WORKOUTS, "workouts")
            if node["workoutId"] in ledger.workouts
        }
    assert ledger.created - ledger.deleting <= memories, "acknowledged memories lost"
    assert not (ledger.deleted & memories), "acknowledged deletes came back"
    assert set(workouts) == set(ledger.workouts), "acknowledged workouts lost"
    for workout_id, content in workouts.items():
        assert content == {"marker": workout_id, "rounds": [21, 15, 9]}


async def _busy(server: Server, ledger: Ledger, seconds: float) -> tuple[asyncio.Event, list[Any]]:
    """Writers running for `seconds`; they keep running (in flight) when this returns."""
    stop = asyncio.Event()
    tasks = [asyncio.create_task(_writer(server.url, w, ledger, stop)) for w in range(4)]
    await asyncio.sleep(seconds)
    return stop, tasks


async def _drain(stop: asyncio.Event, tasks: list[Any]) -> None:
    stop.set()
    await asyncio.wait_for(asyncio.gather(*tasks), 60)


@pytest.fixture
def data_dir(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path / "data"
    # Whatever a failed case left running goes with it.
    lock = tmp_path / "data" / "engine" / "lock"
    with contextlib.suppress(OSError, ValueError):
        os.kill(int(lock.read_text().strip()), signal.SIGKILL)


# How the server process ends in each case: uvicorn stops gracefully on SIGINT and SIGTERM
# and then re-raises SIGTERM (so a supervisor sees what ended it); Ctrl-C ends with 0.
STOPS = {
    "kill-server": -signal.SIGKILL,
    "kill-engine": -signal.SIGKILL,
    "kill-both": -signal.SIGKILL,
    "ctrl-c": 0,
    "sigterm": -signal.SIGTERM,
}


@pytest.mark.slow(seconds=25)
@pytest.mark.parametrize("how", STOPS)
async def test_no_acknowledged_write_is_lost(data_dir: Path, how: str) -> None:
    ledger = Ledger()
    server = Server(data_dir)
    await server.start(seed=True)
    assert server.proc is not None
    for round_ in range(2):  # the second round starts from a recovered engine
        engine = server.engine_pid
        stop, tasks = await _busy(server, ledger, 2.0 + round_)
        if how == "kill-server":
            server.proc.kill()
        elif how == "kill-engine":
            os.kill(engine, signal.SIGKILL)
        elif how == "kill-both":
            os.kill(engine, signal.SIGKILL)
            server.proc.kill()
        elif how == "ctrl-c":
            os.killpg(server.proc.pid, signal.SIGINT)  # the terminal's whole process group
        else:
            server.proc.terminate()
        await _drain(stop, tasks)
        if how == "kill-engine":
            # The server notices nothing by itself; its operator stops it.
            server.proc.kill()
        code = await server.wait()
        assert code == STOPS[how], await server.output()
        # The engine never outlives its server.
        assert await _gone(engine), f"engine {engine} outlived the server ({how})"
        if how in ("ctrl-c", "sigterm"):
            # Graceful: the engine stopped after the server's last request, with a final
            # snapshot (nothing left to replay).
            journal = list((data_dir / "engine").glob("journal.*"))
            assert journal and all(path.stat().st_size == 0 for path in journal)
        server = Server(data_dir)
        await server.start()
        assert server.proc is not None
        await _check(server, ledger)
    assert len(ledger.created) > 20 and ledger.deleted and ledger.workouts
    assert server.proc is not None
    server.proc.terminate()
    assert await server.wait() == -signal.SIGTERM


@pytest.mark.slow
async def test_a_second_server_on_the_same_data_is_refused(data_dir: Path) -> None:
    first = Server(data_dir)
    await first.start()
    second = Server(data_dir)
    await second.start(expect_ready=False)
    code = await second.wait()
    out = await second.output()
    assert code != 0
    assert "in use by another NeonPanda" in out, out
    assert "Traceback" not in out, out
    # The first is unharmed.
    async with httpx.AsyncClient(base_url=first.url) as http:
        assert (await http.get("/healthz")).status_code == 200
    assert first.proc is not None
    first.proc.send_signal(signal.SIGINT)
    assert await first.wait() == 0

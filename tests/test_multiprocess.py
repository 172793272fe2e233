"""Several server processes: `server.py --workers 2` (one embedded engine, started once by
the parent), and two separate `server.py` processes on one engine.

Requests go over fresh connections (no keep-alive), so the kernel spreads them over the
workers; in dev mode every answer of a worker names it (`X-Served-By: <pid>`). Each
guarantee is checked on trials whose answers came from both workers: idempotency,
versions, uniqueness, the contact form's shared cap and cursors. The dev secret is the one
the parent generated in the data directory (no NEONPANDA_DEV_SECRET): both workers accept
its tokens.

Live updates across processes: a message sent through process A, and one written to the
table directly (as the app's Lambdas write: read, append, put), reach a `conversationEvents`
subscriber on process B; another athlete's subscriber on B receives nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aioboto3
import httpx
import pytest
from boto3.dynamodb.conditions import Key
from websockets.exceptions import ConnectionClosed

import lifeline
from auth import mint_dev_token
from devserver.engine import ENGINE_CREDENTIALS, EmbeddedEngine
from devserver.live_client import live
from tests.conftest import DEV_SECRET, free_port

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
TRIALS = 20  # attempts for a trial whose answers come from both workers
WAIT = 20.0


def _prepare(data_dir: Path) -> Path:
    data_dir.mkdir(parents=True, exist_ok=True)
    return data_dir.parent


@dataclass
class Served:
    proc: asyncio.subprocess.Process
    url: str
    data_dir: Path
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@asynccontextmanager
async def server_process(
    data_dir: Path, *args: str, env: dict[str, str] | None = None
) -> AsyncIterator[Served]:
    """`server.py` as a process (its own process group) with only the NEONPANDA_* settings
    given here; ready when yielded, stopped (SIGTERM, then SIGKILL) after."""
    port = free_port()
    log = _prepare(data_dir) / f"server-{port}.log"
    environment = {k: v for k, v in os.environ.items() if not k.startswith("NEONPANDA_")}
    environment.update(
        {
            "NEONPANDA_DATA_DIR": str(data_dir),
            "NEONPANDA_RATE_LIMIT_COST_PER_WINDOW": str(10**12),
            # Ready means the demo athletes are there (the tests read them at once).
            "NEONPANDA_DEMO_DATA_AFTER_START": "false",
            **(env or {}),
        }
    )
    with log.open("wb") as out:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "server.py",
            "--port",
            str(port),
            *args,
            cwd=ROOT,
            env=environment,
            stdout=out,
            stderr=asyncio.subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=lifeline.parent_death_signal,
        )
    served = Served(proc, f"http://127.0.0.1:{port}", data_dir, log)
    try:
        deadline = time.monotonic() + 120
        async with httpx.AsyncClient(base_url=served.url) as http:
            while True:
                assert proc.returncode is None, f"server exited: {served.output()}"
                assert time.monotonic() < deadline, f"not ready: {served.output()}"
                with contextlib.suppress(httpx.HTTPError):
                    if (await http.get("/healthz")).status_code == 200:
                        break
                await asyncio.sleep(0.2)
        yield served
    finally:
        if proc.returncode is None:
            proc.terminate()
            try:
                await asyncio.wait_for(proc.wait(), 60)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                await proc.wait()


@dataclass
class Answer:
    pid: int
    body: dict[str, Any]

    @property
    def code(self) -> str | None:
        errors = self.body.get("errors")
        return str(errors[0]["extensions"]["code"]) if errors else None


class Client:
    """Every request on a new connection; the answer with the worker that gave it."""

    def __init__(self, url: str, secret: str) -> None:
        self.http = httpx.AsyncClient(
            base_url=url, timeout=30, limits=httpx.Limits(max_keepalive_connections=0)
        )
        self.secret = secret
        self.served: Served | None = None

    async def gql(
        self, query: str, variables: dict[str, Any] | None = None, user: str | None = "ann"
    ) -> Answer:
        headers = {}
        if user is not None:
            headers["Authorization"] = f"Bearer {mint_dev_token(self.secret, user)}"
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
        assert response.status_code == 200, response.text
        return Answer(int(response.headers["x-served-by"]), response.json())


async def _staggered(calls: list[Callable[[], Awaitable[Answer]]]) -> list[Answer]:
    """Concurrent calls, each started a few milliseconds after the previous one (so the
    connections arrive one by one and both workers accept some)."""

    async def later(n: int, call: Callable[[], Awaitable[Answer]]) -> Answer:
        await asyncio.sleep(n * 0.004)
        return await call()

    return await asyncio.gather(*(later(n, call) for n, call in enumerate(calls)))


async def _across(
    trial: Callable[[int], Awaitable[list[Answer]]],
) -> list[Answer]:
    """Trials until one's answers came from both workers (each trial checks itself)."""
    for attempt in range(TRIALS):
        answers = await trial(attempt)
        if len({a.pid for a in answers}) >= 2:
            return answers
    raise AssertionError(f"no trial of {TRIALS} was answered by both workers")


PROFILE = """mutation($i: CreateProfileInput!) { createProfile(input: $i) { user { userId } } }"""
CREATE_MEMORY = """mutation($i: CreateMemoryInput!) { createMemory(input: $i) {
    memory { memoryId content version } } }"""
UPDATE_MEMORY = """mutation($i: UpdateMemoryInput!) { updateMemory(input: $i) {
    memory { memoryId content version } } }"""
MEMORIES = """query($first: Int!, $after: String) { viewer { memories(first: $first,
    after: $after) { edges { cursor node { memoryId content } } } } }"""
CONTACT = """mutation($i: SubmitContactFormInput!) { submitContactForm(input: $i) {
    submittedAt duplicate } }"""


@pytest.fixture(scope="module")
async def workers(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Client]:
    data_dir = tmp_path_factory.mktemp("workers") / "data"
    caps = {"NEONPANDA_CONTACT_MAX_PER_EMAIL": "2", "NEONPANDA_CONTACT_MAX_PER_ADDRESS": "1000"}
    async with server_process(data_dir, "--workers", "2", env=caps) as served:
        # The secret the parent generated (and both workers read) signs the tokens.
        secret = (data_dir / "dev-secret").read_text().strip()
        client = Client(served.url, secret)
        first = await client.gql(PROFILE, {"i": {"username": "ann", "email": "ann@example.com"}})
        assert first.code is None, first.body
        client.served = served
        # The one engine, started by the parent: its pid is in the data directory's lock.
        engine_pid = int((data_dir / "engine" / "lock").read_text().split()[0])
        os.kill(engine_pid, 0)  # running
        yield client
        await client.http.aclose()
    # The parent stopped the engine after its workers: nothing is left running.
    deadline = time.monotonic() + 15
    while True:
        try:
            os.kill(engine_pid, 0)
        except ProcessLookupError:
            break
        assert time.monotonic() < deadline, f"engine {engine_pid} outlived the server"
        await asyncio.sleep(0.1)


async def test_requests_spread_over_two_worker_processes(workers: Client) -> None:
    pids: set[int] = set()
    for _ in range(TRIALS):
        answers = await _staggered([lambda: workers.gql("{ __typename }")] * 8)
        assert all(a.body["data"] == {"__typename": "Query"} for a in answers)
        pids |= {a.pid for a in answers}
        if len(pids) >= 2:
            break
    assert len(pids) == 2, pids
    served = workers.served
    assert served is not None
    for pid in pids:  # both children of the one server process
        assert _ppid(pid) == served.proc.pid
    # One engine, started by the parent (not by a worker), holding the data directory.
    engine, command, started_by_workers = _engine_and_children(served.data_dir, pids)
    assert _ppid(engine) == served.proc.pid
    assert "engine_server" in command
    assert started_by_workers == [], "a worker started processes of its own"


def _engine_and_children(data_dir: Path, parents: set[int]) -> tuple[int, str, list[int]]:
    engine = int((data_dir / "engine" / "lock").read_text().strip())
    command = Path(f"/proc/{engine}/cmdline").read_bytes().decode(errors="replace")
    children = [
        int(p.name)
        for p in Path("/proc").iterdir()
        if p.name.isdigit() and _ppid(int(p.name)) in parents
    ]
    return engine, command, children


def _ppid(pid: int) -> int:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return -1
    return int(stat.rsplit(")", 1)[1].split()[1])


async def test_one_idempotency_key_sent_to_both_workers_writes_once(workers: Client) -> None:
    async def trial(n: int) -> list[Answer]:
        variables = {
            "i": {"content": f"idem {n}", "memoryType": "PREFERENCE", "idempotencyKey": f"k{n}"}
        }
        answers = await _staggered([lambda: workers.gql(CREATE_MEMORY, variables)] * 6)
        assert [a.code for a in answers] == [None] * 6, [a.body for a in answers]
        memories = {a.body["data"]["createMemory"]["memory"]["memoryId"] for a in answers}
        assert len(memories) == 1, memories  # the same answer everywhere
        listed = await workers.gql(MEMORIES, {"first": 100})
        contents = [
            e["node"]["content"] for e in listed.body["data"]["viewer"]["memories"]["edges"]
        ]
        assert contents.count(f"idem {n}") == 1  # one write
        return answers

    await _across(trial)


async def test_one_expected_version_raced_on_both_workers_one_wins(workers: Client) -> None:
    async def trial(n: int) -> list[Answer]:
        created = await workers.gql(
            CREATE_MEMORY, {"i": {"content": f"v{n}", "memoryType": "PREFERENCE"}}
        )
        memory_id = created.body["data"]["createMemory"]["memory"]["memoryId"]

        def update(k: int) -> Callable[[], Awaitable[Answer]]:
            change = {"memoryId": memory_id, "expectedVersion": 1, "content": f"v{n} by {k}"}
            return lambda: workers.gql(UPDATE_MEMORY, {"i": change})

        answers = await _staggered([update(k) for k in range(6)])
        winners = [a for a in answers if a.code is None]
        assert len(winners) == 1, [a.body for a in answers]
        for loser in answers:
            if loser is not winners[0]:
                assert loser.body["errors"][0]["extensions"] == {
                    "code": "CONFLICT",
                    "currentVersion": 2,
                }
        return answers

    await _across(trial)


async def test_one_username_claimed_on_both_workers_one_wins(workers: Client) -> None:
    async def trial(n: int) -> list[Answer]:
        def claim(k: int) -> Callable[[], Awaitable[Answer]]:
            profile = {"username": f"taken{n}", "email": f"r{n}-{k}@example.com"}
            return lambda: workers.gql(PROFILE, {"i": profile}, user=f"racer-{n}-{k}")

        answers = await _staggered([claim(k) for k in range(6)])
        assert [a.code for a in answers].count(None) == 1, [a.body for a in answers]
        assert {a.code for a in answers} - {None} <= {"BAD_USER_INPUT", "CONFLICT"}
        return answers

    await _across(trial)


async def test_the_contact_form_cap_per_email_is_shared_by_the_workers(workers: Client) -> None:
    async def trial(n: int) -> list[Answer]:
        def submit(k: int) -> Callable[[], Awaitable[Answer]]:
            form = {"email": f"Spam{n}@Example.com", "message": f"hi {k}", "subject": f"s{k}"}
            return lambda: workers.gql(CONTACT, {"i": form}, user=None)

        answers = await _staggered([submit(k) for k in range(6)])
        # At most 2 per email, whichever worker took them.
        assert sorted(str(a.code) for a in answers) == ["None"] * 2 + ["RATE_LIMITED"] * 4
        return answers

    await _across(trial)


async def test_a_cursor_of_one_worker_is_accepted_by_the_other(workers: Client) -> None:
    for n in range(3):
        await workers.gql(CREATE_MEMORY, {"i": {"content": f"page {n}", "memoryType": "GOAL"}})
    everything = await workers.gql(MEMORIES, {"first": 100})
    ids = [e["node"]["memoryId"] for e in everything.body["data"]["viewer"]["memories"]["edges"]]
    crossed: set[tuple[int, int]] = set()
    for _ in range(TRIALS * 2):
        first = await workers.gql(MEMORIES, {"first": 1})
        cursor = first.body["data"]["viewer"]["memories"]["edges"][0]["cursor"]
        second = await workers.gql(MEMORIES, {"first": 1, "after": cursor})
        assert second.code is None, second.body
        edges = second.body["data"]["viewer"]["memories"]["edges"]
        assert [e["node"]["memoryId"] for e in edges] == ids[1:2]
        if first.pid != second.pid:
            crossed.add((first.pid, second.pid))
        if len(crossed) == 2:  # both ways
            break
    assert crossed, "every cursor was used on the worker that issued it"


async def test_a_socket_message_over_the_size_limit_is_refused_by_uvicorn_itself(
    workers: Client,
) -> None:
    """server.py gives uvicorn the app's WebSocket message limit (64 KB): a bigger one is
    refused by the protocol layer as its frame header arrives (1009), in websockets' words
    rather than the app's (the app checks too, for servers started otherwise)."""
    assert workers.served is not None
    async with live(workers.served.url, mint_dev_token(workers.secret, "ann")) as client:
        await client.socket.send("x" * (64 * 1024 + 1))
        with contextlib.suppress(ConnectionClosed):
            while True:
                await asyncio.wait_for(client.socket.recv(), WAIT)
        assert client.socket.close_code == 1009
        assert client.socket.close_reason and "Message too big" not in client.socket.close_reason


# Two separate server processes on one engine: live updates.

SUBSCRIPTION = """subscription { conversationEvents(conversationId: "t") {
    kind message { role content } } }"""


async def _append_as_the_app(endpoint_url: str, table_name: str, user: str, text: str) -> None:
    """What the app's Lambdas do with a conversation: read the item, append a message,
    put the whole item back (no condition, no version bump)."""
    session = aioboto3.Session(region_name="us-east-1", **ENGINE_CREDENTIALS)
    async with session.resource("dynamodb", endpoint_url=endpoint_url) as dynamodb:
        table = await dynamodb.Table(table_name)
        found = await table.query(
            KeyConditionExpression=Key("pk").eq(f"user#{user}")
            & Key("sk").begins_with("coachConversation#"),
            ConsistentRead=True,
        )
        (item,) = [i for i in found["Items"] if i["attributes"]["conversationId"] == "t"]
        attributes = item["attributes"]
        attributes["messages"].append(
            {
                "id": "msg_from_the_app",
                "role": "assistant",
                "content": text,
                "timestamp": "2026-11-26T10:00:00.000Z",
                "messageType": "text",
            }
        )
        attributes["metadata"]["totalMessages"] += 1
        item["updatedAt"] = "2026-11-26T10:00:00.000Z"
        await table.put_item(Item=item)


async def test_two_server_processes_on_one_engine_deliver_each_others_writes(
    tmp_path: Path,
) -> None:
    with EmbeddedEngine(log_path=tmp_path / "engine.log") as engine:
        env = {
            "NEONPANDA_EMBEDDED_ENGINE_PORT": str(engine.port),
            "NEONPANDA_DEV_SECRET": DEV_SECRET,
            "NEONPANDA_SEED_DEMO_DATA": "false",
        }
        # A first (it creates and migrates the table on the engine), then B.
        async with (
            server_process(tmp_path / "a", env=env) as a,
            server_process(tmp_path / "b", env=env) as b,
            contextlib.AsyncExitStack() as stack,
        ):
            assert a.proc.pid != b.proc.pid
            http = await stack.enter_async_context(httpx.AsyncClient(base_url=a.url, timeout=30))
            for user in ("ann", "bob"):
                await _gql(http, user, PROFILE, {"i": {"username": user, "email": f"{user}@x.io"}})
            await _gql(
                http,
                "ann",
                'mutation { createCoach(input: {name: "V", coachId: "c1"}) { coach { coachId } } }',
            )
            await _gql(
                http,
                "ann",
                'mutation { startConversation(input: {coachId: "c1", conversationId: "t"}) '
                "{ conversation { conversationId } } }",
            )
            async with (
                live(b.url, mint_dev_token(DEV_SECRET, "ann")) as ann,
                live(b.url, mint_dev_token(DEV_SECRET, "bob")) as bob,
            ):
                await ann.subscribe(SUBSCRIPTION)
                await bob.subscribe(SUBSCRIPTION)  # not bob's: NOT_FOUND, then nothing
                refused = await asyncio.wait_for(bob.message(), WAIT)
                assert refused["payload"]["errors"][0]["extensions"]["code"] == "NOT_FOUND"
                assert (await asyncio.wait_for(bob.message(), WAIT))["type"] == "complete"
                await asyncio.sleep(1.0)  # B's hub holds its stream positions
                await _gql(
                    http,
                    "ann",
                    """mutation { sendMessage(input: {coachId: "c1", conversationId: "t",
                        messages: [{role: USER, content: "through A"}]}) {
                        conversation { totalMessages } } }""",
                )
                event = await asyncio.wait_for(ann.message(), WAIT)
                assert event["type"] == "next", event
                assert event["payload"]["data"]["conversationEvents"] == {
                    "kind": "MESSAGE_ADDED",
                    "message": {"role": "USER", "content": "through A"},
                }
                await _append_as_the_app(engine.endpoint_url, "neonpanda", "ann", "from a Lambda")
                event = await asyncio.wait_for(ann.message(), WAIT)
                assert event["payload"]["data"]["conversationEvents"] == {
                    "kind": "MESSAGE_ADDED",
                    "message": {"role": "ASSISTANT", "content": "from a Lambda"},
                }
                with contextlib.suppress(TimeoutError):
                    leaked = await asyncio.wait_for(bob.message(), 1.5)
                    raise AssertionError(f"bob received {leaked}")


async def _gql(
    http: httpx.AsyncClient, user: str, query: str, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    response = await http.post(
        "/graphql",
        json={"query": query, "variables": variables or {}},
        headers={"Authorization": f"Bearer {mint_dev_token(DEV_SECRET, user)}"},
    )
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


async def test_workers_import_an_older_versions_snapshot_once(
    demo_snapshot: Path, tmp_path: Path
) -> None:
    """`<data dir>/snapshot/` (how versions before the engine's journal kept data) is
    imported by `server.py --workers`'s parent before the workers start, then renamed."""
    import shutil

    data_dir = tmp_path / "data"
    data_dir.mkdir()
    shutil.copytree(demo_snapshot, data_dir / "snapshot")
    no_seed = {"NEONPANDA_SEED_DEMO_DATA": "false"}
    async with server_process(data_dir, "--workers", "2", env=no_seed) as served:
        client = Client(served.url, (data_dir / "dev-secret").read_text().strip())
        try:
            answers = [
                await client.gql("{ viewer { username workouts { totalCount } } }", user="demo")
                for _ in range(4)
            ]
        finally:
            await client.http.aclose()
    for answer in answers:
        assert answer.body["data"]["viewer"] == {"username": "demo", "workouts": {"totalCount": 32}}
    assert not (data_dir / "snapshot").exists()
    assert (data_dir / "snapshot.imported" / "table.json").exists()
    assert served.output().count("imported ") == 1, served.output()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


async def _gone(pids: list[int], seconds: float = WAIT) -> list[int]:
    """Waits until every pid is gone (or the time is up): the ones still alive."""
    deadline = time.monotonic() + seconds
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:  # noqa: ASYNC110 (no event for another process's exit)
        await asyncio.sleep(0.1)
    return [p for p in pids if _alive(p)]


def _children(pid: int) -> list[int]:
    found = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in found.read_text().split()] if found.exists() else []


async def test_the_workers_end_with_their_parent_even_after_kill_9(tmp_path: Path) -> None:
    async with server_process(tmp_path / "data", "--workers", "2") as served:
        workers = _children(served.proc.pid)
        assert len(workers) >= 3, workers  # the engine and two workers
        try:
            served.proc.send_signal(signal.SIGKILL)
            await served.proc.wait()
            left = await _gone(workers)
            assert left == [], f"still running after their parent's kill -9: {left}"
            with contextlib.suppress(httpx.HTTPError), pytest.raises(httpx.HTTPError):
                async with httpx.AsyncClient(base_url=served.url, timeout=2) as http:
                    await http.get("/healthz")  # nothing holds the port any more
        finally:
            for pid in workers:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)


# A stand-in for the suite: starts server.py as every spawn of the suite does.
STAND_IN = """
import subprocess, sys
import lifeline
server = subprocess.Popen(
    [sys.executable, "server.py", "--port", sys.argv[1]],
    stdout=subprocess.DEVNULL,
    stderr=subprocess.DEVNULL,
    preexec_fn=lifeline.parent_death_signal,
)
print(server.pid, flush=True)
server.wait()
"""


async def test_a_server_the_suite_started_ends_when_the_suite_is_killed(tmp_path: Path) -> None:
    """The suite's processes carry a parent-death signal (`lifeline.parent_death_signal`):
    a suite killed with -9 leaves no server.py behind, nor its engine."""
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("NEONPANDA_")}
    environment["NEONPANDA_DATA_DIR"] = str(tmp_path / "data")
    stand_in = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        STAND_IN,
        str(port),
        cwd=ROOT,
        env=environment,
        stdout=asyncio.subprocess.PIPE,
        start_new_session=True,
    )
    assert stand_in.stdout is not None
    server = int(await stand_in.stdout.readline())
    started = [server]
    try:
        deadline = time.monotonic() + 120
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
            while True:
                assert _alive(server) and time.monotonic() < deadline, "server.py never came up"
                with contextlib.suppress(httpx.HTTPError):
                    if (await http.get("/healthz")).status_code == 200:
                        break
                await asyncio.sleep(0.2)
        started += [p for p in _children(server) if "engine_server" in _cmdline(p)]
        assert len(started) == 2, started  # the server and its engine
        stand_in.kill()
        await stand_in.wait()
        left = await _gone(started, WAIT * 3)
        assert left == [], f"still running after the suite's kill -9: {left}"
    finally:
        for pid in started:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


async def test_the_server_stops_when_its_engine_dies(tmp_path: Path) -> None:
    """The engine killed under it: the server stops with a failure status (its journal
    makes a restart safe) instead of answering every query SERVICE_UNAVAILABLE forever."""
    async with server_process(tmp_path / "data") as served:
        (engine,) = [p for p in _children(served.proc.pid) if "engine_server" in _cmdline(p)]
        os.kill(engine, signal.SIGKILL)
        status = await asyncio.wait_for(served.proc.wait(), WAIT * 3)
        assert status == 3, served.output()
        assert "the embedded engine died" in served.output()


def _cmdline(pid: int) -> str:
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ")
    return ""


async def test_a_clean_stop_is_not_mistaken_for_the_engines_death(tmp_path: Path) -> None:
    async with server_process(tmp_path / "data") as served:
        served.proc.terminate()
        status = await asyncio.wait_for(served.proc.wait(), WAIT * 3)
    # uvicorn ends a SIGTERM'd server by the signal, re-raised after its graceful shutdown.
    assert status in (0, -signal.SIGTERM), served.output()
    assert "engine died" not in served.output()


DEMO_TOTALS = """{ viewer { userId
    coaches(first: 1) { totalCount } conversations(first: 1) { totalCount }
    workouts(first: 1) { totalCount } memories(first: 1) { totalCount }
    coachCreatorSessions(first: 1) { totalCount } programs(first: 1) { totalCount }
} }"""


async def test_server_py_seeds_the_demo_athletes_beside_its_first_requests(
    tmp_path: Path, demo_api: Any
) -> None:
    """`uv run server.py` on a new data directory answers once the table is there and
    seeds the demo athletes as a background job (NEONPANDA_DEMO_DATA_AFTER_START, on by
    default): when its log says the job is done, both athletes hold exactly what the
    seeding before the first answer (every other way of starting; `demo_api` here) gives."""
    expected = {}
    for user in ("demo", "demo2"):
        body = await demo_api.gql(DEMO_TOTALS, user=user)
        assert "errors" not in body, body
        expected[user] = body["data"]["viewer"]
    env = {"NEONPANDA_DEV_SECRET": DEV_SECRET, "NEONPANDA_DEMO_DATA_AFTER_START": "true"}
    async with (
        server_process(tmp_path / "data", env=env) as served,
        httpx.AsyncClient(base_url=served.url, timeout=30) as http,
    ):
        # Answering: a query is served whether or not the job has reached this athlete.
        first = (await _gql_body(http, "demo", "{ viewer { userId } }"))["data"]
        assert first["viewer"] in (None, {"userId": "demo"}), first
        deadline = time.monotonic() + 120
        while "demo data done in" not in served.output():
            assert "demo data failed" not in served.output(), served.output()
            assert time.monotonic() < deadline, served.output()
            await asyncio.sleep(0.1)
        for user in ("demo", "demo2"):
            body = await _gql_body(http, user, DEMO_TOTALS)
            assert body["data"]["viewer"] == expected[user], (user, body)
    # The next start finds the athletes and seeds nothing.
    async with server_process(tmp_path / "data", env=env) as served:
        async with httpx.AsyncClient(base_url=served.url, timeout=30) as http:
            body = await _gql_body(http, "demo", DEMO_TOTALS)
            assert body["data"]["viewer"] == expected["demo"]
        assert "demo data" not in served.output()


async def _gql_body(http: httpx.AsyncClient, user: str, query: str) -> dict[str, Any]:
    response = await http.post(
        "/graphql",
        json={"query": query},
        headers={"Authorization": f"Bearer {mint_dev_token(DEV_SECRET, user)}"},
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    return body

"""Cold start of the Lambda handler (`lambda_handler.handler`), each run in a fresh process.

The benchmark starts an embedded engine with the demo athletes (table migrated) and a
JWKS endpoint, then runs a new Python process per run, configured as the function is on
AWS (`NEONPANDA_USE_AWS`-style settings pointed at the engine, Cognito tokens RS256-signed
by a local key, production mode), which measures:

- **import**: `import lambda_handler` (the app, strawberry, starlette, aioboto3, pydantic...);
- **first invocation**, in its three parts: building the app (`create_app`: settings,
  schema, middleware), the lifespan (AWS clients, the cursor secret named by its ARN as the
  template sets it: GetSecretValue, the seed check and the accelerators: DescribeTable,
  DescribeTimeToLive, BatchGetItem) and the first request (token check
  with the JWKS fetch, the dashboard query);
- **warm invocations**: the same event again (p50 of 20).

Then `python -X importtime` of the same import: the packages that dominate it.

By default the processes run the **Lambda bundle**, built as docs/operations.md "Deploying"
builds the zip (`uv export --no-dev`, installed with `--target` into a directory, the code
copied beside it, everything compiled to `.pyc`) and run by the base interpreter with only
that directory on the path and no writing of `.pyc` files, as Lambda runs `/var/task`;
`--no-pyc` leaves the `.pyc` files out (every cold start then compiles every module);
`--venv` runs the development virtualenv instead (it holds the dev tools too: e.g. httpx
then imports its CLI's rich and pygments).

    uv run python -m benchmarks.bench_cold_start [--runs 5] [--top 12] [--no-pyc | --venv]

Figures are this machine's: Lambda gives a function CPU in proportion to its memory
(1,769 MB is one vCPU), so at 1,024 MB the CPU-bound parts take ~1.7x as long.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import aioboto3

from devserver.cognito import LocalUserPool
from devserver.engine import ENGINE_CREDENTIALS, EmbeddedEngine
from runtime import open_runtime
from settings import Settings

ROOT = Path(__file__).resolve().parent.parent
# The code a Lambda bundle holds beside its dependencies (docs/operations.md).
BUNDLED = ["*.py", "datasources", "resolvers", "schema"]  # no static/: GraphiQL is off
DASHBOARD = """{ viewer { userId displayName
  coaches(first: 10) { totalCount edges { node { coachId name } } }
  conversations(first: 10) { totalCount edges { node { conversationId title
    coach { name } summary { summaryText } } } }
  workouts(first: 20) { totalCount edges { node { workoutId workoutName discipline
    completedAt coaches { name } } } }
  memories(first: 10) { totalCount edges { node { content importance coach { name } } } } } }"""

CHILD = r"""
import json, os, resource, statistics, sys, time
t0 = time.perf_counter()
import lambda_handler
t1 = time.perf_counter()
from settings import Settings
import runtime
def timed(module, name):  # module.name, a coroutine function, records its durations
    real, spent = getattr(module, name), []
    async def wrapper(*args, **kwargs):
        s = time.perf_counter()
        try:
            return await real(*args, **kwargs)
        finally:
            spent.append(time.perf_counter() - s)
    setattr(module, name, wrapper)
    return spent
clients_open = timed(runtime, "open_clients")
secret_read = timed(runtime, "read_secret")
event = json.loads(os.environ["BENCH_EVENT"])
app = lambda_handler.api_app(Settings(indexer=False))
t2 = time.perf_counter()
environment = lambda_handler.Environment(app)
lambda_handler._api = environment
environment.start()
t3 = time.perf_counter()
first = lambda_handler.handler(event, None)
t4 = time.perf_counter()
warm = []
for _ in range(20):
    s = time.perf_counter()
    answer = lambda_handler.handler(event, None)
    warm.append(time.perf_counter() - s)
assert answer["statusCode"] == 200 and "errors" not in json.loads(answer["body"]), answer
assert first["statusCode"] == 200 and "errors" not in json.loads(first["body"]), first
print(json.dumps({
    "import": t1 - t0, "create_app": t2 - t1, "lifespan": t3 - t2, "first_request": t4 - t3,
    "warm_p50": statistics.median(warm), "starts": environment.starts,
    "clients": sum(clients_open), "secret": sum(secret_read),
    "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
"""


def _event(token: str) -> dict[str, Any]:
    event: dict[str, Any] = json.loads((ROOT / "tests" / "events" / "http_api_v2.json").read_text())
    body = json.dumps({"query": DASHBOARD})
    event["body"] = body
    event["headers"]["content-length"] = str(len(body))
    event["headers"]["authorization"] = f"Bearer {token}"
    return event


async def _seed(engine: EmbeddedEngine, directory: Path) -> str:
    """The demo athletes, and the cursor secret as the template makes it: its ARN."""
    settings = Settings(data_dir=directory, seed_demo_data=True, dev_secret="x" * 40)
    async with open_runtime(settings, engine=engine):
        pass
    session = aioboto3.Session(region_name="us-east-1", **ENGINE_CREDENTIALS)
    async with session.client("secretsmanager", endpoint_url=engine.endpoint_url) as client:
        secret = await client.create_secret(
            Name="bench-cursor-secret", SecretString="bench-cursor-secret-0123456789abcdef"
        )
    return str(secret["ARN"])


def _child_env(
    engine: EmbeddedEngine, pool: LocalUserPool, secret_arn: str, event: dict[str, Any]
) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("NEONPANDA_", "PYTHON", "VIRTUAL_ENV"))
    }
    env.update(
        {
            "AWS_ACCESS_KEY_ID": ENGINE_CREDENTIALS["aws_access_key_id"],
            "AWS_SECRET_ACCESS_KEY": ENGINE_CREDENTIALS["aws_secret_access_key"],
            "NEONPANDA_ENVIRONMENT": "production",
            "NEONPANDA_ENDPOINT_URL": engine.endpoint_url,
            "NEONPANDA_COGNITO_USER_POOL_ID": pool.pool_id,
            "NEONPANDA_COGNITO_CLIENT_ID": pool.client_id,
            "NEONPANDA_JWKS_URL": pool.jwks_url,
            "NEONPANDA_CURSOR_SECRET_ARN": secret_arn,
            "NEONPANDA_INDEXER": "false",
            "BENCH_EVENT": json.dumps(event),
        }
    )
    return env


def build_bundle(target: Path, *, compile_bytecode: bool = True) -> None:
    """The zip's contents, for this machine's platform (docs/operations.md builds it for
    Lambda's with --python-platform), compiled as docs/operations.md says: `.pyc` files that Python
    uses without checking the sources' times (a Lambda cannot write them itself)."""
    requirements = target.parent / "requirements.txt"

    def uv(*args: str) -> None:
        subprocess.run(["uv", *args], cwd=ROOT, check=True, capture_output=True, timeout=900)

    uv("export", "--frozen", "--no-dev", "--no-emit-project", "-o", str(requirements))
    uv(
        "pip",
        "install",
        "--target",
        str(target),
        "--python",
        sys.executable,
        "-r",
        str(requirements),
    )
    for pattern in BUNDLED:
        for path in ROOT.glob(pattern):
            if path.is_dir():
                shutil.copytree(
                    path, target / path.name, ignore=shutil.ignore_patterns("__pycache__")
                )
            else:
                shutil.copy2(path, target / path.name)
    if compile_bytecode:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "compileall",
                "-q",
                "-j",
                "0",
                "--invalidation-mode",
                "unchecked-hash",
                str(target),
            ],
            check=True,
        )


def _importtime(
    python: list[str], cwd: Path, env: dict[str, str], top: int
) -> tuple[list[tuple[float, str]], list[tuple[float, str]]]:
    """`import lambda_handler` under -X importtime: its direct imports by cumulative ms,
    and the top-level packages by the sum of their modules' own ms."""
    result = subprocess.run(
        [*python, "-X", "importtime", "-c", "import lambda_handler"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    children: list[tuple[float, str]] = []
    direct: list[tuple[float, str]] = []
    packages: dict[str, float] = {}
    for line in result.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, cumulative_us, field = line.removeprefix("import time:").split("|")
        name = field.strip()
        indent = len(field) - len(field.lstrip())
        packages[name.split(".")[0]] = packages.get(name.split(".")[0], 0.0) + int(self_us) / 1000
        if indent == 3:  # imported by the top-level import that follows
            children.append((int(cumulative_us) / 1000, name))
        elif indent == 1:
            if name == "lambda_handler":
                direct = children
            children = []
    by_package = sorted(((ms, name) for name, ms in packages.items()), reverse=True)
    return sorted(direct, reverse=True)[:top], by_package[:top]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--top", type=int, default=12)
    parser.add_argument("--venv", action="store_true", help="the dev virtualenv, not a bundle")
    parser.add_argument("--no-pyc", action="store_true", help="a bundle without .pyc files")
    args = parser.parse_args()

    with (
        tempfile.TemporaryDirectory() as tmp,
        EmbeddedEngine(log_path=Path(tmp) / "engine.log") as engine,
        LocalUserPool("us-east-1_BENCHMARK", "bench-client") as pool,
    ):
        secret_arn = asyncio.run(_seed(engine, Path(tmp)))
        token = pool.token("demo", ttl_seconds=3600)
        env = _child_env(engine, pool, secret_arn, _event(token))
        if args.venv:
            python, cwd = [sys.executable], ROOT
        else:
            cwd = Path(tmp) / "bundle"
            build_bundle(cwd, compile_bytecode=not args.no_pyc)
            # Only the bundle on the path (-S: no site-packages), as in /var/task, which
            # is read-only: Python cannot write .pyc files there.
            python = [sys._base_executable, "-S"]  # type: ignore[attr-defined]
            env["PYTHONPATH"] = str(cwd)
            env["PYTHONDONTWRITEBYTECODE"] = "1"
        # One unmeasured run: the files in the page cache.
        subprocess.run([*python, "-c", "import lambda_handler"], cwd=cwd, env=env, check=True)
        runs = []
        for _ in range(args.runs):
            out = subprocess.run(
                [*python, "-c", CHILD], cwd=cwd, env=env, capture_output=True, text=True
            )
            if out.returncode != 0:
                raise SystemExit(out.stderr[-4000:])
            runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
        direct, packages = _importtime(python, cwd, env, args.top)

    for run in runs:  # each process's own sums (a median of sums, not a sum of medians)
        run["first"] = run["create_app"] + run["lifespan"] + run["first_request"]
        run["total"] = run["import"] + run["first"]

    def median_ms(key: str) -> float:
        return statistics.median(r[key] for r in runs) * 1000

    where = "the dev virtualenv" if args.venv else "the Lambda bundle"
    if not args.venv and args.no_pyc:
        where += " without .pyc files"
    print(f"cold start of lambda_handler from {where}, {args.runs} fresh processes (median ms):")
    print(f"  import lambda_handler           {median_ms('import'):8.0f}")
    print(f"  first invocation                {median_ms('first'):8.0f}")
    print(f"    create_app (schema, settings) {median_ms('create_app'):8.0f}")
    print(f"    lifespan (clients, checks)    {median_ms('lifespan'):8.0f}")
    print(f"      of which opening the clients{median_ms('clients'):8.0f}")
    print(f"      of which the cursor secret  {median_ms('secret'):8.0f}")
    print(f"    first request (JWKS, query)   {median_ms('first_request'):8.0f}")
    print(f"  warm invocation (p50 of 20)     {median_ms('warm_p50'):8.1f}")
    print(f"  import + first invocation       {median_ms('total'):8.0f}")
    print(f"  lifespan starts per process     {max(r['starts'] for r in runs):8d}")
    print(f"  max RSS                         {max(r['rss_mb'] for r in runs):8.0f} MB")
    print("\nimport lambda_handler, one run under -X importtime: its imports (cumulative ms)")
    for ms, name in direct:
        print(f"  {ms:8.1f}  {name}")
    print("\n...and the packages whose own modules take the time (sum of self ms)")
    for ms, name in packages:
        print(f"  {ms:8.1f}  {name}")


if __name__ == "__main__":
    main()

"""Start-up as a newcomer meets it: `uv run server.py` to the first answer.

    uv run python -m benchmarks.bench_start [--runs 3]

For a fresh data directory (engine, table, migration and demo data from nothing) and for
a second start on it (the journal replayed, nothing to seed): seconds from the command to
`/healthz` answering 200, to the first answer of `{ viewer { userId } }` (without errors;
the demo athlete may not be there yet), and to the demo athlete's workouts all being there
(on a fresh directory `server.py` seeds them beside its first requests). `uv run`'s own
start (resolving the environment) is printed separately: it is in every figure.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from auth import mint_dev_token
from benchmarks.serving import ROOT, free_port

QUERY = "{ viewer { userId workouts(first: 1) { totalCount } } }"
DEMO_WORKOUTS = 32  # the demo athlete's, all seeded (devserver/demo_data.py)


def _uv() -> list[str]:
    uv = shutil.which("uv")
    if uv is None:
        raise SystemExit("uv is not on PATH")
    return [uv, "run", "--frozen"]


def one_start(data_dir: Path) -> dict[str, float]:
    port = free_port()
    env = {**os.environ, "NEONPANDA_DATA_DIR": str(data_dir)}
    env.pop("NEONPANDA_DEV_SECRET", None)
    started = time.perf_counter()
    proc = subprocess.Popen(
        [*_uv(), "server.py", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    marks: dict[str, float] = {}
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
            while "data" not in marks:
                if proc.poll() is not None:
                    raise RuntimeError(f"server.py exited with {proc.returncode}")
                with contextlib.suppress(httpx.HTTPError):
                    _probe(http, data_dir, marks, started)
                time.sleep(0.02)
    finally:
        proc.terminate()
        proc.wait(60)
    return marks


def _probe(http: httpx.Client, data_dir: Path, marks: dict[str, float], started: float) -> None:
    if "healthz" not in marks:
        if http.get("/healthz").status_code != 200:
            return
        marks["healthz"] = time.perf_counter() - started
    secret = (data_dir / "dev-secret").read_text().strip()
    headers = {"Authorization": f"Bearer {mint_dev_token(secret, 'demo')}"}
    body: dict[str, Any] = http.post("/graphql", json={"query": QUERY}, headers=headers).json()
    if body.get("data") and not body.get("errors"):
        # Answered (the demo athlete may not be there yet: seeded beside the first requests).
        marks.setdefault("answer", time.perf_counter() - started)
        viewer = body["data"]["viewer"]
        if viewer and viewer["workouts"]["totalCount"] >= DEMO_WORKOUTS:
            marks["data"] = time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs

    uv_alone = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([*_uv(), "python", "-c", "pass"], cwd=ROOT, check=True)
        uv_alone.append(time.perf_counter() - started)
    print(f"uv run alone: {statistics.median(uv_alone):.2f} s (median of {runs})")

    fresh: list[dict[str, float]] = []
    again: list[dict[str, float]] = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            fresh.append(one_start(Path(tmp)))
            again.append(one_start(Path(tmp)))
    print(f"{'start':<22} {'healthz s':>10} {'first answer s':>15} {'demo data s':>12}")
    for name, marks in (("fresh data directory", fresh), ("second start", again)):
        cells = [statistics.median(m[k] for m in marks) for k in ("healthz", "answer", "data")]
        print(f"{name:<22} {cells[0]:>10.2f} {cells[1]:>15.2f} {cells[2]:>12.2f}")


if __name__ == "__main__":
    main()

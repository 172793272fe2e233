"""The whole test suite on a machine kept busy: no test may depend on machine speed.

    uv run python -m benchmarks.suite_under_hog [--hogs 2] [-- pytest arguments]

Starts `--hogs` processes that spin on the CPU (on a 2-core machine, two of them take
every core the suite would have had), runs `pytest` with the given arguments (default:
the whole suite, quiet), stops the hogs whatever happens, and prints the suite's outcome
and wall time. Exits with pytest's status.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

import lifeline
from benchmarks.serving import ROOT

SPIN = "while True: pass"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hogs", type=int, default=2)
    parser.add_argument("pytest_args", nargs="*", default=["-q", "-p", "no:cacheprovider"])
    args = parser.parse_args()
    # The hogs end with this process however it ends (a hog left spinning would skew
    # everything measured after it).
    hogs = [
        subprocess.Popen([sys.executable, "-c", SPIN], preexec_fn=lifeline.parent_death_signal)
        for _ in range(args.hogs)
    ]
    started = time.monotonic()
    try:
        done = subprocess.run([sys.executable, "-m", "pytest", *args.pytest_args], cwd=ROOT)
    finally:
        for hog in hogs:
            hog.kill()
        for hog in hogs:
            hog.wait()
    minutes = (time.monotonic() - started) / 60
    outcome = "passed" if done.returncode == 0 else f"failed (pytest exit {done.returncode})"
    print(f"suite under {args.hogs} CPU hogs: {outcome} in {minutes:.1f} min")
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())

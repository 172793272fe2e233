"""Processes that end with what they depend on, however it ends.

- `follow_parent()`: a worker of `server.py --workers` stops (SIGTERM: uvicorn's graceful
  shutdown) when its parent dies, even by kill -9 (Linux's parent-death signal, and a
  watch of the parent pid for any other platform or a parent that died first).
- `parent_death_signal()`: the same for a process someone else starts (a `preexec_fn`):
  the test suite's servers end when the suite dies, even by kill -9.
- `watch_engine(engine)`: a process that started the embedded engine stops the same way
  when the engine dies (its journal makes a restart of the server safe), and exits with
  ENGINE_DIED so a supervisor sees a failure, not a clean stop.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable

log = logging.getLogger("neonpanda.lifeline")

ENGINE_DIED = 3  # server.py's exit status when the embedded engine died under it
_PR_SET_PDEATHSIG = 1
died: list[str] = []  # why this process was told to stop (for its exit status)


def _terminate() -> None:
    os.kill(os.getpid(), signal.SIGTERM)  # uvicorn's graceful shutdown


def _watch(
    still_there: Callable[[], bool],
    reason: str,
    every: float,
    stop: Callable[[], None] = _terminate,
) -> None:
    def run() -> None:
        while still_there():
            time.sleep(every)
        died.append(reason)
        log.error("%s: stopping this process", reason)
        stop()

    threading.Thread(target=run, name="lifeline", daemon=True).start()


def _libc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None


_LIBC = _libc()  # loaded before any fork: a preexec_fn only calls into it


def parent_death_signal() -> None:
    """SIGTERM to this process when the thread that started it ends (Linux; nothing
    elsewhere). As `preexec_fn=` of a Popen: the child ends with its starter however that
    ends. Kept across exec."""
    if _LIBC is not None:
        with contextlib.suppress(AttributeError):
            _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def follow_parent(every: float = 1.0) -> None:
    parent = os.getppid()
    parent_death_signal()  # and the watch below, for other platforms or a parent gone first
    _watch(lambda: os.getppid() == parent, f"parent process {parent} is gone", every)


def watch_engine(
    is_running: Callable[[], bool], stop: Callable[[], None] = _terminate, every: float = 1.0
) -> None:
    """`stop` ends the server gracefully (server.py: the uvicorn server's `should_exit`, so
    it returns and exits with ENGINE_DIED; the default, SIGTERM, ends by the signal)."""
    _watch(is_running, "the embedded engine died", every, stop)

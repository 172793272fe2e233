"""The embedded engine, from the server's side: start it, wait for it, stop it.

The engine (`devserver.engine_server`) runs as a child process on a free loopback port, in
a session of its own: Ctrl-C (SIGINT to the terminal's process group) reaches the server,
which stops the engine itself once its last request is answered. The server holds one end
of a pipe whose other end the engine watches: however the server dies (kill -9 included),
the engine sees EOF and stops. Every write the engine acknowledged is already on disk
(see devserver/journal.py), so no stop order can lose one.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType

# moto accepts any credentials; these are placeholders, not secrets.
ENGINE_CREDENTIALS = {"aws_access_key_id": "embedded", "aws_secret_access_key": "embedded"}
DATA_DIR_IN_USE = 75  # the engine's exit code when another engine holds the data directory


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class EngineError(RuntimeError):
    pass


class DataDirInUse(EngineError):
    """Another server's engine holds the data directory."""


def check_data_dir(data_dir: Path) -> None:
    """Raise DataDirInUse when another engine holds `data_dir` (the engine itself enforces
    this; checking first gives the server's operator a plain message instead of a failed
    start-up)."""
    lock = data_dir / "lock"
    if not lock.exists():
        return
    fd = os.open(lock, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
        raise DataDirInUse(_in_use(data_dir, holder)) from None
    finally:
        os.close(fd)


def _in_use(data_dir: Path | None, holder: str = "?") -> str:
    return (
        f"the data directory {data_dir} is in use by another NeonPanda server (engine pid "
        f"{holder}): stop it, or set NEONPANDA_DATA_DIR to another directory"
    )


class EmbeddedEngine:
    """Starts the engine on 127.0.0.1 and stops it again.

    With `data_dir`, the engine's state is durable there (journal and snapshots); without,
    it lives in memory only (the test suite's shared engine).
    """

    def __init__(
        self,
        log_path: Path | None = None,
        *,
        data_dir: Path | None = None,
        start_timeout: float = 120.0,
        patched: bool = True,
    ) -> None:
        self.log_path = log_path
        self.data_dir = data_dir
        self.start_timeout = start_timeout
        self.patched = patched  # False: moto as released (benchmarks' before figures)
        self.port = 0
        self._proc: subprocess.Popen[bytes] | None = None
        self._lifeline: int | None = None  # our end of the pipe the engine watches

    @classmethod
    def running_at(cls, port: int) -> EmbeddedEngine:
        """An engine another process started on `port` and stops (the parent of
        `server.py --workers N`, a test): never started or stopped through this object."""
        engine = cls()
        engine.port = port
        return engine

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    def start(self) -> EmbeddedEngine:
        """Call from the main thread: on Linux the engine's death signal is tied to the
        thread that started it."""
        if self._proc is not None:
            return self
        for _attempt in range(3):
            self.port = _free_port()
            if self._spawn():
                return self
        raise EngineError("the embedded engine did not start; see its log")

    def _spawn(self) -> bool:
        if self.log_path is not None:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            log = open(self.log_path, "ab")  # noqa: SIM115 - handed to the child process
        else:
            log = open(os.devnull, "wb")  # noqa: SIM115
        watched, self._lifeline = os.pipe()
        command = [
            sys.executable,
            "-m",
            "devserver.engine_server",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--parent-fd",
            str(watched),
            "--parent-pid",
            str(os.getpid()),
        ]
        if self.data_dir is not None:
            command += ["--data-dir", str(self.data_dir)]
        if not self.patched:
            command.append("--unpatched")
        try:
            self._proc = subprocess.Popen(
                command,
                cwd=Path(__file__).resolve().parent.parent,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                pass_fds=(watched,),
                start_new_session=True,
            )
        finally:
            log.close()
            os.close(watched)
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            code = self._proc.poll()
            if code is not None:
                self._forget()
                if code == DATA_DIR_IN_USE:
                    raise DataDirInUse(_in_use(self.data_dir))
                return False
            try:
                with urllib.request.urlopen(f"{self.endpoint_url}/moto-api/", timeout=1):
                    return True
            except (urllib.error.URLError, OSError):
                time.sleep(0.05)
        self.stop()
        return False

    def _forget(self) -> None:
        self._proc = None
        if self._lifeline is not None:
            with contextlib.suppress(OSError):
                os.close(self._lifeline)
            self._lifeline = None

    def reset(self) -> None:
        """Drop every table and bucket (tests call this between cases)."""
        req = urllib.request.Request(f"{self.endpoint_url}/moto-api/reset", method="POST")
        with urllib.request.urlopen(req, timeout=10):
            pass

    def stop(self, timeout: float = 120.0) -> None:
        """Ask the engine to stop (it finishes its request and writes a final snapshot),
        wait for it, and only then give up on it."""
        proc, lifeline = self._proc, self._lifeline
        self._proc = self._lifeline = None
        if proc is None:
            return
        if lifeline is not None:
            with contextlib.suppress(OSError):
                os.close(lifeline)  # EOF: the engine's graceful stop
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=5)

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    @property
    def died(self) -> bool:
        """The engine this object started has exited without being asked to (`stop`)."""
        return self._proc is not None and self._proc.poll() is not None

    def __enter__(self) -> EmbeddedEngine:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

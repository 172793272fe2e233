"""The embedded engine: moto in server mode as a child process on a loopback port.

A child process (not a thread) so moto's request handling does not compete with the
app's event loop for the GIL. It serves one request at a time (see engine_server.py).
"""

from __future__ import annotations

import contextlib
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


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class EngineError(RuntimeError):
    pass


class EmbeddedEngine:
    """Starts the engine (`devserver.engine_server`) on 127.0.0.1 and stops it again."""

    def __init__(self, log_path: Path | None = None, start_timeout: float = 30.0) -> None:
        self.log_path = log_path
        self.start_timeout = start_timeout
        self.port = 0
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> EmbeddedEngine:
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
        env = {**os.environ, "MOTO_CALL_RESET_API": "true"}
        try:
            self._proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "devserver.engine_server",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                ],
                cwd=Path(__file__).resolve().parent.parent,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=env,
            )
        finally:
            log.close()
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                self._proc = None
                return False
            try:
                with urllib.request.urlopen(f"{self.endpoint_url}/moto-api/", timeout=1):
                    return True
            except (urllib.error.URLError, OSError):
                time.sleep(0.05)
        self.stop()
        return False

    def reset(self) -> None:
        """Drop every table and bucket (tests call this between cases)."""
        req = urllib.request.Request(f"{self.endpoint_url}/moto-api/reset", method="POST")
        with urllib.request.urlopen(req, timeout=10):
            pass

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=5)

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def __enter__(self) -> EmbeddedEngine:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

"""Start a real server process on a free loopback port, wait for it, stop it by PID.

Used by the S3 (moto), GCS (fake-gcs-server) and Azure (Azurite) test sessions.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def closed_port() -> int:
    """A loopback port with nothing listening on it (bound, then released)."""
    return free_port()


def http_answers(url: str) -> Callable[[], bool]:
    """A readiness check: the server answers ``url`` with any HTTP status."""

    def check() -> bool:
        try:
            urllib.request.urlopen(url, timeout=1).close()
        except urllib.error.HTTPError:
            return True
        except OSError:
            return False
        return True

    return check


@dataclass
class RunningServer:
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@contextlib.contextmanager
def running_server(
    command: Sequence[str],
    port: int,
    ready: Callable[[], bool],
    log: Path,
    timeout: float = 60.0,
    env: dict[str, str] | None = None,
) -> Iterator[RunningServer]:
    """Run ``command`` in its own process group until the ``with`` block ends."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            list(command),
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env={**os.environ, **(env or {})},
        )
        try:
            deadline = time.monotonic() + timeout
            while not ready():
                if process.poll() is not None:
                    raise RuntimeError(
                        f"{command[0]} exited with {process.returncode}:\n{log.read_text()[-2000:]}"
                    )
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{command[0]} did not answer on port {port} in {timeout}s")
                time.sleep(0.1)
            yield RunningServer(process=process, port=port, log=log)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()

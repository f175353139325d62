"""Test helpers: an independent S3 client, the server's request log, a canary proxy."""

from __future__ import annotations

import contextlib
import re
import socket
import threading
import time
import urllib.request
import uuid
from typing import Any

from tests.support.servers import RunningServer


def admin_client(url: str, key: str = "testing", secret: str = "testing") -> Any:
    """A plain boto3 client, independent of the store under test."""
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=url,
        aws_access_key_id=key,
        aws_secret_access_key=secret,
        region_name="us-east-1",
    )


_LINE = re.compile(r'"(?:\x1b\[[0-9;]*m)*([A-Z]+) (\S+) HTTP/[0-9.]+')


class RequestLog:
    """The requests the server logged between ``start()`` and ``stop()``.

    Each line of moto's log names one request (``"GET /bucket?list-type=2 HTTP/1.1"``).
    ``stop()`` sends a marker request and waits for it, so every request made before
    it is in the log by then.
    """

    def __init__(self, server: RunningServer) -> None:
        self._server = server
        self._offset = 0

    def start(self) -> None:
        self._offset = self._server.log.stat().st_size

    def stop(self) -> list[tuple[str, str]]:
        marker = f"/request-log-marker-{uuid.uuid4().hex}"
        # Any answer will do (moto says 404); the request is what gets logged.
        with contextlib.suppress(OSError):
            urllib.request.urlopen(f"{self._server.url}{marker}", timeout=5).close()
        deadline = time.monotonic() + 10
        while True:
            with self._server.log.open("rb") as log:
                log.seek(self._offset)
                text = log.read().decode("utf-8", "replace")
            if marker in text or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        found = [m.groups() for m in map(_LINE.search, text.splitlines()) if m]
        return [(method, target) for method, target in found if marker not in target]


class Canary:
    """A loopback listener that counts connections: a stand-in for 'anywhere else'.

    Point HTTP(S)_PROXY at it: any request that is not for the loopback endpoint then
    arrives here, and is answered with 502. With ``answer=False`` it reads requests and
    never answers: a server that hangs.
    """

    def __init__(self, answer: bool = True) -> None:
        self._answer = answer
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(16)
        self._socket.settimeout(0.1)
        self.port = int(self._socket.getsockname()[1])
        self.connections = 0
        self._held: list[socket.socket] = []
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _serve(self) -> None:
        while not self._stopping.is_set():
            try:
                connection, _ = self._socket.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            if not self._answer:
                self._held.append(connection)  # open and silent until close()
                continue
            with connection:
                connection.settimeout(1)
                try:
                    connection.recv(65536)
                    connection.sendall(
                        b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n"
                        b"Connection: close\r\n\r\n"
                    )
                except OSError:
                    pass

    def close(self) -> None:
        self._stopping.set()
        self._thread.join()
        for connection in self._held:
            connection.close()
        self._socket.close()

"""A one-line progress display of files and bytes, on stderr when it is a terminal."""

from __future__ import annotations

import sys
import threading
import time

import click

MIB = 1 << 20


class ProgressLine:
    """Called with (files done, files total, bytes done, bytes total); redraws at most
    ten times a second, and not at all when stderr is not a terminal."""

    def __init__(self, label: str, interval: float = 0.1) -> None:
        self._label = label
        self._interval = interval
        self._shown = 0.0
        self._enabled = sys.stderr.isatty()
        self._lock = threading.Lock()
        self._drawn = False

    def __call__(self, files: int, files_total: int, size: int, size_total: int) -> None:
        if not self._enabled:
            return
        with self._lock:
            moment = time.monotonic()
            if moment - self._shown < self._interval and files != files_total:
                return
            self._shown = moment
            share = size / size_total if size_total else 1.0
            width = 24
            bar = "#" * int(share * width)
            click.echo(
                f"\r{self._label} [{bar:<{width}}] {files}/{files_total} files, "
                f"{size / MIB:.1f}/{size_total / MIB:.1f} MiB",
                nl=False,
                err=True,
            )
            self._drawn = True

    def close(self) -> None:
        if self._drawn:
            click.echo("", err=True)

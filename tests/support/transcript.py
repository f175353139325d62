"""Record everything a run of CLI commands lets out, then look for secret values in it.

``Transcript.run`` invokes the real ``cargohold`` click tree in this process (so that
log records of every library, botocore and azure included, are captured at DEBUG),
and keeps stdout, stderr, the exception text of a failed command, every log record
with its traceback, and the files the commands wrote. ``leaks`` then searches all
of it for values and for their URL- and base64-encoded forms.
"""

from __future__ import annotations

import base64
import logging
import os
import traceback
import urllib.parse
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from click.testing import CliRunner, Result

# Loggers of the libraries that see credentials; all propagate to the root logger.
LOGGERS = ("", "botocore", "aiobotocore", "s3fs", "fsspec", "gcsfs", "google", "azure", "adlfs")


def encoded_forms(value: str) -> Iterator[str]:
    # Written again here, not imported from cargohold.secrets: the search must not
    # share the code whose misses it is meant to catch.
    yield value
    yield urllib.parse.quote(value, safe="")
    yield urllib.parse.quote_plus(value)
    yield base64.b64encode(value.encode()).decode()
    yield base64.urlsafe_b64encode(value.encode()).decode()


class _Collect(logging.Handler):
    def __init__(self, sink: list[str]) -> None:
        super().__init__(logging.DEBUG)
        self.sink = sink
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.sink.append(self.format(record))


@dataclass
class Transcript:
    env: dict[str, str] = field(default_factory=dict)
    parts: list[str] = field(default_factory=list)
    commands: list[tuple[str, ...]] = field(default_factory=list)

    def run(self, *args: str, ok: bool = True, env: dict[str, str] | None = None) -> Result:
        from cargohold.cli import cli

        handler = _Collect(self.parts)
        loggers = [logging.getLogger(name) for name in LOGGERS]
        levels = [logger.level for logger in loggers]
        for logger in loggers:
            logger.setLevel(logging.DEBUG)
        logging.getLogger().addHandler(handler)
        try:
            result = CliRunner().invoke(
                cli, list(args), env={**self.env, **(env or {})}, catch_exceptions=True
            )
        finally:
            logging.getLogger().removeHandler(handler)
            for logger, level in zip(loggers, levels, strict=True):
                logger.setLevel(level)
        self.commands.append(args)
        self.parts += [result.stdout, result.stderr]
        error = result.exception
        if error is not None and not isinstance(error, SystemExit):
            self.parts.append("".join(traceback.format_exception(error)))
        succeeded = result.exit_code == 0
        assert succeeded == ok, f"{args}: exit {result.exit_code}\n{result.output}"
        return result

    def add_files(self, paths: Iterable[Path]) -> None:
        for path in paths:
            self.parts.append(path.read_text(encoding="utf-8", errors="replace"))

    def leaks(self, values: Iterable[str]) -> list[str]:
        """Each value (or encoded form) found, with a little context to find it by."""
        text = "\n".join(self.parts)
        found = []
        for value in values:
            for form in set(encoded_forms(value)):
                index = text.find(form)
                if index >= 0:
                    found.append(f"{form!r} in ...{text[max(0, index - 80) : index + 20]!r}")
        return found


def written_files(root: Path) -> list[Path]:
    """Text files under ``root`` (exports, caches), the state database excepted."""
    return [
        path
        for path in root.rglob("*")
        if path.is_file() and not path.name.startswith("cargohold.db")
    ]


def mode(path: Path) -> int:
    return os.stat(path).st_mode & 0o777

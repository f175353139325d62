"""Data benchmarks on real servers on loopback (moto, fake-gcs-server, Azurite).

P4 copies a folder artifact of 1,000 small files from the local store with
``artifact-store copy``'s engine, beside a per-file loop through the same two stores
and a raw fsspec batch ``put``. P5 writes and reads a 256 MiB object through the
store and through a plain s3fs/gcsfs/adlfs filesystem on the same server. Both run
on each of the three servers (the GCS and Azure rows are P8). Within a round the
cases run one after the other against the same server, so they see the same server
and the same machine load.

On S3 only: P6 walks a tree of 5,000 objects under 100 prefixes and counts the list
requests the *server* logged, beside fsspec's own ``walk``; P7 copies one 1 GiB
artifact in a child process and reads its peak resident memory against the same
process just before the copy.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from backends import BACKENDS, S3, Backend, cargohold_store, client_with_store
from stats import Measured

from tests.s3.helpers import RequestLog
from tests.support.servers import RunningServer

MiB = 2**20
LARGE_OBJECT_BYTES = 256 * MiB
CHUNK_BYTES = 8 * MiB
SMALL_FILES = 1_000
SMALL_FILE_BYTES = 4 * 1024
HUGE_FILE_BYTES = 1024 * MiB
# moto joins the parts of a 1 GiB upload in memory before it answers the complete
# request; on 2 cores that has taken 15 s, the store's default read timeout. The
# client then retries, and the two completes race inside moto (the loser fails with
# "seek of closed file", a 500). S3 itself keeps the connection alive while it
# assembles, so only the emulator needs the longer wait.
HUGE_FILE_READ_TIMEOUT = 300.0
TREE_PREFIXES = 100
TREE_OBJECTS = 5_000


def _timed(action: Callable[..., object], *args: Any, **kwargs: Any) -> float:
    started = time.perf_counter()
    action(*args, **kwargs)
    return time.perf_counter() - started


def _in_turns(round_number: int, cases: dict[str, Callable[[], object]]) -> dict[str, float]:
    """Seconds each case takes, run one after the other, starting one case later each
    round: no case always runs first on a server that just took the last one's load."""
    names = list(cases)
    shift = round_number % len(names)
    return {name: _timed(cases[name]) for name in names[shift:] + names[:shift]}


def _write(opener: Callable[[str, str], Any], path: str, chunk: bytes) -> None:
    with opener(path, "wb") as handle:
        for _ in range(LARGE_OBJECT_BYTES // len(chunk)):
            handle.write(chunk)


def _read(opener: Callable[[str, str], Any], path: str) -> None:
    total = 0
    with opener(path, "rb") as handle:
        while block := handle.read(CHUNK_BYTES):
            total += len(block)
    if total != LARGE_OBJECT_BYTES:
        raise RuntimeError(f"read {total} bytes of {path}, wrote {LARGE_OBJECT_BYTES}")


def _row_prefix(backend: Backend, figure: str) -> str:
    """P4/P5 on S3; the same figures on GCS and Azure are the issue's P8."""
    return figure if backend is S3 else f"P8 ({figure} on {backend.label})"


def large_object(backend: Backend, server: Any, runs: int, warmups: int) -> list[Measured]:
    """P5: seconds to write, then read, 256 MiB: the store beside the raw filesystem."""
    bucket = backend.new_bucket(server)
    store = cargohold_store(backend, server, f"{backend.scheme}://{bucket}/store")
    raw = backend.raw_filesystem(server)
    chunk = bytes(range(256)) * (CHUNK_BYTES // 256)
    ours_path, raw_path = f"{backend.scheme}://{bucket}/store/large.bin", f"{bucket}/raw/large.bin"
    samples: dict[str, list[float]] = {"write": [], "raw-write": [], "read": [], "raw-read": []}
    for round_number in range(warmups + runs):
        round_samples = _in_turns(
            round_number,
            {
                "write": functools.partial(_write, store.open, ours_path, chunk),
                "raw-write": functools.partial(_write, raw.open, raw_path, chunk),
            },
        )
        round_samples |= _in_turns(
            round_number,
            {
                "read": functools.partial(_read, store.open, ours_path),
                "raw-read": functools.partial(_read, raw.open, raw_path),
            },
        )
        if round_number >= warmups:
            for name, seconds in round_samples.items():
                samples[name].append(seconds)
    library = type(raw).__module__.split(".")[0]
    return [
        Measured(
            label=f"{_row_prefix(backend, 'P5')} {verb} 256 MiB through the store",
            samples=tuple(samples[verb]),
            unit="s",
            reference=f"raw {library} `{verb}`",
            reference_samples=tuple(samples[f"raw-{verb}"]),
            min_speedup=0.9,
        )
        for verb in ("write", "read")
    ]


def _fill_tree(server: RunningServer, bucket: str) -> None:
    from tests.s3.helpers import admin_client

    client = admin_client(server.url)
    keys = [
        f"tree/prefix-{number % TREE_PREFIXES:03d}/object-{number:05d}"
        for number in range(TREE_OBJECTS)
    ]
    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(lambda key: client.put_object(Bucket=bucket, Key=key, Body=b"x"), keys))


def _list_requests(logged: list[tuple[str, str]]) -> int:
    return sum(1 for method, target in logged if method == "GET" and "list-type=2" in target)


def _count_walk(log: RequestLog, walk: Callable[[], list[Any]]) -> tuple[float, int]:
    log.start()
    started = time.perf_counter()
    found = walk()
    seconds = time.perf_counter() - started
    requests = _list_requests(log.stop())
    files = sum(len(entry[2]) for entry in found)
    if files != TREE_OBJECTS:
        raise RuntimeError(f"walk found {files} objects, expected {TREE_OBJECTS}")
    return seconds, requests


def listing(server: RunningServer, runs: int, warmups: int) -> list[Measured]:
    """P6: list requests and seconds to walk 5,000 objects under 100 prefixes."""
    bucket = S3.new_bucket(server)
    _fill_tree(server, bucket)
    store = cargohold_store(S3, server, f"s3://{bucket}/tree")
    raw = S3.raw_filesystem(server)
    log = RequestLog(server)
    ours: list[tuple[float, int]] = []
    fsspec_default: list[tuple[float, int]] = []
    for round_number in range(warmups + runs):
        mine = _count_walk(log, lambda: list(store.walk(f"s3://{bucket}/tree")))
        theirs = _count_walk(log, lambda: list(raw.walk(f"{bucket}/tree")))
        if round_number >= warmups:
            ours.append(mine)
            fsspec_default.append(theirs)
    return [
        Measured(
            label="P6 list requests to walk 5,000 objects under 100 prefixes",
            samples=tuple(float(requests) for _, requests in ours),
            unit="requests",
            target=6,
            reference="fsspec `walk`",
            reference_samples=tuple(float(requests) for _, requests in fsspec_default),
        ),
        Measured(
            label="P6 time to walk 5,000 objects under 100 prefixes",
            samples=tuple(seconds for seconds, _ in ours),
            unit="s",
            reference="fsspec `walk`",
            reference_samples=tuple(seconds for seconds, _ in fsspec_default),
        ),
    ]


def _per_file_loop(source: Any, target: Any, version: Any, destination: str) -> None:
    """What a pipeline does without a batch copy: one file after the other."""
    for entry in version.files:
        with (
            source.open(f"{version.uri}/{entry.path}", "rb") as reader,
            target.open(f"{destination}/{entry.path}", "wb") as writer,
        ):
            shutil.copyfileobj(reader, writer)


def many_small_files(
    backend: Backend, server: Any, workdir: Path, runs: int, warmups: int
) -> list[Measured]:
    """P4: seconds to copy 1,000 x 4 KiB from the local store three ways."""
    folder = workdir / "small-files"
    if not folder.exists():
        folder.mkdir()
        for number in range(SMALL_FILES):
            (folder / f"{number:04d}.bin").write_bytes(os.urandom(SMALL_FILE_BYTES))
    bucket = backend.new_bucket(server)
    raw = backend.raw_filesystem(server)
    samples: dict[str, list[float]] = {"ours": [], "per-file": [], "raw": []}
    for round_number in range(warmups + runs):
        root = f"{backend.scheme}://{bucket}/ours-{round_number}"
        state = workdir / f"state-{backend.flavor}-{round_number}"
        client = client_with_store(state, backend, server, root)
        version = client.artifacts.save(folder, "small-files")
        local = client.get_artifact_store("default")
        target = client.get_artifact_store("remote")
        timings = _in_turns(
            round_number,
            {
                "ours": functools.partial(client.artifacts.copy, "default", "remote"),
                "per-file": functools.partial(
                    _per_file_loop, local, target, version, f"{root}/loop"
                ),
                "raw": functools.partial(
                    raw.put, f"{folder}/", f"{bucket}/raw-{round_number}/", recursive=True
                ),
            },
        )
        if round_number >= warmups:
            for name, seconds in timings.items():
                samples[name].append(seconds)
    ours = tuple(samples["ours"])
    library = type(raw).__module__.split(".")[0]
    prefix = _row_prefix(backend, "P4")
    return [
        Measured(
            label=f"{prefix} copy 1,000 x 4 KiB local -> {backend.label} (`artifact-store copy`)",
            samples=ours,
            unit="s",
            reference="per-file copy loop",
            reference_samples=tuple(samples["per-file"]),
            min_speedup=5.0,
        ),
        Measured(
            label=f"{prefix} the same copy, beside a raw batch put",
            samples=ours,
            unit="s",
            reference=f"{library} `put(recursive=True)`",
            reference_samples=tuple(samples["raw"]),
            min_speedup=1 / 1.2,
        ),
    ]


# Run in a child: the resident set just before the copy (imports done, clients built,
# the artifact recorded) and the peak of the whole process, both in KiB. The peak is
# VmHWM, the high-water mark of this process's own address space: ru_maxrss would not
# do, as Linux carries the parent's peak over into it across fork and exec (a bench
# process holding P5's buffers once showed up as +354 MiB here). Should set-up have
# peaked higher than the copy, the difference overstates the copy: never flatters.
_PEAK_DURING_COPY = textwrap.dedent(
    """
    from cargohold import Client

    def status_kib(field):
        with open("/proc/self/status") as status:
            line = next(line for line in status if line.startswith(field + ":"))
        return int(line.split()[1])

    client = Client()
    client.get_artifact_store("remote").filesystem  # the S3 client, built before measuring
    client.get_artifact_store("default").exists("x")
    before = status_kib("VmRSS")
    client.artifacts.copy("default", "remote")
    print(before, status_kib("VmHWM"))
    """
)


def huge_file_memory(server: RunningServer, workdir: Path, runs: int) -> list[Measured]:
    """P7: MiB of resident memory a 1 GiB copy local -> S3 adds to its process."""
    huge = workdir / "huge.bin"
    block = os.urandom(MiB)
    with huge.open("wb") as handle:
        for _ in range(HUGE_FILE_BYTES // MiB):
            handle.write(block)
    bucket = S3.new_bucket(server)
    added: list[float] = []
    for round_number in range(runs):
        state = workdir / f"huge-state-{round_number}"
        client = client_with_store(
            state,
            S3,
            server,
            f"s3://{bucket}/huge-{round_number}",
            read_timeout=HUGE_FILE_READ_TIMEOUT,
        )
        client.artifacts.save(huge, "huge")
        env = {**os.environ, "CARGOHOLD_CONFIG_DIR": str(state)}
        done = subprocess.run(
            [sys.executable, "-c", _PEAK_DURING_COPY],
            env=env,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise RuntimeError(f"the 1 GiB copy failed:\n{done.stderr[-3000:]}")
        before, peak = (int(value) for value in done.stdout.split())
        added.append((peak - before) / 1024)
        # moto keeps objects in memory: give the gibibyte back before the next round.
        S3.raw_filesystem(server).rm(f"{bucket}/huge-{round_number}", recursive=True)
        shutil.rmtree(state)
    return [
        Measured(
            label="P7 peak RSS a 1 GiB copy local -> S3 adds to its process",
            samples=tuple(added),
            unit="MiB",
            target=200.0,
        )
    ]


def run_data(workdir: Path, runs: int, warmups: int) -> list[Measured]:
    """Every data figure, one server at a time (S3 first: it carries P6 and P7 too)."""
    measured: list[Measured] = []
    for backend in BACKENDS:
        with backend.start(workdir) as server:
            measured += many_small_files(backend, server, workdir, runs, warmups)
            measured += large_object(backend, server, runs, warmups)
            if backend is S3:
                measured += listing(server, runs, warmups)
                measured += huge_file_memory(server, workdir, min(runs, 3))
    return measured

"""Data benchmarks on a real S3 server (moto, on loopback): copies, large objects, listing.

P4 copies a folder artifact of 1,000 small files from the local store with
``artifact-store copy``'s engine, beside a per-file loop through the same two stores
and a raw fsspec batch ``put``. P7 copies one 1 GiB artifact in a child process and
reads its peak resident memory against the same process just before the copy.

P5 writes and reads a 256 MiB object through the store and through a plain s3fs
filesystem on the same server, interleaved run by run, so both see the same server
and the same machine load. P6 walks a tree of 5,000 objects under 100 prefixes and
counts the list requests the *server* logged, beside fsspec's own ``walk``.

The server, its request log and the bucket helper are the ones the S3 tests use, so
the benchmark measures the set-up the tests check.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import textwrap
import time
import uuid
import warnings
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from stats import Measured

from tests.s3.conftest import start_moto
from tests.s3.helpers import RequestLog, admin_client
from tests.support.servers import RunningServer

MiB = 2**20
LARGE_OBJECT_BYTES = 256 * MiB
CHUNK_BYTES = 8 * MiB
SMALL_FILES = 1_000
SMALL_FILE_BYTES = 4 * 1024
HUGE_FILE_BYTES = 1024 * MiB
TREE_PREFIXES = 100
TREE_OBJECTS = 5_000
KEY = SECRET = "testing"


@contextlib.contextmanager
def s3_server(workdir: Path) -> Iterator[RunningServer]:
    with start_moto(workdir / "moto.log") as server:
        yield server


def new_bucket(server: RunningServer) -> str:
    name = f"bench-{uuid.uuid4().hex[:12]}"
    admin_client(server.url).create_bucket(Bucket=name)
    return name


def cargohold_store(server: RunningServer, path: str) -> Any:
    from cargohold_s3.config import S3ArtifactStoreConfig
    from cargohold_s3.flavor import S3ArtifactStoreFlavor

    config = S3ArtifactStoreConfig(
        path=path, key=KEY, secret=SECRET, client_kwargs={"endpoint_url": server.url}
    )
    return S3ArtifactStoreFlavor().create_store(config)


def raw_s3fs(server: RunningServer) -> Any:
    import s3fs

    return s3fs.S3FileSystem(
        key=KEY,
        secret=SECRET,
        client_kwargs={"endpoint_url": server.url},
        skip_instance_cache=True,
        use_listings_cache=False,
    )


def _timed(action: Callable[..., object], *args: Any, **kwargs: Any) -> float:
    started = time.perf_counter()
    action(*args, **kwargs)
    return time.perf_counter() - started


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


def large_object(server: RunningServer, runs: int, warmups: int) -> list[Measured]:
    """P5: seconds to write, then read, 256 MiB: the store beside raw s3fs."""
    bucket = new_bucket(server)
    store = cargohold_store(server, f"s3://{bucket}/store")
    raw = raw_s3fs(server)
    chunk = bytes(range(256)) * (CHUNK_BYTES // 256)
    ours_path, raw_path = f"s3://{bucket}/store/large.bin", f"{bucket}/raw/large.bin"
    samples: dict[str, list[float]] = {"write": [], "raw-write": [], "read": [], "raw-read": []}
    for round_number in range(warmups + runs):
        round_samples = {
            "write": _timed(lambda: _write(store.open, ours_path, chunk)),
            "raw-write": _timed(lambda: _write(raw.open, raw_path, chunk)),
            "read": _timed(lambda: _read(store.open, ours_path)),
            "raw-read": _timed(lambda: _read(raw.open, raw_path)),
        }
        if round_number >= warmups:
            for name, seconds in round_samples.items():
                samples[name].append(seconds)
    return [
        Measured(
            label=f"P5 {verb} 256 MiB through the S3 store",
            samples=tuple(samples[verb]),
            unit="s",
            reference=f"raw s3fs `{verb}`",
            reference_samples=tuple(samples[f"raw-{verb}"]),
            min_speedup=0.9,
        )
        for verb in ("write", "read")
    ]


def _fill_tree(server: RunningServer, bucket: str) -> None:
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
    bucket = new_bucket(server)
    _fill_tree(server, bucket)
    store = cargohold_store(server, f"s3://{bucket}/tree")
    raw = raw_s3fs(server)
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


def _client_with_s3_store(config_dir: Path, server: RunningServer, path: str) -> Any:
    """A Client on a new state directory, with an ``s3`` store registered on ``path``."""
    from cargohold import Client
    from cargohold.errors import CargoholdWarning

    client = Client(config_dir=config_dir)
    # The emulator's throwaway key in plain text is the point here, not a mistake.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CargoholdWarning)
        client.register_artifact_store(
            "s3",
            "s3",
            {
                "path": path,
                "key": KEY,
                "secret": SECRET,
                "client_kwargs": {"endpoint_url": server.url},
            },
        )
    return client


def _per_file_loop(source: Any, target: Any, version: Any, destination: str) -> None:
    """What a pipeline does without a batch copy: one file after the other."""
    for entry in version.files:
        with (
            source.open(f"{version.uri}/{entry.path}", "rb") as reader,
            target.open(f"{destination}/{entry.path}", "wb") as writer,
        ):
            shutil.copyfileobj(reader, writer)


def many_small_files(
    server: RunningServer, workdir: Path, runs: int, warmups: int
) -> list[Measured]:
    """P4: seconds to copy 1,000 x 4 KiB local -> S3 three ways."""
    folder = workdir / "small-files"
    folder.mkdir()
    for number in range(SMALL_FILES):
        (folder / f"{number:04d}.bin").write_bytes(os.urandom(SMALL_FILE_BYTES))
    bucket = new_bucket(server)
    raw = raw_s3fs(server)
    samples: dict[str, list[float]] = {"ours": [], "per-file": [], "raw": []}
    for round_number in range(warmups + runs):
        client = _client_with_s3_store(
            workdir / f"state-{round_number}", server, f"s3://{bucket}/ours-{round_number}"
        )
        version = client.artifacts.save(folder, "small-files")
        local = client.get_artifact_store("default")
        target = client.get_artifact_store("s3")
        timings = {
            "ours": _timed(client.artifacts.copy, "default", "s3"),
            "per-file": _timed(
                _per_file_loop, local, target, version, f"s3://{bucket}/ours-{round_number}/loop"
            ),
            "raw": _timed(raw.put, f"{folder}/", f"{bucket}/raw-{round_number}/", recursive=True),
        }
        if round_number >= warmups:
            for name, seconds in timings.items():
                samples[name].append(seconds)
    ours = tuple(samples["ours"])
    return [
        Measured(
            label="P4 copy 1,000 x 4 KiB local -> S3 (`artifact-store copy`)",
            samples=ours,
            unit="s",
            reference="per-file copy loop",
            reference_samples=tuple(samples["per-file"]),
            min_speedup=5.0,
        ),
        Measured(
            label="P4 the same copy, beside a raw batch put",
            samples=ours,
            unit="s",
            reference="s3fs `put(recursive=True)`",
            reference_samples=tuple(samples["raw"]),
            min_speedup=1 / 1.2,
        ),
    ]


# Run in a child: the resident set just before the copy (imports done, clients built,
# the artifact recorded) and the peak of the whole process, both in KiB. Should set-up
# have peaked higher than the copy, the difference overstates the copy: never flatters.
_PEAK_DURING_COPY = textwrap.dedent(
    """
    import resource, sys
    from cargohold import Client
    client = Client()
    client.get_artifact_store("s3").filesystem  # the S3 client, built before measuring
    client.get_artifact_store("default").exists("x")
    with open("/proc/self/statm") as statm:
        before = int(statm.read().split()[1]) * resource.getpagesize() // 1024
    client.artifacts.copy("default", "s3")
    print(before, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    """
)


def huge_file_memory(server: RunningServer, workdir: Path, runs: int) -> list[Measured]:
    """P7: MiB of resident memory a 1 GiB copy local -> S3 adds to its process."""
    huge = workdir / "huge.bin"
    block = os.urandom(MiB)
    with huge.open("wb") as handle:
        for _ in range(HUGE_FILE_BYTES // MiB):
            handle.write(block)
    bucket = new_bucket(server)
    added: list[float] = []
    for round_number in range(runs):
        state = workdir / f"huge-state-{round_number}"
        client = _client_with_s3_store(state, server, f"s3://{bucket}/huge-{round_number}")
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
        raw_s3fs(server).rm(f"{bucket}/huge-{round_number}", recursive=True)
        shutil.rmtree(state)
    return [
        Measured(
            label="P7 peak RSS a 1 GiB copy local -> S3 adds to its process",
            samples=tuple(added),
            unit="MiB",
            target=200.0,
        )
    ]


def run_s3_data(workdir: Path, runs: int, warmups: int) -> list[Measured]:
    with s3_server(workdir) as server:
        return [
            *many_small_files(server, workdir, runs, warmups),
            *large_object(server, runs, warmups),
            *listing(server, runs, warmups),
            *huge_file_memory(server, workdir, min(runs, 3)),
        ]

"""Copying artifact files between any two stores, checksummed, with progress.

Files move concurrently through a bounded thread pool, each streamed in chunks so
that memory does not grow with file size. Every copy is read back and checked
against the sha256 recorded when the artifact was saved. A destination file that
already holds the same bytes is skipped, so a rerun after an interruption copies
only what is missing; one that holds other bytes stops the copy. The source is only
ever read, and writes are all-or-nothing, so an interrupted copy leaves no partial
file and changes nothing but the destination's complete files.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

from cargohold.artifacts.files import CHUNK_SIZE, stream_copy
from cargohold.errors import CargoholdError
from cargohold.registry.artifacts import ArtifactVersion, FileEntry
from cargohold.stores.base import BaseArtifactStore

# files done, files total, bytes done, bytes total
Progress = Callable[[int, int, int, int], None]


@dataclass
class CopyReport:
    versions: int = 0
    files: int = 0
    copied: int = 0
    skipped: int = 0
    bytes_total: int = 0
    bytes_copied: int = 0
    seconds: float = 0.0


@dataclass(frozen=True)
class FileCopy:
    source: str
    destination: str
    entry: FileEntry


@dataclass
class CopyPlan:
    """Which versions go from ``source`` to ``target``, and the folder each goes to."""

    source: BaseArtifactStore
    target: BaseArtifactStore
    versions: list[ArtifactVersion]
    destination_uri: Callable[[ArtifactVersion], str]

    def moves(self) -> list[tuple[str, str]]:
        """(version id, new uri) for every version: what the registry is rewired to."""
        return [(version.id, self.destination_uri(version)) for version in self.versions]

    def file_copies(self) -> list[FileCopy]:
        return [
            FileCopy(
                f"{version.uri}/{entry.path}",
                f"{self.destination_uri(version)}/{entry.path}",
                entry,
            )
            for version in self.versions
            for entry in version.files
        ]


@dataclass
class _Tally:
    """Counts shared by the worker threads, reported through ``progress``."""

    files_total: int
    bytes_total: int
    progress: Progress | None
    files_done: int = 0
    bytes_done: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, files: int = 0, size: int = 0) -> None:
        with self.lock:
            self.files_done += files
            self.bytes_done += size
            if self.progress is not None:
                self.progress(self.files_done, self.files_total, self.bytes_done, self.bytes_total)


def _sha256_of(store: BaseArtifactStore, path: str, size: int) -> str:
    from cargohold.stores.fsspec import FsspecArtifactStore

    if size == 0 or not isinstance(store, FsspecArtifactStore):
        with store.open(path, "rb") as handle:
            return stream_copy(handle)[1]
    # Ranged reads of one chunk each: a small file costs one request (open() asks for
    # the size first), and a large one no more memory than a chunk (open() reads ahead).
    digest = hashlib.sha256()
    for start in range(0, size, CHUNK_SIZE):
        digest.update(store.read_bytes(path, start, min(start + CHUNK_SIZE, size)))
    return digest.hexdigest()


def _copy_one(plan: CopyPlan, item: FileCopy, present: dict[str, int], tally: _Tally) -> bool:
    """Copy one file and verify it; False when an identical copy was already there."""
    entry = item.entry
    if item.destination in present:
        if present[item.destination] == entry.size and (
            _sha256_of(plan.target, item.destination, entry.size) == entry.sha256
        ):
            tally.add(files=1, size=entry.size)
            return False
        raise CargoholdError(
            f"{item.destination} exists in store {plan.target.name!r} with other content; "
            "move it aside (or delete it) and run the copy again"
        )
    counted = 0

    def on_chunk(size: int) -> None:
        nonlocal counted
        counted += size
        tally.add(size=size)

    try:
        with (
            plan.source.open(item.source, "rb") as reader,
            plan.target.open(item.destination, "wb") as writer,
        ):
            size, sha256 = stream_copy(reader, writer, on_chunk)
            if (size, sha256) != (entry.size, entry.sha256):
                # Raised inside the block: the destination write is discarded.
                raise CargoholdError(
                    f"{item.source} in store {plan.source.name!r} no longer matches the "
                    "checksum recorded when it was saved; nothing was copied for it"
                )
        if _sha256_of(plan.target, item.destination, entry.size) != entry.sha256:
            plan.target.remove(item.destination)
            raise CargoholdError(
                f"{item.destination} read back with a different checksum after the copy; "
                "it was removed, run the copy again"
            )
    except BaseException:
        tally.add(size=-counted)
        raise
    tally.add(files=1)
    return True


def copy_files(plan: CopyPlan, *, workers: int = 8, progress: Progress | None = None) -> CopyReport:
    """Copy and verify every file of the plan; raise on the first failure."""
    started = time.perf_counter()
    items = plan.file_copies()
    report = CopyReport(
        versions=len(plan.versions),
        files=len(items),
        bytes_total=sum(item.entry.size for item in items),
    )
    tally = _Tally(report.files, report.bytes_total, progress)
    present = _present_sizes(plan)
    tally.add()  # show the totals before the first file lands
    executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="cargohold-copy")
    futures: list[Future[bool]] = []
    try:
        futures = [executor.submit(_copy_one, plan, item, present, tally) for item in items]
        wait(futures, return_when=FIRST_EXCEPTION)
        failed = next((f for f in futures if f.done() and f.exception() is not None), None)
        if failed is not None:
            raise failed.exception()  # type: ignore[misc]
    finally:
        # On an error or Ctrl-C, files not yet started are not started at all.
        executor.shutdown(wait=True, cancel_futures=True)
    report.copied = sum(1 for future in futures if future.result())
    report.skipped = report.files - report.copied
    report.bytes_copied = sum(
        item.entry.size for item, future in zip(items, futures, strict=True) if future.result()
    )
    report.seconds = time.perf_counter() - started
    return report


def _present_sizes(plan: CopyPlan) -> dict[str, int]:
    """Sizes of the files already under the destination folders, in one listing."""
    from cargohold.stores.fsspec import FsspecArtifactStore

    target = plan.target
    top = f"{target.path.rstrip('/')}/artifacts"
    if not plan.versions or not target.exists(top):
        return {}
    if isinstance(target, FsspecArtifactStore):
        return target.file_sizes(top)
    sizes: dict[str, int] = {}
    for directory, _, names in target.walk(top):
        for name in names:
            path = f"{directory!s}/{name!s}"
            sizes[path] = target.size(path) or 0
    return sizes

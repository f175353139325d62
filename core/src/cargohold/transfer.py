"""Copying artifact files between any two stores, checksummed, with progress.

Files move concurrently through a bounded thread pool, each streamed in chunks so
that memory does not grow with file size. The bytes sent are checked against the
sha256 recorded when the artifact was saved, and their MD5 is kept. Once every file
is written, one listing of the destination gives, on the cloud stores, the MD5 the
server computed over what it stored: a match verifies the copy without reading it
back. A file the listing cannot vouch for (a local destination, a multipart upload,
an ETag that is not an MD5) is read back and its sha256 checked instead.

A destination file that already holds the same bytes is skipped, so a rerun after an
interruption copies only what is missing; one that holds other bytes stops the copy.
The source is only ever read, and writes are all-or-nothing, so an interrupted copy
leaves no partial file and changes nothing but the destination's complete files.
"""

from __future__ import annotations

import functools
import hashlib
import os
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import TypeVar

from cargohold.artifacts.files import CHUNK_SIZE, stream_copy
from cargohold.artifacts.versions import ArtifactVersion, FileEntry
from cargohold.errors import CargoholdError, StoreAuthenticationError, StoreConnectionError
from cargohold.stores.base import BaseArtifactStore, ListedFile

_T = TypeVar("_T")
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
    # Versions not copied (``name:version`` -> why), when the copy goes on past them.
    failed: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class FileCopy:
    source: str
    destination: str
    entry: FileEntry
    ref: str = ""  # the version it belongs to, name:version


@dataclass
class CopyPlan:
    """Which versions go from ``source`` to ``target``, and the folder each goes to."""

    source: BaseArtifactStore
    target: BaseArtifactStore
    versions: list[ArtifactVersion]
    destination_uri: Callable[[ArtifactVersion], str]

    def file_copies(self) -> list[FileCopy]:
        return [
            FileCopy(
                f"{version.uri}/{entry.path}",
                f"{self.destination_uri(version)}/{entry.path}",
                entry,
                version.ref,
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
    """The sha256 of the file at ``path``, which should hold ``size`` bytes."""
    if size == 0:
        with store.open(path, "rb") as handle:
            return stream_copy(handle)[1]
    # Ranged reads of one chunk each: on the cloud stores a small file costs one
    # request (open() asks for the size first), and a large one no more memory than a
    # chunk (open() reads ahead). The last read runs to the end of the file, so that
    # bytes beyond ``size`` change the digest instead of going unread.
    digest = hashlib.sha256()
    starts = range(0, size, CHUNK_SIZE)
    for start in starts:
        end = None if start == starts[-1] else start + CHUNK_SIZE
        digest.update(store.read_bytes(path, start, end))
    return digest.hexdigest()


def _new_md5() -> hashlib._Hash:
    # A checksum to compare with the server's, not a security measure.
    return hashlib.md5(usedforsecurity=False)


@dataclass(frozen=True)
class _Sent:
    """A file written to the destination and not yet verified there."""

    item: FileCopy
    md5: str  # of the bytes sent, whose sha256 matched the record


def _holds_entry(plan: CopyPlan, item: FileCopy, listed: ListedFile) -> bool:
    """Whether the file already at the destination is the recorded one."""
    entry = item.entry
    if listed.size != entry.size:
        return False
    if listed.md5 is not None:
        # The server's MD5 stands for the destination's bytes, so reading the source
        # (often a local disk) settles it without downloading the copy.
        md5 = _new_md5()
        with plan.source.open(item.source, "rb") as reader:
            sha256 = stream_copy(reader, also=md5)[1]
        if sha256 == entry.sha256 and md5.hexdigest() == listed.md5:
            return True
    return _sha256_of(plan.target, item.destination, entry.size) == entry.sha256


def _copy_one(
    plan: CopyPlan, item: FileCopy, present: dict[str, ListedFile], tally: _Tally
) -> _Sent | None:
    """Copy one file; None when an identical copy was already there."""
    entry = item.entry
    listed = present.get(item.destination)
    if listed is not None:
        if _holds_entry(plan, item, listed):
            tally.add(files=1, size=entry.size)
            return None
        raise CargoholdError(
            f"{item.destination} exists in store {plan.target.name!r} with other content; "
            "move it aside (or delete it) and run the copy again"
        )
    counted = 0

    def on_chunk(size: int) -> None:
        nonlocal counted
        counted += size
        tally.add(size=size)

    md5 = _new_md5()
    try:
        with (
            plan.source.open(item.source, "rb") as reader,
            plan.target.open(item.destination, "wb") as writer,
        ):
            size, sha256 = stream_copy(reader, writer, on_chunk, also=md5)
            if (size, sha256) != (entry.size, entry.sha256):
                # Raised inside the block: the destination write is discarded.
                raise CargoholdError(
                    f"{item.source} in store {plan.source.name!r} no longer matches the "
                    "checksum recorded when it was saved; nothing was copied for it"
                )
    except BaseException:
        tally.add(size=-counted)
        raise
    tally.add(files=1)
    return _Sent(item, md5.hexdigest())


def _read_back(plan: CopyPlan, item: FileCopy) -> bool:
    """Whether the copy reads back with the recorded sha256; a bad copy is removed."""
    if _sha256_of(plan.target, item.destination, item.entry.size) == item.entry.sha256:
        return True
    plan.target.remove(item.destination)
    return False


def _unvouched(plan: CopyPlan, sent: list[_Sent]) -> list[FileCopy]:
    """The sent files that the destination's listing does not show with their MD5."""
    listed: dict[str, ListedFile] = {}
    if sent:
        listed = plan.target.list_files(
            _common_folder(s.item.destination.rsplit("/", 1)[0] for s in sent)
        )
    unvouched = []
    for copy in sent:
        found = listed.get(copy.item.destination)
        if found is None or (found.size, found.md5) != (copy.item.entry.size, copy.md5):
            unvouched.append(copy.item)
    return unvouched


def _run_all(executor: ThreadPoolExecutor, calls: Sequence[Callable[[], _T]]) -> list[_T]:
    """Run ``calls`` in the pool; raise the first failure once it happens."""
    futures: list[Future[_T]] = [executor.submit(call) for call in calls]
    wait(futures, return_when=FIRST_EXCEPTION)
    failed = next((f for f in futures if f.done() and f.exception() is not None), None)
    if failed is not None:
        raise failed.exception()  # type: ignore[misc]
    return [future.result() for future in futures]


def _noting_failures(
    call: Callable[[], _T], item: FileCopy, failed: dict[str, str], lock: threading.Lock
) -> Callable[[], _T | None]:
    """``call``, with a failure of this one file noted against its version instead of
    raised; an unreachable store or refused credentials still stop the whole copy."""

    def run() -> _T | None:
        try:
            return call()
        except (StoreConnectionError, StoreAuthenticationError):
            raise
        except Exception as exc:
            with lock:
                failed.setdefault(item.ref, " ".join(str(exc).split()) or type(exc).__name__)
            return None

    return run


def copy_files(
    plan: CopyPlan,
    *,
    workers: int = 8,
    progress: Progress | None = None,
    failed: dict[str, str] | None = None,
) -> CopyReport:
    """Copy and verify every file of the plan; raise on the first failure, or, given
    ``failed``, note each failed version there and go on with the others (versions
    already in it are not copied)."""
    started = time.perf_counter()
    items = plan.file_copies()
    if failed is not None:
        items = [item for item in items if item.ref not in failed]
    report = CopyReport(
        versions=len(plan.versions),
        files=len(items),
        bytes_total=sum(item.entry.size for item in items),
    )
    tally = _Tally(report.files, report.bytes_total, progress)
    present = _present_files(plan)
    tally.add()  # show the totals before the first file lands
    executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="cargohold-copy")
    try:
        calls: list[Callable[[], _Sent | None]] = [
            functools.partial(_copy_one, plan, item, present, tally) for item in items
        ]
        lock = threading.Lock()
        if failed is not None:
            calls = [
                _noting_failures(c, i, failed, lock) for c, i in zip(calls, items, strict=True)
            ]
        results = _run_all(executor, calls)
        noted = failed if failed is not None else {}
        already_there = sum(
            1
            for item, result in zip(items, results, strict=True)
            if result is None and item.ref not in noted
        )
        sent = [result for result in results if result is not None]
        doubtful = _unvouched(plan, sent)
        # Every doubtful copy is checked, so that no bad one stays behind to block a rerun.
        checks = [functools.partial(_read_back, plan, item) for item in doubtful]
        verdicts = _run_all(executor, checks)
        bad = [item for item, good in zip(doubtful, verdicts, strict=True) if not good]
        if failed is not None:
            for item in bad:
                failed.setdefault(
                    item.ref, f"{item.destination} read back with a different checksum"
                )
            sent = [copy for copy in sent if copy.item.ref not in failed]
        elif bad:
            raise CargoholdError(
                f"{len(bad)} of {len(items)} files read back with a different checksum after "
                f"the copy (the first: {bad[0].destination}); they were removed, run the "
                "copy again"
            )
    finally:
        # On an error or Ctrl-C, files not yet started are not started at all.
        executor.shutdown(wait=True, cancel_futures=True)
    report.copied = len(sent)
    report.skipped = already_there
    report.bytes_copied = sum(copy.item.entry.size for copy in sent)
    report.seconds = time.perf_counter() - started
    return report


def _common_folder(folders: Iterable[str]) -> str:
    """The deepest folder that holds every one of ``folders``."""
    # Given lists of path components, commonprefix compares components, not characters.
    components = [folder.rstrip("/").split("/") for folder in folders]
    return "/".join(os.path.commonprefix(components))  # noqa: RUF071


def _present_files(plan: CopyPlan) -> dict[str, ListedFile]:
    """The files already under the destination folders, from one listing."""
    if not plan.versions:
        return {}
    top = _common_folder(plan.destination_uri(version) for version in plan.versions)
    if not plan.target.exists(top):
        return {}
    return plan.target.list_files(top)

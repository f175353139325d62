"""One "machine" saving and loading artifacts in a shared store, and the checks that the
store's catalogue tests (``tests/core/test_catalog_concurrency.py``,
``tests/{s3,gcp,azure}/test_catalog.py``) run with it on every backend.

Run as a script, it is one process with its own config directory::

    python -m tests.support.catalog_workload --config-dir DIR --store SPEC save \\
        --name model --count 25 --writer w1 [--barrier FILE] [--claim check-then-write] \\
        [--kind json|folder] [--pause-at after-claim|mid-files|before-manifest]
    python -m tests.support.catalog_workload --config-dir DIR --store SPEC load model:1 ...

``SPEC`` is ``{"flavor": ..., "config": {...}}``: the store is registered under the name
``shared`` in that config directory (if it is not yet) and made the active stack's.
``save`` stores ``count`` versions whose content names the writer and the sequence
number, and prints one JSON line per save: ``{"ref", "version", "checksum", "writer",
"seq"}``, or ``{"error", "writer", "seq"}`` for a save that failed. ``load`` prints
``{"ref", "version", "checksum", "writer", "seq"}`` per reference, read back from the
store, or ``{"ref", "error"}``.

``--claim check-then-write`` replaces the store's ``create_new`` in that process with the
unsafe way: ``exists()``, a short sleep, then a plain write. The catalogue tests run the
same checks with it to show that they can fail.

``--pause-at`` stops one save at a point, prints ``{"paused": POINT, "version": N}`` and
sleeps, so that a test can SIGKILL the process right there: ``after-claim`` (the number
is claimed, no file written), ``mid-files`` (two of the folder's four files written),
``before-manifest`` (every file written, the manifest not yet created).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
import warnings
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

STORE = "shared"
NAME = "model"
WRITERS = 8
SAVES_EACH = 25
LOADERS = 4  # threads of the ninth machine, loading every version
# The unsafe claim's window between finding a number free and taking it.
UNSAFE_CLAIM_SLEEP = 0.02
PAUSE_POINTS = ("after-claim", "mid-files", "before-manifest")
FOLDER_FILES = 4  # meta.json and three parts: mid-files stops after two of them
_VERSION_IN_DATA = re.compile(r"/artifacts/(?P<name>[^/.][^/]*)/(?P<version>\d+)/")
_VERSION_IN_CATALOG = re.compile(r"/\.catalog/v\d+/(?P<name>[^/]+)/(?P<version>\d+)\.\w+$")


@dataclass(frozen=True)
class StoreSpec:
    """How every machine registers the one shared store: a flavor and its config."""

    flavor: str
    config: dict[str, Any]

    def to_json(self) -> str:
        return json.dumps({"flavor": self.flavor, "config": self.config})

    @classmethod
    def from_json(cls, text: str) -> StoreSpec:
        data = json.loads(text)
        return cls(data["flavor"], data["config"])


# -- what a version holds ----------------------------------------------------------------


def json_content(writer: str, seq: int) -> dict[str, Any]:
    return {"writer": writer, "seq": seq, "pad": f"{writer}-{seq}-" * 8}


def folder_files(writer: str, seq: int) -> dict[str, bytes]:
    """The files of a folder artifact: each one's bytes name the writer and the number."""
    files = {"meta.json": json.dumps({"writer": writer, "seq": seq}).encode()}
    for part in range(FOLDER_FILES - 1):
        files[f"part-{part}.bin"] = f"{writer}/{seq}/{part}\n".encode() * 256
    return files


def make_object(kind: str, writer: str, seq: int, scratch: Path) -> Any:
    if kind == "json":
        return json_content(writer, seq)
    folder = scratch / f"{writer}-{seq}"
    folder.mkdir(parents=True)
    for name, data in folder_files(writer, seq).items():
        (folder / name).write_bytes(data)
    return folder


def identity(loaded: Any) -> tuple[str, int]:
    """``(writer, seq)`` of a loaded version; an error if its content is not whole."""
    if isinstance(loaded, dict):
        writer, seq = loaded["writer"], loaded["seq"]
        if loaded != json_content(writer, seq):
            raise ValueError(f"content of {writer}#{seq} changed: {loaded!r}")
        return writer, seq
    folder = Path(loaded)
    meta = json.loads((folder / "meta.json").read_bytes())
    writer, seq = meta["writer"], meta["seq"]
    found = {p.name: p.read_bytes() for p in folder.iterdir()}
    if found != folder_files(writer, seq):
        raise ValueError(f"files of {writer}#{seq} differ: {sorted(found)}")
    return writer, seq


# -- the script ------------------------------------------------------------------------


def connect(config_dir: Path, spec: StoreSpec) -> Any:
    """A client on ``config_dir`` with the shared store registered and active."""
    from cargohold.client import Client
    from cargohold.errors import CargoholdWarning

    client = Client(config_dir)
    if STORE not in {record.name for record in client.list_artifact_stores()}:
        with warnings.catch_warnings():
            # The emulators' throwaway keys are in plain text on purpose.
            warnings.simplefilter("ignore", CargoholdWarning)
            client.register_artifact_store(STORE, spec.flavor, spec.config)
        client.register_stack(STORE, STORE, set_active=True)
    return client


def emit(**fields: Any) -> None:
    print(json.dumps(fields), flush=True)


def replace_create_with_check_then_write(store_class: type[Any]) -> None:
    """The unsafe claim: another writer can create the path between check and write."""

    def check_then_write(self: Any, path: Any, data: bytes) -> None:
        if self.exists(path):
            raise FileExistsError(path)
        time.sleep(UNSAFE_CLAIM_SLEEP)
        with self.open(path, "wb") as handle:
            handle.write(data)

    store_class.create_new = check_then_write


def pause(point: str, path: Any, pattern: re.Pattern[str]) -> None:
    match = pattern.search(str(path))
    emit(paused=point, version=int(match["version"]) if match else None, path=str(path))
    while True:  # until SIGKILL
        time.sleep(60)


def pause_saves_at(store_class: type[Any], point: str, name: str) -> None:
    """Stop the first save of ``name`` at ``point``, wrapping the store's own methods."""
    create_new, open_ = store_class.create_new, store_class.open

    def in_catalog(path: Any, suffix: str) -> bool:
        match = _VERSION_IN_CATALOG.search(str(path))
        return match is not None and match["name"] == name and str(path).endswith(suffix)

    def pausing_create_new(self: Any, path: Any, data: bytes) -> None:
        if point == "before-manifest" and in_catalog(path, ".json"):
            pause(point, path, _VERSION_IN_CATALOG)
        create_new(self, path, data)
        if point == "after-claim" and in_catalog(path, ".claim"):
            pause(point, path, _VERSION_IN_CATALOG)

    opened: list[str] = []

    def pausing_open(self: Any, path: Any, mode: str = "r") -> Any:
        match = _VERSION_IN_DATA.search(str(path))
        if point == "mid-files" and "w" in mode and match and match["name"] == name:
            if len(opened) == FOLDER_FILES // 2:  # the earlier ones are written and closed
                pause(point, path, _VERSION_IN_DATA)
            opened.append(str(path))
        return open_(self, path, mode)

    store_class.create_new = pausing_create_new
    store_class.open = pausing_open


def wait_for(barrier: Path) -> None:
    while not barrier.exists():
        time.sleep(0.002)


def run_saves(args: argparse.Namespace, client: Any, scratch: Path) -> None:
    store_class = type(client.get_artifact_store(STORE))
    if args.claim == "check-then-write":
        replace_create_with_check_then_write(store_class)
    if args.pause_at:
        pause_saves_at(store_class, args.pause_at, args.name)
    # Plugins, materializers, the cloud library and its first request before the
    # start line, so that every writer is at full speed when the barrier opens.
    client.artifacts.materializer_for(make_object(args.kind, args.writer, 0, scratch))
    client.artifacts.catalog(STORE).listing(args.name)
    emit(ready=args.writer)
    if args.barrier:
        wait_for(Path(args.barrier))
    for seq in range(1, args.count + 1):
        obj = make_object(args.kind, args.writer, seq, scratch)
        try:
            version = client.artifacts.save(obj, args.name, store=STORE)
        except Exception as exc:
            emit(error=f"{type(exc).__name__}: {exc}", writer=args.writer, seq=seq)
            continue
        emit(
            ref=version.ref,
            version=version.version,
            checksum=version.checksum,
            writer=args.writer,
            seq=seq,
        )


def run_loads(args: argparse.Namespace, client: Any) -> None:
    from cargohold.artifacts.service import parse_ref

    for ref in args.refs:
        name, number = parse_ref(ref)
        try:
            found = client.artifacts.get(name, number, store=STORE)
            writer, seq = identity(client.artifacts.load(name, found.version, store=STORE))
        except Exception as exc:
            emit(ref=ref, error=f"{type(exc).__name__}: {exc}")
            continue
        emit(ref=found.ref, version=found.version, checksum=found.checksum, writer=writer, seq=seq)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="catalog_workload")
    parser.add_argument("--config-dir", type=Path, required=True)
    parser.add_argument("--store", type=StoreSpec.from_json, required=True)
    commands = parser.add_subparsers(dest="command", required=True)
    save = commands.add_parser("save")
    save.add_argument("--name", default=NAME)
    save.add_argument("--count", type=int, default=1)
    save.add_argument("--writer", required=True)
    save.add_argument("--claim", choices=("atomic", "check-then-write"), default="atomic")
    save.add_argument("--barrier", help="start saving once this file exists")
    save.add_argument("--kind", choices=("json", "folder"), default="json")
    save.add_argument("--pause-at", choices=PAUSE_POINTS)
    load = commands.add_parser("load")
    load.add_argument("refs", nargs="+")
    args = parser.parse_args(argv)

    client = connect(args.config_dir, args.store)
    if args.command == "save":
        import tempfile

        with tempfile.TemporaryDirectory(prefix="catalog-workload-") as scratch:
            run_saves(args, client, Path(scratch))
    else:
        run_loads(args, client)


# -- driving workloads from a test ---------------------------------------------------------


class Workload:
    """One workload process; its JSON lines are read as they come, with timeouts."""

    def __init__(self, spec: StoreSpec, config_dir: Path, *args: str) -> None:
        from tests.support.venvs import REPO

        config_dir.mkdir(parents=True, exist_ok=True)
        self.label = f"{config_dir.name}: {' '.join(args)}"
        self._stderr_path = config_dir / f"workload-{time.monotonic_ns()}.stderr"
        self._stderr: IO[bytes] = self._stderr_path.open("wb")
        command = [sys.executable, "-m", "tests.support.catalog_workload"]
        command += ["--config-dir", str(config_dir), "--store", spec.to_json(), *args]
        self.process = subprocess.Popen(
            command, cwd=REPO, stdout=subprocess.PIPE, stderr=self._stderr, text=True
        )
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.put(line)
        self._lines.put(None)

    def stderr(self) -> str:
        self._stderr.flush()
        return self._stderr_path.read_text(errors="replace")[-3000:]

    def fail(self, why: str) -> AssertionError:
        self.process.kill()
        self.process.wait(timeout=30)
        return AssertionError(f"{self.label}: {why}\n{self.stderr()}")

    def lines(self, timeout: float) -> Iterator[dict[str, Any]]:
        """Every line until the process ends; an error if it takes over ``timeout``."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self._lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise self.fail(f"no line within {timeout:.0f}s") from None
            if line is None:
                return
            try:
                yield json.loads(line)
            except ValueError:
                raise self.fail(f"printed {line!r}, not JSON") from None

    def wait_for(self, key: str, timeout: float = 120) -> dict[str, Any]:
        for line in self.lines(timeout):
            if key in line:
                return line
            if "error" in line:
                raise self.fail(f"said {line} before {key!r}")
        raise self.fail(f"ended (exit {self.process.wait()}) before printing {key!r}")

    def finish(self, timeout: float = 300) -> list[dict[str, Any]]:
        """The rest of its lines, once it has ended; an error unless it exited 0."""
        found = list(self.lines(timeout))
        if self.process.wait(timeout=30) != 0:
            raise self.fail(f"exited {self.process.returncode}")
        self._stderr.close()
        return found

    def kill(self) -> None:
        os.kill(self.process.pid, signal.SIGKILL)
        assert self.process.wait(timeout=30) == -signal.SIGKILL
        self._stderr.close()

    def stop(self) -> None:
        """Kill it if it still runs: a failed check leaves no workload behind."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)
        self._stderr.close()


@contextlib.contextmanager
def stopped_afterwards(runs: Iterable[Workload]) -> Iterator[None]:
    try:
        yield
    finally:
        for run in runs:
            run.stop()


def saved_by(spec: StoreSpec, config_dir: Path, writer: str, kind: str = "json") -> dict[str, Any]:
    """One save from ``config_dir`` in a process of its own; its line (it must succeed)."""
    run = Workload(spec, config_dir, "save", "--writer", writer, "--kind", kind)
    [line] = [line for line in run.finish() if "ready" not in line]
    assert "error" not in line, f"{writer}'s save failed: {line['error']}"
    return line


def loaded_by(spec: StoreSpec, config_dir: Path, *refs: str) -> dict[str, dict[str, Any]]:
    """``refs`` loaded from ``config_dir`` in a process of its own, by ref asked for."""
    lines = Workload(spec, config_dir, "load", *refs).finish()
    assert [line["ref"] for line in lines] == list(refs), lines
    assert not [line for line in lines if "error" in line], lines
    return {line["ref"]: line for line in lines}


def listed_by_cli(config_dir: Path) -> list[tuple[str, int]]:
    """What ``cargohold artifact list`` shows on the machine of ``config_dir``."""
    command = [sys.executable, "-m", "cargohold", "artifact", "list", "--name", NAME]
    result = subprocess.run(
        [*command, "--store", STORE, "--output", "json"],
        env={**os.environ, "CARGOHOLD_CONFIG_DIR": str(config_dir)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return [(row["name"], row["version"]) for row in json.loads(result.stdout)]


# -- the checks ----------------------------------------------------------------------------


def check_two_machines_share_one_root(spec: StoreSpec, tmp_path: Path) -> None:
    """Alice and Bob register the same root, each in a config dir of their own, and
    nothing else: each sees, and loads, what the other saved. Bob's every step is a
    process of its own; Alice keeps one client throughout, as a notebook would."""
    alice = connect(tmp_path / "alice", spec)
    bob = tmp_path / "bob"
    connect(bob, spec)

    mine = alice.artifacts.save(json_content("alice", 1), NAME, store=STORE)
    assert mine.ref == "model:1"
    assert listed_by_cli(bob) == [("model", 1)]
    seen = loaded_by(spec, bob, "model:1")["model:1"]
    assert (seen["writer"], seen["seq"], seen["checksum"]) == ("alice", 1, mine.checksum)

    theirs = saved_by(spec, bob, "bob")
    assert theirs["ref"] == "model:2"

    assert [v.version for v in alice.artifacts.versions(NAME, store=STORE)] == [1, 2]
    assert alice.artifacts.get(NAME, 1, store=STORE).checksum == mine.checksum
    assert identity(alice.artifacts.load(NAME, 1, store=STORE)) == ("alice", 1)
    assert alice.artifacts.get(NAME, 2, store=STORE).checksum == theirs["checksum"]
    assert identity(alice.artifacts.load(NAME, 2, store=STORE)) == ("bob", 1)

    both = loaded_by(spec, bob, "model:1", "model:2")
    assert {ref: (line["writer"], line["checksum"]) for ref, line in both.items()} == {
        "model:1": ("alice", mine.checksum),
        "model:2": ("bob", theirs["checksum"]),
    }


@dataclass
class RaceFindings:
    """What the writers reported and what a ninth machine found afterwards."""

    saves: int = 0
    numbers: set[int] = field(default_factory=set)
    listed: set[int] = field(default_factory=set)
    # Collisions: a number two saves were given, a save refused, a version whose
    # content is not its writer's (or does not load).
    duplicates: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    # Anything else a user would notice: a listing that disagrees with the saves, a
    # save that is not found exactly once.
    other: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def collisions(self) -> list[str]:
        return self.duplicates + self.refused + self.wrong

    def problems(self) -> list[str]:
        return self.collisions() + self.other

    def summary(self) -> str:
        shown = "\n  ".join(self.problems()[:12])
        return (
            f"{self.saves} saves, {len(self.numbers)} distinct numbers, {len(self.listed)} "
            f"listed, {len(self.duplicates)} numbers given twice, {len(self.refused)} refused, "
            f"{len(self.wrong)} wrong contents, {len(self.other)} other, in "
            f"{self.seconds:.1f}s:\n  {shown}"
        )


def race(
    spec: StoreSpec,
    tmp_path: Path,
    claim: str = "atomic",
    writers: int = WRITERS,
    each: int = SAVES_EACH,
) -> RaceFindings:
    """``writers`` processes, each with its own config dir, save ``NAME`` ``each`` times,
    all starting at once; then a ninth config dir lists and loads every version."""
    barrier = tmp_path / "start"
    runs = [
        Workload(
            spec,
            tmp_path / f"writer-{index}",
            *("save", "--writer", f"w{index}", "--count", str(each)),
            *("--claim", claim, "--barrier", str(barrier)),
        )
        for index in range(writers)
    ]
    with stopped_afterwards(runs):
        for run in runs:
            run.wait_for("ready")
        started = time.monotonic()
        barrier.touch()
        reports = [line for run in runs for line in run.finish() if "ready" not in line]
    findings = RaceFindings(seconds=time.monotonic() - started)

    given: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for line in reports:
        if "error" in line:
            findings.refused.append(f"{line['writer']}#{line['seq']}: {line['error']}")
        else:
            given[line["version"]].append(line)
    findings.saves = sum(len(lines) for lines in given.values())
    findings.numbers = set(given)
    for number, lines in sorted(given.items()):
        if len(lines) > 1:
            takers = ", ".join(f"{line['writer']}#{line['seq']}" for line in lines)
            findings.duplicates.append(f"model:{number} given to {takers}")

    ninth = connect(tmp_path / "ninth", spec)
    listed = {v.version: v for v in ninth.artifacts.versions(NAME, store=STORE)}
    findings.listed = set(listed)
    if set(listed) != set(given):
        findings.other.append(
            f"listed but not saved: {sorted(set(listed) - set(given))[:10]}; "
            f"saved but not listed: {sorted(set(given) - set(listed))[:10]}"
        )

    def load(number: int) -> tuple[str, int] | str:
        try:
            return identity(ninth.artifacts.load(NAME, number, store=STORE))
        except Exception as exc:
            return f"{type(exc).__name__}: {exc}"

    with ThreadPoolExecutor(LOADERS) as pool:
        contents = dict(zip(listed, pool.map(load, listed), strict=True))
    loaded: Counter[tuple[str, int]] = Counter()
    for number, version in sorted(listed.items()):
        found = contents[number]
        if isinstance(found, str):
            findings.wrong.append(f"model:{number} does not load: {found}")
            continue
        loaded[found] += 1
        takers = given.get(number, [])
        if not any((line["writer"], line["seq"]) == found for line in takers):
            findings.wrong.append(f"model:{number} holds {found}, saved by {takers}")
        elif not any(line["checksum"] == version.checksum for line in takers):
            findings.wrong.append(f"model:{number}'s checksum is not its writer's")
    for writer in range(writers):
        for seq in range(1, each + 1):
            if loaded[(f"w{writer}", seq)] != 1:
                times = loaded[(f"w{writer}", seq)]
                findings.other.append(f"w{writer}#{seq} loaded {times} times, not once")
    return findings


def check_concurrent_saves_get_distinct_numbers(spec: StoreSpec, tmp_path: Path) -> float:
    """8 x 25 saves at once: 200 numbers, each loading its own content; the seconds taken."""
    findings = race(spec, tmp_path)
    assert findings.problems() == [], findings.summary()
    assert findings.saves == len(findings.numbers) == WRITERS * SAVES_EACH, findings.summary()
    assert findings.listed == findings.numbers
    return findings.seconds


def check_check_then_write_collides(spec: StoreSpec, tmp_path: Path) -> float:
    """The same race with the claim made unsafe: the same checks find a collision."""
    findings = race(spec, tmp_path, claim="check-then-write")
    # Most saves still go through: what is found is collisions, not a broken run.
    assert findings.saves >= WRITERS * SAVES_EACH // 2, findings.summary()
    assert findings.collisions(), f"no collision found: {findings.summary()}"
    return findings.seconds


def check_killed_saves_leave_no_version(spec: StoreSpec, tmp_path: Path) -> None:
    """Saves SIGKILLed after their claim, halfway through their files, and before their
    manifest: none of those versions is to be seen, the others load whole, and the next
    save takes the next number."""
    import pytest

    from cargohold.errors import NotFoundError

    machine = tmp_path / "machine"
    first = Workload(
        spec, machine, "save", "--writer", "before", "--count", "2", "--kind", "folder"
    )
    saved = {line["version"]: line for line in first.finish() if "ref" in line}
    assert sorted(saved) == [1, 2]

    # Three machines at once, each stopped at its point, then killed.
    paused = {
        point: Workload(
            spec,
            tmp_path / point,
            *("save", "--writer", point, "--kind", "folder", "--pause-at", point),
        )
        for point in PAUSE_POINTS
    }
    with stopped_afterwards(paused.values()):
        killed = {point: run.wait_for("paused")["version"] for point, run in paused.items()}
        for run in paused.values():
            run.kill()
    assert sorted(killed.values()) == [3, 4, 5]
    for point, number in killed.items():
        assert_the_kill_landed(spec, tmp_path / "inspector", point, number)

    def assert_only_saved_versions_visible(config_dir: Path) -> None:
        client = connect(config_dir, spec)
        versions = {v.version: v for v in client.artifacts.versions(NAME, store=STORE)}
        assert sorted(versions) == sorted(saved)
        for gone in killed.values():
            with pytest.raises(NotFoundError, match=f"has no version {gone} "):
                client.artifacts.load(NAME, gone, store=STORE)
        for number, line in saved.items():
            assert versions[number].checksum == line["checksum"]
            loaded = client.artifacts.load(NAME, number, store=STORE)
            assert identity(loaded) == (line["writer"], line["seq"])

    assert_only_saved_versions_visible(machine)
    assert_only_saved_versions_visible(tmp_path / "fresh")  # no cached manifest

    after = saved_by(spec, machine, "after", kind="folder")
    assert after["version"] == 6
    saved[6] = after
    assert_only_saved_versions_visible(tmp_path / "fresh")
    assert listed_by_cli(tmp_path / "fresh") == [(NAME, n) for n in sorted(saved)]


def assert_the_kill_landed(spec: StoreSpec, config_dir: Path, point: str, number: int) -> None:
    """The killed save got as far as ``point`` and no further, as the store holds it
    (paths from the documented on-store layout)."""
    store = connect(config_dir, spec).get_artifact_store(STORE)
    root = store.path.rstrip("/")
    catalog = f"{root}/artifacts/.catalog/v1/{NAME}"
    assert store.exists(f"{catalog}/{number}.claim")
    assert not store.exists(f"{catalog}/{number}.json")
    data = f"{root}/artifacts/{NAME}/{number}"
    written = len(store.list_files(data))
    expected = {"after-claim": 0, "mid-files": FOLDER_FILES // 2, "before-manifest": FOLDER_FILES}
    assert written == expected[point], f"{point}: {written} files of model:{number} written"


class SharedCatalogTests:
    """The issue's checks, for one backend: subclass it as ``TestXxxCatalog`` in a test
    module and give it a ``spec`` fixture (a ``StoreSpec`` on an empty root)."""

    #: Whether to also run the race with the unsafe claim (it shows the checks can fail).
    check_then_write_race = True

    def test_two_config_dirs_on_one_root_see_and_load_each_others_versions(
        self, spec: StoreSpec, tmp_path: Path
    ) -> None:
        check_two_machines_share_one_root(spec, tmp_path)

    def test_eight_processes_saving_at_once_get_200_distinct_loadable_versions(
        self, spec: StoreSpec, tmp_path: Path
    ) -> None:
        seconds = check_concurrent_saves_get_distinct_numbers(spec, tmp_path)
        print(f"{WRITERS} x {SAVES_EACH} saves on {spec.flavor}: {seconds:.1f}s")

    def test_the_same_race_with_check_then_write_claims_finds_a_collision(
        self, spec: StoreSpec, tmp_path: Path
    ) -> None:
        if not self.check_then_write_race:
            import pytest

            pytest.skip("the unsafe race runs on the local store and on S3")
        seconds = check_check_then_write_collides(spec, tmp_path)
        print(f"check-then-write race on {spec.flavor}: {seconds:.1f}s")

    def test_a_save_killed_after_its_claim_mid_files_or_before_its_manifest_leaves_no_version(
        self, spec: StoreSpec, tmp_path: Path
    ) -> None:
        check_killed_saves_leave_no_version(spec, tmp_path)


if __name__ == "__main__":
    main()

"""Reading the artifact catalogue of an S3 store at 10,000 versions, on moto.

One store holds 10,000 versions of 10 names. A new config directory (what a second
machine has) lists them cold: one recursive, paginated listing of the catalogue, then
one GET per manifest, as none is cached yet. A config directory whose cache holds them
lists them warm: the listing only. ``artifact describe`` and ``load`` of a known
version read that version's manifest and nothing else of the catalogue. Every request
is counted from moto's own request log, so the figures are what the server saw.

The listings measured are the real ones: ``cargohold artifact list -o json`` in a child
process and ``Client().artifacts.versions()`` in this one.
"""

from __future__ import annotations

import functools
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from backends import S3, client_with_store
from cli_startup import REMOVED_FROM_CHILD_ENV, cargohold_script
from stats import Measured

from tests.s3.helpers import RequestLog
from tests.support.servers import RunningServer

VERSIONS = 10_000
NAMES = tuple(f"model-{number}" for number in range(10))
PER_NAME = VERSIONS // len(NAMES)
DESCRIBED = ("model-4", 517)
# S3 answers a listing with at most 1,000 keys per page, and the catalogue holds two
# objects per version (its claim and its manifest): 2 list requests per 1,000 versions.
PAGE_KEYS = 1_000
LISTING_PAGES = math.ceil(2 * VERSIONS / PAGE_KEYS)
# A cold listing at 10,000 versions takes about a minute on moto (10,000 GETs): a few
# rounds give a median without making the run an hour long.
LIST_ROUNDS = 3
# Threads that write the versions: enough to keep moto, one process that does most of
# the work, busy all the time.
WRITERS = 16
# The catalogue under the store root, as catalog.py lays it out (format 1).
CATALOG = "artifacts/.catalog/v1"
STORE = "remote"


def payload(name: str, number: int) -> bytes:
    """The bytes version ``number`` of ``name`` holds, so a load can be checked."""
    return f"{name}:{number}\n".encode()


# -- filling the store -------------------------------------------------------------------


def _claim(catalog: Any, name: str, number: int) -> None:
    """Claim ``name:number`` as ``save`` does, with the store's ``create_new``.

    ``StoreCatalog.claim`` would also check that the version's data folder is empty (a
    HEAD and a listing, which moto answers by scanning every key in the bucket: most of
    the time of filling it, and more as it fills). The folders here are new.
    """
    from cargohold.artifacts.catalog import now, who

    claim = {
        "format": 1,
        "name": name,
        "version": number,
        "claimed": now(),
        "by": {**who(), "pid": str(os.getpid())},
        "save": uuid.uuid4().hex,
    }
    body = json.dumps(claim, sort_keys=True).encode() + b"\n"
    catalog.store.create_new(catalog.claim_path(name, number), body)


def _save_numbered(catalog: Any, seed: Any, number: int) -> None:
    """Save version ``number`` of ``seed``'s artifact as ``save`` does, with the number
    known: claim it, write the file, publish the manifest (one PUT each)."""
    from cargohold.artifacts.catalog import now
    from cargohold.artifacts.files import ArtifactFiles, manifest_checksum

    _claim(catalog, seed.name, number)
    files = ArtifactFiles(catalog.store, catalog.data_folder(seed.name, number))
    (entry,) = seed.files
    files.write_bytes(entry.path, payload(seed.name, number))
    catalog.publish(
        replace(
            seed,
            version=number,
            uri=files.uri,
            files=files.entries,
            size=sum(e.size for e in files.entries),
            checksum=manifest_checksum(files.entries),
            created=now(),
        )
    )


def populate(writer: Any) -> float:
    """Fill the writer's store with ``VERSIONS`` versions; return the seconds it took.

    Version 1 of each name goes through ``Client().artifacts.save``, so every manifest
    has the shape a real save gives it; the others copy that shape with their own
    number, file and checksum, written concurrently through the store's ``create_new``
    (claim, manifest) and ``open`` (file): three PUTs a version. ``save`` would also
    list the name's folder before each version (up to 2,000 keys in two pages, each of
    which moto builds by scanning and sorting every key in the bucket), and check that
    the data folder is empty: filling the store that way slows down as it fills.
    """
    started = time.perf_counter()
    seeds = {name: writer.artifacts.save(payload(name, 1), name, store=STORE) for name in NAMES}
    for seed in seeds.values():
        if seed.version != 1 or len(seed.files) != 1:
            raise RuntimeError(f"the first save of {seed.name} made {seed.ref}, {seed.files}")
    catalog = writer.artifacts.catalog(STORE)
    jobs = [(name, number) for number in range(2, PER_NAME + 1) for name in NAMES]
    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        for _ in pool.map(lambda job: _save_numbered(catalog, seeds[job[0]], job[1]), jobs):
            pass
    return time.perf_counter() - started


# -- counting and timing -------------------------------------------------------------------


@dataclass(frozen=True)
class Requests:
    """The requests the server logged for one run of a case, by kind."""

    lists: int
    manifest_reads: int
    # Every other request, by method: data reads (GET), HEAD, PUT, ...
    other: dict[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, logged: Sequence[tuple[str, str]]) -> Requests:
        lists = manifests = 0
        other: Counter[str] = Counter()
        for method, target in logged:
            if method == "GET" and "list-type=" in target:
                lists += 1
            elif method == "GET" and f"/{CATALOG}/" in target and target.endswith(".json"):
                manifests += 1
            else:
                other[method] += 1
        return cls(lists, manifests, dict(other))

    @property
    def total(self) -> int:
        return self.lists + self.manifest_reads + sum(self.other.values())


@dataclass(frozen=True)
class Sample:
    seconds: float
    requests: Requests
    # CPU seconds the server process, and the client (this process and the child it
    # ran), spent on the case: where the wall time went. None where /proc is missing.
    server_cpu: float | None
    client_cpu: float


def _process_cpu(pid: int) -> float | None:
    """User plus system CPU seconds of process ``pid`` (all its threads) so far."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name in parentheses may hold spaces; the fields after it do not.
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _own_cpu() -> float:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def measure(log: RequestLog, server: RunningServer, action: Callable[[], object]) -> Sample:
    server_before, client_before = _process_cpu(server.process.pid), _own_cpu()
    log.start()
    started = time.perf_counter()
    action()
    seconds = time.perf_counter() - started
    # Read before stop(): its marker request is the log's, not the case's.
    server_after, client_after = _process_cpu(server.process.pid), _own_cpu()
    requests = Requests.of(log.stop())
    server_cpu = (
        None if server_before is None or server_after is None else server_after - server_before
    )
    return Sample(seconds, requests, server_cpu, client_after - client_before)


# -- the cases -----------------------------------------------------------------------------


def _cli(config_dir: Path, *argv: str) -> Any:
    """Run ``cargohold argv`` against ``config_dir``; its JSON output, parsed."""
    env = {k: v for k, v in os.environ.items() if k not in REMOVED_FROM_CHILD_ENV}
    env["CARGOHOLD_CONFIG_DIR"] = str(config_dir)
    done = subprocess.run([str(cargohold_script()), *argv], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"cargohold {' '.join(argv)} exited {done.returncode}:\n{done.stderr}")
    return json.loads(done.stdout)


def cli_list(config_dir: Path) -> None:
    listed = _cli(config_dir, "artifact", "list", "--store", STORE, "-o", "json")
    if len(listed) != VERSIONS:
        raise RuntimeError(f"`artifact list` showed {len(listed)} versions, not {VERSIONS}")


def api_list(config_dir: Path) -> None:
    from cargohold import Client

    listed = Client(config_dir=config_dir).artifacts.versions(store=STORE)
    if len(listed) != VERSIONS:
        raise RuntimeError(f"versions() gave {len(listed)} versions, not {VERSIONS}")


def cli_describe(config_dir: Path) -> None:
    name, number = DESCRIBED
    shown = _cli(
        config_dir, "artifact", "describe", f"{name}:{number}", "--store", STORE, "-o", "json"
    )
    if (shown["name"], shown["version"]) != DESCRIBED:
        raise RuntimeError(f"`artifact describe {name}:{number}` showed {shown}")


def api_load(config_dir: Path) -> None:
    from cargohold import Client

    name, number = DESCRIBED
    loaded = Client(config_dir=config_dir).artifacts.load(name, number, store=STORE)
    if loaded != payload(name, number):
        raise RuntimeError(f"load({name!r}, {number}) gave {loaded!r}")


@dataclass(frozen=True)
class Case:
    """One thing measured. ``prepare(round)`` does the untimed set-up of a round (a new
    config directory, for the cold cases) and returns the action to time."""

    label: str
    unit: str  # of the time row: "s" or "ms"
    prepare: Callable[[int], Callable[[], object]]
    # Targets from the issue: the list requests and manifest reads one run may cost.
    lists: int
    manifest_reads: int
    # A case measured beside this one in the same rounds, shown as its comparison.
    reference: Case | None = None


@dataclass
class Report:
    """What the catalogue benchmark measured, for run.py to turn into rows and notes."""

    populate_seconds: float
    cases: list[Case]  # in the order of the rows
    samples: dict[str, list[Sample]]  # by case label, references' too

    def case(self, label_start: str) -> Case:
        return next(c for c in self.cases if c.label.startswith(label_start))


COLD_CLI = "cold `cargohold artifact list -o json`"
COLD_API = "cold `Client().artifacts.versions()`"
WARM_CLI = "warm `cargohold artifact list -o json`"
WARM_API = "warm `Client().artifacts.versions()`"


def run_catalog(workdir: Path, rounds: int) -> Report:
    """Fill one S3 store on moto, then measure every case: ``min(rounds, LIST_ROUNDS)``
    rounds of the listings, ``rounds`` of describe and load (after one untimed round)."""
    workdir.mkdir(parents=True, exist_ok=True)
    with S3.start(workdir) as server:
        bucket = S3.new_bucket(server)
        root = f"s3://{bucket}/shared"

        def reader(label: str) -> Path:
            """A new config directory with the shared store registered: another machine."""
            config_dir = workdir / label
            client_with_store(config_dir, S3, server, root)
            return config_dir

        def cold(action: Callable[[Path], None], label: str) -> Callable[[int], Callable[[], None]]:
            return lambda round_number: functools.partial(action, reader(f"{label}-{round_number}"))

        def warm(action: Callable[[Path], None]) -> Callable[[int], Callable[[], None]]:
            return lambda round_number: functools.partial(action, warm_dir)

        print(f"catalog: writing {VERSIONS:,} versions ...", file=sys.stderr)
        populate_seconds = populate(client_with_store(workdir / "writer", S3, server, root))
        print(f"catalog: written in {populate_seconds:.0f} s", file=sys.stderr)
        warm_dir = reader("warm")
        cli_list(warm_dir)  # fills its manifest cache, as any earlier listing would have
        raw = S3.raw_filesystem(server)
        prefix = f"{bucket}/shared/{CATALOG}"

        def raw_find() -> None:
            found = raw.find(prefix, detail=True)
            if len(found) != 2 * VERSIONS:
                raise RuntimeError(f"find() of the catalogue gave {len(found)} objects")

        raw_listing = Case(
            "raw s3fs `find` of the catalogue (claims and manifests)",
            "s",
            lambda round_number: raw_find,
            LISTING_PAGES,
            0,
        )
        listings = [
            Case(
                f"{COLD_CLI} of {VERSIONS:,} versions (new config dir)",
                "s",
                cold(cli_list, "cold-cli"),
                LISTING_PAGES,
                VERSIONS,
            ),
            Case(
                f"{COLD_API} of {VERSIONS:,} versions (new config dir)",
                "s",
                cold(api_list, "cold-api"),
                LISTING_PAGES,
                VERSIONS,
            ),
            Case(
                f"{WARM_CLI} of {VERSIONS:,} versions (manifests cached)",
                "s",
                warm(cli_list),
                LISTING_PAGES,
                0,
            ),
            Case(
                f"{WARM_API} of {VERSIONS:,} versions (manifests cached)",
                "s",
                warm(api_list),
                LISTING_PAGES,
                0,
                reference=raw_listing,
            ),
        ]
        name, number = DESCRIBED
        known = [
            Case(
                f"`cargohold artifact describe {name}:{number} -o json`",
                "ms",
                warm(cli_describe),
                0,
                1,
            ),
            Case(f"`Client().artifacts.load({name!r}, {number})`", "ms", warm(api_load), 0, 1),
        ]
        log = RequestLog(server)
        samples: dict[str, list[Sample]] = {}
        # The listings take a minute a round cold: fewer rounds, and no untimed one
        # (the cold ones cannot repeat anyway, and the warm one was run above).
        schedule = [
            ([*listings, raw_listing], range(min(rounds, LIST_ROUNDS)), 0),
            (known, range(rounds + 1), 1),
        ]
        for cases, round_numbers, untimed in schedule:
            for round_number in round_numbers:
                # Each round starts with the next case: none always follows the same one.
                shift = round_number % len(cases)
                for case in cases[shift:] + cases[:shift]:
                    sample = measure(log, server, case.prepare(round_number))
                    if round_number >= untimed:
                        samples.setdefault(case.label, []).append(sample)
                print(f"catalog: round {round_number + 1} done", file=sys.stderr)
    return Report(populate_seconds, [*listings, *known, raw_listing], samples)


# -- figures -------------------------------------------------------------------------------


def _scaled(case: Case, taken: Sequence[Sample]) -> tuple[float, ...]:
    return tuple(s.seconds * (1000 if case.unit == "ms" else 1) for s in taken)


def measured(report: Report) -> list[Measured]:
    """Rows: each case's time and request counts, and list requests per 1,000 versions.
    A case that is only another's comparison gets no rows of its own."""
    references = {c.reference.label for c in report.cases if c.reference is not None}
    rows: list[Measured] = []
    for case in report.cases:
        if case.label in references:
            continue
        taken = report.samples[case.label]
        rows += [
            Measured(
                label=f"{case.label}: time",
                samples=_scaled(case, taken),
                unit=case.unit,
                reference=None if case.reference is None else case.reference.label,
                reference_samples=()
                if case.reference is None
                else _scaled(case, report.samples[case.reference.label]),
            ),
            Measured(
                label=f"{case.label}: list requests",
                samples=tuple(float(s.requests.lists) for s in taken),
                unit="requests",
                target=case.lists,
            ),
            Measured(
                label=f"{case.label}: manifest reads",
                samples=tuple(float(s.requests.manifest_reads) for s in taken),
                unit="requests",
                target=case.manifest_reads,
            ),
        ]
    warm = report.samples[report.case(WARM_CLI).label]
    rows.append(
        Measured(
            label="list requests per 1,000 versions (warm `artifact list`, 1,000-key pages)",
            samples=tuple(s.requests.lists / (VERSIONS / 1000) for s in warm),
            unit="requests",
            target=2 * PAGE_KEYS / 1000,
        )
    )
    return rows


def _median(values: Sequence[float | None]) -> float | None:
    """The median, or None when any value is missing (no /proc)."""
    if not values or any(v is None for v in values):
        return None
    return statistics.median(v for v in values if v is not None)


def requests_table(report: Report) -> str:
    """Every request each case sent, by kind, and where its time went."""
    lines = [
        "## Requests and time per case (`catalog`)",
        "",
        "Requests the server logged in one run of each case, and the medians of the wall"
        " time and of the CPU time that the server (moto) and the client (this process,"
        " with the CLI's child process) spent on it.",
        "",
        "| case | list | manifest GET | other GET | HEAD | PUT | all | wall s"
        " | server CPU s | client CPU s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for case in report.cases:
        taken = report.samples[case.label]
        last = taken[-1].requests
        varied = "" if all(s.requests == last for s in taken) else " (varied; last round shown)"
        server = _median([s.server_cpu for s in taken])
        lines.append(
            f"| {case.label}{varied} | {last.lists:,} | {last.manifest_reads:,}"
            f" | {last.other.get('GET', 0):,} | {last.other.get('HEAD', 0):,}"
            f" | {last.other.get('PUT', 0):,} | {last.total:,}"
            f" | {statistics.median(s.seconds for s in taken):.2f}"
            f" | {'—' if server is None else f'{server:.2f}'}"
            f" | {statistics.median(s.client_cpu for s in taken):.2f} |"
        )
    return "\n".join(lines)

"""Run cargohold's benchmarks and rewrite bench/RESULTS.md. ``nox -s bench`` runs this.

Each benchmark is one entry in ``BENCHMARKS``: a function that takes the run
options and returns rows (one per measured case) plus notes and extra sections for
the results file. Every row lands in the same results table, so a new benchmark
(data transfer, listing, ...) is a function and one line in ``BENCHMARKS``.

Each benchmark's part of the results file (its rows, and a section that names the
machine, date and command of its run) is replaced only when it runs: ``--only``
keeps the other benchmarks' figures as the file had them.

    python bench/run.py                      # everything, 15 runs after 2 warm-ups
    python bench/run.py --only cli-startup --runs 30
    python bench/run.py --check              # exit 1 when a median misses its target
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

# This file runs as a script: its own folder holds the benchmark modules, and the
# repository root the test support (servers, request logs) the data benchmarks share.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import catalog_listing
import cli_startup
import data_transfer
import zenml_reference
from stats import Measured, quartiles

BENCH_DIR = Path(__file__).resolve().parent
DEFAULT_RESULTS = BENCH_DIR / "RESULTS.md"


# Moving hundreds of MiB per run takes seconds, not milliseconds: fewer runs than the
# CLI cases get, but enough that one round slowed by the emulator's own garbage
# collection (Azurite's reads varied 1.1-1.6 s within one run of 5) cannot move a median.
DATA_RUNS = 9


@dataclass(frozen=True)
class Options:
    runs: int
    warmups: int
    workdir: Path
    reference: bool = True
    data_runs: int = DATA_RUNS


@dataclass(frozen=True)
class Row:
    """One measured case. Times are in ``unit``; ``target`` is the goal for the median."""

    benchmark: str
    case: str
    median: float
    q1: float
    q3: float
    minimum: float
    maximum: float
    runs: int
    unit: str = "ms"
    target: float | None = None
    # The comparison measured in the same run, and how many times faster we must be.
    reference: str | None = None
    reference_median: float | None = None
    min_speedup: float | None = None

    @classmethod
    def from_samples(cls, benchmark: str, measured: Measured) -> Row:
        """A row of ``measured``'s median, quartiles and range, beside its comparison."""
        q1, q3 = quartiles(measured.samples)
        return cls(
            benchmark=benchmark,
            case=measured.label,
            median=statistics.median(measured.samples),
            q1=q1,
            q3=q3,
            minimum=min(measured.samples),
            maximum=max(measured.samples),
            runs=len(measured.samples),
            unit=measured.unit,
            target=measured.target,
            reference=measured.reference,
            reference_median=(
                statistics.median(measured.reference_samples)
                if measured.reference_samples
                else None
            ),
            min_speedup=measured.min_speedup,
        )

    @property
    def speedup(self) -> float | None:
        if self.reference_median is None or self.median <= 0:
            return None
        return self.reference_median / self.median

    @property
    def meets_target(self) -> bool | None:
        verdicts = []
        if self.target is not None:
            verdicts.append(self.median <= self.target)
        if self.min_speedup is not None and self.speedup is not None:
            verdicts.append(self.speedup >= self.min_speedup)
        return all(verdicts) if verdicts else None


@dataclass
class Outcome:
    rows: list[Row]
    notes: list[str] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Benchmark:
    name: str
    summary: str
    run: Callable[[Options], Outcome]


# -- benchmarks ------------------------------------------------------------------------


def _import_tables(report: cli_startup.StartupReport, top: int = 15) -> str:
    argv = " ".join(cli_startup.PROFILED_ARGV)
    by_cumulative = sorted(
        (c for c in report.imports if c.depth == 0), key=lambda c: c.cumulative_us, reverse=True
    )[:top]
    by_self = sorted(report.imports, key=lambda c: c.self_us, reverse=True)[:top]
    lines = [
        f"## Import profile of `cargohold {argv}`",
        "",
        f"`python -X importtime`, median of {report.import_runs} runs per module, in"
        " milliseconds. Same environment as the timings (bytecode present). Importtime"
        " adds its own overhead, so the totals exceed the wall times above; use it to"
        " rank modules, not to time the command.",
        "",
        f"Top-level imports (imported by no other module), by cumulative time, top {top}:",
        "",
        "| module | cumulative ms | self ms |",
        "|---|---:|---:|",
    ]
    lines += [
        f"| `{c.module}` | {c.cumulative_us / 1000:.1f} | {c.self_us / 1000:.1f} |"
        for c in by_cumulative
    ]
    lines += [
        "",
        f"Every module, by self time (its own body, children excluded), top {top}:",
        "",
        "| module | self ms | cumulative ms |",
        "|---|---:|---:|",
    ]
    lines += [
        f"| `{c.module}` | {c.self_us / 1000:.1f} | {c.cumulative_us / 1000:.1f} |" for c in by_self
    ]
    return "\n".join(lines)


def cli_startup_benchmark(options: Options) -> Outcome:
    zenml = None
    if options.reference:
        zenml = zenml_reference.zenml_reference(
            options.workdir, cli_startup.child_env(options.workdir / "pycache")
        )
    report = cli_startup.run_startup(
        options.workdir, runs=options.runs, warmups=options.warmups, zenml=zenml
    )
    rows = []
    for timing in report.timings:
        q1, q3 = timing.quartiles
        case = timing.case
        reference = None
        if timing.reference_ms and case.reference is not None:
            reference = "`zenml " + " ".join(case.reference) + "`"
        rows.append(
            Row(
                benchmark="cli-startup",
                case=f"`{case.label}`",
                median=timing.median,
                q1=q1,
                q3=q3,
                minimum=timing.minimum,
                maximum=timing.maximum,
                runs=len(timing.samples_ms),
                target=case.target_ms,
                reference=reference,
                reference_median=statistics.median(timing.reference_ms)
                if timing.reference_ms
                else None,
                min_speedup=case.min_speedup,
            )
        )
    checks = "; ".join(
        f"`{c.label}`: {c.modules - len(c.without_bytecode)} of {c.modules}" for c in report.checks
    )
    notes = [
        "Each run is a new process started from this script (spawn to exit, output"
        " discarded), so the figures include interpreter start-up; the"
        " `python -c pass` row is that floor. Cases are interleaved round by round"
        f" after {options.warmups} untimed warm-up rounds; {options.runs} timed runs each.",
        "`PYTHONDONTWRITEBYTECODE` is removed from the children's environment: with it"
        " set and no bytecode on disk, every import compiles from source, which an"
        " installed cargohold never does. The children use a private"
        " `PYTHONPYCACHEPREFIX`; before timing, `python -m compileall` compiles into it"
        f" every module of {', '.join(report.compiled)}, and a priming run adds the"
        " standard-library modules the commands import.",
        "`cargohold --help` prints the help text click rendered on the previous run"
        " (stored under the config directory's `cache/`, re-rendered when the CLI module"
        " or the width changes); the warm-up runs store it, as a user's first `--help`"
        " does. The `python -m cargohold --help` row always renders through click: it is"
        " what the first run costs.",
        f"Imported modules that came from valid bytecode (checked with `-B`): {checks}.",
        "`CARGOHOLD_LOAD_PLUGINS` and `CARGOHOLD_DEBUG` are removed too, so every"
        f" installed plugin loads: {', '.join(report.plugins)}.",
        "Each case runs against its own `CARGOHOLD_CONFIG_DIR`: a new one (the `default`"
        " store only), or, for the P3 rows, one where"
        f" {cli_startup.LARGE_STATE_STORES:,} stores (local, s3 and memory in turn) were"
        " registered through `Client` before timing.",
        (
            f"Comparison: {report.reference}."
            if report.reference
            else "Comparison: not measured in this run (`--no-reference`)."
        ),
    ]
    missing = sorted({m for c in report.checks for m in c.without_bytecode})
    if missing:
        notes.append(
            "**Warning:** these modules had no valid bytecode, so the figures are"
            f" pessimistic: {', '.join(f'`{m}`' for m in missing)}."
        )
    return Outcome(rows=rows, notes=notes, sections=[_import_tables(report)])


def data_benchmark(options: Options) -> Outcome:
    data = data_transfer
    measured = data.run_data(options.workdir, options.data_runs, warmups=1)
    rows = [Row.from_samples("data", m) for m in measured]
    notes = [
        "The servers are the ones the tests use, on loopback, started for this benchmark:"
        " moto (`moto_server`) for S3, fake-gcs-server for GCS, Azurite for Azure. In each"
        " round the store and its comparisons run against the same server, one after the"
        " other, each round starting with the next case in turn;"
        f" 1 untimed round, then {options.data_runs} timed rounds (P7: at most 3).",
        f"P4 (and P8 on GCS, Azure): {data.SMALL_FILES:,} files of"
        f" {data.SMALL_FILE_BYTES // 1024} KiB saved as one folder artifact in the local"
        " store, then copied with `Client().artifacts.copy` (the engine of"
        " `artifact-store copy`: 8 workers, every file checked against its recorded sha256 on"
        " the way and against the MD5 the server lists for it afterwards)."
        " Beside it, in the same round: a loop that streams each file through the two"
        " stores' `open` one after the other, and the raw filesystem's batch"
        " `put(recursive=True)` of the folder (no verification).",
        f"P5 (and P8): {data.LARGE_OBJECT_BYTES // data.MiB} MiB written in"
        f" {data.CHUNK_BYTES // data.MiB} MiB chunks through `store.open(path, 'wb')`, then"
        " read back in the same chunks; the comparison is a plain s3fs, gcsfs or adlfs"
        " filesystem (no instance or listings cache) doing the same. The speed-up column"
        " is raw time over ours: at least 0.9 means at least 0.9x raw throughput.",
        f"P6: {data.TREE_OBJECTS:,} one-byte objects under {data.TREE_PREFIXES}"
        " prefixes, walked with `store.walk` and with s3fs's `walk` (fsspec's default,"
        " one listing per directory). List requests are counted from the server's own"
        " request log (`GET ...?list-type=2` lines), not estimated.",
        f"P7: a {data.HUGE_FILE_BYTES // data.MiB} MiB artifact copied local -> S3 in a"
        " child process; the figure is its peak RSS (`VmHWM`) minus its RSS just before"
        " the copy, with cargohold, s3fs and the S3 client already loaded. `VmHWM`, not"
        " `ru_maxrss`: Linux carries a parent's peak over into the child's `ru_maxrss`"
        " across fork and exec, so the benchmark's own memory would show up there."
        f" The store waits up to {data.HUGE_FILE_READ_TIMEOUT:.0f} s for an answer (15 s by"
        " default): moto assembles the whole object before it answers the request that"
        " completes the upload.",
    ]
    notes += copy_limits(rows)
    return Outcome(rows=rows, notes=notes)


def copy_limits(rows: Sequence[Row]) -> list[str]:
    """For each missed P4-style target, whether the server itself rules it out.

    The raw batch put sends one request per file, concurrently, and verifies nothing:
    no client can copy the files in less time on that server. When beating the
    per-file loop by the target factor would take less than that, the target cannot
    be met there, and the note says so with both figures.
    """
    notes = []
    for against_loop, against_raw in itertools.pairwise(rows):
        if against_loop.reference != "per-file copy loop" or against_loop.meets_target:
            continue
        loop, raw = against_loop.reference_median, against_raw.reference_median
        if loop is None or raw is None or against_loop.min_speedup is None:
            continue
        needed = loop / against_loop.min_speedup
        verdict = (
            "less than the raw batch put needs on the same server, so the server is the"
            " limit, not the copy"
            if needed < raw
            else "more than the raw batch put needs, so the copy itself is short of it"
        )
        notes.append(
            f"{against_loop.case.split(' copy')[0]}: the per-file loop took {loop:.1f} s;"
            f" {against_loop.min_speedup:g}x faster would be {needed:.1f} s, {verdict}"
            f" ({against_raw.reference}: {raw:.1f} s, cargohold {against_loop.median:.1f} s"
            " with every file verified)."
        )
    return notes


def catalog_benchmark(options: Options) -> Outcome:
    catalog = catalog_listing
    report = catalog.run_catalog(options.workdir / "catalog", options.data_runs)
    rows = [Row.from_samples("catalog", m) for m in catalog.measured(report)]
    return Outcome(
        rows=rows, notes=catalog_notes(report), sections=[catalog.requests_table(report)]
    )


def catalog_notes(report: catalog_listing.Report) -> list[str]:
    catalog = catalog_listing
    rounds = len(report.samples[report.case(catalog.COLD_CLI).label])
    known = len(report.samples[report.case("`Client().artifacts.load").label])

    def median_of(label_start: str, figure: Callable[[catalog_listing.Sample], float]) -> float:
        return statistics.median(figure(s) for s in report.samples[report.case(label_start).label])

    # What a cold listing pays beyond a warm one is its manifest reads: per manifest,
    # the difference over the number read.
    extra = median_of(catalog.COLD_API, lambda s: s.seconds) - median_of(
        catalog.WARM_API, lambda s: s.seconds
    )
    per_manifest = extra / catalog.VERSIONS * 1000
    server_cold = median_of(catalog.COLD_API, lambda s: s.server_cpu or 0.0)
    server_warm = median_of(catalog.WARM_API, lambda s: s.server_cpu or 0.0)
    client_cold = median_of(catalog.COLD_API, lambda s: s.client_cpu)
    client_warm = median_of(catalog.WARM_API, lambda s: s.client_cpu)
    pages = catalog.LISTING_PAGES
    return [
        f"One S3 store on moto (`moto_server`, on loopback) holds {catalog.VERSIONS:,}"
        f" versions: {catalog.PER_NAME:,} of each of {len(catalog.NAMES)} names, one small"
        " `bytes` file each, so the bucket holds 3 objects per version (claim, manifest,"
        " data). Version 1 of each name was saved with `Client().artifacts.save`; the"
        " others copy that manifest with their own number, file and checksum, written"
        " as `save` writes them with the number known: the claim and the manifest with the"
        " store's `create_new`, the file through `store.open`, three PUTs a version, from"
        f" {catalog.WRITERS} threads, in {report.populate_seconds:.0f} s. (`save` itself"
        " would first list the name's folder and check that the data folder is empty:"
        " listings that moto answers by scanning every key in the bucket, slower the"
        " fuller it gets.)",
        "Requests are counted on the server side: moto logs one line per request it"
        " answers, and each run of a case is bracketed by `tests/s3/helpers.RequestLog`"
        " (read the log's size before; after, send a marker request and wait until the log"
        " shows it). A list request is a `GET ...?list-type=2`; a manifest read is a `GET`"
        f" of a `.json` object under `{catalog.CATALOG}/`. Every other request is in the"
        " table below. Nothing is estimated.",
        "Cold: each round registers the same root in a new config directory, so the"
        " manifest cache (`<config dir>/cache/manifests/`) is empty: this is what a second"
        " machine pays the first time it lists the store. The listing is one recursive"
        f" `list_files` of the catalogue: {catalog.VERSIONS * 2:,} keys (a claim and a"
        f" manifest per version) in {pages} pages of {catalog.PAGE_KEYS:,}. Then every"
        " manifest is fetched, one GET each (several at once), because the listing gives only"
        " names and sizes, and S3 has no request that returns many objects' contents."
        f" Each costs about {per_manifest:.1f} ms here (the cold minus the warm"
        " `versions()`, over the manifests read); moto spent"
        f" {server_cold - server_warm:.1f} s of CPU on them and the client"
        f" {client_cold - client_warm:.1f} s (the S3 client library builds, signs, sends and"
        " parses each request)."
        " Every fetched manifest goes into the cache, so each later listing on that machine"
        " is warm.",
        "Warm: a config directory whose cache already holds every manifest (filled by one"
        " untimed `artifact list`). The listing is the same, and no manifest is read: a"
        " cached manifest is used while the listing shows the object with the same size."
        " Its time is nearly all the server's listing, as the raw s3fs `find` of the same"
        " prefix beside it shows: moto builds every page by scanning and sorting the"
        " bucket's keys, so its pages get slower as the bucket grows (a cost S3 does not"
        " have).",
        "`describe` and `load` of a known version (`name:N`) read that one manifest and"
        " list nothing: the manifest is read even when cached, as the spec says. `load` then"
        " reads the data file (the HEAD and GET in the table: `store.open` asks for the"
        " object's size first).",
        f"The listings ran {rounds} rounds each (cases in turn, each round starting with the"
        " next one; a cold listing takes long on moto, see above), `describe` and `load`"
        f" {known} after one untimed round. CLI cases run `cargohold` as a child process"
        " (interpreter start-up included) with `CARGOHOLD_LOAD_PLUGINS` and"
        " `PYTHONDONTWRITEBYTECODE` removed from its environment; API cases build a new"
        " `Client` each run, in this process.",
    ]


BENCHMARKS: tuple[Benchmark, ...] = (
    Benchmark("cli-startup", "cold wall time of CLI commands", cli_startup_benchmark),
    Benchmark("data", "copies, large objects and listing on S3, GCS, Azure", data_benchmark),
    Benchmark(
        "catalog", "artifact list, describe and load at 10,000 versions on S3", catalog_benchmark
    ),
)


# -- the results file ------------------------------------------------------------------


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    if sys.platform == "darwin":
        result = subprocess.run(
            ["sysctl", "-n", "machdep.cpu.brand_string"], capture_output=True, text=True
        )
        if result.returncode == 0 and result.stdout.strip():
            return result.stdout.strip()
    return platform.processor() or platform.machine() or "unknown"


def core_counts() -> str:
    logical = os.cpu_count() or 0
    try:
        available = len(os.sched_getaffinity(0))
    except AttributeError:
        return f"{logical} logical"
    return f"{logical} logical, {available} available to this process"


def source_revision() -> str:
    """The checked-out commit, and whether the tree has changes (read-only git calls)."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=BENCH_DIR,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=BENCH_DIR,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{head} (with uncommitted changes)" if dirty else head


def cargohold_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("cargohold")
    except PackageNotFoundError:
        return "not installed"


def load_average() -> str:
    """1, 5 and 15-minute load: other work on the machine shows up in the spread."""
    try:
        return ", ".join(f"{load:.2f}" for load in os.getloadavg())
    except (AttributeError, OSError):
        return "unknown"


def machine_table(now: datetime.datetime) -> list[str]:
    facts = [
        ("CPU", cpu_model()),
        ("Cores", core_counts()),
        (
            "Python",
            f"{platform.python_implementation()} {platform.python_version()} ({sys.executable})",
        ),
        ("OS", platform.platform()),
        ("Date", now.strftime("%Y-%m-%d %H:%M UTC")),
        ("Load average at start", load_average()),
        ("cargohold", f"{cargohold_version()}, source {source_revision()}"),
    ]
    return ["| | |", "|---|---|", *(f"| {key} | {value} |" for key, value in facts)]


def _figure(value: float, unit: str) -> str:
    return f"{value:.1f} {unit}"


def _speedup_goal(min_speedup: float) -> str:
    # A goal below 1x is a bound on time ("at most 1.2x raw time"), which reads better
    # than its reciprocal as a speed-up.
    if min_speedup >= 1:
        return f"≥ {min_speedup:g}x"
    return f"≥ {min_speedup:.2f}x, at most {1 / min_speedup:.2f}x its time"


def _comparison(row: Row) -> str:
    if row.reference is None or row.reference_median is None or row.speedup is None:
        return "—"
    wanted = "" if row.min_speedup is None else f" (target {_speedup_goal(row.min_speedup)})"
    if row.unit == "requests":
        ratio = f"{row.speedup:.1f}x fewer"
    elif row.speedup >= 1:
        ratio = f"{row.speedup:.1f}x faster"
    else:
        ratio = f"{row.speedup:.2f}x its speed"
    return f"{row.reference} {_figure(row.reference_median, row.unit)}: {ratio}{wanted}"


RESULTS_HEADER = [
    "| benchmark | case | median | IQR (q1-q3) | min-max | runs | target (median)"
    " | comparison, same run | |",
    "|---|---|---:|---:|---:|---:|---:|---|---|",
]


def table_row(row: Row) -> str:
    target = "—" if row.target is None else f"≤ {_figure(row.target, row.unit)}"
    verdict = {True: "meets", False: "misses", None: ""}[row.meets_target]
    return (
        f"| {row.benchmark} | {row.case} | **{_figure(row.median, row.unit)}** | "
        f"{row.q1:.1f}-{row.q3:.1f} | {row.minimum:.1f}-{row.maximum:.1f} | {row.runs} | "
        f"{target} | {_comparison(row)} | {verdict} |"
    )


def results_table(rows: Sequence[Row]) -> list[str]:
    return [*RESULTS_HEADER, *map(table_row, rows)]


# Each benchmark's section of the results file sits between these two comments, so that
# a run of other benchmarks can find it and keep it as it is.
SECTION_START = "<!-- benchmark: {} -->"
SECTION_END = "<!-- end of benchmark: {} -->"


@dataclass(frozen=True)
class Kept:
    """A benchmark's part of an earlier results file, as that file had it."""

    rows: list[str]  # its lines of the results table
    section: str  # its section, start and end comments included


def benchmark_section(
    benchmark: Benchmark, outcome: Outcome, machine: Sequence[str], command: str
) -> str:
    """Where, when and how ``benchmark`` was measured: the machine table of this run,
    the command, the notes and the benchmark's own extra sections."""
    lines = [
        SECTION_START.format(benchmark.name),
        f"## How `{benchmark.name}` was measured",
        "",
        f"Run with `{command}`, on:",
        "",
        *machine,
    ]
    if outcome.notes:
        lines += ["", *(f"- {note}" for note in outcome.notes)]
    for section in outcome.sections:
        lines += ["", section]
    return "\n".join([*lines, SECTION_END.format(benchmark.name)])


def _table_lines(text: str) -> list[str]:
    """The rows of the results table in a results file."""
    lines = text.splitlines()
    try:
        start = lines.index(RESULTS_HEADER[1]) + 1
    except ValueError:
        return []
    return list(itertools.takewhile(lambda line: line.startswith("| "), lines[start:]))


def _unmarked_section(text: str, name: str) -> str | None:
    """``name``'s section of a results file written before sections were marked: one
    machine table and command for the whole file, then per benchmark a "How" section
    followed by its extra sections. Returned in the marked form, machine included."""
    chunks = re.split(r"(?m)^(?=## )", text)
    heading = f"## How `{name}` was measured"
    starts = [i for i, chunk in enumerate(chunks) if chunk.startswith(heading)]
    machine = next((chunk for chunk in chunks if chunk.startswith("## Machine")), None)
    command = re.search(r"Command: `([^`]*)`", text)
    if not starts or machine is None or command is None:
        return None
    later = range(starts[0] + 1, len(chunks))
    end = next((i for i in later if chunks[i].startswith("## How `")), len(chunks))
    notes = chunks[starts[0]].removeprefix(heading).strip()
    lines = [
        SECTION_START.format(name),
        heading,
        "",
        f"Run with `{command.group(1)}`, on:",
        "",
        *(line for line in machine.splitlines() if line.startswith("|")),
        "",
        notes,
        *("\n" + chunk.strip() for chunk in chunks[starts[0] + 1 : end]),
        SECTION_END.format(name),
    ]
    return "\n".join(lines)


def kept_parts(text: str, names: Sequence[str]) -> dict[str, Kept]:
    """The parts of an earlier results file that belong to the benchmarks ``names``."""
    table = _table_lines(text)
    kept = {}
    for name in names:
        rows = [line for line in table if line.startswith(f"| {name} | ")]
        marked = re.search(
            re.escape(SECTION_START.format(name)) + ".*?" + re.escape(SECTION_END.format(name)),
            text,
            re.DOTALL,
        )
        section = marked.group(0) if marked else _unmarked_section(text, name)
        if rows or section:
            kept[name] = Kept(rows, section or "")
    return kept


def render(
    outcomes: Sequence[tuple[Benchmark, Outcome]],
    kept: Mapping[str, Kept],
    machine: Sequence[str],
    command: str,
) -> str:
    """The results file: the benchmarks run now, and the ``kept`` parts of the others,
    in the order of ``BENCHMARKS``."""
    fresh = {benchmark.name: outcome for benchmark, outcome in outcomes}
    lines = [
        "# Benchmark results",
        "",
        "Written by `bench/run.py` (`nox -s bench`); rerun it rather than editing this file."
        " Each benchmark's section names the machine, date and command of the run that"
        " measured it: a run of some benchmarks (`--only`) replaces their rows and sections"
        " and keeps the others'.",
        "",
        "## Results",
        "",
        "Medians over the runs, in each row's unit. Targets are from the issues that asked"
        " for each benchmark: the performance issue, and for `catalog` the store catalogue's.",
        "",
        *RESULTS_HEADER,
    ]
    sections = []
    for benchmark in BENCHMARKS:
        if benchmark.name in fresh:
            outcome = fresh[benchmark.name]
            lines += map(table_row, outcome.rows)
            sections.append(benchmark_section(benchmark, outcome, machine, command))
        elif benchmark.name in kept:
            lines += kept[benchmark.name].rows
            if kept[benchmark.name].section:
                sections.append(kept[benchmark.name].section)
    for section in sections:
        lines += ["", section]
    return "\n".join(lines) + "\n"


# -- command line ----------------------------------------------------------------------


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    names = [b.name for b in BENCHMARKS]
    parser.add_argument("--runs", type=int, default=15, help="timed runs per case (15)")
    parser.add_argument("--warmups", type=int, default=2, help="untimed runs first (2)")
    parser.add_argument(
        "--data-runs",
        type=int,
        default=DATA_RUNS,
        help=f"timed rounds of the data benchmarks ({DATA_RUNS})",
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=names,
        help="run only this benchmark (repeatable); the file keeps the others' figures",
    )
    parser.add_argument("--results", type=Path, default=DEFAULT_RESULTS, help="file to rewrite")
    parser.add_argument("--no-write", action="store_true", help="print, leave the file alone")
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    parser.add_argument(
        "--no-reference",
        action="store_true",
        help="skip the zenml comparison (no virtualenv, no download)",
    )
    args = parser.parse_args(argv)
    if args.runs < 1 or args.data_runs < 1 or args.warmups < 0:
        parser.error("--runs and --data-runs must be at least 1, --warmups at least 0")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(arguments)
    selected = [b for b in BENCHMARKS if not args.only or b.name in args.only]
    now = datetime.datetime.now(datetime.timezone.utc)
    # Taken before the benchmarks run: the load average is the one they started under.
    machine = machine_table(now)
    outcomes = []
    with tempfile.TemporaryDirectory(prefix="cargohold-bench-") as workdir:
        options = Options(
            runs=args.runs,
            warmups=args.warmups,
            workdir=Path(workdir),
            reference=not args.no_reference,
            data_runs=args.data_runs,
        )
        for benchmark in selected:
            print(f"running {benchmark.name}: {benchmark.summary} ...", file=sys.stderr)
            outcomes.append((benchmark, benchmark.run(options)))
    # What the file held for the benchmarks not run now stays, so that a run of one
    # benchmark does not throw away the others' figures.
    others = [b.name for b in BENCHMARKS if b not in selected]
    earlier = args.results.read_text(encoding="utf-8") if args.results.exists() else ""
    command = " ".join(["python bench/run.py", *arguments])
    text = render(outcomes, kept_parts(earlier, others), machine, command)
    if args.no_write:
        print(text)
    else:
        args.results.write_text(text, encoding="utf-8")
        print(f"wrote {args.results}", file=sys.stderr)
    rows = [row for _, outcome in outcomes for row in outcome.rows]
    print("\n".join(results_table(rows)), file=sys.stderr)
    missed = [row for row in rows if row.meets_target is False]
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())

"""CLI start-up benchmark: cold wall time of ``cargohold`` commands, one process per run.

Every run is a fresh interpreter, as when a user types the command. The operating
system's file cache is warm (the warm-up runs see to that), but nothing else is.

Bytecode matters more than anything else here: an interpreter started with
``PYTHONDONTWRITEBYTECODE=1`` and no existing ``.pyc`` files compiles every module
from source on every run, which is not what an installed ``cargohold`` does. So the
child processes get an environment without that variable and with a private
``PYTHONPYCACHEPREFIX``; the installed packages are compiled into that prefix
before measuring, the warm-up runs fill in whatever else the commands import (the
standard library), and a check run confirms that every imported module came from
bytecode.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import sysconfig
import textwrap
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, distribution, entry_points
from pathlib import Path

from stats import quartiles
from zenml_reference import ReferenceCLI

ENTRY_POINT_GROUP = "cargohold"
# Variables that would make a run unlike a user's: no bytecode, or fewer plugins.
REMOVED_FROM_CHILD_ENV = (
    "PYTHONDONTWRITEBYTECODE",
    "PYTHONPYCACHEPREFIX",
    "CARGOHOLD_LOAD_PLUGINS",
    "CARGOHOLD_DEBUG",
)


# The state a case runs against: a new config directory (the ``default`` store only),
# or one holding 10,000 registered stores.
FRESH_STATE = "fresh"
LARGE_STATE = "10k-stores"
LARGE_STATE_STORES = 10_000
DESCRIBED_STORE = "store-05000"


@dataclass(frozen=True)
class StartupCase:
    """One command to time. ``argv`` is None for the bare-interpreter reference.

    ``reference`` names the zenml command measured beside it (same arguments, run in
    its own virtualenv) and ``min_speedup`` the factor cargohold must beat it by.
    """

    label: str
    argv: tuple[str, ...] | None
    target_ms: float | None = None
    state: str = FRESH_STATE
    reference: tuple[str, ...] | None = None
    min_speedup: float | None = None
    # Run as ``python -m cargohold``: always through click, never the stored help.
    as_module: bool = False


CASES: tuple[StartupCase, ...] = (
    StartupCase("python -c pass (interpreter floor, reference)", None),
    StartupCase(
        "P1 cargohold --help",
        ("--help",),
        target_ms=60.0,
        reference=("--help",),
        min_speedup=25.0,
    ),
    StartupCase(
        "python -m cargohold --help (rendered by click, as on a first run; reference)",
        ("--help",),
        as_module=True,
    ),
    StartupCase(
        "P2 cargohold artifact-store list",
        ("artifact-store", "list"),
        target_ms=150.0,
        reference=("artifact-store", "list"),
        min_speedup=15.0,
    ),
    StartupCase(
        "P2 cargohold artifact-store flavor list",
        ("artifact-store", "flavor", "list"),
        target_ms=250.0,
        reference=("artifact-store", "flavor", "list"),
        min_speedup=15.0,
    ),
    StartupCase(
        "P3 cargohold artifact-store list (10,000 stores)",
        ("artifact-store", "list"),
        target_ms=300.0,
        state=LARGE_STATE,
    ),
    StartupCase(
        f"P3 cargohold artifact-store describe {DESCRIBED_STORE} (10,000 stores)",
        ("artifact-store", "describe", DESCRIBED_STORE),
        target_ms=100.0,
        state=LARGE_STATE,
    ),
)
PROFILED_ARGV: tuple[str, ...] = ("--help",)


@dataclass(frozen=True)
class Timing:
    """Wall-clock samples of one case, in milliseconds; ``reference_ms`` are zenml's."""

    case: StartupCase
    samples_ms: tuple[float, ...]
    reference_ms: tuple[float, ...] = ()

    @property
    def median(self) -> float:
        return statistics.median(self.samples_ms)

    @property
    def minimum(self) -> float:
        return min(self.samples_ms)

    @property
    def maximum(self) -> float:
        return max(self.samples_ms)

    @property
    def quartiles(self) -> tuple[float, float]:
        return quartiles(self.samples_ms)


@dataclass(frozen=True)
class BytecodeCheck:
    """How many source modules a command imported, and which had no valid bytecode."""

    label: str
    modules: int
    without_bytecode: tuple[str, ...]


@dataclass(frozen=True)
class ImportCost:
    """One line of ``python -X importtime``, median over several runs (microseconds)."""

    module: str
    depth: int
    self_us: float
    cumulative_us: float


@dataclass
class StartupReport:
    timings: list[Timing]
    checks: list[BytecodeCheck]
    compiled: list[str]
    imports: list[ImportCost]
    import_runs: int
    plugins: list[str] = field(default_factory=list)
    reference: str | None = None


# -- environment and bytecode ----------------------------------------------------------


def cargohold_script() -> Path:
    """The ``cargohold`` console script of the interpreter running this benchmark."""
    scripts = Path(sysconfig.get_path("scripts"))
    for name in ("cargohold", "cargohold.exe"):
        candidate = scripts / name
        if candidate.exists():
            return candidate
    raise SystemExit(f"no cargohold script in {scripts}; install the project into this Python")


def child_env(pycache_prefix: Path) -> dict[str, str]:
    """The parent's environment, minus what would distort start-up, plus the bytecode prefix."""
    env = {k: v for k, v in os.environ.items() if k not in REMOVED_FROM_CHILD_ENV}
    env["PYTHONPYCACHEPREFIX"] = str(pycache_prefix)
    return env


def _requirement_names(dist_name: str) -> list[str]:
    from packaging.requirements import Requirement

    names = []
    for line in distribution(dist_name).requires or []:
        requirement = Requirement(line)
        if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
            names.append(requirement.name)
    return names


def distribution_closure(roots: Iterable[str]) -> list[str]:
    """``roots`` and, recursively, their unconditional requirements that are installed."""
    seen: dict[str, None] = {}
    pending = list(roots)
    while pending:
        name = pending.pop()
        key = name.lower().replace("_", "-")
        if key in seen:
            continue
        try:
            pending.extend(_requirement_names(name))
        except PackageNotFoundError:
            continue
        seen[key] = None
    return sorted(seen)


def plugin_distributions() -> list[str]:
    """Distributions that provide a ``cargohold`` entry point."""
    found = {ep.dist.name for ep in entry_points(group=ENTRY_POINT_GROUP) if ep.dist is not None}
    return sorted(found)


def import_locations(dist_name: str) -> list[Path]:
    """Top-level packages and modules a distribution installs, editable source dirs included."""
    dist = distribution(dist_name)
    locations: set[Path] = set()
    for file in dist.files or []:
        parts = file.parts
        if not parts or parts[0] == ".." or parts[0].endswith((".dist-info", ".egg-info")):
            continue
        if file.suffix == ".pth":
            # An editable install points at its source folder from a .pth file.
            for line in Path(str(dist.locate_file(file))).read_text().splitlines():
                folder = Path(line.strip())
                if line.strip() and not line.startswith(("#", "import")) and folder.is_dir():
                    locations.add(folder)
        elif file.suffix == ".py":
            locations.add(Path(str(dist.locate_file(parts[0]))))
    return sorted(locations)


def compile_installed(python: str, env: Mapping[str, str], distributions: Sequence[str]) -> None:
    """Compile the distributions' modules into the child environment's bytecode prefix."""
    targets = sorted({str(p) for name in distributions for p in import_locations(name)})
    if targets:
        subprocess.run(
            [python, "-m", "compileall", "-q", "-j", "0", *targets],
            env=dict(env),
            check=True,
            stdout=subprocess.DEVNULL,
        )


_CHECK_SCRIPT = textwrap.dedent(
    """
    import importlib, importlib.util, json, os, struct, sys
    sys.argv = [sys.argv[0], *json.loads(os.environ["BENCH_ARGV"])]
    if os.environ["BENCH_ENTRY"]:
        main = getattr(importlib.import_module(os.environ["BENCH_ENTRY"]), "main")
        try:
            main()
        except SystemExit:
            pass

    def fresh(origin, cached):
        try:
            with open(cached, "rb") as handle:
                header = handle.read(16)
        except OSError:
            return False
        if header[:4] != importlib.util.MAGIC_NUMBER:
            return False
        flags, mtime, size = struct.unpack("<III", header[4:16])
        if flags:
            return True  # hash-based pyc: validated by the loader itself
        stat = os.stat(origin)
        return mtime == int(stat.st_mtime) & 0xFFFFFFFF and size == stat.st_size & 0xFFFFFFFF

    modules, missing = 0, []
    for name, module in sorted(sys.modules.items()):
        spec = getattr(module, "__spec__", None)
        origin = getattr(spec, "origin", None) or ""
        if not origin.endswith(".py") or not getattr(spec, "cached", None):
            continue
        modules += 1
        if not fresh(origin, spec.cached):
            missing.append(name)
    sys.stdout.write(json.dumps({"modules": modules, "missing": missing}))
    """
)


def check_bytecode(python: str, env: Mapping[str, str], case: StartupCase) -> BytecodeCheck:
    """Run ``case`` in-process with ``-B`` and list imported modules that lacked valid bytecode.

    ``-B`` stops the interpreter from writing bytecode, so a module compiled from
    source during this run stays visible as missing afterwards.
    """
    import json

    check_env = {
        **env,
        "BENCH_ARGV": json.dumps(list(case.argv or ())),
        # What the case runs: the console script's module, or click's (python -m).
        "BENCH_ENTRY": ""
        if case.argv is None
        else "cargohold.cli"
        if case.as_module
        else "cargohold._console",
    }
    result = subprocess.run(
        [python, "-B", "-c", _CHECK_SCRIPT],
        env=check_env,
        check=True,
        capture_output=True,
        text=True,
    )
    # The CLI prints its own output first; the report is the last JSON object.
    report = json.loads(result.stdout[result.stdout.rindex('{"modules"') :])
    return BytecodeCheck(case.label, int(report["modules"]), tuple(report["missing"]))


# -- timing ----------------------------------------------------------------------------


def command(python: str, script: Path, case: StartupCase) -> list[str]:
    if case.argv is None:
        return [python, "-c", "pass"]
    if case.as_module:
        return [python, "-m", "cargohold", *case.argv]
    return [str(script), *case.argv]


_LARGE_STATE_SCRIPT = textwrap.dedent(
    """
    import sys
    from cargohold import Client

    client = Client()
    flavors = ("local", "s3", "memory")
    paths = ("/tmp/cargohold-bench/{}", "s3://bench-bucket/{}", "memory://bench/{}")
    for index in range(int(sys.argv[1])):
        kind = index % len(flavors)
        name = f"store-{index:05d}"
        client.register_artifact_store(name, flavors[kind], {"path": paths[kind].format(name)})
    """
)


def prepare_states(python: str, env: Mapping[str, str], workdir: Path) -> dict[str, Path]:
    """A config directory per state; the large one is filled through the Python API."""
    states = {FRESH_STATE: workdir / "state-fresh", LARGE_STATE: workdir / "state-10k"}
    subprocess.run(
        [python, "-c", _LARGE_STATE_SCRIPT, str(LARGE_STATE_STORES)],
        env={**env, "CARGOHOLD_CONFIG_DIR": str(states[LARGE_STATE])},
        check=True,
    )
    return states


def case_env(
    env: Mapping[str, str], states: Mapping[str, Path], case: StartupCase
) -> dict[str, str]:
    return {**env, "CARGOHOLD_CONFIG_DIR": str(states[case.state])}


def time_once(argv: Sequence[str], env: Mapping[str, str]) -> float:
    """Wall time of one child process, from spawn to exit, in milliseconds."""
    start = time.perf_counter()
    completed = subprocess.run(
        list(argv), env=dict(env), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    elapsed = (time.perf_counter() - start) * 1000.0
    if completed.returncode != 0:
        message = completed.stderr.decode(errors="replace").strip()
        raise SystemExit(f"{' '.join(argv)} exited {completed.returncode}: {message}")
    return elapsed


def time_cases(
    cases: Sequence[StartupCase],
    python: str,
    script: Path,
    envs: Sequence[Mapping[str, str]],
    runs: int,
    warmups: int,
    zenml: ReferenceCLI | None = None,
) -> list[Timing]:
    """Time every case ``runs`` times after ``warmups`` untimed runs, each with its env.

    Cases (and their zenml references) are interleaved round by round, so slow drift
    of the machine (thermal, other load) spreads over all of them instead of biasing
    the last one.
    """
    jobs: list[tuple[int, list[str], Mapping[str, str]]] = []
    for index, (case, env) in enumerate(zip(cases, envs, strict=True)):
        jobs.append((index, command(python, script, case), env))
        if zenml is not None and case.reference is not None:
            jobs.append((-1 - index, [str(zenml.script), *case.reference], zenml.env))
    for _ in range(warmups):
        for _, argv, env in jobs:
            time_once(argv, env)
    samples: dict[int, list[float]] = {key: [] for key, _, _ in jobs}
    for _ in range(runs):
        for key, argv, env in jobs:
            samples[key].append(time_once(argv, env))
    return [
        Timing(case, tuple(samples[index]), tuple(samples.get(-1 - index, ())))
        for index, case in enumerate(cases)
    ]


# -- import profile --------------------------------------------------------------------

_IMPORTTIME = re.compile(r"^import time:\s+(\d+)\s+\|\s+(\d+)\s+\|(\s+)(\S+)\s*$")


def parse_importtime(stderr: str) -> list[ImportCost]:
    """Parse ``-X importtime`` lines; depth 0 is a module imported by no other module."""
    costs = []
    for line in stderr.splitlines():
        match = _IMPORTTIME.match(line)
        if match:
            self_us, cumulative_us, indent, module = match.groups()
            depth = (len(indent) - 1) // 2
            costs.append(ImportCost(module, depth, float(self_us), float(cumulative_us)))
    return costs


def profile_imports(
    python: str, script: Path, env: Mapping[str, str], argv: Sequence[str], runs: int
) -> list[ImportCost]:
    """``python -X importtime`` of the CLI, each module's median over ``runs`` runs."""
    per_module: dict[str, list[ImportCost]] = {}
    for _ in range(runs):
        result = subprocess.run(
            [python, "-X", "importtime", str(script), *argv],
            env=dict(env),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            check=True,
        )
        for cost in parse_importtime(result.stderr):
            per_module.setdefault(cost.module, []).append(cost)
    merged = []
    for module, costs in per_module.items():
        merged.append(
            ImportCost(
                module=module,
                depth=min(c.depth for c in costs),
                self_us=statistics.median(c.self_us for c in costs),
                cumulative_us=statistics.median(c.cumulative_us for c in costs),
            )
        )
    return merged


# -- the benchmark ---------------------------------------------------------------------


def loaded_plugins(script: Path, env: Mapping[str, str]) -> list[str]:
    """Every plugin the CLI sees, with its status, so a result says what was loaded."""
    import json

    result = subprocess.run(
        [str(script), "plugins", "list", "--output", "json"],
        env=dict(env),
        capture_output=True,
        text=True,
        check=True,
    )
    return [f"{row['name']} ({row['status']})" for row in json.loads(result.stdout)]


def run_startup(
    workdir: Path, runs: int, warmups: int, zenml: ReferenceCLI | None, import_runs: int = 5
) -> StartupReport:
    python = sys.executable
    script = cargohold_script()
    env = child_env(workdir / "pycache")
    distributions = sorted(set(distribution_closure(["cargohold"])) | set(plugin_distributions()))
    compile_installed(python, env, distributions)
    states = prepare_states(python, env, workdir)
    envs = [case_env(env, states, case) for case in CASES]
    # Warm-ups run before the check so that the standard-library modules the commands
    # import are compiled into the prefix, as they are in an installed Python.
    for case, case_environment in zip(CASES, envs, strict=True):
        time_once(command(python, script, case), case_environment)
    checks = [check_bytecode(python, e, case) for case, e in zip(CASES, envs, strict=True)]
    timings = time_cases(CASES, python, script, envs, runs=runs, warmups=warmups, zenml=zenml)
    fresh_env = case_env(env, states, CASES[0])
    imports = profile_imports(python, script, fresh_env, PROFILED_ARGV, runs=import_runs)
    return StartupReport(
        timings=timings,
        checks=checks,
        compiled=distributions,
        imports=imports,
        import_runs=import_runs,
        plugins=loaded_plugins(script, fresh_env),
        reference=zenml.description if zenml is not None else None,
    )

"""pip (or uv) in this interpreter's environment, with a preflight that refuses to
change what the user already has, and pip-tools for hash-pinned locks.

pip and pip-tools are run as subprocesses, never imported: their output is theirs,
their configuration (pip.conf, ``PIP_*`` variables) applies because they read it
themselves, and the core gains no dependency.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cargohold.errors import InstallError
from cargohold.integrations import canonical

PIP_REPORT_MINIMUM = (22, 2)

# uv reads UV_* settings, not pip's; these PIP_* variables are forwarded as options
# unless the uv setting is already there (pip.conf itself is not read by uv).
_FORWARDED_TO_UV = (
    ("PIP_INDEX_URL", ("UV_INDEX_URL", "UV_DEFAULT_INDEX"), "--index-url"),
    ("PIP_EXTRA_INDEX_URL", ("UV_EXTRA_INDEX_URL", "UV_INDEX"), "--extra-index-url"),
    ("PIP_FIND_LINKS", ("UV_FIND_LINKS",), "--find-links"),
    ("PIP_CONSTRAINT", ("UV_CONSTRAINT",), "--constraint"),
)
_UV_PLAN_LINE = re.compile(r"^\s*([-+~])\s+([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==(\S+)")


@dataclass(frozen=True)
class Change:
    """A package the user already has that the install would move to another version."""

    name: str
    old: str
    new: str
    reasons: tuple[str, ...] = ()

    @property
    def kind(self) -> str:
        from packaging.version import InvalidVersion, Version

        try:
            return "upgrade" if Version(self.new) > Version(self.old) else "downgrade"
        except InvalidVersion:
            return "change"

    def describe(self) -> str:
        why = f": {'; '.join(self.reasons)}" if self.reasons else ""
        return f"{self.name} {self.old} -> {self.new} ({self.kind}{why})"


@dataclass(frozen=True)
class InstallPlan:
    """What ``install`` will run and what the preflight found."""

    tool: str
    command: tuple[str, ...]
    requirements: tuple[str, ...]
    additions: tuple[tuple[str, str], ...] = ()
    changes: tuple[Change, ...] = ()
    preflight: str | None = None  # how the plan was resolved; None when it was not

    @property
    def command_line(self) -> str:
        return shlex.join(self.command)


@dataclass(frozen=True)
class UninstallPlan:
    tool: str
    command: tuple[str, ...]
    distributions: tuple[str, ...]
    absent: tuple[str, ...] = field(default=())

    @property
    def command_line(self) -> str:
        return shlex.join(self.command)


# -- which tool -------------------------------------------------------------------------


def pip_available() -> bool:
    return importlib.util.find_spec("pip") is not None


def uv_executable() -> str | None:
    """uv next to this interpreter (installed in the same environment), else on PATH."""
    sibling = Path(sys.executable).with_name("uv")
    if sibling.is_file() and os.access(sibling, os.X_OK):
        return str(sibling)
    return shutil.which("uv")


def choose_tool(use_uv: bool) -> str:
    if use_uv:
        if uv_executable() is None:
            raise InstallError("--uv was given but uv is not installed; pip install uv")
        return "uv"
    if pip_available():
        return "pip"
    if uv_executable() is not None:
        return "uv"
    raise InstallError(
        f"neither pip nor uv is available for {sys.executable}; "
        f"run `{sys.executable} -m ensurepip` or install uv"
    )


def uv_config_args(environ: Mapping[str, str]) -> list[str]:
    """Options that give uv the index, find-links and constraints pip would read from
    ``PIP_*`` variables."""
    args: list[str] = []
    for pip_name, uv_names, option in _FORWARDED_TO_UV:
        value = environ.get(pip_name, "").strip()
        if value and not any(environ.get(name) for name in uv_names):
            for item in value.split():
                args += [option, item]
    if environ.get("PIP_NO_INDEX", "").lower() in ("1", "true", "yes", "on") and not environ.get(
        "UV_NO_INDEX"
    ):
        args.append("--no-index")
    return args


def base_command(tool: str, action: str) -> list[str]:
    if tool == "pip":
        return [sys.executable, "-m", "pip", action]
    uv = uv_executable()
    if uv is None:
        raise InstallError("uv is not installed; pip install uv")
    return [uv, "pip", action, "--python", sys.executable]


def install_command(tool: str, requirements: Sequence[str], upgrade: bool) -> list[str]:
    command = base_command(tool, "install")
    if tool == "uv":
        command += uv_config_args(os.environ)
    if upgrade:
        command.append("--upgrade")
    return command + list(requirements)


def uninstall_command(tool: str, distributions: Sequence[str]) -> list[str]:
    command = base_command(tool, "uninstall")
    if tool == "pip":
        command.append("--yes")  # cargohold has asked already
    return command + list(distributions)


# -- preflight --------------------------------------------------------------------------


def installed_distributions() -> dict[str, str]:
    """Canonical name -> version of what this interpreter sees (first on sys.path wins,
    as for imports)."""
    from importlib.metadata import distributions

    found: dict[str, str] = {}
    for distribution in distributions():
        name = distribution.metadata["Name"]
        if name:
            found.setdefault(canonical(name), distribution.version)
    return found


def _reasons(name: str, old: str, report: Mapping[str, Any], requested: Sequence[str]) -> list[str]:
    """Which requirement, requested or of a package in the plan, excludes version ``old``."""
    from packaging.requirements import InvalidRequirement, Requirement

    def excludes(line: str) -> bool:
        try:
            requirement = Requirement(line)
        except InvalidRequirement:
            return False
        if canonical(requirement.name) != name:
            return False
        if requirement.marker is not None:
            try:
                if not requirement.marker.evaluate({"extra": ""}):
                    return False
            except Exception:  # an unknown marker variable: do not guess
                return False
        return not requirement.specifier.contains(old, prereleases=True)

    reasons = [f"requested {line}" for line in requested if excludes(line)]
    for item in report.get("install", []):
        metadata = item.get("metadata", {})
        for line in metadata.get("requires_dist", []) or []:
            if excludes(line):
                reasons.append(f"{metadata.get('name')} {metadata.get('version')} requires {line}")
    return reasons


def compare(
    report: Mapping[str, Any],
    installed: Mapping[str, str],
    requested: Sequence[str] = (),
    allowed: Collection[str] = (),
) -> tuple[list[tuple[str, str]], list[Change]]:
    """Split a pip installation report into new packages and changes to installed ones.

    ``allowed`` holds canonical names the user asked to change (``--upgrade`` of the
    integration itself); anything else already installed at another version is a change.
    """
    additions: list[tuple[str, str]] = []
    changes: list[Change] = []
    for item in report.get("install", []):
        metadata = item.get("metadata", {})
        name, new = str(metadata.get("name", "")), str(metadata.get("version", ""))
        key = canonical(name)
        old = installed.get(key)
        if old is None:
            additions.append((name, new))
        elif old != new and key not in allowed:
            changes.append(Change(name, old, new, tuple(_reasons(key, old, report, requested))))
    return additions, changes


def parse_uv_plan(text: str) -> dict[str, Any]:
    """``uv pip install --dry-run`` output as the part of a pip report that ``compare``
    reads (uv says nothing of why, so there are no requirements)."""
    install = []
    for line in text.splitlines():
        match = _UV_PLAN_LINE.match(line)
        if match and match.group(1) != "-":
            install.append({"metadata": {"name": match.group(2), "version": match.group(3)}})
    return {"install": install}


def _last_error(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    # pip's resolver errors start with a multiplication sign, uv's with "error:".
    markers = ("error", "\N{MULTIPLICATION SIGN}")
    errors = [line for line in lines if line.lower().startswith(markers)]
    return " ".join((errors or lines or ["no output"])[-1].split())


def _pip_version() -> tuple[int, ...]:
    from importlib.metadata import version

    return tuple(int(part) for part in re.findall(r"\d+", version("pip"))[:2])


def preflight_possible() -> bool:
    return not pip_available() or _pip_version() >= PIP_REPORT_MINIMUM


def refusal(changes: Sequence[Change]) -> InstallError:
    """The one-line summary of a refused install (the changes are listed before it)."""
    names = ", ".join(change.name for change in changes)
    count = f"{len(changes)} package{'s' if len(changes) > 1 else ''}"
    return InstallError(
        f"the install would change {count} you already have ({names}); nothing was changed. "
        "Install compatible versions first, or pass --force to install anyway"
    )


def resolve(requirements: Sequence[str], upgrade: bool) -> tuple[dict[str, Any], str]:
    """What an install would do, changing nothing: pip's report when pip is here (it
    says why), else uv's dry run."""
    flags = ["--upgrade"] if upgrade else []
    if pip_available():
        if _pip_version() < PIP_REPORT_MINIMUM:
            raise InstallError(
                "the preflight needs pip 22.2 or newer; upgrade it "
                f"(`{sys.executable} -m pip install -U pip`) or pass --force to skip it"
            )
        command = [sys.executable, "-m", "pip", "install", "--dry-run", "--report", "-"]
        command += ["--quiet", *flags, *requirements]
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode != 0:
            raise InstallError(
                f"pip cannot resolve {' '.join(requirements)}: {_last_error(done.stderr)}"
            )
        return json.loads(done.stdout), "pip install --dry-run --report"
    command = [*install_command("uv", requirements, upgrade)]
    command.insert(command.index("--python"), "--dry-run")
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise InstallError(
            f"uv cannot resolve {' '.join(requirements)}: {_last_error(done.stderr)}"
        )
    return parse_uv_plan(done.stderr + done.stdout), "uv pip install --dry-run"


def plan_install(
    requirements: Sequence[str],
    distributions: Iterable[str],
    *,
    use_uv: bool = False,
    upgrade: bool = False,
    preflight: bool = True,
) -> InstallPlan:
    tool = choose_tool(use_uv)
    command = tuple(install_command(tool, requirements, upgrade))
    if not preflight:
        return InstallPlan(tool, command, tuple(requirements))
    report, how = resolve(requirements, upgrade)
    allowed = {canonical(name) for name in distributions} if upgrade else set()
    additions, changes = compare(report, installed_distributions(), requirements, allowed)
    return InstallPlan(tool, command, tuple(requirements), tuple(additions), tuple(changes), how)


def run(command: Sequence[str]) -> None:
    """Run pip or uv with the user's terminal, so its progress and errors are seen as is."""
    done = subprocess.run(list(command))
    if done.returncode != 0:
        raise InstallError(
            f"`{shlex.join(command)}` failed with exit code {done.returncode} "
            "(its output above says why)"
        )


# -- locks ------------------------------------------------------------------------------


def _pip_compile() -> list[str]:
    if importlib.util.find_spec("piptools") is not None:
        return [sys.executable, "-m", "piptools", "compile"]
    raise InstallError(
        "--lock needs pip-tools in this environment: pip install pip-tools "
        f"(into the environment of {sys.executable})"
    )


def lock(requirements: Sequence[str], shown_command: str) -> str:
    """A fully pinned requirements file with hashes, from pip-compile.

    pip-compile reads pip's configuration, so find-links and indexes that serve local
    builds (a wheelhouse of cargohold distributions) are used and written into the file.
    """
    command = _pip_compile()
    with tempfile.TemporaryDirectory(prefix="cargohold-lock-") as folder:
        source = Path(folder) / "requirements.in"
        source.write_text("".join(f"{line}\n" for line in requirements))
        command += [
            "--generate-hashes",
            "--allow-unsafe",
            "--strip-extras",
            "--quiet",
            "--output-file",
            "requirements.txt",
            "requirements.in",
        ]
        # Without this the header would show the temporary folder's pip-compile command.
        env = {**os.environ, "CUSTOM_COMPILE_COMMAND": shown_command}
        done = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise InstallError(f"pip-compile failed: {_last_error(done.stderr + done.stdout)}")
        return (Path(folder) / "requirements.txt").read_text()

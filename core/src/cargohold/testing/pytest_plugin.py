"""The cargohold pytest plugin (entry point ``cargohold`` in the ``pytest11`` group).

It loads in every pytest session of an environment where cargohold is installed, so it
only adds an option and a summary section, and imports the standard library and pytest
alone: not pydantic, not the stores, not the conformance suite. Disable it with
``-p no:cargohold``; the suite itself works without it.
"""

from __future__ import annotations

from collections import defaultdict

import pytest

from cargohold.testing.capabilities import parse_skip_reason

# Failing asserts in the suite show both sides, whatever way cargohold was installed.
# Registered before any of these is imported; the suite is never imported here.
pytest.register_assert_rewrite(
    "cargohold.testing.helpers",
    "cargohold.testing.suite_base",
    "cargohold.testing.suite_batch",
    "cargohold.testing.suite_create",
    "cargohold.testing.suite_files",
    "cargohold.testing.suite_paths",
    "cargohold.testing.suite_tree",
)


def _size(text: str) -> int:
    """``8388608``, ``512K``, ``64M`` or ``1G``, in bytes (powers of 1024)."""
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    cleaned = text.strip().upper().removesuffix("IB").removesuffix("B")
    factor = units.get(cleaned[-1:], 1)
    number = cleaned[:-1] if cleaned[-1:] in units else cleaned
    try:
        return int(number) * factor
    except ValueError:
        raise pytest.UsageError(
            f"--cargohold-large-file-size: {text!r} is not a size (e.g. 0, 512K, 64M)"
        ) from None


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("cargohold", "cargohold artifact-store conformance suite")
    group.addoption(
        "--cargohold-large-file-size",
        dest="cargohold_large_file_size",
        type=_size,
        default=None,
        metavar="SIZE",
        help="bytes in the conformance suite's large-file tests, e.g. 64M to cross a "
        "multipart threshold; 0 skips them (default: each suite's large_file_size)",
    )


def _reason(report: pytest.TestReport) -> str | None:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2])
    return None


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """List the tests skipped because of a capability flag, grouped by suite and flag."""
    grouped: dict[tuple[str, str], list[str]] = defaultdict(list)
    for report in terminalreporter.stats.get("skipped", []):
        reason = _reason(report) if isinstance(report, pytest.TestReport) else None
        parsed = parse_skip_reason(reason) if reason else None
        if parsed is None:
            continue
        suite, _, test = report.nodeid.rpartition("::")
        grouped[(suite, parsed[0])].append(test)
    if not grouped:
        return
    total = sum(len(tests) for tests in grouped.values())
    terminalreporter.write_sep("=", f"cargohold: {total} skipped by capability flags")
    for (suite, setting), tests in sorted(grouped.items()):
        terminalreporter.write_line(f"{suite} [{setting}]: {', '.join(sorted(tests))}")

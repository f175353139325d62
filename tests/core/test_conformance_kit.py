"""The conformance kit itself: broken stores fail it with messages that state the
contract, capability skips are reported, and the pytest plugin stays light.

Each suite run happens in a pytest subprocess over a small generated test module,
the way a flavor author runs it; outcomes are read from its JUnit XML report.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ElementTree
from importlib.metadata import entry_points
from pathlib import Path

import pytest

BROKEN_STORES = """
import time
import uuid

import pytest

from cargohold.stores.base import BaseArtifactStore
from cargohold.stores.builtin_flavors import MemoryArtifactStoreConfig
from cargohold.stores.memory import MemoryArtifactStore
from cargohold.testing import ArtifactStoreConformance


class ListdirGivesPaths(MemoryArtifactStore):
    def listdir(self, path):
        return [f"{path}/{name}" for name in super().listdir(path)]


class RenameAlwaysOverwrites(MemoryArtifactStore):
    def rename(self, src, dst, overwrite=False):
        super().rename(src, dst, overwrite=True)


class WalkIgnoresBottomUp(MemoryArtifactStore):
    def walk(self, top, topdown=True, onerror=None):
        return super().walk(top, True, onerror)


class RemoveOfMissingIsSilent(MemoryArtifactStore):
    def remove(self, path):
        if self.exists(path):
            super().remove(path)


class StatRaisesKeyError(MemoryArtifactStore):
    def stat(self, path):
        if not self.exists(path):
            raise KeyError(path)
        return super().stat(path)


class ListFilesIsShallow(MemoryArtifactStore):
    def list_files(self, top):
        found = super().list_files(top)
        return {path: f for path, f in found.items() if path.rsplit("/", 1)[0] == top}


class DeleteFilesGlobs(MemoryArtifactStore):
    def delete_files(self, paths):
        for path in paths:
            for match in self.glob(path):
                self.remove(match)


class ReadBytesIgnoresEnd(MemoryArtifactStore):
    def read_bytes(self, path, start=0, end=None):
        return super().read_bytes(path, start)


class CreateNewOverwrites(MemoryArtifactStore):
    def create_new(self, path, data):
        with self.open(path, "wb") as handle:
            handle.write(data)


class CreateNewChecksThenWrites(MemoryArtifactStore):
    # Claims an atomic create, but checks and writes in two steps: racing writers all
    # find the path free during the pause, and all write.
    ATOMIC_CREATE = True

    def create_new(self, path, data):
        if self.exists(path):
            raise FileExistsError(path)
        time.sleep(0.05)
        with self.open(path, "wb") as handle:
            handle.write(data)


def suite(store_class, **flags):
    class Suite(ArtifactStoreConformance):
        @pytest.fixture
        def store(self):
            root = f"memory://kit/{uuid.uuid4().hex}"
            store = store_class(MemoryArtifactStoreConfig(path=root))
            yield store
            if store.exists(root):
                store.rmtree(root)

    for flag, value in flags.items():
        setattr(Suite, flag, value)
    return Suite


TestCorrect = suite(MemoryArtifactStore, supports_empty_dirs=False)
TestListdirGivesPaths = suite(ListdirGivesPaths)
TestRenameAlwaysOverwrites = suite(RenameAlwaysOverwrites)
TestWalkIgnoresBottomUp = suite(WalkIgnoresBottomUp)
TestRemoveOfMissingIsSilent = suite(RemoveOfMissingIsSilent)
TestStatRaisesKeyError = suite(StatRaisesKeyError)
TestListFilesIsShallow = suite(ListFilesIsShallow)
TestDeleteFilesGlobs = suite(DeleteFilesGlobs)
TestReadBytesIgnoresEnd = suite(ReadBytesIgnoresEnd)
TestCreateNewOverwrites = suite(CreateNewOverwrites)
TestCreateNewChecksThenWrites = suite(CreateNewChecksThenWrites)
"""

# The base class's create_new (check, then write), declared as not atomic: run on its
# own, since its capability skip would change the counts the main run checks.
NOT_ATOMIC_STORE = """

class CreateNewNotAtomic(MemoryArtifactStore):
    ATOMIC_CREATE = False
    create_new = BaseArtifactStore.create_new


TestCreateNewNotAtomic = suite(CreateNewNotAtomic)
"""


def run_suite(
    directory: Path, *args: str, source: str = BROKEN_STORES
) -> tuple[subprocess.CompletedProcess[str], Path]:
    module = directory / "test_kit_stores.py"
    if not module.exists():
        module.write_text(source)
    report = directory / f"report-{len(list(directory.glob('report-*')))}.xml"
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rs"]
    result = subprocess.run(
        [*command, f"--junitxml={report}", str(module), *args],
        capture_output=True,
        text=True,
        cwd=directory,
        timeout=120,
    )
    return result, report


def outcomes(report: Path) -> dict[str, tuple[str, str]]:
    """``{"TestX::test_y": (outcome, message)}`` from a JUnit XML report."""
    found: dict[str, tuple[str, str]] = {}
    for case in ElementTree.parse(report).iter("testcase"):
        name = f"{case.get('classname', '').rsplit('.', 1)[-1]}::{case.get('name')}"
        outcome, message = "passed", ""
        for kind in ("failure", "error", "skipped"):
            element = case.find(kind)
            if element is not None:
                outcome, message = kind, element.get("message", "")
        found[name] = (outcome, message)
    return found


@pytest.fixture(scope="module")
def kit_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, tuple[str, str]]]:
    directory = tmp_path_factory.mktemp("kit")
    # A small large-file size keeps the run fast and exercises the plugin's option.
    result, report = run_suite(directory, "--cargohold-large-file-size=64K")
    return result.stdout, outcomes(report)


def failures_of(results: dict[str, tuple[str, str]], suite: str) -> dict[str, str]:
    return {
        name.split("::")[1]: message
        for name, (outcome, message) in results.items()
        if name.startswith(f"{suite}::") and outcome in ("failure", "error")
    }


def test_a_correct_store_passes(kit_run: tuple[str, dict[str, tuple[str, str]]]) -> None:
    assert failures_of(kit_run[1], "TestCorrect") == {}
    assert kit_run[1]["TestCorrect::test_open_large_file_round_trip"][0] == "passed"


@pytest.mark.parametrize(
    ("suite", "test", "message"),
    [
        (
            "TestListdirGivesPaths",
            "test_listdir_returns_names_not_paths",
            "listdir() must return entry names (not full paths)",
        ),
        (
            "TestRenameAlwaysOverwrites",
            "test_rename_refuses_to_overwrite_by_default",
            "rename() onto an existing file without overwrite=True must raise: "
            "expected FileExistsError, but it raised nothing",
        ),
        (
            "TestWalkIgnoresBottomUp",
            "test_walk_bottom_up",
            "walk(topdown=False) must yield children before parents",
        ),
        (
            "TestRemoveOfMissingIsSilent",
            "test_remove_missing_raises",
            "remove() of a missing file must raise: expected FileNotFoundError, "
            "but it raised nothing",
        ),
        (
            "TestStatRaisesKeyError",
            "test_stat_missing_raises",
            "stat() of a missing path must raise: expected FileNotFoundError, "
            "but it raised KeyError",
        ),
        (
            "TestListFilesIsShallow",
            "test_list_files_lists_every_file_at_any_depth",
            "list_files() must give every file under top, at any depth",
        ),
        (
            "TestDeleteFilesGlobs",
            "test_delete_files_takes_glob_characters_literally",
            "delete_files() must delete the paths given, not what globs of them match",
        ),
        (
            "TestReadBytesIgnoresEnd",
            "test_read_bytes_reads_ranges",
            "read_bytes(path, 0, 1) must be the file's bytes [0:1]",
        ),
        (
            "TestCreateNewOverwrites",
            "test_create_new_refuses_an_existing_path",
            "create_new() of an existing path must raise: expected FileExistsError, "
            "but it raised nothing",
        ),
        (
            "TestCreateNewChecksThenWrites",
            "test_create_new_has_one_winner_among_racing_writers",
            "create_new() with ATOMIC_CREATE: of 16 writers racing to create one path "
            "exactly one must succeed, but",
        ),
    ],
)
def test_a_broken_store_fails_with_the_rule_it_broke(
    kit_run: tuple[str, dict[str, tuple[str, str]]], suite: str, test: str, message: str
) -> None:
    failures = failures_of(kit_run[1], suite)
    assert test in failures, f"{suite}.{test} should fail; failures: {sorted(failures)}"
    assert message in failures[test]
    assert message in kit_run[0] or message.split(":")[0] in kit_run[0]


def test_a_broken_method_fails_only_tests_that_use_it(
    kit_run: tuple[str, dict[str, tuple[str, str]]],
) -> None:
    # remove() of a missing file is used by no other test: one failure, one message.
    assert list(failures_of(kit_run[1], "TestRemoveOfMissingIsSilent")) == [
        "test_remove_missing_raises"
    ]


def test_capability_skips_are_reported(kit_run: tuple[str, dict[str, tuple[str, str]]]) -> None:
    stdout, results = kit_run
    skipped = {
        name.split("::")[1]
        for name, (outcome, message) in results.items()
        if name.startswith("TestCorrect::") and outcome == "skipped"
    }
    assert skipped == {
        "test_mkdir_creates_one_level",
        "test_empty_directories_are_listed_walked_and_removed",
    }
    assert "cargohold: 2 skipped by capability flags" in stdout
    assert (
        "test_kit_stores.py::TestCorrect [supports_empty_dirs=False]: "
        "test_empty_directories_are_listed_walked_and_removed, test_mkdir_creates_one_level"
    ) in stdout


def test_a_check_then_write_store_fails_only_the_race(
    kit_run: tuple[str, dict[str, tuple[str, str]]],
) -> None:
    # Its create_new refuses an existing path and creates a missing one; only the
    # claim of atomicity is false, and only the race shows it.
    assert list(failures_of(kit_run[1], "TestCreateNewChecksThenWrites")) == [
        "test_create_new_has_one_winner_among_racing_writers"
    ]


def test_a_store_without_atomic_create_skips_only_the_race(tmp_path: Path) -> None:
    result, report = run_suite(
        tmp_path, "-k", "TestCreateNewNotAtomic", source=BROKEN_STORES + NOT_ATOMIC_STORE
    )
    assert result.returncode == 0, result.stdout
    results = outcomes(report)
    skipped = {
        name: message for name, (outcome, message) in results.items() if outcome == "skipped"
    }
    assert skipped == {
        "TestCreateNewNotAtomic::test_create_new_has_one_winner_among_racing_writers": (
            "cargohold capability ATOMIC_CREATE=False: create_new() checks, then writes, "
            "on this store"
        )
    }
    assert results["TestCreateNewNotAtomic::test_create_new_refuses_an_existing_path"] == (
        "passed",
        "",
    )
    assert (
        "[ATOMIC_CREATE=False]: test_create_new_has_one_winner_among_racing_writers"
        in result.stdout
    )


def test_large_file_tests_can_be_switched_off(tmp_path: Path) -> None:
    result, report = run_suite(
        tmp_path, "--cargohold-large-file-size=0", "-k", "TestCorrect and large"
    )
    assert result.returncode == 0, result.stdout
    assert outcomes(report) == {
        "TestCorrect::test_open_large_file_round_trip": (
            "skipped",
            "cargohold capability large_file_size=0: large-file tests are disabled",
        )
    }
    assert "[large_file_size=0]: test_open_large_file_round_trip" in result.stdout


def test_a_bad_size_is_a_usage_error(tmp_path: Path) -> None:
    result, _ = run_suite(tmp_path, "--cargohold-large-file-size=lots")
    assert result.returncode == 4
    assert "--cargohold-large-file-size: 'lots' is not a size" in result.stderr


def test_the_plugin_is_registered_and_light() -> None:
    plugins = {ep.name: ep.value for ep in entry_points(group="pytest11")}
    assert plugins.get("cargohold") == "cargohold.testing.pytest_plugin"
    probe = textwrap.dedent(
        """
        import sys
        import cargohold.testing.pytest_plugin
        heavy = ("pydantic", "fsspec", "cargohold.stores.base",
                 "cargohold.testing.conformance")
        print([name for name in heavy if name in sys.modules])
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
